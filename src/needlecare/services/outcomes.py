"""A clinic's outcomes: counted from the summary tables that each check-in keeps
(services.outcome_rows), so the page costs a few grouped reads, not a pass over check-ins."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, distinct, func, select

from needlecare.outcomes import figures
from needlecare.outcomes.figures import Breakouts, Durations, Group, Rate
from needlecare.outcomes.summary import (
    BREAKOUT_WINDOW_SOURCE,
    COMPLICATION_SOURCES,
    LEVELS,
)
from needlecare.services.principal import Principal
from needlecare.services.scope import require_staff
from needlecare.storage.enums import Level
from needlecare.storage.models import (
    Alert,
    OutcomeDayCount,
    OutcomeTreatment,
    Patient,
    ReminderEvent,
    Treatment,
)
from needlecare.storage.models.jobs import EventKind
from needlecare.storage.uow import UnitOfWork

DAYS_SHOWN = 28  # the by-day breakdown: days 0-28 after treatment
FITZPATRICK = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}
BANDS = {
    "S": "S (0.25-0.5 mm)",
    "M": "M (0.5-1.0 mm)",
    "D": "D (1.0-1.5 mm)",
    "VD": "VD (2.0 mm and deeper)",
    "RF": "RF (radiofrequency)",
}
NOT_RECORDED = "not recorded"
COMPLICATION_DEFINITION = (
    "a treatment with at least one contact-clinic or urgent check-in whose findings cite an "
    "adverse event of the clinical reference (" + ", ".join(COMPLICATION_SOURCES) + ")"
)


@dataclass(frozen=True)
class UrgentAlerts:
    raised: int
    still_open: int
    minutes_to_acknowledge: Durations
    minutes_to_resolve: Durations


@dataclass(frozen=True)
class MissedCheckins:
    missed: int  # missed check-ins (due and not sent in time)
    treatments_with_a_miss: int
    treatments: int  # all of the clinic's treatments
    share: Rate | None  # treatments with at least one missed check-in


@dataclass(frozen=True)
class Outcomes:
    clinic_id: int
    levels: tuple[str, ...]
    followed_treatments: int  # treatments with at least one check-in
    overall: Group
    complications: Rate | None
    complication_definition: str
    by_day: list[Group]
    by_depth_band: list[Group]
    by_device: list[Group]
    by_operator: list[Group]
    by_fitzpatrick: list[Group]
    breakouts: Breakouts
    breakout_window_source: str
    urgent_alerts: UrgentAlerts
    missed_checkins: MissedCheckins
    min_group: int = figures.MIN_GROUP


_COMPLICATIONS = func.sum(case((OutcomeTreatment.complication, 1), else_=0))


def _groups(
    levels: dict[str, Counter[str]], complications: Counter[str], labels: dict[str, str]
) -> list[Group]:
    return [
        figures.group(key, labels.get(key, key), levels[key], complications[key])
        for key in sorted(levels, key=lambda k: (k == "", k))
    ]


def clinic_outcomes(uow: UnitOfWork, actor: Principal) -> Outcomes:
    """The outcomes of the actor's clinic (staff only)."""
    clinic_id = require_staff(actor)
    t = OutcomeTreatment
    with uow.reading():
        session = uow.session
        # Depth band, device and operator as the treatment is recorded now (kept so by
        # outcome_rows.follow_treatment), with the skin type the check-ins were triaged with.
        keys = (t.band, t.device, t.operator, t.fitzpatrick, t.worst_rank)
        combos = session.execute(
            select(*keys, func.count(), _COMPLICATIONS)
            .where(t.clinic_id == clinic_id)
            .group_by(*keys)
        ).all()
        spans = session.execute(
            select(t.breakout_first_day, t.breakout_last_day, func.count())
            .where(t.clinic_id == clinic_id, t.breakout_first_day.is_not(None))
            .group_by(t.breakout_first_day, t.breakout_last_day)
        ).all()
        # Counted as the check-ins arrived (outcome_rows): a row per day and level.
        c = OutcomeDayCount
        days = session.execute(
            select(c.day, c.worst_rank, c.treatments).where(
                c.clinic_id == clinic_id, c.day <= DAYS_SHOWN, c.treatments > 0
            )
        ).all()
        alerts = session.execute(
            select(Alert.created_at, Alert.acknowledged_at, Alert.resolved_at).where(
                Alert.clinic_id == clinic_id, Alert.level == Level.URGENT
            )
        ).all()
        missed, missed_treatments = session.execute(
            select(func.count(), func.count(distinct(ReminderEvent.treatment_id))).where(
                ReminderEvent.clinic_id == clinic_id,
                ReminderEvent.kind == EventKind.MISSED_CHECKIN,
            )
        ).one()
        all_treatments = session.scalar(
            select(func.count())
            .select_from(Treatment)
            .join(Patient, Patient.id == Treatment.patient_id)
            .where(Patient.clinic_id == clinic_id)
        )
    return _assemble(
        clinic_id,
        combos,
        spans,
        days,
        alerts,
        (missed, missed_treatments, all_treatments or 0),
    )


def _assemble(
    clinic_id: int,
    combos: Sequence[Any],
    spans: Sequence[Any],
    days: Sequence[Any],
    alerts: Sequence[Any],
    missed: tuple[int, int, int],
) -> Outcomes:
    dimensions: dict[str, list[tuple[str, str, int, int]]] = {
        "all": [],
        "band": [],
        "device": [],
        "operator": [],
        "fitzpatrick": [],
    }
    for band, device, operator, fitzpatrick, rank, n, k in combos:
        level, k = LEVELS[rank], int(k or 0)
        dimensions["all"].append(("all", level, n, k))
        dimensions["band"].append((band or "", level, n, k))
        dimensions["device"].append((device or "", level, n, k))
        dimensions["operator"].append((operator or "", level, n, k))
        dimensions["fitzpatrick"].append((str(fitzpatrick or ""), level, n, k))
    breakdowns = {name: figures.sum_by(rows) for name, rows in dimensions.items()}
    labels = {
        "band": BANDS,
        "device": {},
        "operator": {},
        "fitzpatrick": {str(k): v for k, v in FITZPATRICK.items()},
    }
    grouped = {
        name: _groups(*breakdowns[name], {"": NOT_RECORDED, **labels[name]}) for name in labels
    }
    everything = breakdowns["all"]
    overall = figures.group(
        "all", "all treatments", everything[0].get("all", Counter()), everything[1]["all"]
    )
    by_day_counts: dict[int, Counter[str]] = {}
    for day, rank, n in days:
        by_day_counts.setdefault(day, Counter())[LEVELS[rank]] += n
    by_day = [
        figures.group(str(day), f"day {day}", by_day_counts.get(day, Counter()))
        for day in range(DAYS_SHOWN + 1)
    ]
    return Outcomes(
        clinic_id=clinic_id,
        levels=LEVELS,
        followed_treatments=overall.n,
        overall=overall,
        complications=overall.complications,
        complication_definition=COMPLICATION_DEFINITION,
        by_day=by_day,
        by_depth_band=grouped["band"],
        by_device=grouped["device"],
        by_operator=grouped["operator"],
        by_fitzpatrick=grouped["fitzpatrick"],
        breakouts=figures.breakouts({(first, last): n for first, last, n in spans}),
        breakout_window_source=BREAKOUT_WINDOW_SOURCE,
        urgent_alerts=_urgent(alerts),
        missed_checkins=_missed(*missed),
    )


def _minutes(start: datetime, end: datetime) -> float:
    return round((end - start).total_seconds() / 60, 1)


def _urgent(alerts: Sequence[Any]) -> UrgentAlerts:
    acknowledged: Counter[float] = Counter()
    resolved: Counter[float] = Counter()
    still_open = 0
    for created, acked, done in alerts:
        # An alert resolved without a separate acknowledgement was acted on when resolved.
        first_action = acked or done
        if first_action is None:
            still_open += 1
            continue
        acknowledged[_minutes(created, first_action)] += 1
        if done is not None:
            resolved[_minutes(created, done)] += 1
    return UrgentAlerts(
        len(alerts), still_open, figures.durations(acknowledged), figures.durations(resolved)
    )


def _missed(missed: int, with_miss: int, treatments: int) -> MissedCheckins:
    share = figures.wilson(with_miss, treatments) if treatments >= figures.MIN_GROUP else None
    return MissedCheckins(missed, with_miss, treatments, share)

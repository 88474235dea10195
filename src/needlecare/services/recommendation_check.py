"""A recommended product against the patient's recovery: the ingredient checker's verdict for
each upcoming day, so a clinician never recommends, without saying so, a product the checker
says to avoid on the days it is meant for ("twice daily from day 1" for a retinol on day 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from needlecare.services import clock, domain, protocols
from needlecare.services.errors import Invalid
from needlecare.services.principal import Principal
from needlecare.services.scope import patient_for, require_staff
from needlecare.services.treatment_in_force import treatment_in_force
from needlecare.storage.models import Treatment
from needlecare.storage.uow import UnitOfWork

HORIZON_DAYS = 14  # the upcoming days shown: the recovery's windows end within two weeks
MAX_FROM_DAY = 365


@dataclass(frozen=True)
class DayVerdict:
    day: int
    date: date | None  # None without a treatment (days then count from an unknown date)
    status: str  # the checker's: recommended, ok, caution, avoid, unknown


@dataclass(frozen=True)
class RecommendationCheck:
    checked: bool  # False without an ingredient list: nothing to check
    from_day: int
    days: list[DayVerdict] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)  # avoid and caution, cited

    @property
    def avoid_days(self) -> list[int]:
        return [d.day for d in self.days if d.status == "avoid"]


def _treatment(session: Any, patient_id: int) -> Treatment | None:
    return treatment_in_force(session, patient_id)


def check_recommendation(
    uow: UnitOfWork,
    actor: Principal,
    patient_id: int,
    inci_text: str,
    *,
    from_day: int | None = None,
    today: date | None = None,
) -> RecommendationCheck:
    """The verdict for each of the next `HORIZON_DAYS` days from `from_day` (default: the
    patient's day today). Staff of the patient's clinic; reads only."""
    require_staff(actor)
    if from_day is not None and not 0 <= from_day <= MAX_FROM_DAY:
        raise Invalid.field("from_day", f"enter a day from 0 to {MAX_FROM_DAY}")
    with uow.reading():
        patient = patient_for(uow.session, actor, patient_id)
        treatment = _treatment(uow.session, patient.id)
        today = today or clock.patient_today(uow.session, patient.id, patient.clinic_id)
        windows = protocols.in_force(uow.session, patient.clinic_id).windows
    current = max(0, (today - treatment.treatment_date).days) if treatment else 0
    if treatment and from_day is not None and from_day < current:
        # "From day 3" for a patient on day 14 is already past: the check (and its "avoid on
        # days 3 to 6") would be about days that are over, not the days the product is used.
        raise Invalid.field(
            "from_day",
            f"the patient is on day {current} of the recovery today: recommend from day "
            f"{current} or later, or leave the day empty to start today",
        )
    start = current if from_day is None else from_day
    if not inci_text.strip():
        return RecommendationCheck(checked=False, from_day=start)
    days: list[DayVerdict] = []
    reasons: dict[str, dict[str, Any]] = {}
    for day in range(start, start + HORIZON_DAYS):
        result = domain.check_label(inci_text, day, treatment, windows)
        verdict = result["verdict"]
        when = treatment.treatment_date + timedelta(days=day) if treatment else None
        days.append(DayVerdict(day=day, date=when, status=str(verdict["status"])))
        for reason in verdict.get("reasons", []):
            if reason.get("status") in ("avoid", "caution"):
                reasons.setdefault(str(reason.get("text")), reason)
    return RecommendationCheck(
        checked=True, from_day=start, days=days, reasons=list(reasons.values())
    )


def require_acknowledged(check: RecommendationCheck, acknowledged: bool) -> None:
    """422 when the checker says "avoid" on a recommended day and nobody confirmed it."""
    if check.avoid_days and not acknowledged:
        first, last = check.avoid_days[0], check.avoid_days[-1]
        span = f"day {first}" if first == last else f"days {first} to {last}"
        raise Invalid.field(
            "acknowledge_avoid",
            f"the ingredient checker says avoid this product on {span} of the recovery; "
            "confirm that you recommend it anyway, or recommend it from a later day",
        )

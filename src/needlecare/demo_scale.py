"""`needlecare demo seed`: a database like several busy clinics after a few years, built fast.

Check-ins come from `demo_courses` (realistic recovery courses, triaged by the product's own
engine); the alerts, audit entries and outcome summaries around them from `demo_history`;
each patient's roster summary by the rules the writers keep (`services.roster`). Rows go in
with SQLAlchemy Core multi-row INSERTs (`returning(..., sort_by_parameter_order=True)` where
ids are needed), a chunk of patients per transaction: the services' row-at-a-time path
would take hours at 1,000,000 check-ins. The same arguments and `--seed` give the same
data (relative to today).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session, sessionmaker

from needlecare.demo_courses import Triage, simulate
from needlecare.demo_history import audit_rows, handled_alert, outcome_summaries
from needlecare.services import outcome_rows, queue_entries
from needlecare.services.passwords import hash_password
from needlecare.storage.enums import ALERT_LEVELS, AlertState, Role
from needlecare.storage.models import (
    Alert,
    AuditEntry,
    Checkin,
    Clinic,
    OutcomeDay,
    OutcomeTreatment,
    Patient,
    Treatment,
    User,
)

# Public on purpose: a demo database's staff logins, printed by the command.
PASSWORD = "scale-demo-pass"  # noqa: S105
CHUNK = 1000  # patients per transaction


def _t(model: Any) -> Table:
    return cast(Table, model.__table__)


# --- The seed -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScaleSpec:
    clinics: int
    patients: int  # in all, spread over the clinics
    days: int  # how far back the first treatments go
    seed: int = 20
    today: date | None = None


@dataclass
class ScaleReport:
    rows: dict[str, int] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    staff: list[str] = field(default_factory=list)

    def add(self, table: str, n: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


# Who performs the sessions, as a clinic records it (`Treatment.operator`, its own words):
# each clinician's name, so the outcomes' operator breakdown has real groups.
def _operator(clinic_no: int, clinician: int) -> str:
    return f"Clinician {clinician} of clinic {clinic_no}"


def _staff(session: Session, clinic_no: int, clinic_id: int, password_hash: str) -> list[int]:
    rows = [
        {
            "email": f"{role}{n}@clinic{clinic_id}.scale.test",
            "password_hash": password_hash,
            "role": Role.ADMIN if role == "admin" else Role.CLINICIAN,
            "clinic_id": clinic_id,
            "display_name": _operator(clinic_no, n)
            if role == "clinician"
            else f"Admin {n} of clinic {clinic_no}",
            "is_active": True,
            "created_at": datetime.now(UTC),
            "session_generation": 0,
        }
        for role, n in (("admin", 1), ("clinician", 1), ("clinician", 2), ("clinician", 3))
    ]
    statement = insert(_t(User)).returning(_t(User).c.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def seed_scale(
    factory: sessionmaker[Session], spec: ScaleSpec, log: Callable[[str], None]
) -> ScaleReport:
    """Add `spec.clinics` clinics with their staff, patients, treatments and check-ins."""
    rng = random.Random(spec.seed)
    # A given `today` is a fixed clock (its last minute), for a reproducible database.
    now = datetime.combine(spec.today, time(23, 59), UTC) if spec.today else datetime.now(UTC)
    today = now.date()
    report, triage = ScaleReport(), Triage()
    password_hash = hash_password(PASSWORD)
    per_clinic = [
        spec.patients // spec.clinics + (c < spec.patients % spec.clinics)
        for c in range(spec.clinics)
    ]
    for clinic_no, n_patients in enumerate(per_clinic, start=1):
        with factory() as session:
            clinic_id = session.scalars(
                insert(_t(Clinic)).returning(_t(Clinic).c.id),
                [
                    {
                        "name": f"Scale clinic {clinic_no}",
                        "created_at": now,
                        "urgent_ack_minutes": 30,
                    }
                ],
            ).one()
            staff = _staff(session, clinic_no, clinic_id, password_hash)
            session.commit()
        report.add("clinic", 1)
        report.add("user_account", len(staff))
        report.staff.append(f"admin1@clinic{clinic_id}.scale.test")
        for start in range(0, n_patients, CHUNK):
            size = min(CHUNK, n_patients - start)
            with factory() as session:
                operators = {uid: _operator(clinic_no, n) for n, uid in enumerate(staff[1:], 1)}
                _chunk(
                    session,
                    rng,
                    triage,
                    report,
                    clinic_id,
                    staff,
                    operators,
                    size,
                    spec.days,
                    today,
                    now,
                )
                session.commit()
            done = report.rows.get("checkin", 0)
            log(f"clinic {clinic_no}: {start + size}/{n_patients} patients, {done} check-ins")
    return report


def _ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    table = _t(model)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _insert(session: Session, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    rows = list(rows)
    if rows:
        session.execute(insert(_t(model)), rows)
    return len(rows)


def _chunk(
    session: Session,
    rng: random.Random,
    triage: Triage,
    report: ScaleReport,
    clinic_id: int,
    staff: list[int],
    operators: dict[int, str],
    size: int,
    days: int,
    today: date,
    now: datetime,
) -> None:
    first_no = report.rows.get("patient", 0) + 1
    sims = [
        simulate(rng, triage, first_no + i, clinic_id, staff, days, today, now) for i in range(size)
    ]
    # Each patient has their own login (they check in themselves).
    user_ids = _ids(
        session,
        User,
        [
            {
                "email": f"patient{first_no + i}@clinic{clinic_id}.scale.test",
                "password_hash": "!seeded",  # no password can match: staff invite them
                "role": Role.PATIENT,
                "clinic_id": clinic_id,
                "display_name": sim.patient["display_name"],
                "is_active": True,
                "created_at": sim.patient["created_at"],
                "session_generation": 0,
            }
            for i, sim in enumerate(sims)
        ],
    )
    checkin_alert: list[dict[str, Any] | None] = []
    for i, sim in enumerate(sims):
        open_ranks = []
        for _, row in sim.checkins:
            alert = (
                handled_alert(rng, row, staff[1:], now) if row["level"] in ALERT_LEVELS else None
            )
            checkin_alert.append(alert)
            if alert is not None and alert["state"] is not AlertState.RESOLVED:
                open_ranks.append(row["level"].rank)
        latest = max((row for _, row in sim.checkins), key=lambda r: r["created_at"], default=None)
        sim.patient.update(
            user_id=user_ids[i],
            last_checkin_at=latest["created_at"] if latest else None,
            last_checkin_day=latest["day"] if latest else None,
            last_level=latest["level"] if latest else None,
            last_treatment_date=max((t["treatment_date"] for t in sim.treatments), default=None),
            open_alerts=len(open_ranks),
            attention=max(open_ranks, default=0),
            last_activity_at=latest["created_at"] if latest else sim.patient["created_at"],
        )
    patient_ids = _ids(session, Patient, [sim.patient for sim in sims])
    treatment_rows, checkin_rows = [], []
    for sim, patient_id in zip(sims, patient_ids, strict=True):
        for t in sim.treatments:
            # The clinician who recorded the session performed it.
            t.update(patient_id=patient_id, operator=operators[t["created_by"]])
            treatment_rows.append(t)
    treatment_ids = iter(_ids(session, Treatment, treatment_rows))
    for sim, patient_id, user_id in zip(sims, patient_ids, user_ids, strict=True):
        ids = [next(treatment_ids) for _ in sim.treatments]
        for t, t_id in zip(sim.treatments, ids, strict=True):
            t["id"] = t_id
        for t_no, row in sim.checkins:
            row.update(patient_id=patient_id, treatment_id=ids[t_no], created_by=user_id)
            checkin_rows.append(row)
    checkin_ids = _ids(session, Checkin, checkin_rows)
    alert_rows = []
    for row, checkin_id, alert in zip(checkin_rows, checkin_ids, checkin_alert, strict=True):
        if alert is not None:
            alert.update(clinic_id=clinic_id, patient_id=row["patient_id"], checkin_id=checkin_id)
            alert_rows.append(alert)
    alert_ids = _ids(session, Alert, alert_rows)
    queue_entries.refresh(session, [row["patient_id"] for row in alert_rows])
    report.add("user_account", len(user_ids))
    report.add("patient", len(patient_ids))
    report.add("treatment", len(treatment_rows))
    report.add("checkin", len(checkin_rows))
    report.add("alert", len(alert_rows))
    report.add(
        "audit_log",
        _insert(
            session,
            AuditEntry,
            audit_rows(
                rng,
                clinic_id,
                staff,
                treatment_rows,
                checkin_rows,
                checkin_ids,
                alert_rows,
                alert_ids,
            ),
        ),
    )
    outcome_treatments, outcome_days = outcome_summaries(clinic_id, treatment_rows, checkin_rows)
    report.add("outcome_treatment", _insert(session, OutcomeTreatment, outcome_treatments))
    report.add("outcome_day", _insert(session, OutcomeDay, outcome_days))
    counts: dict[tuple[int, int], int] = {}
    for row in outcome_days:
        key = (row["day"], row["worst_rank"])
        counts[key] = counts.get(key, 0) + 1
    # Added to the counts of the clinic's earlier chunks, as check-ins would add them.
    outcome_rows.add_counts(session, clinic_id, [(d, r, n) for (d, r), n in sorted(counts.items())])
    for row in checkin_rows:
        report.levels[row["level"].value] = report.levels.get(row["level"].value, 0) + 1

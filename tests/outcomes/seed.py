"""A small clinic whose outcomes are worked out by hand (see test_outcome_figures.py).

Twelve treatments on 1 November 2026 in the alder clinic, check-ins at chosen days:
T1-T6  calm on day 3 (expected)                       band D, Bob, Fitzpatrick III
T7     spots day 3 and day 10 (monitor, monitor)      band D, Bob, III   breakouts 3-10
T8     spots day 5 (monitor), day 17 (contact_clinic, BO-08: a complication)
                                                      band D, Bob, III   breakouts 5-17
T9     fever with pus day 3 (urgent, AE-01)           band D, Bob, III   alert acked 30 min,
                                                                         resolved 90 min
T10    breathing difficulty day 3 (urgent, AE-09)     band D, Bob, III   alert acked 10 min
T11    calm day 3 (expected)                          band S, Alice, not recorded
T12    hives day 5 (contact_clinic, AE-09)            band S, Alice, not recorded
Missed check-ins (reminder events): T1 days 1 and 2, T2 day 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update

from needlecare.services import auth, checkins
from needlecare.services.checkins import CheckinCreate
from needlecare.services.principal import Principal
from needlecare.storage.enums import Device
from needlecare.storage.models import Alert, Patient, ReminderEvent, Treatment
from needlecare.storage.models.jobs import EventKind, EventOutcome
from needlecare.storage.uow import UnitOfWork

TREATED = date(2026, 11, 1)
CALM = {"redness": 0, "swelling": 0, "pain": 0}
SPOTS = {**CALM, "breakouts": {"count": 3, "kind": "whiteheads"}}
FEVER_PUS = {"redness": 2, "fever": True, "pus_or_yellow_crust": True}
BREATHING = {"redness": 1, "breathing_difficulty": True}
HIVES = {"redness": 3, "swelling": 3, "hives": True}
PLAN: list[list[tuple[int, dict[str, Any]]]] = [
    *([[(3, CALM)]] * 6),
    [(3, SPOTS), (10, SPOTS)],
    [(5, SPOTS), (17, SPOTS)],
    [(3, FEVER_PUS)],
    [(3, BREATHING)],
    [(3, CALM)],
    [(5, HIVES)],
]


@dataclass
class Seeded:
    treatments: list[int]
    patients: list[int]
    alerts: list[int]


def at_day(day: int, minutes: int = 0) -> datetime:
    return datetime(TREATED.year, TREATED.month, TREATED.day, 12, tzinfo=UTC) + timedelta(
        days=day, minutes=minutes
    )


def seed_outcomes(uow: UnitOfWork, world: Any) -> Seeded:
    bob = auth.principal_for_token(uow, world.bob.token)
    return seed_clinic(uow, world.alder_id, bob, world.alice.user_id)


def seed_clinic(uow: UnitOfWork, clinic_id: int, bob: Principal, alice_id: int) -> Seeded:
    """The twelve treatments in `clinic_id`: T1-T10 recorded by `bob` (who also sends the
    check-ins) with Bob as operator, T11-T12 by `alice_id` with Alice as operator."""
    seeded = Seeded([], [], [])
    with uow:
        for index in range(12):
            deep = index < 10
            patient = Patient(
                clinic_id=clinic_id,
                display_name=f"Outcome Person {index + 1}",
                email=f"outcome{index + 1}@example.org",
                fitzpatrick=3 if deep else None,
                acne_prone=False,
                history=[],
            )
            uow.session.add(patient)
            uow.flush()
            treatment = Treatment(
                patient_id=patient.id,
                treatment_date=TREATED,
                depth_mm=1.0 if deep else 0.25,
                device=Device.PEN,
                areas=["face"],
                fitzpatrick=None,
                created_by=bob.user_id if deep else alice_id,
                operator="Bob" if deep else "Alice",
            )
            uow.session.add(treatment)
            uow.flush()
            seeded.patients.append(patient.id)
            seeded.treatments.append(treatment.id)
        uow.commit()
    for patient_id, treatment_id, plan in zip(
        seeded.patients, seeded.treatments, PLAN, strict=True
    ):
        for day, symptoms in plan:
            outcome = checkins.submit_checkin(
                uow,
                bob,
                patient_id,
                CheckinCreate(symptoms=symptoms, treatment_id=treatment_id),
                now=at_day(day),
            )
            if outcome.alert_id is not None:
                seeded.alerts.append(outcome.alert_id)
    with uow:
        t9, t10 = seeded.alerts[-3], seeded.alerts[-2]  # T12's contact_clinic alert is last
        uow.session.execute(
            update(Alert)
            .where(Alert.id == t9)
            .values(acknowledged_at=at_day(3, 30), resolved_at=at_day(3, 90))
        )
        uow.session.execute(
            update(Alert).where(Alert.id == t10).values(acknowledged_at=at_day(3, 10))
        )
        for treatment_index, due_day in ((0, 1), (0, 2), (1, 1)):
            uow.session.add(
                ReminderEvent(
                    treatment_id=seeded.treatments[treatment_index],
                    patient_id=seeded.patients[treatment_index],
                    clinic_id=clinic_id,
                    due_day=due_day,
                    kind=EventKind.MISSED_CHECKIN,
                    due_at=at_day(due_day),
                    outcome=EventOutcome.QUEUED,
                )
            )
        uow.commit()
    return seeded

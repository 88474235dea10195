"""Recovery courses for `needlecare demo seed` (demo_scale): each patient's treatments and
check-ins drawn from realistic courses (textbook healing, purging, irritation, infection
signs, allergy) and adherence, triaged by the product's own engine through `services.domain`.

The engine is called once per distinct input: its result does not depend on the calendar
date, only on the day after treatment, the treatment, the profile and the symptoms.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from needlecare.services import domain
from needlecare.storage.enums import Device, Level

CHECKIN_DAYS = 15  # days 0..14 after a treatment, as the reminder plan asks
FIRST = ("Ana", "Ben", "Chloe", "Dev", "Eva", "Finn", "Gia", "Hugo", "Ines", "Jon", "Kai", "Lea")
LAST = ("Smith", "Garcia", "Nguyen", "Okafor", "Rossi", "Kowalski", "Sato", "Dubois", "Silva")

# --- Recovery courses: symptoms by day (drawn once per treatment) ---------------------------


def _calm(day: int, noise: int) -> dict[str, Any]:
    return {
        "redness": min(3, max(0, 2 - day) + (noise == 1)),
        "swelling": max(0, 1 - day),
        "pain": max(0, 3 - day) + (noise == 2),
        "flaking": 2 <= day <= 5,
        "tightness": day <= 3,
    }


def _purging(day: int, noise: int) -> dict[str, Any]:
    symptoms = _calm(day, noise)
    if 3 <= day <= 9 + noise:
        symptoms["breakouts"] = {
            "count": 4 + 2 * noise,
            "kind": "small_red_bumps",
            "outside_treated_area": False,
        }
        symptoms["itch"] = 1
    return symptoms


def _irritation(day: int, noise: int) -> dict[str, Any]:
    symptoms = _calm(day, noise)
    if 2 <= day <= 6:
        symptoms.update(redness=2, itch=2, tingling_or_burning=True)
    return symptoms


def _infection(start: int) -> Callable[[int, int], dict[str, Any]]:
    def course(day: int, noise: int) -> dict[str, Any]:
        if day < start:
            return _calm(day, noise)
        return {
            "redness": 2,
            "swelling": 1,
            "pain": 5,
            "warmth": True,
            "pus_or_yellow_crust": day >= start + noise,
            "worsening": True,
        }

    return course


def _allergy(day: int, noise: int) -> dict[str, Any]:
    if day < 1 + noise:
        return _calm(day, noise)
    return {"redness": 3, "swelling": 3, "itch": 3, "hives": True, "facial_swelling": True}


def _course(rng: random.Random, acne_prone: bool) -> Callable[[int, int], dict[str, Any]]:
    draw = rng.random()
    if draw < 0.005:
        return _allergy
    if draw < 0.03:
        return _infection(rng.randint(3, 10))
    if draw < 0.13:
        return _irritation
    if acne_prone and draw < 0.45:
        return _purging
    return _calm


class Triage:
    """The engine's result per distinct input (results as the service stores them)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def __call__(
        self, key: tuple[Any, ...], payload: dict[str, Any], today: date
    ) -> dict[str, Any]:
        result = self.cache.get(key)
        if result is None:
            result = domain.triage(payload, today, keep_red_flags=True, missing=())
            self.cache[key] = result
        return result


@dataclass(frozen=True)
class _Facts:
    """A treatment and its patient as the domain reads them."""

    treatment_date: date
    depth_mm: float
    device: Device
    areas: list[str]
    fitzpatrick: int | None
    serum: str | None
    acne_prone: bool
    history: list[str]


@dataclass
class Simulated:
    """One patient's rows before they have ids (indexes point into the chunk's lists)."""

    patient: dict[str, Any]
    treatments: list[dict[str, Any]] = field(default_factory=list)
    checkins: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (treatment no, row)


def _patient(
    rng: random.Random, no: int, clinic_id: int, days: int, today: date
) -> tuple[dict[str, Any], date]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    first_treatment = today - timedelta(days=rng.randint(0, days))
    created = datetime.combine(first_treatment - timedelta(days=rng.randint(0, 14)), time(10), UTC)
    return {
        "clinic_id": clinic_id,
        "display_name": f"{first} {last} {no}",
        "email": f"{first.lower()}.{last.lower()}{no}@example.test",
        "fitzpatrick": rng.choices(range(1, 7), weights=(8, 25, 30, 20, 11, 6))[0],
        "acne_prone": rng.random() < 0.25,
        "history": rng.choice(([], [], [], ["rosacea"], ["eczema"], ["keloid"])),
        "created_at": created,
    }, first_treatment


def simulate(
    rng: random.Random,
    triage: Triage,
    no: int,
    clinic_id: int,
    staff: list[int],
    days: int,
    today: date,
    now: datetime,
) -> Simulated:
    patient, treated = _patient(rng, no, clinic_id, days, today)
    sim = Simulated(patient)
    for _ in range(rng.choices((1, 2, 3), weights=(35, 35, 30))[0]):
        if treated > today:
            break
        device = rng.choices(list(Device), weights=(70, 10, 15, 5))[0]
        facts = _Facts(
            treated,
            rng.choices((0.25, 0.5, 1.0, 1.5, 2.0), weights=(15, 30, 30, 17, 8))[0],
            device,
            rng.choice((["face"], ["face"], ["face", "neck"], ["scalp"])),
            patient["fitzpatrick"],
            None,
            patient["acne_prone"],
            patient["history"],
        )
        sim.treatments.append(
            {
                "treatment_date": treated,
                "depth_mm": facts.depth_mm,
                "device": device,
                "areas": facts.areas,
                "fitzpatrick": facts.fitzpatrick,
                "serum": None,
                "created_by": rng.choice(staff[1:]),
                "created_at": datetime.combine(treated, time(11), UTC),
            }
        )
        course, noise, adherence = (
            _course(rng, facts.acne_prone),
            rng.randint(0, 2),
            rng.uniform(0.45, 1.0),
        )
        document = {
            "treatment": domain.treatment_document(facts),
            "profile": domain.profile_document(facts, facts),
        }
        # Everything the result depends on but the date (the engine's cache key).
        same = (
            facts.depth_mm,
            device,
            tuple(facts.areas),
            facts.fitzpatrick,
            repr(document["profile"]),
        )
        for day in range(CHECKIN_DAYS):
            at = datetime.combine(
                treated + timedelta(days=day), time(rng.randint(7, 21), rng.randint(0, 59)), UTC
            )
            if at > now:
                break
            if rng.random() > adherence:
                continue
            symptoms = course(day, noise)
            payload = {**document, "day": day, "symptoms": symptoms}
            result = triage((*same, day, repr(symptoms)), payload, at.date())
            row = {
                "idempotency_key": f"seed-{no}-{len(sim.treatments)}-{day}",
                "day": day,
                "level": Level(result["level"]),
                "phase": str(result.get("phase", ""))[:100],
                "triage_input": payload,
                "triage_result": result,
                "protocol_version": None,
                "created_at": at,
            }
            sim.checkins.append((len(sim.treatments) - 1, row))
        treated += timedelta(days=rng.randint(30, 150))
    return sim

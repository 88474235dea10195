"""The only door to the pure domain (triage, timeline, ingredient checker).

Builds the domain's input documents from stored rows and turns domain validation errors
into `Invalid` with field errors. Never re-implements a rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from needlecare.knowledge.windows import Window
from needlecare.services.errors import FieldError, Invalid
from needlecare.storage.enums import Device
from needlecare.storage.models import Treatment


class TreatmentFacts(Protocol):
    """What the domain reads of a treatment: an ORM row, or the submit path's plain record."""

    @property
    def treatment_date(self) -> date: ...
    @property
    def depth_mm(self) -> float: ...
    @property
    def device(self) -> Device: ...
    @property
    def areas(self) -> list[str]: ...
    @property
    def fitzpatrick(self) -> int | None: ...
    @property
    def serum(self) -> str | None: ...


class PatientFacts(Protocol):
    """What the domain reads of a patient."""

    @property
    def fitzpatrick(self) -> int | None: ...
    @property
    def acne_prone(self) -> bool: ...
    @property
    def history(self) -> list[str]: ...


def treatment_document(treatment: TreatmentFacts) -> dict[str, Any]:
    """The `treatment` object of the triage schema (also the timeline's input)."""
    document: dict[str, Any] = {
        "date": treatment.treatment_date.isoformat(),
        "depth_mm": treatment.depth_mm,
        "device": treatment.device.value,
        "areas": list(treatment.areas),
    }
    if treatment.serum:
        document["serum"] = treatment.serum
    return document


def timeline_document(treatment: Treatment) -> dict[str, Any]:
    document = treatment_document(treatment)
    document.pop("serum", None)  # not part of the timeline's input
    if treatment.fitzpatrick is not None:
        document["fitzpatrick"] = treatment.fitzpatrick
    return document


def profile_document(
    patient: PatientFacts, treatment: TreatmentFacts | None = None
) -> dict[str, Any]:
    """The `profile` object of the triage schema; absent values are omitted, not guessed."""
    profile: dict[str, Any] = {"acne_prone": patient.acne_prone, "history": list(patient.history)}
    fitzpatrick = (treatment.fitzpatrick if treatment else None) or patient.fitzpatrick
    if fitzpatrick is not None:
        profile["fitzpatrick"] = fitzpatrick
    return profile


def _invalid_from(exc: Exception, prefix: str = "") -> Invalid:
    errors = [
        FieldError(prefix + str(e.get("field", "")), str(e.get("message", "invalid")))
        for e in getattr(exc, "errors", []) or []
    ] or [FieldError(prefix.rstrip(".") or "body", str(exc))]
    return Invalid(errors)


def triage(
    payload: dict[str, Any],
    today: date,
    *,
    keep_red_flags: bool = False,
    missing: Sequence[FieldError] = (),
) -> dict[str, Any]:
    """Validate and triage one check-in document; Invalid names each bad field. With
    `keep_red_flags` a check-in with a red flag is triaged despite invalid answers, which the
    result lists under "field_errors" (never lose a red flag)."""
    from needlecare.triage import CheckinInvalid, triage_checkin

    try:
        result: dict[str, Any] = triage_checkin(
            payload,
            today,
            keep_red_flags=keep_red_flags,
            missing=[
                {"field": e.field, "message": e.message}
                | ({"given": e.given} if e.given is not None else {})
                for e in missing
            ],
        )
    except CheckinInvalid as exc:  # the engine validates first
        raise _invalid_from(exc) from exc
    return result


def check_profile(
    treatment: dict[str, Any],
    profile: dict[str, Any],
    today: date,
    prefixes: tuple[str, ...] = ("treatment", "profile"),
) -> None:
    """Validate a treatment and/or a profile with the triage schema itself (one vocabulary);
    only errors under `prefixes` count."""
    from needlecare.triage import CheckinInvalid, validate_checkin

    probe = {"treatment": treatment, "profile": profile, "day": 0, "symptoms": {}}
    try:
        validate_checkin(probe, today)
    except CheckinInvalid as exc:
        relevant = [e for e in exc.errors if str(e.get("field", "")).startswith(prefixes)]
        if relevant:
            raise Invalid(
                [FieldError(str(e["field"]), str(e["message"])) for e in relevant]
            ) from exc


def timeline(
    treatment: Treatment, today: date | None, windows: Mapping[str, Window] | None = None
) -> dict[str, Any]:
    """`windows`: the clinic protocol's windows in force (services.protocols.in_force)."""
    from needlecare.timeline import TimelineInvalid, build_timeline

    try:
        result: dict[str, Any] = build_timeline(timeline_document(treatment), today, windows)
    except TimelineInvalid as exc:
        raise _invalid_from(exc, "treatment.") from exc
    return result


def check_label(
    text: str,
    day: int,
    treatment: Treatment | None,
    windows: Mapping[str, Window] | None = None,
) -> dict[str, Any]:
    from needlecare.ingredients import NotAnIngredientList, check_label
    from needlecare.knowledge.bands import depth_band

    band = depth_band(treatment.depth_mm, treatment.device.value) if treatment else None
    try:
        result: dict[str, Any] = check_label(text, day=day, band=band, windows=windows)
    except NotAnIngredientList as exc:
        raise Invalid.field(
            "text", str(exc) or "this does not look like an ingredient list"
        ) from exc
    return result

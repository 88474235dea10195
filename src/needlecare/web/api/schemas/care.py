"""Schemas: treatments, check-ins (the triage schema), alerts, notes, recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    create_model,
    model_validator,
)

from needlecare.triage.vocabulary import (
    AREAS,
    BLEEDING_WITH_PRESSURE,
    BREAKOUT_KINDS,
    MAX_BREAKOUTS,
    MAX_OTHER,
    MAX_PRODUCTS,
    MAX_TEXT,
    SCORE_LABELS,
    SCORES,
    SIGNS,
    TEMPERATURE_RANGE,
    WORSE_CHOICES,
    red_flags_in,
)
from needlecare.web.api.schemas.accounts import Out, Strict

Area = Literal[AREAS]  # type: ignore[valid-type]
LevelName = Literal["expected", "monitor", "contact_clinic", "urgent"]


class TreatmentIn(Strict):
    treatment_date: date
    depth_mm: float = Field(gt=0, le=4.0, description="Needle depth in millimetres")
    device: Literal["pen", "roller", "rf", "stamp"]
    areas: list[Area] = Field(
        default_factory=lambda: list[Area](["face"]), min_length=1, max_length=5
    )
    fitzpatrick: int | None = Field(None, ge=1, le=6)
    serum: str | None = Field(None, max_length=2000)
    operator: str | None = Field(None, max_length=200, description="Staff only: who performed it")
    notes: str | None = Field(None, max_length=20_000, description="Staff only: session notes")
    next_session_date: date | None = Field(
        None, description="Staff only: the next session the clinic plans; null: none"
    )


class TreatmentOut(Out):
    id: int
    patient_id: int
    treatment_date: date
    depth_mm: float
    device: str
    areas: list[str]
    fitzpatrick: int | None
    serum: str | None
    created_at: datetime
    operator: str | None = None
    notes: str | None = Field(None, description="The clinic's session notes (staff only)")
    next_session_date: date | None = None


class Breakouts(Strict):
    count: int = Field(0, ge=0, le=MAX_BREAKOUTS)
    kind: Literal[BREAKOUT_KINDS] | None = None  # type: ignore[valid-type]
    outside_treated_area: bool = False


class Temperature(Strict):
    """A measured temperature; 38 °C (100.4 °F) or more counts as a fever."""

    value: float = Field(description="Degrees, in `unit`")
    unit: Literal["C", "F"]

    @model_validator(mode="after")
    def _plausible(self) -> Temperature:
        low, high = TEMPERATURE_RANGE[self.unit]
        if not low <= self.value <= high:
            raise ValueError(f"must be from {low:g} to {high:g} °{self.unit}")
        return self


def _symptom_fields() -> dict[str, Any]:
    """The symptoms of the one check-in vocabulary (needlecare.triage.vocabulary)."""
    fields: dict[str, Any] = {
        name: (int, Field(0, ge=0, le=top, description=SCORE_LABELS[name]))
        for name, top in SCORES.items()
    }
    fields["breakouts"] = (Breakouts | None, None)
    for sign in SIGNS:
        described = sign.prompt + (f" (asked when {sign.follows} is true)" if sign.follows else "")
        fields[sign.name] = (bool, Field(False, description=described))
    fields["temperature"] = (Temperature | None, Field(None, description=Temperature.__doc__))
    fields["other"] = (
        str | None,
        Field(
            None,
            max_length=MAX_OTHER,
            description="Something else, in the person's words: always shown to the clinic; "
            "it never lowers a level",
        ),
    )
    fields["worse_than_yesterday"] = (
        list[Literal[WORSE_CHOICES]],  # type: ignore[valid-type]
        Field(
            default_factory=list,
            description="Symptoms that are worse than yesterday (replaces `worsening`, which "
            "is still accepted and read as everything being worse)",
        ),
    )
    fields["bleeding_with_pressure"] = (
        Literal[tuple(BLEEDING_WITH_PRESSURE)] | None,
        Field(None, description="Whether bleeding stops with gentle pressure"),
    )
    return fields


class Symptoms(create_model("SymptomFields", __base__=Strict, **_symptom_fields())):  # type: ignore[misc]
    """The triage schema's symptoms: scores default 0, yes/no answers default false, and
    every other answer is optional."""


class CheckinIn(Strict):
    """A check-in. One that answers true to a red flag (breathing_difficulty, facial_swelling,
    eye_symptoms, fever, spreading_redness, pus_or_yellow_crust, blisters_clustered, hives,
    rash) is never refused for another invalid answer: it is stored and triaged with what is
    known (invalid answers read on the careful side), and the response lists the invalid
    answers in `field_errors`. Without a red flag, invalid input is refused with 422."""

    symptoms: Symptoms
    products: list[Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=list, max_length=MAX_PRODUCTS, description="INCI lists used since treatment"
    )
    treatment_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Default: the latest treatment"
    )
    # The body as sent, kept when it failed validation but holds a red flag.
    _kept_as_sent: dict[str, Any] | None = PrivateAttr(None)

    @model_validator(mode="wrap")
    @classmethod
    def _never_refuse_a_red_flag(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(data)
        except ValidationError:
            if not isinstance(data, dict) or not red_flags_in(data.get("symptoms")):
                raise
        kept = cls.model_construct(symptoms=Symptoms.model_construct(), products=[])
        kept._kept_as_sent = data
        return kept

    @property
    def kept_as_sent(self) -> dict[str, Any] | None:
        """The body as sent when it is invalid but holds a red flag (else None)."""
        return self._kept_as_sent


class Finding(BaseModel):
    model_config = ConfigDict(extra="allow")
    code: str
    text: str
    source: str


class TriageResult(BaseModel):
    model_config = ConfigDict(extra="allow")
    level: LevelName
    phase: str
    findings: list[Finding]
    advice: list[str]


class AnswerError(BaseModel):
    field: str = Field(description="Path of the answer, e.g. symptoms.breakouts.kind")
    message: str


class CheckinOut(Out):
    id: int
    patient_id: int
    treatment_id: int
    day: int
    level: LevelName
    phase: str
    created_at: datetime
    symptoms: dict[str, Any]
    result: TriageResult
    alert_id: int | None = None
    replayed: bool = Field(False, description="True when the Idempotency-Key was seen before")
    field_errors: list[AnswerError] = Field(
        default_factory=list,
        description="Answers that were missing or invalid in a check-in kept because it had a "
        "red flag: it was stored and triaged with them read on the careful side. Ask the "
        "person for them again. Empty for a complete check-in.",
    )
    incomplete: bool = Field(False, description="True when `field_errors` is not empty")


class AlertOut(Out):
    id: int
    patient_id: int
    patient_name: str
    checkin_id: int
    level: LevelName
    state: Literal["open", "acknowledged", "resolved"]
    day: int | None = None
    findings: list[Finding] = Field(default_factory=list)
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    resolved_at: datetime | None
    resolved_by: int | None
    resolution_note: str | None


class ResolveIn(Strict):
    note: str = Field(min_length=1, max_length=5000)
    send_to_patient: bool = Field(
        False, description="Also send the note to the patient as a message (they get an email)"
    )


class NoteIn(Strict):
    body: str = Field(min_length=1, max_length=20_000)


class NoteOut(Out):
    id: int
    patient_id: int
    author_id: int
    body: str
    created_at: datetime


class RecommendationIn(Strict):
    product_name: str = Field(min_length=1, max_length=200)
    inci_text: str = Field("", max_length=20_000)
    note: str = Field("", max_length=20_000)
    from_day: int | None = Field(
        None, ge=0, le=365, description="Recovery day it is recommended from; null: today's"
    )
    acknowledge_avoid: bool = Field(
        False,
        description="Required (true) when the ingredient checker says avoid on any of the "
        "recommended days; without it such a recommendation is refused with 422",
    )


class RecommendationOut(Out):
    id: int
    patient_id: int
    author_id: int
    product_name: str
    inci_text: str
    note: str
    created_at: datetime
    from_day: int | None = None
    avoid_acknowledged: bool = False

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
    model_validator,
)

from needlecare.triage.vocabulary import MAX_BREAKOUTS, MAX_PRODUCTS, MAX_TEXT, red_flags_in
from needlecare.web.api.schemas.accounts import Out, Strict

Score3 = Annotated[int, Field(ge=0, le=3)]
Area = Literal["face", "neck", "chest", "scalp", "body"]
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


class Breakouts(Strict):
    count: int = Field(0, ge=0, le=MAX_BREAKOUTS)
    kind: Literal["whiteheads", "small_red_bumps", "pustules", "cysts", "milia", "mixed"] | None = (
        None
    )
    outside_treated_area: bool = False


class Symptoms(Strict):
    """The triage schema's symptoms: scores default 0, yes/no answers default false."""

    redness: Score3 = 0
    swelling: Score3 = 0
    pain: int = Field(0, ge=0, le=10)
    itch: Score3 = 0
    breakouts: Breakouts | None = None
    flaking: bool = False
    tightness: bool = False
    bleeding: bool = False
    pus_or_yellow_crust: bool = False
    spreading_redness: bool = False
    warmth: bool = False
    fever: bool = False
    blisters_clustered: bool = False
    hives: bool = False
    rash: bool = False
    facial_swelling: bool = False
    breathing_difficulty: bool = False
    eye_symptoms: bool = False
    dark_patches: bool = False
    firm_red_bumps: bool = False
    track_marks: bool = False
    worsening: bool = False


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


class RecommendationOut(Out):
    id: int
    patient_id: int
    author_id: int
    product_name: str
    inci_text: str
    note: str
    created_at: datetime

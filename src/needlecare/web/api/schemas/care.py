"""Schemas: treatments, check-ins (the triage schema), alerts, notes, recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    count: int = Field(0, ge=0, le=1000)
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
    symptoms: Symptoms
    products: list[Annotated[str, Field(max_length=20_000)]] = Field(
        default_factory=list, max_length=20, description="INCI lists used since treatment"
    )
    treatment_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="Default: the latest treatment"
    )


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


class RecommendationOut(Out):
    id: int
    patient_id: int
    author_id: int
    product_name: str
    inci_text: str
    note: str
    created_at: datetime

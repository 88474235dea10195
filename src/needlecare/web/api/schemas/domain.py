"""Schemas of the domain's own contracts: ingredient verdict, recovery timeline."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from needlecare.web.api.schemas.accounts import Strict


class Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class IngredientCheckIn(Strict):
    text: str = Field(min_length=1, max_length=20_000, description="The list as printed")
    day: int | None = Field(None, ge=0, le=3650, description="Default: the patient's day today")


class Ingredient(Loose):
    raw: str
    name: str | None
    recognized: bool
    flags: list[str]
    comedogenic: int | None = None


class IgnoredText(Loose):
    text: str = Field(description="Label text not read as an ingredient, as printed")
    reason: str = Field(description="Why: a heading, a claim, a section after the list, ...")


class Reason(Loose):
    ingredient: str
    flag: str
    text: str
    source: str


class Verdict(Loose):
    status: Literal["recommended", "ok", "caution", "avoid"]
    day: int
    resume_day: int | None
    reasons: list[Reason]


class IngredientCheckOut(Loose):
    ingredients: list[Ingredient]
    ignored: list[IgnoredText] = Field(
        default_factory=list,
        description="Every piece of the label that is not an ingredient, with the reason; "
        "an active named in it is listed among the ingredients anyway (from_ignored)",
    )
    verdict: Verdict


class OcrReading(Loose):
    engine: str
    text: str
    confidence: float = Field(ge=0, le=1)
    languages: str = Field(
        "eng", description="The language data that read it: eng, kor+eng (Hangul) or jpn+eng"
    )


class ScannedIngredient(Ingredient):
    ocr_confidence: float = Field(ge=0, le=1)
    ocr_read_as: str | None = Field(
        None, description="What the photo read, when taken for this flagged name (check it)"
    )
    ocr_check: bool


class ScanVerdict(Verdict):
    check_against_label: list[str]


class IngredientScanOut(Loose):
    ingredients: list[ScannedIngredient]
    verdict: ScanVerdict
    ocr: OcrReading


class TimelineDay(Loose):
    day: int
    date: str
    phase: str
    expected: list[Any]
    care: list[Any]
    avoid: list[Any]
    sources: list[Any]


class TimelineOut(Loose):
    treatment: dict[str, Any]
    today: int | None
    days: list[TimelineDay]

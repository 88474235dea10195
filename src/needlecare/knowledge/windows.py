"""Waiting windows: the first day after treatment a product class or an activity may return.

One data file (data/windows.toml) serves the ingredient checker, the timeline, triage and the
aftercare guide, so the same question never gets two answers.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from needlecare.knowledge.bands import Band

Kind = Literal["flag", "activity"]
# When the band is unknown we must not guess a short window: take the longest of all bands.
UNKNOWN_BAND = None


@dataclass(frozen=True)
class Window:
    name: str
    kind: Kind
    label: str
    resume_days: dict[Band, int]
    caution_until_days: dict[Band, int]
    condition: str
    cite: tuple[str, ...]
    confidence: str

    def resume_day(self, band: Band | None = UNKNOWN_BAND) -> int:
        return _for_band(self.resume_days, band)

    def caution_until(self, band: Band | None = UNKNOWN_BAND) -> int:
        """First day without caution; never earlier than the resume day."""
        if not self.caution_until_days:
            return self.resume_day(band)
        return max(_for_band(self.caution_until_days, band), self.resume_day(band))


def _for_band(days: dict[Band, int], band: Band | None) -> int:
    return max(days.values()) if band is None else days[band]


def _per_band(value: int | dict[str, int]) -> dict[Band, int]:
    """One day for every band, or a table per band ({} when the file gives none)."""
    if isinstance(value, int):
        return dict.fromkeys(Band, value)
    return {Band(name): day for name, day in value.items()}


COMPILED = "windows.compiled.json"


def raw_document() -> dict[str, Any]:
    """windows.toml as parsed TOML: its parsed copy (data/windows.compiled.json, written by
    `needlecare ingredients-compile-toml`) while that copy's source text is the file's text,
    else the file parsed afresh. (tomllib's import and parse were ~24 M instructions of every
    `needlecare ingredients` process: a twentieth of a one-shot run.)"""
    text = _read_text("windows.toml")
    try:
        compiled = json.loads(_read_text(COMPILED))
    except (FileNotFoundError, ValueError):
        compiled = None
    if isinstance(compiled, dict) and compiled.get("source") == text:
        document: dict[str, Any] = compiled["document"]
        return document
    import tomllib  # only when the parsed copy is missing or stale

    return tomllib.loads(text)


def build_compiled(text: str) -> str:
    """The parsed copy of windows.toml's `text` (key order kept: it is the order of the data)."""
    import tomllib

    copy = {
        "about": "Parsed copy of windows.toml (start-up speed only)",
        "source": text,
        "document": tomllib.loads(text),
    }
    return json.dumps(copy, ensure_ascii=False, separators=(",", ":")) + "\n"


def _read_text(name: str) -> str:
    # The file itself when installed as files: importlib.resources costs a few ms of imports at
    # every start of the one-shot `needlecare ingredients`; through it for a zipped install.
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", name)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    from importlib import resources

    try:
        return resources.files("needlecare.knowledge").joinpath("data", name).read_text("utf-8")
    except (FileNotFoundError, OSError) as error:
        raise FileNotFoundError(name) from error


@cache
def windows() -> dict[str, Window]:
    document = raw_document()
    found: dict[str, Window] = {}
    for section, kind in (("flags", "flag"), ("activities", "activity")):
        for name, item in document[section].items():
            found[name] = Window(
                name=name,
                kind=kind,  # type: ignore[arg-type]
                label=item["label"],
                resume_days=_per_band(item["resume_day"]),
                caution_until_days=_per_band(item.get("caution_until", {})),
                condition=item.get("condition", ""),
                cite=tuple(item["cite"]),
                confidence=item["confidence"],
            )
    return found


def window(name: str) -> Window:
    """The window of a flag or an activity; KeyError for a name the data does not define."""
    return windows()[name]


def flag_windows() -> dict[str, Window]:
    return {name: w for name, w in windows().items() if w.kind == "flag"}


def activity_windows() -> dict[str, Window]:
    return {name: w for name, w in windows().items() if w.kind == "activity"}

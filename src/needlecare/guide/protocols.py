"""Clinic protocols: a clinic may tighten the default waiting windows and add instructions.

Rules (issue 8): a protocol may set a later resume day or a longer caution for a window, per band
or for all bands; it may never set an earlier one, never name a window that does not exist, and
never touch triage levels or red-flag rules (those protect the patient whatever the clinic says).
Schema: data/protocols.schema.json. Everything here is pure: documents in, data out.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from needlecare.knowledge import citations
from needlecare.knowledge.bands import Band
from needlecare.knowledge.schema import schema_errors
from needlecare.knowledge.windows import Window, windows

CLINIC_POLICY = "clinic policy"
RED_FLAG_MESSAGE = "a clinic protocol cannot relax a red flag"
# Keys that would reach into triage or red-flag rules. Compared without case, "_", "-" or spaces.
_RED_FLAG_KEYS = re.compile(r"triage|redflag|escalat|urgent|emergency|level|rules?$|alert")
FIELDS = ("resume_day", "caution_until")
_FIELD_WORDS = {"resume_day": "resume day", "caution_until": "end of caution (caution_until)"}


@dataclass(frozen=True)
class ProtocolError:
    field: str  # "windows.vitamin_c.resume_day.M", "(root)"
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ProtocolInvalid(ValueError):
    def __init__(self, errors: list[ProtocolError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class WindowOverride:
    resume_days: dict[Band, int] = field(default_factory=dict)
    caution_until_days: dict[Band, int] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class Instruction:
    text: str
    source: str  # a citation that resolves, or "clinic policy"

    @property
    def is_clinic_policy(self) -> bool:
        return self.source.strip().lower() == CLINIC_POLICY


@dataclass(frozen=True)
class Protocol:
    name: str
    version: str
    windows: dict[str, WindowOverride]
    instructions: tuple[Instruction, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.name} (version {self.version})"


def _per_band(value: int | Mapping[str, int]) -> dict[Band, int]:
    if isinstance(value, int):
        return dict.fromkeys(Band, value)
    return {Band(name): day for name, day in value.items()}


def _red_flag_keys(node: Any, path: str = "") -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if _RED_FLAG_KEYS.search(re.sub(r"[\s_-]", "", str(key).lower())):
                yield here  # whatever lies below it is part of the same attempt
            else:
                yield from _red_flag_keys(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _red_flag_keys(value, f"{path}[{index}]")


def _without(node: Any, paths: set[str], path: str = "") -> Any:
    if isinstance(node, Mapping):
        kept = {}
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if here not in paths:
                kept[key] = _without(value, paths, here)
        return kept
    if isinstance(node, list):
        return [_without(v, paths, f"{path}[{i}]") for i, v in enumerate(node)]
    return node


def _loosening(name: str, override: Mapping[str, Any], default: Window) -> Iterator[ProtocolError]:
    for field_name in FIELDS:
        if field_name not in override:
            continue
        proposed = _per_band(override[field_name])
        by_change: dict[tuple[int, int], list[str]] = {}
        for band, day in proposed.items():
            current = (
                default.resume_day(band)
                if field_name == "resume_day"
                else default.caution_until(band)
            )
            if day < current:
                by_change.setdefault((current, day), []).append(band.value)
        for (current, day), bands in by_change.items():
            where = "all bands" if len(bands) == len(Band) else f"band {', '.join(bands)}"
            yield ProtocolError(
                f"windows.{name}.{field_name}",
                f"window {name!r}, {where}: the default {_FIELD_WORDS[field_name]} is day "
                f"{current}, the protocol proposes day {day}; a clinic protocol may only tighten "
                "a window (a later day), never loosen it",
            )


def validate_protocol(document: Any) -> list[ProtocolError]:
    """Every problem of a protocol document; an empty list means it may be used."""
    if not isinstance(document, Mapping):
        return [ProtocolError("(root)", "a protocol must be a table of keys and values")]
    errors = [
        ProtocolError(path, f"{RED_FLAG_MESSAGE} (triage levels and red-flag rules are fixed)")
        for path in _red_flag_keys(document)
    ]
    rest = _without(document, {e.field for e in errors})
    for problem in schema_errors(rest, "needlecare.guide", "protocols.schema.json"):
        where, _, message = problem.partition(": ")
        errors.append(ProtocolError(where.replace("/", "."), message))
    known = windows()
    overrides = rest.get("windows")
    for name, override in (overrides if isinstance(overrides, Mapping) else {}).items():
        if name not in known:
            errors.append(
                ProtocolError(
                    f"windows.{name}",
                    f"unknown window {name!r}; known windows: {', '.join(sorted(known))}",
                )
            )
        elif isinstance(override, Mapping) and not _is_schema_broken(override):
            errors.extend(_loosening(name, override, known[name]))
    instructions = rest.get("instructions")
    for index, item in enumerate(instructions if isinstance(instructions, list) else []):
        source = item.get("source") if isinstance(item, Mapping) else None
        is_citation = isinstance(source, str) and source.strip().lower() != CLINIC_POLICY
        if is_citation and not citations.is_resolvable(str(source)):
            errors.append(
                ProtocolError(
                    f"instructions[{index}].source",
                    f"{source!r} is neither a citation that resolves "
                    f"(such as reference.md#AC-05) nor {CLINIC_POLICY!r}",
                )
            )
    return errors


def _is_schema_broken(override: Mapping[str, Any]) -> bool:
    def valid(value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return 0 <= value <= 365
        return isinstance(value, Mapping) and all(
            k in Band.__members__ and valid(v) and not isinstance(v, Mapping)
            for k, v in value.items()
        )

    return not all(valid(override[f]) for f in FIELDS if f in override)


def parse_protocol(document: Any) -> Protocol:
    """A Protocol from a document; ProtocolInvalid (with `.errors`) if it breaks any rule."""
    errors = validate_protocol(document)
    if errors:
        raise ProtocolInvalid(errors)
    return Protocol(
        name=document["name"],
        version=str(document["version"]),
        windows={
            name: WindowOverride(
                resume_days=_per_band(item.get("resume_day", {})),
                caution_until_days=_per_band(item.get("caution_until", {})),
                reason=item.get("reason", ""),
            )
            for name, item in document.get("windows", {}).items()
        },
        instructions=tuple(
            Instruction(i["text"], i["source"]) for i in document.get("instructions", [])
        ),
    )


def protocol_from_text(text: str, suffix: str = ".toml") -> Protocol:
    """Parse a protocol file's TOML (JSON if suffix is .json) text; ProtocolInvalid on errors."""
    try:
        document = json.loads(text) if suffix.lower() == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise ProtocolInvalid([ProtocolError("(file)", f"cannot be read: {error}")]) from error
    return parse_protocol(document)


def effective_windows(protocol: Protocol | None = None) -> dict[str, Window]:
    """The windows in force: per band the later of the default and the protocol's day.

    This is the one function the ingredient checker, the timeline and the sheet call to honour a
    clinic protocol; without one it returns the defaults of knowledge/data/windows.toml.
    """
    defaults = windows()
    if protocol is None:
        return dict(defaults)
    merged = dict(defaults)
    for name, override in protocol.windows.items():
        base = defaults[name]
        resume = {b: max(base.resume_day(b), override.resume_days.get(b, 0)) for b in Band}
        caution = base.caution_until_days
        if override.caution_until_days:
            caution = {
                b: max(base.caution_until(b), override.caution_until_days.get(b, 0)) for b in Band
            }
        merged[name] = replace(base, resume_days=resume, caution_until_days=caution)
    return merged


def tightened(protocol: Protocol | None) -> dict[str, Window]:
    """Only the windows that the protocol actually changed (for 'clinic protocol' notes)."""
    if protocol is None:
        return {}
    defaults = windows()
    return {
        name: window
        for name, window in effective_windows(protocol).items()
        if window != defaults[name]
    }

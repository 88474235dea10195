"""Day-N verdict for a recognised ingredient list: recommended | ok | caution | avoid.

Waiting windows come from needlecare.knowledge.windows (one file for the whole app); this module
only combines them. Rules, in order:
- a flag whose window has not opened yet -> its `before_window` status (avoid or caution);
- a flag inside its window's caution period -> caution;
- a flag without a window in the clinical reference -> caution, "ask your clinic";
- an unknown ingredient -> at least `caution`: NeedleCare cannot say what it is and tells the
  person to ask their clinic, so it must not also say "OK to use" (missing information raises
  a level, never lowers it; reference.md#AC-16);
- `recommended` only for a simple, fully recognised formula with no concern and something
  useful at this stage (soothing/barrier care, or a mineral sunscreen once allowed)
  (reference.md#AC-02, #AC-03, #AC-05, #AC-16);
- while the clinic-wide "bland only" window (if the knowledge data defines one) is open, any
  product that is not `recommended` is at least `caution`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, cast

from needlecare.i18n_text import Text
from needlecare.ingredients.flags import flag_definition, flag_order
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window, windows

STATUSES = ("recommended", "ok", "caution", "avoid")
SIMPLE_FORMULA_MAX = 25  # "simple": AC-16 asks for plain, single-purpose products
BLAND_ONLY_WINDOW = "bland_only"
GOOD_FLAGS = frozenset({"soothing", "mineral_sunscreen"})
UNKNOWN_SOURCE = "reference.md#AC-16"


@dataclass
class Finding:
    """One recognised ingredient with its flags, as the verdict needs it."""

    name: str
    flags: tuple[str, ...]
    strength: dict[str, str] = field(default_factory=dict)
    fuzzy: bool = False


@dataclass
class _Reason:
    status: str  # avoid | caution | info
    flag: str
    ingredients: list[str]
    text: str
    source: str
    resume_day: int | None = None
    as_dict: dict[str, Any] | None = field(default=None, compare=False, repr=False)


def decide(
    findings: list[Finding],
    unknown: list[str],
    day: int,
    band: Band | None,
    in_force: Mapping[str, Window] | None = None,
) -> dict[str, Any]:
    """`in_force`: the windows of a clinic protocol (guide.effective_windows); default
    windows.toml."""
    known_windows = windows() if in_force is None else in_force
    by_flag: dict[str, list[Finding]] = {}
    fuzzy: list[str] = []
    for finding in findings:
        if finding.flags:
            for flag in _without_superseded(finding.flags):  # (a tuple: hashable)
                if flag in by_flag:
                    by_flag[flag].append(finding)
                else:
                    by_flag[flag] = [finding]
        if finding.fuzzy:
            fuzzy.append(finding.name)
    reasons: list[_Reason] = []
    resume_days: list[int] = []
    rank = _flag_rank()
    for flag in sorted(by_flag, key=lambda f: rank.get(f, len(rank))) if by_flag else ():
        group = by_flag[flag]
        if len(group) == 1:  # the common case: one ingredient carries the flag
            strength = group[0].strength
            names = [group[0].name]
            notes: tuple[str, ...] = (strength[flag],) if flag in strength else ()
        else:
            names = list(dict.fromkeys(f.name for f in group))
            notes = tuple(dict.fromkeys(f.strength[flag] for f in group if flag in f.strength))
        shape = _DEFAULT_SHAPES.get((flag, notes, day, band)) if in_force is None else None
        if shape is None:
            definition = flag_definition(flag)
            window = known_windows.get(definition.get("window", ""))
            shape = _shape(flag, definition, window, notes, day, band)
            if in_force is None:
                if len(_DEFAULT_SHAPES) >= _SHAPES_MAX:
                    _DEFAULT_SHAPES.clear()
                _DEFAULT_SHAPES[(flag, notes, day, band)] = shape
        if shape.resume is not None:
            resume_days.append(shape.resume)
        reason = shape.reason_of(names)
        if reason is not None:
            reasons.append(reason)
    if unknown:
        reasons.append(
            _Reason(
                "caution",
                "unrecognized",
                unknown,
                Text(
                    "Not recognised: {names}. NeedleCare cannot say what it is; ask your clinic "
                    "before using this on treated skin.",
                    names=", ".join(unknown),
                )
                if len(unknown) == 1
                else Text(
                    "Not recognised: {names}. NeedleCare cannot say what they are; ask your "
                    "clinic before using this on treated skin.",
                    names=", ".join(unknown),
                ),
                UNKNOWN_SOURCE,
            )
        )
    if fuzzy:
        reasons.append(
            _Reason(
                "info",
                "fuzzy_match",
                fuzzy,
                Text(
                    "Read as {names} from a misspelt or damaged name; check the label.",
                    names=", ".join(fuzzy),
                ),
                UNKNOWN_SOURCE,
            )
        )
    status = _status(reasons, findings, unknown, fuzzy, frozenset(by_flag))
    bland = known_windows.get(BLAND_ONLY_WINDOW)
    if bland is not None and status == "ok" and day < (bland_day := bland.resume_day(band)):
        status = "caution"
        reasons.append(
            _Reason(
                "caution",
                "bland_only",
                [f.name for f in findings],
                _bland_text(bland, band),
                bland.cite[0],
                bland_day,
            )
        )
    if len(reasons) > 1:
        rank = _flag_rank()
        reasons.sort(key=lambda r: (_RANK[r.status], rank.get(r.flag, len(rank))))
    return {
        "status": status,
        "day": day,
        "resume_day": max(resume_days) if resume_days else None,
        "reasons": [_as_dict(r) for r in reasons],
    }


_BLAND_TEXTS: dict[tuple[int, Band | None], tuple[Window, Text]] = {}


def _bland_text(bland: Window, band: Band | None) -> Text:
    """The bland-only reason's text: the same for every list, so built once per window and
    band (keyed by the window's identity; the entry holds the window, so the id is not
    reused). Shared like the reasons' shapes: nothing changes a Text once built."""
    found = _BLAND_TEXTS.get((id(bland), band))
    if found is not None and found[0] is bland:
        return found[1]
    if len(_BLAND_TEXTS) >= _SHAPES_MAX:
        _BLAND_TEXTS.clear()
    text = _window_text(Text("Only bland products for now"), bland, band)
    _BLAND_TEXTS[(id(bland), band)] = (bland, text)
    return text


def _reason_for(
    flag: str,
    definition: dict[str, Any],
    window: Window | None,
    names: list[str],
    notes: list[str],
    day: int,
    band: Band | None,
) -> _Reason | None:
    # Reasons are Text: message ids with placeholders (English in the JSON contract),
    # translated where a reader sees them; ingredient names stay as the label wrote them.
    who = ", ".join(names)
    label = Text(definition["label"])
    extra: Text | str = ""
    for note in notes:
        extra = Text("{before} ({note})", before=extra, note=Text(note))
    values = {"who": who, "label": label, "extra": extra}
    source = window.cite[0] if window else definition["cite"][0]
    if definition["before_window"] == "none":
        return _Reason("info", flag, names, Text("{who}: {label}{extra}.", **values), source)
    if window is None:
        return _Reason(
            "caution",
            flag,
            names,
            Text(
                "{who}: {label}{extra}. The clinical reference gives no waiting time for it "
                "after needling; ask your clinic before using it on treated skin.",
                **values,
            ),
            source,
        )
    resume, caution_until = window.resume_day(band), window.caution_until(band)
    if day < resume:
        status = definition["before_window"]
        lead = (
            Text("{who}: {label}{extra}. Avoid until day {day}", day=resume, **values)
            if status == "avoid"
            else Text("{who}: {label}{extra}. Take care until day {day}", day=resume, **values)
        )
        return _Reason(status, flag, names, _window_text(lead, window, band), source, resume)
    if day < caution_until:
        lead = Text("{who}: {label}{extra}. Take care until day {day}", day=caution_until, **values)
        return _Reason("caution", flag, names, _window_text(lead, window, band), source, resume)
    return _Reason(
        "info",
        flag,
        names,
        Text(
            "{who}: {label}{extra}. Allowed again from day {day}{condition}.",
            day=max(resume, caution_until),
            condition=_joined(window.condition),
            **values,
        ),
        source,
        resume,
    )


def _window_text(lead: Text, window: Window, band: Band | None) -> Text:
    varies = len(set(window.resume_days.values())) > 1
    band_note = (
        Text(" (depth unknown: the longest wait of any depth)") if band is None and varies else ""
    )
    return Text(
        "{lead}{band_note}{condition}.",
        lead=lead,
        band_note=band_note,
        condition=_joined(window.condition),
    )


def _joined(condition: str) -> Text | str:
    if not condition:
        return ""
    first = condition.split()[0].lower()
    joiner = "," if first in ("and", "or", "unless", "then", "from") else ";"
    return Text("{joiner} {condition}", joiner=joiner, condition=Text(condition))


def _status(
    reasons: list[_Reason],
    findings: list[Finding],
    unknown: list[str],
    fuzzy: list[str],
    flags: frozenset[str],
) -> str:
    """`flags`: the judged flags of all findings."""
    worst = {r.status for r in reasons}
    if "avoid" in worst:
        return "avoid"
    if "caution" in worst:
        return "caution"
    if unknown or fuzzy or not findings or len(findings) > SIMPLE_FORMULA_MAX:
        return "ok"
    concerns = flags - GOOD_FLAGS
    if flags & GOOD_FLAGS and not concerns:
        return "recommended"
    return "ok"


@lru_cache(maxsize=1024)
def _without_superseded(flags: tuple[str, ...]) -> tuple[str, ...]:
    """A flag that another flag of the same ingredient supersedes (a mineral filter is a UV
    filter too) is shown on the ingredient but judged by the superseding flag's window."""
    superseded = {s for f in flags for s in flag_definition(f).get("supersedes", ())}
    return tuple(flag for flag in flags if flag not in superseded)


@cache
def _flag_rank() -> dict[str, int]:
    """Each flag's place in the vocabulary's order (flags outside it come last)."""
    return {flag: index for index, flag in enumerate(flag_order())}


_RANK = {"avoid": 0, "caution": 1, "info": 2}


# A reason's text is the same for every list but for the names it starts with: its shape is
# built once per (flag, strength notes, day, band, window) with a stand-in for the names,
# and filled in per list (~20 flags, so few shapes; the stand-in never occurs in a name).
_WHO = "\x00who\x00"
_SHAPES: dict[tuple[Any, ...], tuple[Window | None, _Shape]] = {}
_SHAPES_MAX = 4096
# The shapes under the default windows (windows() is loaded once and never changed), by
# (flag, notes, day, band): no look-up of the flag's definition and window per list.
_DEFAULT_SHAPES: dict[tuple[Any, ...], _Shape] = {}
_REASONS_MAX = 1024  # per shape


class _Shape:
    __slots__ = (
        "band",
        "by_names",
        "day",
        "definition",
        "fill",
        "flag",
        "notes",
        "proto",
        "resume",
        "window",
    )

    def __init__(
        self,
        flag: str,
        definition: dict[str, Any],
        window: Window | None,
        notes: tuple[str, ...],
        day: int,
        band: Band | None,
    ) -> None:
        self.flag, self.definition, self.window = flag, definition, window
        self.notes, self.day, self.band = list(notes), day, band
        self.proto = _reason_for(flag, definition, window, [_WHO], self.notes, day, band)
        if self.proto is not None and not _fillable(self.proto.text):
            self.proto = None  # a text not of the expected form: built in full for every list
        self.fill = _fill_plan(cast(Text, self.proto.text)) if self.proto is not None else None
        resume = None
        if window is not None and definition["before_window"] == "avoid":
            resume = window.resume_day(band)
        self.resume = resume if resume is not None and resume > 0 else None
        # The reason for each group of names seen (the same names carry the flag in list
        # after list); shared: nothing changes a _Reason once built.
        self.by_names: dict[tuple[str, ...], _Reason | None] = {}

    def reason_of(self, names: list[str]) -> _Reason | None:
        key = tuple(names)
        try:
            return self.by_names[key]
        except KeyError:
            if len(self.by_names) >= _REASONS_MAX:
                self.by_names.clear()
            found = self.by_names[key] = self.reason(names)
            return found

    def reason(self, names: list[str]) -> _Reason | None:
        proto = self.proto
        if proto is None:
            return _reason_for(
                self.flag, self.definition, self.window, names, self.notes, self.day, self.band
            )
        # The Text that building it in full gives, from the parts kept in self.fill
        who = ", ".join(names)
        tail, template, values, lead = cast(_FillPlan, self.fill)
        if lead is None:
            text = Text.filled(who + tail, template, {**values, "who": who})
        else:
            lead_tail, lead_template, lead_values = lead
            filled_lead = Text.filled(who + lead_tail, lead_template, {**lead_values, "who": who})
            text = Text.filled(who + tail, template, {**values, "lead": filled_lead})
        return _Reason(proto.status, proto.flag, names, text, proto.source, proto.resume_day)


_FillPlan = tuple[str, str, dict[str, object], tuple[str, str, dict[str, object]] | None]


def _fill_plan(text: Text) -> _FillPlan:
    """A fillable text's English after the stand-in, template and values, and its lead's when
    the names are in the lead (see _fillable)."""
    if "who" in text.values:
        return text[len(_WHO) :], text.template, text.values, None
    lead = cast(Text, text.values["lead"])
    return (
        text[len(_WHO) :],
        text.template,
        text.values,
        (lead[len(_WHO) :], lead.template, lead.values),
    )


def _shape(
    flag: str,
    definition: dict[str, Any],
    window: Window | None,
    notes: tuple[str, ...],
    day: int,
    band: Band | None,
) -> _Shape:
    # Keyed by the window's identity; the entry holds the window, so the id is not reused.
    key = (flag, notes, day, band, id(window))
    found = _SHAPES.get(key)
    if found is not None and found[0] is window:
        return found[1]
    if len(_SHAPES) >= _SHAPES_MAX:
        _SHAPES.clear()
    shape = _Shape(flag, definition, window, notes, day, band)
    _SHAPES[key] = (window, shape)
    return shape


def _fillable(text: str) -> bool:
    """A reason text that starts with the names ("{who}: ...") or whose lead does."""
    if not isinstance(text, Text) or str(text).count(_WHO) != 1:
        return False
    if text.values.get("who") == _WHO:
        return str(text).startswith(_WHO)
    lead = text.values.get("lead")
    return (
        isinstance(lead, Text)
        and lead.values.get("who") == _WHO
        and str(lead).startswith(_WHO)
        and str(text).startswith(_WHO)
    )


def _as_dict(reason: _Reason) -> dict[str, Any]:
    """The reason as the JSON has it: built once per reason (cached reasons recur from list to
    list), a copy for each result (its caller owns it)."""
    found = reason.as_dict
    if found is None:
        found = reason.as_dict = {
            "ingredient": ", ".join(reason.ingredients),
            "flag": reason.flag,
            "text": reason.text,
            "source": reason.source,
            "status": reason.status,
            "resume_day": reason.resume_day,
        }
    return found.copy()

"""The verdict's reasons: their texts (Text, translated where read) and their shapes, a reason's
text built once per (flag, strength notes, day, band, window) with a stand-in for the names and
filled in per list; the reason of each group of names kept in its shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from needlecare.i18n_text import Text
from needlecare.knowledge.bands import Band
from needlecare.knowledge.windows import Window


@dataclass
class Reason:
    status: str  # avoid | caution | info
    flag: str
    ingredients: list[str]
    text: str
    source: str
    resume_day: int | None = None
    as_dict: dict[str, Any] | None = field(default=None, compare=False, repr=False)


_BLAND_TEXTS: dict[tuple[int, Band | None], tuple[Window, Text]] = {}


def bland_text(bland: Window, band: Band | None) -> Text:
    """The bland-only reason's text: the same for every list, so built once per window and
    band (keyed by the window's identity; the entry holds the window, so the id is not
    reused). Shared like the reasons' shapes: nothing changes a Text once built."""
    found = _BLAND_TEXTS.get((id(bland), band))
    if found is not None and found[0] is bland:
        return found[1]
    if len(_BLAND_TEXTS) >= SHAPES_MAX:
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
) -> Reason | None:
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
        return Reason("info", flag, names, Text("{who}: {label}{extra}.", **values), source)
    if window is None:
        return Reason(
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
        return Reason(status, flag, names, _window_text(lead, window, band), source, resume)
    if day < caution_until:
        lead = Text("{who}: {label}{extra}. Take care until day {day}", day=caution_until, **values)
        return Reason("caution", flag, names, _window_text(lead, window, band), source, resume)
    return Reason(
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


# A reason's text is the same for every list but for the names it starts with: its shape is
# built once per (flag, strength notes, day, band, window) with a stand-in for the names,
# and filled in per list (~20 flags, so few shapes; the stand-in never occurs in a name).
_WHO = "\x00who\x00"
_SHAPES: dict[tuple[Any, ...], tuple[Window | None, _Shape]] = {}
SHAPES_MAX = 4096
# The shapes under the default windows (windows() is loaded once and never changed), by
# (flag, notes, day, band): no look-up of the flag's definition and window per list.
DEFAULT_SHAPES: dict[tuple[Any, ...], _Shape] = {}
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
        # after list); shared: nothing changes a Reason once built.
        self.by_names: dict[tuple[str, ...], Reason | None] = {}

    def reason_of(self, names: list[str]) -> Reason | None:
        key = tuple(names)
        try:
            return self.by_names[key]
        except KeyError:
            if len(self.by_names) >= _REASONS_MAX:
                self.by_names.clear()
            found = self.by_names[key] = self.reason(names)
            return found

    def reason(self, names: list[str]) -> Reason | None:
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
        return Reason(proto.status, proto.flag, names, text, proto.source, proto.resume_day)


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


def reason_shape(
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
    if len(_SHAPES) >= SHAPES_MAX:
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


def as_dict_of(reason: Reason) -> dict[str, Any]:
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

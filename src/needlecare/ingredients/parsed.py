"""What the parser returns: the items of a label, and the text it left out with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field

SOFT_BREAK = "\x03"  # a line end inside an item: a wrap, or a missing separator

# Why a piece of text is not an ingredient (the "reason" of the JSON "ignored" field).
HEADING = "heading"
BEFORE_LIST = "text before the ingredient list"
SECTION = "section after the list (uses, directions, warnings, storage, maker)"
CLAIM = "claim about what the product is free from"
CODE = "formula, batch or date code"
PURPOSE = "purpose of a drug-facts active"
CONNECTOR = "connecting words (base, vehicle, each gram contains, equivalent to)"
MARKER = "marker of the colours that the product may contain"
NOT_A_NAME = "not an ingredient name (sentence or claim)"
FOOTNOTE = "footnote"
PUNCTUATION = "numbering or punctuation only"
LABEL_PREFIX = "text before a colon (a step, a product or marketing name)"


@dataclass(slots=True)  # not frozen: created for every item of every list, ~5x faster
class RawItem:
    raw: str  # the item as printed (trimmed)
    text: str  # cleaned for recognition: no %, [nano], asterisks, bullets
    position: int  # 0-based order in the list
    percent: float | None = None
    nano: bool = False
    may_contain: bool = False
    active: bool = False  # a drug-facts "Active ingredient"


@dataclass(slots=True)  # not frozen, as RawItem: a few are created for every list
class Ignored:
    text: str  # as printed (cleaned), never empty
    reason: str


@dataclass
class ParsedLabel:
    items: list[RawItem]
    ignored: list[Ignored] = field(default_factory=list)
    text: str = ""  # the cleaned label every `raw` and ignored text is taken from
    # text.lower().split(), once for the hint pre-checks and the word accounting
    tokens: list[str] = field(default_factory=list, compare=False, repr=False)

    def ignore(self, text: str, reason: str) -> None:
        note_ignored(self.ignored, text, reason)


def note_ignored(ignored: list[Ignored], text: str, reason: str) -> None:
    text = " ".join(text.split())
    if text.strip(" .,;:"):
        ignored.append(Ignored(text, reason))

"""Split a printed label into ingredient items, the way labels really arrive.

The parser only splits and cleans; deciding what a piece of text *is* belongs to the recogniser.
It never drops text silently: what it cuts off (headers, "free from" claims, directions, the
connecting words of pharmacy labels) goes to `ParsedLabel.ignored` with the reason, so nothing
that might be a name is lost without a trace (the checker looks for actives in it again).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache, reduce
from operator import or_

from needlecare.ingredients.text import clean_text, fix_colour_index

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


@dataclass(frozen=True)
class Ignored:
    text: str  # as printed (cleaned), never empty
    reason: str


@dataclass
class ParsedLabel:
    items: list[RawItem]
    ignored: list[Ignored] = field(default_factory=list)
    text: str = ""  # the cleaned label every `raw` and ignored text is taken from

    def ignore(self, text: str, reason: str) -> None:
        _ignore(self.ignored, text, reason)


def _ignore(ignored: list[Ignored], text: str, reason: str) -> None:
    text = " ".join(text.split())
    if text.strip(" .,;:"):
        ignored.append(Ignored(text, reason))


# (compiled once: a module-level re.search looks its pattern up in re's cache at every call)
_THREE_LETTERS = re.compile(r"[^\W\d_]{3}")
_THREE_ASCII_LETTERS = re.compile(r"[A-Za-z]{3}")
_AFTER_SENTENCE_MARK = re.compile(r"(?<=[.\n;])")
_LINE_END = re.compile(r"[ \t]*\r?\n[ \t]*")
_SPACED_SOFT_BREAK = f" {SOFT_BREAK} "

_HEADER_NAME = (
    r"(?:ingred[il1]ents?(?:\s+list)?|ingr[ée]dients?|inci(?:\s+names?)?"
    r"|composition|zutaten|inhaltsstoffe|ingredientes|ingredienti|sk[łl]adniki|全成分|成分|전성분)"
)
_HEADER_WORD = rf"(?:full\s+|key\s+|other\s+)?{_HEADER_NAME}"
# _HEADER_WORD after its first character, which a look-behind checks (see _ACTIVE_HEADER).
_HEADER_WORD_AFTER_FIRST = (
    rf"(?:(?<=f)ull\s+{_HEADER_NAME}|(?<=k)ey\s+{_HEADER_NAME}|(?<=o)ther\s+{_HEADER_NAME}"
    r"|(?<=i)ngred[il1]ents?(?:\s+list)?|(?<=i)ngr[ée]dients?|(?<=i)nci(?:\s+names?)?"
    r"|(?<=c)omposition|(?<=z)utaten|(?<=i)nhaltsstoffe|(?<=i)ngredientes|(?<=i)ngredienti"
    r"|(?<=s)k[łl]adniki|(?<=全)成分|(?<=成)分|(?<=전)성분)"
)
# Starts with a case-sensitive class, as _ACTIVE_HEADER (~40 us less on a long label that has
# no header). Plain form:
#   (?i)[\[【]\s*{_HEADER_WORD}\s*[\]】]\s*:?
#   |\b{_HEADER_WORD}(?:\s*[/|,]\s*{_HEADER_WORD})*\s*(?:[:：]|\n)
_HEADER = re.compile(
    "[\\[【FfKkOoIiCcZzSs全成전\u0130\u0131\u212a\u017f]"
    rf"(?i:(?<=[\[【])\s*{_HEADER_WORD}\s*[\]】]\s*:?"
    rf"|(?<!\w.){_HEADER_WORD_AFTER_FIRST}(?:\s*[/|,]\s*{_HEADER_WORD})*\s*(?:[:：]|\n))"
)
_KEY_HEADER = re.compile(r"(?i)\W*key\b")
# Drug labels: "Active ingredient(s)" (US), "Medicinal ingredient(s)" (Canada), "Active(s):".
# Written to start with a case-sensitive class of every character a match can start with
# (each character that (?i) folds to the letter, too): the engine then skips to those
# characters; a case-insensitive first letter makes it try the whole pattern at every position
# (~50 us on a drug-facts label). The look-behinds that stood before the first letter follow
# it, one character wider ("." is that letter); `(?<!\w.)` is the `\b` before it. The same
# matches as the plain form (tests/ingredients/test_parser_patterns.py):
#   (?i)(?<!in)(?<!non-)(?<!non )\b(?:active|medicinal)\s+ingredients?\b(?:\s*\([^)]*\))?\s*:?
#   |(?<!in)\bactives?\s*:
_ACTIVE_HEADER = re.compile(
    r"[AaMm](?<!\w.)(?<!(?i:in).)(?i:(?<!non-.)(?<!non .)(?:(?<=a)ctive|(?<=m)edicinal)"
    r"\s+ingredients?\b(?:\s*\([^)]*\))?\s*:?|(?<=a)ctives?\s*:)"
)
# The same way; plain form:
#   (?i)\b(?:inactive|non-?\s?medicinal)\s+ingredients?\b\s*:?|\binactives?\s*:|\bexcipients?\s*:
_INACTIVE_HEADER = re.compile(
    "[IiNnEe\u0130\u0131]"
    r"(?<!\w.)(?i:(?:(?<=i)nactive|(?<=n)on-?\s?medicinal)\s+ingredients?\b\s*:?"
    r"|(?<=i)nactives?\s*:|(?<=e)xcipients?\s*:)"
)
# The words that join a drug to its vehicle on pharmacy labels: "Tretinoin 0.025% in a cream
# base of ...", "Each gram contains ...", "Clindamycin phosphate equivalent to clindamycin 1%".
_CONNECTOR = re.compile(
    r"(?i)\b(?:in\s+an?\s+(?:[a-z-]+\s+){0,3}?(?:base|vehicle|formulation)"
    r"(?:\s+(?:of|containing|consisting\s+of|composed\s+of|with))?"
    r"|each\s+(?:gram|g|gm|ml|millilit(?:er|re)|tube|unit|pump|application)"
    r"(?:\s+of\s+[a-z]+)?\s+contains"
    r"|(?:also\s+)?contains?\b|equiv(?:alent|\.)?\s+to|(?:[a-z]+\s+)?(?:base|vehicle)\s*:)\s*:?"
)
# Sections that follow an ingredient list on packs and drug-facts panels; never names.
_TAIL = re.compile(
    # Weak words end a list only at the start of a line or after punctuation...
    r"(?im)(?:(?:^|(?<=[.\n;:,]))[ \t]*(?:directions|how\s+to\s+use|to\s+use|usage|uses|warnings?"
    r"|cautions?|precautions?|storage|store\s+(?:at|in|below)|made\s+in|when\s+using"
    r"|stop\s+use|do\s+not\s+use|ask\s+a\s+doctor|questions)\b"
    # ...phrases that no ingredient name contains end it anywhere.
    r"|\b(?:other\s+information|questions\s+or\s+comments|for\s+external\s+use"
    r"|keep\s+out\s+of\s+(?:the\s+)?reach|manufactured\s+(?:by|for)|distributed\s+by"
    r"|net\s+(?:wt|weight|contents?)|directions\s*:|warnings?\s*:|uses\s*:))\s*[?:.]?"
)
# Starts with a case-sensitive class, as _ACTIVE_HEADER. Plain form:
#   (?i)\b(?:free\s+(?:from|of)|formulated\s+without|made\s+without|without|contains\s+no
#   |does\s+not\s+contain|no\s+added|we\s+never\s+use|0\s*%\s+(?=[a-z]))\b[^.\n]*
_CLAIM = re.compile(
    r"[FfMmWwCcDdNn0](?<!\w.)(?i:(?:(?<=f)ree\s+(?:from|of)|(?<=f)ormulated\s+without"
    r"|(?<=m)ade\s+without|(?<=w)ithout|(?<=c)ontains\s+no|(?<=d)oes\s+not\s+contain"
    r"|(?<=n)o\s+added|(?<=w)e\s+never\s+use|(?<=0)\s*%\s+(?=[a-z]))\b[^.\n]*)"
)
# Formula, batch and shelf-life codes printed next to the list ("[F.I.L. D12345/1]", "Lot: 2B")
_CODES = re.compile(
    r"(?i)[\[(]?\s*\bF\.?\s?I\.?\s?L\.?\s*(?:code\s*)?[:#]?\s*[A-Z]?\d[\w/.-]*\s*[\])]?"
    r"|\b(?:lot|batch|exp(?:iry)?|pao)\s*(?:no\.?|n°|#|:)\s*[\w/.-]+"
    r"|[\[(]\s*[A-Z]{1,3}-?\d{3,}[\w/-]*\s*[\])]"  # "(G-7223)", "[B12345/2]"
)
_MAY_CONTAIN_BODY = (
    r"(?:\bmay\s+contain\b|\bpeut\s+contenir\b|\bkann\s+enthalten\b|\bpuede\s+contener\b"
    r"|\bpu[oò]\s+contenere\b|\bcontient\s+peut-être\b|\+\s*/\s*-|\(\s*\+\s*/?\s*-\s*\)|±)"
)
_MAY_CONTAIN = re.compile(_MAY_CONTAIN_BODY + r"\s*:?", re.IGNORECASE)
_MAY_CONTAIN_BRACKET = re.compile(r"[\[({]\s*(?=" + _MAY_CONTAIN_BODY + ")", re.IGNORECASE)
_MAY_MARK = "\x01"  # separator that also opens the "may contain" block
_BLEND = re.compile(r"(?i)\(\s*(?:and|&|et|und)\s*\)")
_BULLET = re.compile(r"[•●▪■◆◇○◦∙·・、|]")
# A spaced slash between two scripts ("水・BG・グリセリン / Water・Butylene Glycol"): the seam of
# a label's list in two languages, or a name and its translation ("水 / Water"); either way
# two names, never one slash name (which is written in one script: "Caprylic/Capric").
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff01-\uff5e"
_SCRIPT_SEAM = re.compile(
    rf"(?<=[{_CJK}])[ \t]+/[ \t]+(?=[A-Za-z])|(?<=[A-Za-z0-9.)\]])[ \t]+/[ \t]+(?=[{_CJK}])"
)
_SEPARATORS = ",;\x01\n"
# The dot comes first so that the engine skips to dots; the look-behinds then exclude the
# abbreviations that end in one.
_SENTENCE_END = re.compile(
    r"\.(?<!\bdenat\.)(?<!\bno\.)(?<!\bsp\.)(?<!\bspp\.)(?<!\bvar\.)(?<!\bsubsp\.)"
    r"(?<!\bssp\.)(?<!\bst\.)(?<!\bext\.)(?<!\bfil\.)(?=\s+\S|\s*$)",
    re.IGNORECASE,
)
# Commas that belong to a name or a number: locants (1,2-Hexanediol; 2,4,6-...) and decimal
# commas (0,5 %). "CI 77491,77492" and "77491,1,2-Hexanediol" are still split.
# (The comma comes first so that the engine skips to commas; the same matches as before.)
_DIGIT_COMMA = re.compile(r",(?:(?<=\b\d,)(?=\d(?:,\d)*-)|(?<=\d,)(?=\d+\s*%))")
# "1, 2-Hexanediol" / "1,2 Hexanediol": a locant split by a space; rejoined before splitting.
_SPACED_LOCANT = re.compile(r",(?<=(?<![\w.,])\d,)[ \t]*(?=\d(?:,\d)*[- ][A-Za-z])")
# The look-behinds let a match start only where a number starts: without them a long run of
# digits costs quadratic time (found by bench/fuzz_parsers.py).
_PERCENT = re.compile(
    r"\(?\s*(?:(?<![\d.,])\d+(?:[.,]\d+)?\s*(?:-|to)\s*)?(?<![\d.,])(\d+(?:[.,]\d+)?)\s*%"
    r"\s*(?:w/w|w/v|v/v)?\s*\)?"
)
_GLUED_PERCENT = re.compile(r"(\d\s*%)(?=[A-Z][a-z])")
_ACTIVE_STRENGTH = re.compile(r"\(?\s*(\d+(?:[.,]\d+)?)\s*%\s*(?:w/w|w/v)?\s*\)?")
# Strengths of pharmacy labels: "1 mg", "(1 mg/g)", "0.5 mg per gram". Only mg/g or mg/ml is a
# concentration (1 mg/g = 0.1 %); a bare amount is removed from the name and nothing more.
_MASS_STRENGTH = re.compile(
    r"(?i)\(?\s*(?<![\w.,])(\d+(?:[.,]\d+)?)\s*(mg|mcg|µg|micrograms?)\b"
    r"(\s*(?:/|per)\s*(?:g|gm|gram|ml|millilit(?:er|re))\b)?\s*\)?"
)
_NANO = re.compile(r"(?i)[\[(]\s*nano\s*[\])]|\bnano\s*[\])]?$")
_INLINE_NUMBER = re.compile(r"(?<![\w,.-])(\d{1,2})[.)]\s+(?=[A-Za-z])")
_NUMBER_MARK = re.compile(r"\d[.)]\s")  # a part of every _INLINE_NUMBER match (a fast pre-check)
_LINE_NUMBERING = re.compile(r"(?m)^[ \t]*\d{1,3}[.)][ \t]+")
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[-*+>]\s+)")
_FOOTNOTE_MARKS = re.compile(r"[*^°+#~]+")
# "Glycerin (1)", "Squalane [2]", "Aqua (*)": a footnote reference after the name.
_FOOTNOTE_REFERENCE = re.compile(r"\s*[\[(]\s*(?:\d{1,2}|[a-c]|[*†‡]+)\s*[\])]\s*$")
_EDGE = re.compile(r"^[\s.:;,\-–/\\'\"]+|[\s:;,\-/\\'\"]+$")
_DOT_LEADERS = re.compile(r"\.{2,}|…+|_{2,}")
_OPEN, _CLOSE = "([{【", ")]}】"
_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")
_BRACKET_OR_SEPARATOR = re.compile(f"[{re.escape(_OPEN + _CLOSE + _SEPARATORS)}]")
_PURPOSES = re.compile(
    r"(?i)^[\s:.-]*(?:purposes?|sunscreens?|acne\s+(?:treatment|medication)|skin\s+protectant"
    r"|anti-?\s?perspirant|anti-?\s?dandruff|antiseptic|antibacterial|antimicrobial|antifungal"
    r"|(?:external\s+)?analgesic|anti-?\s?itch|skin\s+(?:lightener|bleaching)|retinoid"
    r"|topical\s+\w+|hand\s+sanitizer|first\s+aid)\b[\s,;]*"
)


def parse_label(text: str) -> ParsedLabel:
    """Split label text into items; never raises on any string."""
    text = fix_colour_index(clean_text(text))
    hints = _LABEL_HINTS.set(_hint_mask(text))
    try:
        return _parse(text)
    finally:
        _LABEL_HINTS.reset(hints)


def _parse(text: str) -> ParsedLabel:
    ignored: list[Ignored] = []
    body = _cut_tail(_drop_header(text, ignored), ignored)
    body = _key_ingredient_entries(body, ignored)
    drug_label = _may_have_drug_headings(body)
    active = _ACTIVE_HEADER.search(body) if drug_label else None
    inactive = _INACTIVE_HEADER.search(body) if drug_label else None
    if active or (inactive and _THREE_LETTERS.search(body, 0, inactive.start())):
        # "Tretinoin 0.05%. Inactive ingredients: ...": what precedes the inactive list is the
        # active part even without its heading.
        items = _parse_drug_facts(body, active, ignored)
    else:
        items = _split_items(body, ignored, start=0)
    return ParsedLabel(items, ignored, text)


# Retailers' key-ingredient lists: "-Glycolic Acid: Reduces the signs of aging. -Malic Acid:
# Supports cell renewal, fights wrinkles, exfoliates, and moisturizes." Each "-Name:" opens an
# entry; its first sentence, commas included, says what the ingredient does. Any text after
# that sentence (a full ingredient list after the key ones) is read as usual.
_KEY_ENTRY = re.compile(r"(?:^|(?<=\s))-\s*([^\s:-][^:]{0,80}?)\s*:(?=\s)")
_DESCRIPTION_END = re.compile(r"\.(?:\s|$)")


def _key_ingredient_entries(text: str, ignored: list[Ignored]) -> str:
    """The names of a key-ingredient list (two entries or more), their descriptions ignored."""
    if not text.lstrip().startswith("-") or text.count(":") < 2:
        return text
    entries = list(_KEY_ENTRY.finditer(text))
    if len(entries) < 2 or text[: entries[0].start()].strip():
        return text
    pieces = []
    for entry, following in zip(entries, [*entries[1:], None], strict=True):
        pieces.append(entry[1])
        said = text[entry.end() : following.start() if following else len(text)]
        end = _DESCRIPTION_END.search(said)
        _ignore(ignored, said[: end.start() if end else len(said)].strip(" ;"), NOT_A_NAME)
        if end and said[end.end() :].strip():
            pieces.append(said[end.end() :])
    return ", ".join(pieces)


def _may_have_drug_headings(text: str) -> bool:
    """A cheap necessary condition for _ACTIVE_HEADER / _INACTIVE_HEADER to match."""
    mask = _LABEL_HINTS.get()
    if mask is not None and not mask & _DRUG_BIT:
        return False  # no drug heading's word anywhere in the label
    lowered = _lowered(text)
    return "activ" in lowered or "medicinal" in lowered or "excipient" in lowered


def _drop_header(text: str, ignored: list[Ignored]) -> str:
    drug_headers = (
        [(m.start(), m.end()) for h in (_ACTIVE_HEADER, _INACTIVE_HEADER) for m in h.finditer(text)]
        if _may_have_drug_headings(text)
        else []
    )
    # "Inactive ingredients:" contains "ingredients:": that is a drug-facts heading, not this one.
    if not drug_headers and _cannot_match(_HEADER, text):
        return text
    # "Key ingredients: Retinol. Ingredients: Aqua, ...": a teaser list is skipped; any later
    # header ("Other ingredients:") becomes a separator, so nothing after the first is lost.
    # The scan stops at the first full header (most labels open with it).
    first: re.Match[str] | None = None
    full: re.Match[str] | None = None
    for match in _HEADER.finditer(text):
        if any(s <= match.start() < e for s, e in drug_headers):
            continue
        first = first or match
        if not _KEY_HEADER.match(match[0]):
            full = match
            break
    if first is None or (drug_headers and first.start() > min(drug_headers)[0]):
        return text
    header = full or first
    _ignore(ignored, text[: header.start()], BEFORE_LIST)
    _ignore(ignored, header[0], HEADING)
    return text[header.end() :]


def _cut_tail(text: str, ignored: list[Ignored]) -> str:
    if _cannot_match(_TAIL, text):
        return text
    for match in _TAIL.finditer(text):
        before = text[: match.start()]
        # A tail section only ends a list that has begun: "Uses" as the first word is not a cut.
        if _THREE_ASCII_LETTERS.search(before) and not _inside_brackets(before):
            inactive = _INACTIVE_HEADER.search(text, match.end())
            if inactive:  # drug facts put "Directions/Warnings" before "Inactive ingredients"
                _ignore(ignored, text[match.start() : inactive.start()], SECTION)
                return _cut_tail(before + "\n" + text[inactive.start() :], ignored)
            _ignore(ignored, text[match.start() :], SECTION)
            return before
    return text


def _inside_brackets(text: str) -> bool:
    return sum(text.count(c) for c in _OPEN) > sum(text.count(c) for c in _CLOSE)


def _parse_drug_facts(
    text: str, active: re.Match[str] | None, ignored: list[Ignored]
) -> list[RawItem]:
    actives_start = active.end() if active else 0
    inactive = _INACTIVE_HEADER.search(text, actives_start)
    actives_text = text[actives_start : inactive.start() if inactive else len(text)]
    if active:
        _ignore(ignored, text[: active.start()], BEFORE_LIST)
        _ignore(ignored, active[0], HEADING)
    items = _parse_actives(actives_text, ignored)
    if inactive:
        _ignore(ignored, inactive[0], HEADING)
        items += _split_items(text[inactive.end() :], ignored, start=len(items))
    return items


def _parse_actives(text: str, ignored: list[Ignored]) -> list[RawItem]:
    """'Avobenzone 3% Sunscreen Homosalate 10% Sunscreen' -> named actives with their %.

    The strength may follow the name or precede it ("0.1% Adapalene"); a purpose printed beside
    a name is reported as ignored text.
    """
    text = _DOT_LEADERS.sub(" ", text)
    matches = list(_ACTIVE_STRENGTH.finditer(text))
    if not matches:
        return _as_actives(_split_items(text, ignored, start=0))
    strength_first = not _strip_purposes(text[: matches[0].start()], [])
    items: list[RawItem] = []
    for index, match in enumerate(matches):
        if strength_first:
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            name_text = text[match.end() : end]
        else:
            name_text = text[matches[index - 1].end() if index else 0 : match.start()]
        percent = float(match[1].replace(",", "."))
        found = _split_items(_strip_purposes(name_text, ignored), ignored, start=len(items))
        if found:  # the strength belongs to the name next to it
            near = -1 if not strength_first else 0
            found[near] = replace(
                found[near],
                raw=_with_strength(found[near].raw, match[0], strength_first),
                percent=percent,
            )
        items += found
    if not strength_first:
        rest = _strip_purposes(text[matches[-1].end() :], ignored)
        items += _split_items(rest, ignored, start=len(items))
    else:
        _ignore(ignored, text[: matches[0].start()], PUNCTUATION)
    return _as_actives(items)


def _with_strength(raw: str, strength: str, strength_first: bool) -> str:
    strength = " ".join(strength.split())
    return f"{strength} {raw}" if strength_first else f"{raw} {strength}"


def _as_actives(items: list[RawItem]) -> list[RawItem]:
    return [replace(item, active=True) for item in items]


def _strip_purposes(text: str, ignored: list[Ignored]) -> str:
    """Remove purpose words ("Acne treatment", "Sunscreen") wherever they open a segment."""
    pieces = []
    for segment in _AFTER_SENTENCE_MARK.split(text):
        while (purpose := _PURPOSES.match(segment)) is not None and purpose.end() > 0:
            _ignore(ignored, purpose[0], PURPOSE)
            segment = segment[purpose.end() :]
        pieces.append(segment)
    return _EDGE.sub("", " ".join("".join(pieces).split()))


def _split_items(text: str, ignored: list[Ignored], start: int) -> list[RawItem]:
    # Each step runs only when the label holds a word or character every match needs (the
    # label's hint bits, see _hint_mask; all bits set outside parse_label).
    mask = _LABEL_HINTS.get()
    if mask is None:
        mask = -1
    if mask & _CLAIM_BIT:
        text = _replace_noting(_CLAIM, text, ",", CLAIM, ignored)
    if mask & _CODES_BIT:
        text = _replace_noting(_CODES, text, ",", CODE, ignored)
    # "Key ingredients: ... Full ingredient list: ...": a later header is a separator.
    if mask & _HEADER_BIT:
        text = _replace_noting(_HEADER, text, ",", HEADING, ignored)
    if mask & _MAY_BIT:  # every "may contain" bracket holds a "may contain" hint
        text = _transparent_may_contain_brackets(text)
        text = _replace_noting(_MAY_CONTAIN, text, _MAY_MARK, MARKER, ignored)
    if mask & _CONNECTOR_BIT:
        text = _replace_noting(_CONNECTOR, text, ",", CONNECTOR, ignored)
    if "(" in text:
        text = _BLEND.sub(",", text)
    if "\n" in text or text.lstrip(" \t")[:1].isdigit():  # numbering opens a line
        text = _LINE_NUMBERING.sub("\n", text)
    digits = mask & _DIGIT_BIT
    if digits:
        text = _inline_numbering(text)
    text = _BULLET.sub(",", text)
    if " / " in text:
        text = _SCRIPT_SEAM.sub(",", text)
    if digits:
        if "%" in text:  # "Zinc Oxide 6.90%Water": a strength glued to the next name
            text = _GLUED_PERCENT.sub(_with_comma, text)
        if "," in text:
            text = _SPACED_LOCANT.sub("\x02", text)
            text = _DIGIT_COMMA.sub("\x02", text)  # 1,2-Hexanediol keeps its comma
    if not any(c in text for c in ",;\x01"):  # "Aqua / Glycerin / Panthenol", "Aqua - Glycerin"
        for spaced in (" / ", " - "):
            if text.count(spaced) >= 2:
                text = text.replace(spaced, ",")
    if "\n" in text and not _newlines_separate(text):
        # Probably a wrapped line; the checker splits here if both halves are known names.
        text = _LINE_END.sub(_SPACED_SOFT_BREAK, text)
    if "." in text:
        text = _SENTENCE_END.sub(",", text)
    pieces = _split_outside_brackets(text)
    items: list[RawItem] = []
    may_contain = False
    for piece, opens_block in pieces:
        may_contain = may_contain or opens_block
        raw, cleaned, percent, nano = _read_piece(piece)
        if not raw:
            continue
        if not cleaned:
            _ignore(ignored, raw, PUNCTUATION)
            continue
        items.append(RawItem(raw, cleaned, start + len(items), percent, nano, may_contain))
    return items


def _with_comma(match: re.Match[str]) -> str:
    return match[1] + ","  # as the template "\\1," (a function is cheaper than a template)


# Lower-case words one of which every match of the pattern contains (a cheap pre-check).
_HINTS: dict[re.Pattern[str], tuple[str, ...]] = {
    _MAY_CONTAIN: ("may", "peut", "kann", "puede", "contenere", "contient", "+", "±"),
    _CONNECTOR: ("base", "vehicle", "formulation", "contain", "equiv"),
    _CLAIM: ("free", "without", "contain", "added", "never", "%"),
    # Sections after the list: each alternative of _TAIL contains one of these.
    _TAIL: (
        "direction",
        "use",
        "usage",
        "warning",
        "caution",
        "storage",
        "store",
        "made",
        "when",
        "stop",
        "ask",
        "question",
        "information",
        "external",
        "reach",
        "manufactured",
        "distributed",
        "net",
    ),
    _HEADER: ("ingr", "inci", "composition", "zutaten", "inhaltsstoffe", "sk", "成分", "전성분"),
    # Every code has a digit, or the word lot, batch, exp(iry) or pao before its number.
    _CODES: ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "lot", "batch", "exp", "pao"),
}


# A second, sharper pre-check: every match contains one of these words or a match of one of
# these patterns (each a part of one alternative of the pattern, with the same flags, that
# starts with a character the engine can skip to).
_GATES: dict[re.Pattern[str], tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]] = {
    _CODES: (
        ("lot", "batch", "exp", "pao"),
        (re.compile(r"(?i)F\.?\s?I\.?\s?L"), re.compile(r"(?i)[\[(]\s*[A-Z]{1,3}-?\d{3}")),
    ),
}


# Keyed by id: hashing a compiled pattern hashes its whole compiled code, at every look-up.
_HINTS_BY_ID = {id(pattern): hints for pattern, hints in _HINTS.items()}
_GATES_BY_ID = {id(pattern): gate for pattern, gate in _GATES.items()}


# Which patterns' hints a label holds, as one bit per pattern (and one for the drug headings'
# words). The parser's texts are pieces of the label joined by separators (",", line ends,
# spaces, control marks) that no hint contains, so a hint absent from the label is absent from
# every text cut from it; a hint contains no white space, so each occurrence lies inside one
# white-space-separated token of the label, and a label's hints are its tokens' hints. Tokens
# (names) repeat from list to list: their hints are cached, and a label's are found with one
# split and one look-up per token instead of a substring search per hint and pattern.
_DRUG_HINTS = ("activ", "medicinal", "excipient")  # as in _may_have_drug_headings
_BITS = {id(pattern): 1 << index for index, pattern in enumerate(_HINTS)}
_DRUG_BIT = 1 << len(_HINTS)
_DIGIT_BIT = _DRUG_BIT << 1  # any digit (\d: of any script): numbering, strengths, locants
_ANY_DIGIT = re.compile(r"\d")
_HINT_BITS = tuple(
    (hint, bit)
    for hints, bit in [
        *((_HINTS[p], _BITS[id(p)]) for p in _HINTS),
        (_DRUG_HINTS, _DRUG_BIT),
    ]
    for hint in hints
)
_CLAIM_BIT, _CODES_BIT, _HEADER_BIT = _BITS[id(_CLAIM)], _BITS[id(_CODES)], _BITS[id(_HEADER)]
_MAY_BIT, _CONNECTOR_BIT = _BITS[id(_MAY_CONTAIN)], _BITS[id(_CONNECTOR)]
# The bits of the label being parsed (None outside parse_label: then every pre-check searches).
_LABEL_HINTS: ContextVar[int | None] = ContextVar("label_hints", default=None)


def _token_bits(token: str) -> int:
    bits = 0
    for hint, bit in _HINT_BITS:
        if hint in token:
            bits |= bit
    if _ANY_DIGIT.search(token) is not None:
        bits |= _DIGIT_BIT
    return bits


# Token -> its bits; a plain dict (its get, mapped over a label's tokens, costs a third of an
# lru_cache call), emptied when it grows past the bound.
_TOKEN_BITS: dict[str, int] = {}
_TOKEN_BITS_MAX = 65536


def _hint_mask(text: str) -> int:
    tokens = text.lower().split()
    found = set(map(_TOKEN_BITS.get, tokens))
    if None in found:  # tokens not seen before
        if len(_TOKEN_BITS) > _TOKEN_BITS_MAX:
            _TOKEN_BITS.clear()
        for token in tokens:
            if token not in _TOKEN_BITS:
                _TOKEN_BITS[token] = _token_bits(token)
        found = set(map(_TOKEN_BITS.__getitem__, tokens))
    return reduce(or_, found, 0)


def _cannot_match(pattern: re.Pattern[str], text: str) -> bool:
    """True when a word that every match of `pattern` contains is absent from `text`."""
    hints = _HINTS_BY_ID.get(id(pattern))
    if hints is None:
        return False
    mask = _LABEL_HINTS.get()
    if mask is not None and not mask & _BITS[id(pattern)]:
        return True  # absent from the whole label
    lowered = _lowered(text)
    for hint in hints:  # substring tests: faster than one alternation of the hints
        if hint in lowered:
            break
    else:
        return True
    gate = _GATES_BY_ID.get(id(pattern))
    if gate is None:
        return False
    words, parts = gate
    return not any(word in lowered for word in words) and not any(
        part.search(text) for part in parts
    )


@lru_cache(maxsize=4)
def _lowered(text: str) -> str:
    """The label's text in lower case, computed once for all the patterns' pre-checks."""
    return text.lower()


def _replace_noting(
    pattern: re.Pattern[str], text: str, mark: str, reason: str, ignored: list[Ignored]
) -> str:
    """Replace every match with `mark`, reporting the text it replaces (one pass)."""
    if _cannot_match(pattern, text):
        return text  # a word every match contains is absent: nothing to replace

    def note(match: re.Match[str]) -> str:
        _ignore(ignored, match[0], reason)
        return mark

    return pattern.sub(note, text)


def _inline_numbering(text: str) -> str:
    """'1. Water 2. Glycerin 3. Niacinamide' (a numbered list on one line): numbers are separators.

    Only a run 1, 2, 3, ... of at least three counts, so 'Polysorbate 20. Glycerin' is untouched.
    """
    if _NUMBER_MARK.search(text) is None:  # every mark has a digit, a dot or bracket, a space
        return text
    marks = list(_INLINE_NUMBER.finditer(text))
    numbers = [int(m[1]) for m in marks]
    if len(marks) < 3 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return text
    for mark in reversed(marks):
        text = text[: mark.start()] + "," + text[mark.end() :]
    return text


def _transparent_may_contain_brackets(text: str) -> str:
    """'[+/- CI 77891, CI 77491]' is a list, not one bracketed name: open it up."""
    while (match := _MAY_CONTAIN_BRACKET.search(text)) is not None:
        close = _matching_close(text, match.start())
        end = close if close is not None else len(text)
        inner = text[match.end() : end]
        text = text[: match.start()] + "," + inner + "," + text[end + 1 :]
    return text


def _matching_close(text: str, open_at: int) -> int | None:
    depth = 0
    for index in range(open_at, len(text)):
        if text[index] in _OPEN:
            depth += 1
        elif text[index] in _CLOSE:
            depth -= 1
            if depth == 0:
                return index
    return None


def _newlines_separate(text: str) -> bool:
    """One name per line (no commas) vs a comma list wrapped over several lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    separators = sum(text.count(c) for c in ",;\x01")
    return len(lines) >= 3 and separators < (len(lines) - 1) / 2


def _split_outside_brackets(text: str) -> list[tuple[str, bool]]:
    """Split at separators at bracket depth 0; unmatched brackets are treated as spaces."""
    if _BRACKET.search(text) is None:  # no bracket (most lists): every separator splits
        if ";" not in text and "\n" not in text and _MAY_MARK not in text:
            return [(piece, False) for piece in text.split(",")]
    else:
        text = _drop_unmatched_brackets(text)
    pieces: list[tuple[str, bool]] = []
    depth = 0
    piece_start = 0
    opens_block = False
    # Only brackets and separators matter: visit those, not every character (long labels).
    for match in _BRACKET_OR_SEPARATOR.finditer(text):
        char = match[0]
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif depth == 0:
            pieces.append((text[piece_start : match.start()], opens_block))
            piece_start, opens_block = match.end(), char == _MAY_MARK
    pieces.append((text[piece_start:], opens_block))
    return pieces


def _drop_unmatched_brackets(text: str) -> str:
    stack: list[int] = []
    unmatched: list[int] = []
    for match in _BRACKET.finditer(text):
        index, char = match.start(), match[0]
        if char in _OPEN:
            stack.append(index)
        elif stack and _OPEN.index(text[stack[-1]]) == _CLOSE.index(char):
            stack.pop()
        else:
            unmatched.append(index)
    unmatched += stack
    if not unmatched:
        return text
    chars = list(text)
    for index in unmatched:
        chars[index] = " "
    return "".join(chars)


@lru_cache(maxsize=16384)
def _read_piece(piece: str) -> tuple[str, str, float | None, bool]:
    """The printed text of one piece and its cleaned name, percent and nano mark.

    Cached: the same pieces (", Glycerin") come back in list after list."""
    piece = piece.replace("\x02", ",").strip().strip(SOFT_BREAK)
    raw = _EDGE.sub("", " ".join(piece.replace(SOFT_BREAK, "").split()))
    if not raw:
        return raw, "", None, False
    return (raw, *clean_item(" ".join(piece.split())))


# "L (+) Lactic Acid", "L(+)-Lactic Acid": the sign of optical rotation after a stereo prefix,
# kept as the prefix alone ("L-Lactic Acid") so that a "+" is not read as a footnote mark.
_ROTATION = re.compile(r"(?i)(?<![\w-])(DL|D|L)\s*\(\s*[+\-±]\s*\)\s*-?\s*(?=[A-Za-z]{3})")


@lru_cache(maxsize=16384)
def clean_item(raw: str) -> tuple[str, float | None, bool]:
    """Strip what decorates a name: %, [nano], footnote marks, numbering, edge punctuation.

    Cached: the same printed names (Aqua, Glycerin) come back in list after list."""
    percent = None
    match = _PERCENT.search(raw)
    text = raw
    if match:
        percent = float(match[1].replace(",", "."))
        text = text[: match.start()] + " " + text[match.end() :]
    mass = _MASS_STRENGTH.search(text)
    if mass:
        if percent is None and mass[3]:
            per_gram = float(mass[1].replace(",", ".")) / 10
            percent = per_gram / 1000 if mass[2].lower() != "mg" else per_gram
        text = text[: mass.start()] + " " + text[mass.end() :]
    nano = bool(_NANO.search(text))
    text = _NANO.sub(" ", text)
    text = _NUMBERING.sub("", text)
    text = _ROTATION.sub(r"\1-", text)  # before the footnote marks take the sign
    text = _FOOTNOTE_REFERENCE.sub(" ", text)
    text = _FOOTNOTE_MARKS.sub(" ", text)
    text = re.sub(r"[\[(]\s*[\])]", " ", text)  # brackets emptied by the steps above
    text = _EDGE.sub("", " ".join(text.split()))
    return text, percent, nano

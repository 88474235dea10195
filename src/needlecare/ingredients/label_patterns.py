"""The whole-label patterns (headings, sections after the list, claims, codes, connecting words,
"may contain" markers) and their cheap pre-checks: the words every match contains, kept per
label as hint bits so that a pattern that cannot match is never searched."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import lru_cache, reduce
from operator import or_

from needlecare.ingredients.parsed import Ignored, note_ignored


class FirstUsePattern:
    """A pattern compiled when it is first used. Compiling is most of a one-shot run's start-up
    (Python's compiler of regular expressions is itself Python: up to ~37 M instructions for
    one pattern with large classes of characters), and most labels never use the patterns of
    the shapes they lack: drug headings, pharmacy connectors, a seam between two scripts,
    "may contain" blocks, codes, claims. The same pattern and flags as re.compile, the same
    results; for a pattern that most labels use, a plain compiled pattern costs less."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._get().search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._get().match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self._get().fullmatch(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        return self._get().finditer(text, pos)

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self._get().sub(replacement, text)


# A pattern as the parser's steps take it: compiled at import, or on first use.
Pattern = re.Pattern[str] | FirstUsePattern


_HEADER_NAME = (
    r"(?:ingred[il1]ents?(?:\s+list)?|ingr[ée]dients?|inci(?:\s+names?)?"
    r"|composi(?:tion|ci[óo]n|zione)|zutaten|inhaltsstoffe|ingredientes|ingredienti|sk[łl]adniki"
    r"|全成分|成分|전성분)"
)
_HEADER_WORD = rf"(?:full\s+|key\s+|other\s+)?{_HEADER_NAME}"
# _HEADER_WORD after its first character, which a look-behind checks (see _ACTIVE_HEADER).
_HEADER_WORD_AFTER_FIRST = (
    rf"(?:(?<=f)ull\s+{_HEADER_NAME}|(?<=k)ey\s+{_HEADER_NAME}|(?<=o)ther\s+{_HEADER_NAME}"
    r"|(?<=i)ngred[il1]ents?(?:\s+list)?|(?<=i)ngr[ée]dients?|(?<=i)nci(?:\s+names?)?"
    r"|(?<=c)omposi(?:tion|ci[óo]n|zione)|(?<=z)utaten|(?<=i)nhaltsstoffe|(?<=i)ngredientes|(?<=i)ngredienti"
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
#   |(?<!in)\b(?:principios?\s+activos?|principes?\s+actifs?|principi(?:o)?\s+attiv[oi]
#     |substances?\s+actives?|wirkstoffe?)\s*:
# (the leaflet headings of the languages the connectors know: Spanish, French, Italian, German)
_ACTIVE_HEADER = FirstUsePattern(
    "[AaMmPpSsWw\u017f]"
    r"(?<!\w.)(?<!(?i:in).)(?i:(?<!non-.)(?<!non .)(?:(?<=a)ctive|(?<=m)edicinal)"
    r"\s+ingredients?\b(?:\s*\([^)]*\))?\s*:?|(?<=a)ctives?\s*:"
    r"|(?:(?<=p)rincipios?\s+activos?|(?<=p)rincipes?\s+actifs?|(?<=p)rincipi(?:o)?\s+attiv[oi]"
    r"|(?<=s)ubstances?\s+actives?|(?<=w)irkstoffe?)\s*:)"
)
# The same way; plain form:
#   (?i)\b(?:inactive|non-?\s?medicinal)\s+ingredients?\b\s*:?|\binactives?\s*:
#   |\bexcipient(?:e?s)?\s*:          ("Excipients :", Spanish "Excipientes:")
#   |\beccipienti\s*:|\bsonstige\s+bestandteile\s*:          (Italian, German)
_INACTIVE_HEADER = FirstUsePattern(
    "[IiNnEeSs\u0130\u0131\u017f]"
    r"(?<!\w.)(?i:(?:(?<=i)nactive|(?<=n)on-?\s?medicinal)\s+ingredients?\b\s*:?"
    r"|(?<=i)nactives?\s*:|(?<=e)xcipient(?:e?s)?\s*:"
    r"|(?<=e)ccipienti\s*:|(?<=s)onstige\s+bestandteile\s*:)"
)
# The words that join a drug to its vehicle on pharmacy labels: "Tretinoin 0.025% in a cream
# base of ...", "Each gram contains ...", "Clindamycin phosphate equivalent to clindamycin 1%".
_CONNECTOR = FirstUsePattern(
    r"(?i)\b(?:in\s+an?\s+(?:[a-z-]+\s+){0,3}?(?:base|vehicle|formulation)"
    r"(?:\s+(?:of|containing|consisting\s+of|composed\s+of|with))?"
    r"|(?:each|one)\s+(?:1\s*)?(?:gram|g|gm|ml|millilit(?:er|re)|tube|unit|pump|application)"
    r"(?:\s+of\s+[a-z]+)?\s+contains|1\s*(?:gram|g|ml)\s+(?:of\s+)?(?:[a-z]+\s+)?contains"
    # The same on Spanish, French, Italian and German leaflets ("Cada gramo de gel contiene",
    # "Chaque gramme contient", "Ogni grammo contiene", "1 g Gel enthält").
    r"|(?:cada|chaque|un|ogni|1)\s+(?:gramo|gramme|grammo|g|ml)(?:\s+(?:de|di)\s+\w+)?"
    r"\s+(?:contiene|contient|contengono)|1\s*g\s+(?:\w+\s+)?enth(?:ä|ae)lt"
    r"|(?:also\s+)?contains?\b|equiv(?:alent|\.)?\s+to|(?:[a-z]+\s+)?(?:base|vehicle)\s*:)\s*:?"
)
# Sections that follow an ingredient list on packs and drug-facts panels; never names.
_TAIL = FirstUsePattern(
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
_CLAIM = FirstUsePattern(
    r"[FfMmWwCcDdNn0](?<!\w.)(?i:(?:(?<=f)ree\s+(?:from|of)|(?<=f)ormulated\s+without"
    r"|(?<=m)ade\s+without|(?<=w)ithout|(?<=c)ontains\s+no|(?<=d)oes\s+not\s+contain"
    r"|(?<=n)o\s+added|(?<=w)e\s+never\s+use|(?<=0)\s*%\s+(?=[a-z]))\b[^.\n]*)"
)
# Formula, batch and shelf-life codes printed next to the list ("[F.I.L. D12345/1]", "Lot: 2B")
_CODES = FirstUsePattern(
    r"(?i)[\[(]?\s*\bF\.?\s?I\.?\s?L\.?\s*(?:code\s*)?[:#]?\s*[A-Z]?\d[\w/.-]*\s*[\])]?"
    r"|\b(?:lot|batch|exp(?:iry)?|pao)\s*(?:no\.?|n°|#|:)\s*[\w/.-]+"
    r"|[\[(]\s*[A-Z]{1,3}-?\d{3,}[\w/-]*\s*[\])]"  # "(G-7223)", "[B12345/2]"
)
_MAY_CONTAIN_BODY = (
    r"(?:\bmay\s+contain\b|\bpeut\s+contenir\b|\bkann\s+enthalten\b|\bpuede\s+contener\b"
    r"|\bpu[oò]\s+contenere\b|\bcontient\s+peut-être\b|\+\s*/\s*-|\(\s*\+\s*/?\s*-\s*\)|±)"
)
_MAY_CONTAIN = FirstUsePattern(_MAY_CONTAIN_BODY + r"\s*:?", re.IGNORECASE)
_MAY_MARK = "\x01"  # separator that also opens the "may contain" block


# Lower-case words one of which every match of the pattern contains (a cheap pre-check).
_HINTS: dict[Pattern, tuple[str, ...]] = {
    _MAY_CONTAIN: ("may", "peut", "kann", "puede", "contenere", "contient", "+", "±"),
    # (whole German words: "enth" alone is in every "menthol")
    _CONNECTOR: (
        *("base", "vehicle", "formulation", "contain", "equiv"),
        *("contien", "conteng", "enthält", "enthaelt"),
    ),
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
    _HEADER: ("ingr", "inci", "composi", "zutaten", "inhaltsstoffe", "sk", "成分", "전성분"),
    # Every code has a digit, or the word lot, batch, exp(iry) or pao before its number.
    _CODES: ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "lot", "batch", "exp", "pao"),
}


# A second, sharper pre-check: every match contains one of these words or a match of one of
# these patterns (each a part of one alternative of the pattern, with the same flags, that
# starts with a character the engine can skip to: "[Ff]" is what (?i)F matches, and it lets
# the engine skip to it).
_GATES: dict[Pattern, tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]] = {
    _CODES: (
        ("lot", "batch", "exp", "pao"),
        # (each starts with one literal character: the engine scans for it several times
        # faster than for a class of two)
        tuple(
            re.compile(pattern)
            for pattern in (
                r"F(?i:\.?\s?I\.?\s?L)",
                r"f(?i:\.?\s?I\.?\s?L)",
                r"(?i)\[\s*[A-Z]{1,3}-?\d{3}",
                r"(?i)\(\s*[A-Z]{1,3}-?\d{3}",
            )
        ),
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
# Words one of which every drug heading contains (_ACTIVE_HEADER, _INACTIVE_HEADER).
DRUG_HINTS = (
    *("activ", "medicinal", "excipient"),
    *("actif", "attiv", "wirkstoff", "eccipient", "bestandteil"),  # French, Italian, German
)
_BITS = {id(pattern): 1 << index for index, pattern in enumerate(_HINTS)}
_DRUG_BIT = 1 << len(_HINTS)
_DIGIT_BIT = _DRUG_BIT << 1  # any digit (\d: of any script): numbering, strengths, locants
_ANY_DIGIT = re.compile(r"\d")
_HINT_BITS = tuple(
    (hint, bit)
    for hints, bit in [
        *((_HINTS[p], _BITS[id(p)]) for p in _HINTS),
        (DRUG_HINTS, _DRUG_BIT),
    ]
    for hint in hints
)
_CLAIM_BIT, _CODES_BIT, _HEADER_BIT = _BITS[id(_CLAIM)], _BITS[id(_CODES)], _BITS[id(_HEADER)]
_MAY_BIT, _CONNECTOR_BIT = _BITS[id(_MAY_CONTAIN)], _BITS[id(_CONNECTOR)]
# The bits of the label being parsed (None outside parse_label: then every pre-check searches).
LABEL_HINTS: ContextVar[int | None] = ContextVar("label_hints", default=None)


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


def hint_mask(tokens: list[str]) -> int:
    """The hint bits of a label from its tokens (`text.lower().split()`)."""
    found = set(map(_TOKEN_BITS.get, tokens))
    if None in found:  # tokens not seen before
        if len(_TOKEN_BITS) > _TOKEN_BITS_MAX:
            _TOKEN_BITS.clear()
        for token in tokens:
            if token not in _TOKEN_BITS:
                _TOKEN_BITS[token] = _token_bits(token)
        found = set(map(_TOKEN_BITS.__getitem__, tokens))
    return reduce(or_, found, 0)


def cannot_match(pattern: Pattern, text: str) -> bool:
    """True when a word that every match of `pattern` contains is absent from `text`."""
    hints = _HINTS_BY_ID.get(id(pattern))
    if hints is None:
        return False
    mask = LABEL_HINTS.get()
    if mask is not None and not mask & _BITS[id(pattern)]:
        return True  # absent from the whole label
    lowered = lowered_label(text)
    gate = _GATES_BY_ID.get(id(pattern))
    if gate is not None:  # sharper than the hints: tested alone (one of them may be absent)
        words, parts = gate
        for word in words:
            if word in lowered:
                return False
        for part in parts:
            if part.search(text) is not None:
                break
        else:
            return True
        return False
    for hint in hints:  # substring tests: faster than one alternation of the hints
        if hint in lowered:
            break
    else:
        return True
    return False


@lru_cache(maxsize=4)
def lowered_label(text: str) -> str:
    """The label's text in lower case, computed once for all the patterns' pre-checks."""
    return text.lower()


def replace_noting(
    pattern: Pattern, text: str, mark: str, reason: str, ignored: list[Ignored]
) -> str:
    """Replace every match with `mark`, reporting the text it replaces (one pass)."""
    if cannot_match(pattern, text):
        return text  # a word every match contains is absent: nothing to replace

    def note(match: re.Match[str]) -> str:
        note_ignored(ignored, match[0], reason)
        return mark

    return pattern.sub(note, text)

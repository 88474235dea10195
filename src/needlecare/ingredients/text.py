"""Text normalisation for labels as they are really printed (Unicode, OCR slips, name keys)."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# Footnote marks that NFKC would turn into digits ("Glycerin¹" must not become "GLYCERIN1").
# ... and trademark signs, which NFKC turns into letters ("Pitera™" must not become "PITERATM").
_SUPERSCRIPTS = str.maketrans("", "", "¹²³⁴⁵⁶⁷⁸⁹⁰†‡§¶※™℠")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00b4": "'",
        "`": "'",
    }
)
_SUPERSCRIPT_CHARS = "".join(map(chr, _SUPERSCRIPTS))
_QUOTE_CHARS = "".join(map(chr, _QUOTES))
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


# A label is searched for a few characters outside Latin-1 with one substring test each: a
# regular-expression class of them tests every character of the text against each member.
def has_any(chars: str, text: str) -> bool:
    """Does the text hold any of the characters?"""
    # A loop, not any() over a generator: the generator's frame and resumptions cost more than
    # the substring tests (this runs for every label's brackets).
    for char in chars:  # noqa: SIM110
        if char in text:
            return True
    return False


def replace_each(text: str, chars: str, by: str) -> str:
    """Every one of the characters replaced by `by` (as re.sub of their class)."""
    for char in chars:
        if char in text:
            text = text.replace(char, by)
    return text


SOFT_HYPHEN = "\u00ad"  # kept as a marker for a hyphen broken at a line end (see parser)
_LINE_BREAK_HYPHEN = re.compile(r"(?<=[A-Za-z])-[ \t]*\r?\n[ \t]*(?=[a-z])")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# OCR reads the colour index prefix "CI" as Cl, C1, C|, C.I. and its digits with O/o/l/I/|.
# Starts with its first letter as a class, the \b before it a look-behind after it: the engine
# then skips to a C (a \b first made it try the pattern at every place). Plain form:
#   \b[Cc]\s?\.?\s?[IiLl1|]\.?\s?-?\s?([0-9OoIl|]{5})(?![0-9A-Za-z])
_CI = re.compile(r"[Cc](?<!\w.)\s?\.?\s?[IiLl1|]\.?\s?-?\s?([0-9OoIl|]{5})(?![0-9A-Za-z])")
_ASCII_DIGIT = re.compile("[0-9]")
# (the first character apart: a pattern that starts with a class lets the engine skip to it)
_CI_DIGITS_RUN = re.compile(r"[0-9OoIl|][0-9OoIl|]{4}(?![0-9A-Za-z])")
_CI_RUN = re.compile(r"(CI \d{5})\s*[,/]\s*(?=\d{5}(?![0-9A-Za-z]))")
_CI_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def clean_text(text: str) -> str:
    """Unicode-normalise a whole label; keeps line structure for the parser."""
    if "<" in text or "&" in text:  # copied from a web page: tags are line breaks
        text = html.unescape(_TAG.sub("\n", text))
    ascii_text = text.isascii()
    if not ascii_text:  # superscripts, soft hyphens, NFKC, dashes, quotes: never ASCII
        # (str.translate costs ~50 ns a character: only when a character to translate is there)
        if has_any(_SUPERSCRIPT_CHARS, text):
            text = text.translate(_SUPERSCRIPTS)
        text = text.replace(SOFT_HYPHEN, "")
        text = replace_each(text, _INVISIBLE, "")
        text = unicodedata.normalize("NFKC", text)
        text = replace_each(text, _DASHES, "-")
        if has_any(_QUOTE_CHARS, text):
            text = text.translate(_QUOTES)
    elif "`" in text:
        text = text.replace("`", "'")
    printable = text.isprintable()  # (no control character, and no white space but spaces)
    if not printable:
        text = _CONTROL.sub(" ", text)
    # Long runs of white space carry no meaning but make the parser's patterns quadratic
    # (bench/fuzz_parsers.py): one space per run, and a blank line at most.
    # A run of two or more white-space characters other than LF is two spaces, or has another
    # white-space character: the search only then. (ASCII white space left after _CONTROL is
    # space, tab, CR and LF; other text may have a non-ASCII one that NFKC left.)
    if ascii_text:
        spaced = "  " in text or "\t" in text or "\r" in text
    else:
        spaced = "  " in text or (not printable and _OTHER_SPACE.search(text) is not None)
    if spaced:
        text = _HORIZONTAL_SPACE.sub(" ", text)
    if "\n" not in text:
        return text
    text = _BLANK_LINES.sub("\n\n", text)
    # "Phenoxy-\nethanol": a word broken at a line end. Mark it; the recogniser tries both.
    return _LINE_BREAK_HYPHEN.sub(SOFT_HYPHEN, text)


def fix_colour_index(text: str) -> str:
    """'Cl 77492', 'C.I.77491', 'CI 7749l' -> 'CI 77492' (only 5-digit colour-index codes)."""

    def repl(match: re.Match[str]) -> str:
        digits = match[1].translate(_CI_DIGITS)
        if not digits.isdigit() or sum(c.isdigit() for c in match[1]) < 3:
            return match[0]
        return f"CI {digits}"

    # A part of every _CI match that repl changes: 3 ASCII digits at least (fast pre-checks).
    if _ASCII_DIGIT.search(text) is not None and _CI_DIGITS_RUN.search(text) is not None:
        text = _CI.sub(repl, text)
    # "CI 77491, 77492, 77499": the prefix printed once for a run of numbers (every match
    # starts with "CI "; a function, not a template, as the replacement: a template string
    # costs a Python-level template look-up at every call, even when nothing matches)
    if "CI " in text:
        while (fixed := _CI_RUN.sub(_ci_prefixed, text)) != text:
            text = fixed
    return text


def _ci_prefixed(match: re.Match[str]) -> str:
    return match[1] + ", CI "


_SPACES = re.compile(r"\s+")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]{2,}")
_OTHER_SPACE = re.compile(r"[^\S \n]")  # white space but space and LF
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
_AROUND_PUNCT = re.compile(r"\s*([/\-,])\s*")
_NOT_ALNUM = re.compile(r"[\W_]+")  # keeps letters of every script (Hangul, kana)


def name_key(name: str) -> str:
    """Exact key: upper case, single spaces, no spaces around / - , (as CosIng prints them)."""
    key = _SPACES.sub(" ", name.upper().replace(SOFT_HYPHEN, "")).strip()
    return _AROUND_PUNCT.sub(_first_group, key).rstrip(" ,;:")


def _first_group(match: re.Match[str]) -> str:
    return match[1]  # as the template r"\1" (a function is cheaper than a template)


@lru_cache(maxsize=65536)  # names recur from list to list; NFKD and the loop are not cheap
def loose_key(name: str) -> str:
    """Spelling-insensitive key: letters and digits only ('1,2 Hexanediol' == '1,2-HEXANEDIOL').

    Accents are folded ('Glycérine' == 'GLYCERINE').
    """
    folded = unicodedata.normalize("NFKD", name.upper().replace(SOFT_HYPHEN, ""))
    return _NOT_ALNUM.sub("", "".join(c for c in folded if not unicodedata.combining(c)))


def loose_words(name: str) -> str:
    """Upper case with accents folded, word boundaries kept ('Extrait de Mélasse')."""
    folded = unicodedata.normalize("NFKD", name.upper())
    return "".join(c for c in folded if not unicodedata.combining(c))


_LETTER_DIGIT_LETTER = re.compile(r"(?<=[A-Z])[015](?=[A-Z])")
_DIGIT_O = re.compile(r"(?<=[0-9])O|O(?=[0-9])")
_LOST_FFI = re.compile(r"\bOF CIN")
_OCR_LETTERS = str.maketrans({"0": "O", "1": "I", "5": "S"})


def ocr_variant(key: str) -> str:
    """Undo common OCR slips inside words: GLYCER1N -> GLYCERIN, PEG-1OO -> PEG-100."""
    key = _LETTER_DIGIT_LETTER.sub(lambda m: m[0].translate(_OCR_LETTERS), key)
    if "OF CIN" in key:  # an "ffi" ligature lost in copying: "Zingiber Of cinale" (OFFICINALE)
        key = _LOST_FFI.sub("OFFICIN", key)
    return _DIGIT_O.sub("0", key)

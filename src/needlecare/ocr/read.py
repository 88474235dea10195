"""read_label: photo bytes → the label's text, with the engine's confidence per word."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

import cv2
import numpy as np

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.ocr.prepare import prepare, to_png
from needlecare.ocr.reread import line_sheet, reread_unsure_lines
from needlecare.ocr.tesseract import ENGINE_NAME, Word, installed_languages, recognise_words

_BULLET_LOOKALIKES = re.compile(r"[*»«°+·•®©¢‘’]{1,3}")
_BULLET_MARKS = "*»«°+·•®¢‘’"
# A small bullet between two names is also read as a lone letter ("Glycerin e Squalane"); no
# ingredient name is one of these letters, so between two capitalised words it is a bullet.
_BULLET_LETTERS = frozenset({"e", "o", "c"})
_MARKED_LETTER = re.compile(r"[eoc][*»«°+·•®©¢‘’]{1,2}|[*»«°+·•®©¢‘’]{1,2}[eoc]")


@dataclass(frozen=True)
class LabelReading:
    text: str  # printed lines joined by newlines, as the ingredient parser expects
    confidence: float  # 0-1, mean word confidence weighted by word length
    words: tuple[Word, ...]
    engine: str = ENGINE_NAME
    # (name written into `text`, what the photo read) for each misread flagged name that
    # `needlecare.ocr.repair` replaced; the scan marks these to check against the label.
    repairs: tuple[tuple[str, str], ...] = ()
    languages: str = "eng"  # the language data that read it: eng, kor+eng or jpn+eng


# Korean and Japanese labels (a Hangul or kana header, names in both scripts, or only in
# theirs) are read by the English model as symbol soup with almost no confidence. A second
# pass with the Korean and Japanese data runs only then; the script it finds picks the data
# (bench/README.md, OCR: CJK labels).
_SOUP_CONFIDENCE = 0.5
_SOUP_LETTER_SHARE = 0.6
_SOUP_UNSURE = 0.3
_SOUP_UNSURE_SHARE = 0.25
_CJK_DATA = ("kor", "jpn")
_WORDS = re.compile(r"\w+")
# A number the engine was unsure of ("77499),", "7749.", "C.1." for "C.I.") is a colour index
# or a strength, not a script it cannot read: taking it for one sent every "may contain" colour
# block through the Korean/Japanese pass, the costliest engine run (0.5-0.9 s of CPU).
_NUMBER = re.compile(r"[\[(]?[A-Za-z]?[0-9.,]*[0-9][0-9.,]*[\])]?[.,;:]?")
# Syllables only: a lone jamo is no Korean word, and the engine reads a Japanese middle dot
# as the jamo "ㆍ" (U+318D), which once made a Japanese label be read with the Korean data.
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_KANA_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_CJK_CHARACTER = re.compile(
    r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"
)


def read_label(data: bytes) -> LabelReading:
    """Read the text of a label photo. Raises `PhotoRejected` (bad file), `OcrUnavailable`."""
    grey = prepare(data)
    png = to_png(grey)
    words = recognise_words(png)
    reading = LabelReading(_text(words), _confidence(words), tuple(words))
    languages = tuple(code for code in _CJK_DATA if code in installed_languages())
    if not languages or not _soup(words):
        return _reread(grey, reading)
    # Korean first reads Hangul best and Japanese first kana; both lead no worse on the other
    # script's label than English alone, so the pass is led by whichever script it then finds.
    # Which script: only the lines that looked like soup, cut out onto one small sheet, are
    # read with all the data (on the whole photo that read cost 0.5-1 s of CPU, mostly spent
    # on Latin labels whose soup was a misread colour index or "[nano]").
    hangul, kana_han = _scripts(grey, words, languages)
    if not hangul and not kana_han:
        return _reread(grey, reading)
    lead = "kor" if hangul >= kana_han and "kor" in languages else languages[-1]
    sized = _text_sized(grey, words)
    both = recognise_words(png if sized is grey else to_png(sized), (lead, "eng"))
    other = LabelReading(_text(both), _confidence(both), tuple(both), languages=f"{lead}+eng")
    # The reading that finds more ingredient names wins; English on a tie.
    if _names_found(other.text) > _names_found(reading.text):
        return _reread(sized, other)
    return _reread(grey, reading)


_PROBE_LINES = 12
# "A uniform block of text": the probe sheet is a column of lines of one size.
_PROBE_SEGMENTATION = "6"


def _scripts(grey: np.ndarray, words: list[Word], languages: tuple[str, ...]) -> tuple[int, int]:
    """Hangul syllables, and kana and kanji, read with the Korean and Japanese data on the
    lines that looked like soup (at the word height that data reads best)."""
    lines = [list(group) for _, group in itertools.groupby(words, key=lambda word: word.line)]
    soup = [
        line
        for line in lines
        if all(word.box[3] > 0 for word in line)
        and any(_symbols(word) or word.confidence < _SOUP_UNSURE for word in line)
    ][:_PROBE_LINES]
    if not soup:
        return 0, 0
    sheet, _ = line_sheet(grey, soup, _CJK_WORD_HEIGHT)
    probe = recognise_words(to_png(sheet), (*languages, "eng"), _PROBE_SEGMENTATION)
    hangul = sum(len(_HANGUL.findall(word.text)) for word in probe)
    kana_han = sum(len(_KANA_HAN.findall(word.text)) for word in probe)
    return hangul, kana_han


# The Korean and Japanese data misread large text: "판테놀" (panthenol) in words 76 px tall
# came back "Hels", and read right at 38-57 px. Photos are enlarged for small Latin print
# (prepare.MIN_LONG_SIDE), so the CJK passes reduce them to this word height, measured on the
# first pass's word boxes (which are right even where its letters are not).
_CJK_WORD_HEIGHT = 44


def _text_sized(grey: np.ndarray, words: list[Word]) -> np.ndarray:
    heights = sorted(word.box[3] for word in words if word.box[3] > 0)
    if not heights:
        return grey
    median = heights[len(heights) // 2]
    if median <= 1.25 * _CJK_WORD_HEIGHT:
        return grey
    factor = _CJK_WORD_HEIGHT / median
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)


def _reread(grey: np.ndarray, reading: LabelReading) -> LabelReading:
    """The reading with the lines the engine was unsure of read again alone
    (`needlecare.ocr.reread`), with the same language data. A line's new reading is kept only
    when the label then shows more ingredient names: a surer engine is not always right
    ("Aqua" read alone as "Agua", "Cl M7891/Titanium" as "Cl TI88UTitanium")."""
    found, understood = _recognised(reading.text)
    lines, candidates = reread_unsure_lines(
        grey, list(reading.words), tuple(reading.languages.split("+")), understood
    )
    kept = False
    for index, line in candidates:
        trial = [*lines[:index], line, *lines[index + 1 :]]
        names = _names_found(_text([word for each in trial for word in each]))
        if names > found:
            lines, found, kept = trial, names, True
    if not kept:
        return reading
    words = [word for line in lines for word in line]
    return replace(reading, text=_text(words), confidence=_confidence(words), words=tuple(words))


def _soup(words: list[Word]) -> bool:
    """Signs of a script the English model cannot read: a word of symbols read with low
    confidence (a Hangul header: "[48#]"), or a quarter of the words read with almost none
    (Hangul or kana names: "GAle, Feds ols, SelAlel")."""
    if not words:
        return False
    unsure = sum(word.confidence < _SOUP_UNSURE for word in words)
    return unsure >= _SOUP_UNSURE_SHARE * len(words) or any(_symbols(word) for word in words)


def _symbols(word: Word) -> bool:
    text = word.text
    letters = sum(character.isascii() and character.isalpha() for character in text)
    return (
        len(text) >= 3
        and not _NUMBER.fullmatch(text)
        and word.confidence < _SOUP_CONFIDENCE
        and letters < _SOUP_LETTER_SHARE * len(text)
    )


def _names_found(text: str) -> int:
    return _recognised(text)[0]


def _recognised(text: str) -> tuple[int, frozenset[str]]:
    """How many ingredient names the checker recognises in `text`, and their words."""
    try:
        result = check_label(text)
    except (NotAnIngredientList, ValueError):
        return 0, frozenset()
    raws = [item["raw"] for item in result["ingredients"] if item["recognized"]]
    return len(raws), frozenset(word.lower() for raw in raws for word in _WORDS.findall(raw))


def _text(words: list[Word]) -> str:
    lines: list[list[str]] = []
    previous: tuple[int, int, int] | None = None
    for word in words:
        if word.line != previous:
            lines.append([])
            previous = word.line
        lines[-1].append(_repair(word.text))
    lines = _letter_bullets(lines)
    # One name per printed line, its bullet read as a mark stuck to it ("‘Aqua", "*Squalane").
    lines = [_leading_bullet(line[0]) + line[1:] for line in lines]
    shown = [word for line in lines for word in line]
    dotted = any("・" in word or _KANA_HAN.search(word) for word in shown)
    if dotted or (shown.count("-") >= 2 and any(word in ("•", "・") for word in shown)):
        # A Japanese list: its middle dot is read as a hyphen in places ("Glycol - Glycerin",
        # "Glycol -Glycerin"), which the parser (rightly) does not take for a separator; also
        # when the kana were lost but two lone hyphens and a dot or bullet show the same list.
        lines = [[_middle_dot(word) for word in line] for line in lines]
    if sum(line.count("•") for line in lines) >= 3:
        # A bullet list: a bullet read stuck to a name ('EDTA*', '‘CERAMIDE') is a bullet too.
        lines = [[_split_stuck_bullet(word) for word in line] for line in lines]
    if not lines:
        return ""
    text = _join(lines[0])
    for before, line in itertools.pairwise(lines):
        text += _line_break(before[-1], line[0]) + _join(line)
    return text


def _join(line: list[str]) -> str:
    """The words of one printed line. Tesseract gives Hangul and kana one word per character
    or syllable group; a name in those scripts has no spaces ("부틸렌글라이콜"), so two such
    neighbours are glued back together."""
    text = line[0]
    for before, word in itertools.pairwise(line):
        glued = _CJK_CHARACTER.match(before[-1]) and _CJK_CHARACTER.match(word[0])
        text += ("" if glued else " ") + word
    return text


def _line_break(last: str, first: str) -> str:
    """How to join two printed lines.

    "Ceteareth-" continues on the next line. Before a capitalised word ("Lactylate" /
    "Sodium", "sodium hydroxide" / "Questions?") the line end may be the only separator the
    engine saw (a bullet too small to read, a new section), so it stays a line end: the parser
    splits there when both halves are names. Inside a sentence ("sulfates and" / "mineral
    oil.") it is a space, so the parser sees the sentence whole.
    """
    if last.endswith("-"):
        return ""
    if last[-1:].isalnum() and first[:1].isupper():
        return "\n"
    return " "


def _repair(word: str) -> str:
    """Fix the engine's common label misreadings.

    A bullet between names is read as '*', '»', '«', '°' or '+': a word made only of such
    marks is a bullet. A lower-case l is read as a bar ('Cocamidopropy|'); a bar standing
    alone (" | ") is a separator and is kept.
    """
    if _BULLET_LOOKALIKES.fullmatch(word):
        return "•"
    if "|" in word and any(character.isalpha() for character in word):
        return word.replace("|", "l")
    return word


def _letter_bullets(lines: list[list[str]]) -> list[list[str]]:
    """A small bullet read as a letter ("e", "o", "c", or one with a mark: "e¢") between two
    capitalised words is a bullet, also at the end of a printed line (the next word is the
    next line's first: "CETEARETH-20 e" / "CERAMIDE NP")."""
    flat = [(number, index) for number, line in enumerate(lines) for index in range(len(line))]
    out = [list(line) for line in lines]
    for position in range(1, len(flat) - 1):
        number, index = flat[position]
        word = lines[number][index]
        if not (word in _BULLET_LETTERS or _MARKED_LETTER.fullmatch(word)):
            continue
        before = lines[flat[position - 1][0]][flat[position - 1][1]]
        after = lines[flat[position + 1][0]][flat[position + 1][1]]
        if before[:1].isupper() and after[:1].isupper():
            out[number][index] = "•"
    return out


def _leading_bullet(word: str) -> list[str]:
    stripped = word.lstrip(_BULLET_MARKS)
    if stripped != word and stripped[:1].isupper():
        return ["•", stripped]
    return [word]


def _middle_dot(word: str) -> str:
    if word == "-":
        return "・"
    if word.startswith("-") and word[1:2].isupper():
        return f"・ {word[1:]}"
    return word


def _split_stuck_bullet(word: str) -> str:
    stripped = word.rstrip(_BULLET_MARKS)
    if stripped and stripped != word and stripped[-1].isalnum():
        word = f"{stripped} •"
    stripped = word.lstrip(_BULLET_MARKS)
    if stripped and stripped != word and stripped[0].isalnum():
        word = f"• {stripped}"
    return word


def _confidence(words: list[Word]) -> float:
    weight = sum(len(word.text) for word in words)
    if weight == 0:
        return 0.0
    return sum(word.confidence * len(word.text) for word in words) / weight

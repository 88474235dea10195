"""Prose on labels (claims, sentences, directions): words that occur in no CosIng name, and the
name a sentence starts or ends with."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from needlecare.ingredients.parsed import RawItem
from needlecare.ingredients.recogniser import recognise
from needlecare.ingredients.recognition import UNKNOWN, Recognition
from needlecare.ingredients.text import name_key

# Words that never occur in a CosIng name but fill sentences, claims and directions.
_PROSE_TEXT = (
    "THE IS ARE WAS BE YOU YOUR YOURS OUR WE US THIS THAT THESE THOSE WITH FOR NOT FREE "
    "TESTED TO IN ON IT ITS BY AN MADE USE USED USING APPLY MAY CONTAIN CONTAINS ORGANIC "
    "CERTIFIED ORIGIN INGREDIENT INGREDIENTS ALL ONLY EXTERNAL AVOID EYES DERMATOLOGICALLY "
    "DERMATOLOGIST HYPOALLERGENIC VEGAN CRUELTY NET WT ML OZ DIRECTIONS WARNINGS STORE KEEP "
    "CHILDREN REACH WWW HTTP HTTPS COM PLEASE IF AT BUT SO WILL CAN HAVE HAS HAD WHICH WHO "
    "WHAT WHEN WHERE HOW ABOUT FRANCE KOREA USA ITALY GERMANY CLINICALLY PROVEN SUITABLE "
    "SENSITIVE RECOMMENDED GENTLE DAILY SKINCARE ROUTINE LOVE BEST NON-COMEDOGENIC "
    "COMEDOGENIC PARABENS SULFATES SULPHATES SILICONES PHTHALATES PRODUCT CODE LOT BATCH "
    "FORMULA HELPS HELP REDUCE REDUCES WRINKLES HYDRATION RESULTS WEEKS DAYS NIGHT MORNING "
    "FACE EXPIRY EXP PAO SHAKE WELL CLEAN AFTER BEFORE DISCONTINUE IRRITATION OCCURS RASH "
    "CONSULT DOCTOR PHYSICIAN PATCH TEST VISIT CALL SEE BOTTOM PACKAGING BOTTLE TUBE JAR "
    "GUARANTEED FORMULATED DESIGNED DEVELOPED LEAVES FEELING SMOOTH SOFT RADIANT GLOW GLOWING "
    "LOOK LOOKING VISIBLY INSTANTLY NOURISHES HYDRATES MOISTURISES MOISTURIZES SOOTHES "
    "PROTECTS REPAIRS RESTORES BARRIER MORE LESS VERY ALSO EVERY THAN OUT OFF UP DOWN OVER "
    "UNDER INTO ONTO"
)
PROSE_WORDS = frozenset(_PROSE_TEXT.split())
_UPPER_WORD = re.compile(r"[A-Z]+")


def name_before_prose(item: RawItem) -> tuple[RawItem, Recognition]:
    """The longest known name at the start ("Alcohol Denat. Helps ...") or, failing that, at the
    end ("Contains 10% Niacinamide") of a piece of prose."""
    found = _name_at_an_end(item.text)
    if found is None:
        return item, UNKNOWN
    part, recognition = found
    return replace(item, raw=part, text=part), recognition


@lru_cache(maxsize=4096)
def _name_at_an_end(text: str) -> tuple[str, Recognition] | None:
    """Cached by text: the same sentences ("Uses helps prevent sunburn") come back on label
    after label, and each costs up to sixteen readings of its parts."""
    words = text.split()
    longest = min(len(words) - 1, 8)
    for cut in range(longest, 0, -1):
        for part in (" ".join(words[:cut]), " ".join(words[-cut:])):
            if is_prose(part):
                continue
            recognition = recognise(part, fuzzy=False)
            if recognition.recognized:
                return part, recognition
    return None


@lru_cache(maxsize=16384)  # a pure function of the text; items and their parts recur
def is_prose(text: str) -> bool:
    words = _UPPER_WORD.findall(name_key(text))
    hits = sum(1 for w in words if w in PROSE_WORDS)
    return (hits >= 1 and (len(words) >= 2 or hits == len(words))) or len(words) > 12


def without_name(sentence: str, name: str) -> str:
    """The sentence minus the name kept from it (the rest is reported as ignored)."""
    at = sentence.lower().find(name.lower())
    return sentence if at < 0 else sentence[:at] + " " + sentence[at + len(name) :]

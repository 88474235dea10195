"""The split of a list body at separators outside brackets: its shortcuts give what the full
walk over brackets and separators gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from needlecare.ingredients.items import (
    _BRACKET_OR_SEPARATOR,
    _CLOSE,
    _MAY_MARK,
    _OPEN,
    _drop_unmatched_brackets,
    _split_outside_brackets,
)


def _walked(text: str) -> list[tuple[str, bool]]:
    """The full walk: every bracket and separator visited, depth counted."""
    text = _drop_unmatched_brackets(text)
    pieces: list[tuple[str, bool]] = []
    depth = 0
    piece_start = 0
    opens_block = False
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


PARTS = ["Aqua", " ", "Glycerin", ",", ", ", ";", "\n", _MAY_MARK, "(", ")", "[", "]", "{", "}"]
PARTS += ["【", "】", "CI 77491", "(and)", "1,2-", "x"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PARTS), max_size=30))
def test_the_shortcuts_split_as_the_full_walk(parts: list[str]) -> None:
    text = "".join(parts)
    assert _split_outside_brackets(text) == _walked(text)


def test_a_comma_inside_brackets_does_not_split() -> None:
    assert _split_outside_brackets("Parfum (Limonene, Linalool), Aqua") == [
        ("Parfum (Limonene, Linalool)", False),
        (" Aqua", False),
    ]
    assert _split_outside_brackets("A (b [c, d] e), F") == [
        ("A (b [c, d] e)", False),
        (" F", False),
    ]

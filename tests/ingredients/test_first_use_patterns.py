"""Patterns compiled on first use: the same results as the compiled pattern, and not compiled by
importing the checker (what a one-shot run saves)."""

from __future__ import annotations

import re
import subprocess
import sys

from needlecare.ingredients import active_items, check_label, footnotes, items, label_patterns
from needlecare.ingredients.label_patterns import FirstUsePattern

LAZY = {
    "label_patterns": ("_CONNECTOR", "_TAIL", "_CLAIM", "_CODES", "_MAY_CONTAIN"),
    "items": ("_MAY_CONTAIN_BRACKET", "_NESTED_OR_SEPARATED"),
    "footnotes": ("FOOTNOTE_OPENING", "_GLUED_FOOTNOTE"),
    "active_items": ("_STRENGTH_WORDS", "_JOINING_EDGE"),
}
MODULES = {
    "label_patterns": label_patterns,
    "items": items,
    "footnotes": footnotes,
    "active_items": active_items,
}
TEXTS = [
    "Aqua, Glycerin, Parfum",
    "Tretinoin 0.025% in a cream base of Stearic Acid, Isopropyl Myristate, Purified Water",
    "Each gram contains: Adapalene 1 mg. Inactive ingredients: Water, Carbomer 940",
    "水・グリセリン / Water, Glycerin / グリセリン (May contain: CI 77491) [F.I.L. D12345/1]",
    "Free from parabens. Aloe Leaf Juice*, Glycerin. *Organic. Directions: apply daily.",
    "0.5 mg of tretinoin and 25 mg benzoyl peroxide; Lot: 2B; Warnings: for external use",
    "",
]


def _patterns() -> list[tuple[str, FirstUsePattern]]:
    return [(name, getattr(MODULES[m], name)) for m, names in LAZY.items() for name in names]


def test_first_use_patterns_answer_as_the_compiled_pattern() -> None:
    for name, lazy in _patterns():
        assert isinstance(lazy, FirstUsePattern), name
        plain = re.compile(lazy.pattern, lazy.flags)
        for text in TEXTS:
            for pos in (0, 3):
                for method in ("search", "match", "fullmatch"):
                    got, want = getattr(lazy, method)(text, pos), getattr(plain, method)(text, pos)
                    assert (got and (got.span(), got.groups())) == (
                        want and (want.span(), want.groups())
                    ), (name, method, text)
                assert [m.span() for m in lazy.finditer(text, pos)] == [
                    m.span() for m in plain.finditer(text, pos)
                ], (name, text)
            assert lazy.sub("|", text) == plain.sub("|", text), (name, text)
            assert lazy.sub(lambda m: m[0].upper(), text) == plain.sub(
                lambda m: m[0].upper(), text
            ), (name, text)


def test_importing_the_checker_compiles_none_of_them() -> None:
    names = ", ".join(f"{m}.{n}" for m, ns in LAZY.items() for n in ns)
    code = (
        "import needlecare.ingredients\n"
        "from needlecare.ingredients import active_items, footnotes, items, label_patterns\n"
        f"print([p._compiled is None for p in ({names},)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str([True] * len(_patterns()))


def test_a_plain_label_leaves_the_connector_uncompiled() -> None:
    code = (
        "from needlecare.ingredients import check_label, label_patterns\n"
        "check_label('Aqua, Glycerin, Niacinamide, Parfum')\n"
        "print(label_patterns._CONNECTOR._compiled is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"]
    # ...and the labels that need them are read with them
    seam = check_label("水 / Water, グリセリン / Glycerin")
    assert [i["name"] for i in seam["ingredients"]] == ["AQUA", "AQUA", "GLYCERIN", "GLYCERIN"]
    drug = check_label("Tretinoin 0.025% in a cream base of Stearic Acid, Purified Water")
    assert [i["name"] for i in drug["ingredients"]] == ["TRETINOIN", "STEARIC ACID", "AQUA"]
    assert [i["text"] for i in drug["ignored"]] == ["in a cream base of"]

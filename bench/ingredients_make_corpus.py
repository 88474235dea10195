"""Write bench/corpus/labels.txt: one ingredient list per line, variants of the test labels.

Deterministic (seeded): the same corpus on every machine. Variants change what real labels
change: case, separators, header, decoration (% and asterisks), one line per list.
    .venv/bin/python bench/ingredients_make_corpus.py
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ingredients"))
from labels import LABELS  # noqa: E402

VARIANTS = 8
SEPARATORS = [", ", ",", "; ", "、", " • ", " | "]
HEADERS = ["", "Ingredients: ", "INGREDIENTS: ", "INCI: ", "Ingredients/Ingrédients: "]


def variants(text: str, rng: random.Random) -> list[str]:
    one_line = " ".join(text.split())
    out = [one_line]
    body = re.sub(r"^(?:ingredients?|inci)\s*:\s*", "", one_line, flags=re.IGNORECASE)
    if "Active" in body or "Drug Facts" in body or ":" in body:
        return [one_line, one_line.upper(), one_line.lower()]
    # split at commas outside brackets, but not inside locants such as 1,2-Hexanediol
    items = [i.strip() for i in re.split(r",(?!\d)\s*(?![^()\[\]]*[)\]])", body) if i.strip()]
    for _ in range(VARIANTS - 1):
        case = rng.choice([str.upper, str.title, lambda s: s])
        separator = rng.choice(SEPARATORS)
        decorated = [case(i) + rng.choice(["", "", "", "*"]) for i in items]
        out.append(rng.choice(HEADERS) + separator.join(decorated))
    return out


def main() -> None:
    rng = random.Random(20261125)
    lines = [v for _, text in LABELS.values() for v in variants(text, rng)]
    target = ROOT / "bench" / "corpus" / "labels.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"wrote {len(lines)} lists to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

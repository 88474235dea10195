"""Byte-for-byte check that a speed change of the ingredient checker changes no result.

Writes one JSON line per (label, day, band, rinse-off) case: `check_label`'s result, or the
error it raises. The labels: the bench corpus, both retail halves and 3,000 mutated labels
(seeded, the mutations of bench/fuzz_parsers.py); each at day 0 with no band, and at days 10
and 60 with a band and rinse-off in turn (the verdict's texts depend on all four); the
verdict's reasons also in Spanish (a reason's message and values, not only its English).

    .venv/bin/python bench/ingredients_outputs.py OUT.jsonl        # this checkout's outputs
    .venv/bin/python bench/ingredients_outputs.py --against main   # compare with a revision

`--against REV` checks REV out in a temporary git worktree, writes both outputs (each in its
own process, so no cache is shared) and reports every case that differs; exit status 1 then.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "corpus"
MUTATED = 3000
SHOWN = int(os.environ.get("OUTPUTS_SHOWN", "5"))  # differing cases printed
BANDS = (None, "S", "M", "D", "VD", "RF")


def labels() -> list[str]:
    return [text for text, _ in _labels_and_held_out()]


def _labels_and_held_out() -> list[tuple[str, bool]]:
    """Each label, and whether it is (or was mutated from) a held-out list: the comparison
    never prints those, so that a held-out half stays unread."""
    found: list[tuple[str, bool]] = []
    for name in ("labels.txt", "retail_dev.txt", "retail_holdout.txt"):
        text = (CORPUS / name).read_text("utf-8")
        found += [(line, "holdout" in name) for line in text.splitlines() if line.strip()]
    sys.path.insert(0, str(ROOT / "bench"))
    from fuzz_parsers import mutate_label

    rng = random.Random(20261205)
    base = list(found)
    for _ in range(MUTATED):
        text, held_out = rng.choice(base)  # the same draws as before: rng.choice, then mutate
        found.append((mutate_label(rng, text), held_out))
    return found


def cases(texts: list[str]) -> list[tuple[str, int, str | None, bool]]:
    out: list[tuple[str, int, str | None, bool]] = []
    for index, text in enumerate(texts):
        out.append((text, 0, None, False))
        out.append((text, 10, BANDS[index % len(BANDS)], index % 3 == 0))
        out.append((text, 60, BANDS[(index + 3) % len(BANDS)], False))
    return out


def write(target: Path) -> None:
    from needlecare.i18n import localize
    from needlecare.ingredients import NotAnIngredientList, check_label

    with target.open("w", encoding="utf-8") as out:
        for text, day, band, rinse_off in cases(labels()):
            try:
                result: Any = check_label(text, day=day, band=band, rinse_off=rinse_off)
                # The reasons in Spanish too: a Text's message and values, not only its English.
                spanish = [localize("es", r["text"]) for r in result["verdict"]["reasons"]]
                result = {**result, "es": spanish}
            except NotAnIngredientList as error:
                result = {"error": str(error)}
            out.write(json.dumps(result, ensure_ascii=False, sort_keys=False) + "\n")


def against(revision: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), revision],
            check=True,
        )
        try:
            theirs, ours = Path(tmp) / "theirs.jsonl", Path(tmp) / "ours.jsonl"
            for src, target in ((tree / "src", theirs), (ROOT / "src", ours)):
                env = {**os.environ, "PYTHONPATH": str(src)}
                subprocess.run(
                    [sys.executable, __file__, str(target)], env=env, check=True, cwd=tmp
                )
            return _compare(theirs, ours, revision)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
            )


def _compare(theirs: Path, ours: Path, revision: str) -> int:
    all_cases = cases(labels())
    held_out = [h for _, h in _labels_and_held_out() for _ in range(3)]  # 3 cases per label
    old = theirs.read_bytes().splitlines()
    new = ours.read_bytes().splitlines()
    differing = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    hidden = sum(1 for i in differing if held_out[i])
    for index in [i for i in differing if not held_out[i]][:SHOWN]:
        text, day, band, rinse_off = all_cases[index]
        print(f"DIFFERS day={day} band={band} rinse_off={rinse_off}: {text[:100]!r}")
        # Cut by characters, not bytes: a cut through a multi-byte character ("é", "成分")
        # raised UnicodeDecodeError and stopped the listing.
        print(f"  {revision}: {old[index].decode('utf-8')[:400]}")
        print(f"  this tree: {new[index].decode('utf-8')[:400]}")
    print(f"{len(all_cases)} cases, {len(differing)} differ from {revision}", end="")
    print(f" ({hidden} of a held-out list or its mutations, not shown)")
    return 1 if differing else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", nargs="?", type=Path)
    parser.add_argument("--against", metavar="REV")
    args = parser.parse_args()
    if args.against:
        raise SystemExit(against(args.against))
    if args.output is None:
        parser.error("give an output file or --against REV")
    write(args.output)


if __name__ == "__main__":
    main()

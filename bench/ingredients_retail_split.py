"""Add real retail ingredient lists to the recognition corpus, split dev / held-out by hash.

Reads lists (one per line) from the given files, drops exact duplicates of a list already in
any `bench/corpus/retail*.txt` file (and of each other), and appends each new list to
`<prefix>_dev.txt` when the first byte of the SHA-256 of its UTF-8 text is even, otherwise to
`<prefix>_holdout.txt`: the same rule as the first 237 lists, decided before any miss is read.

    .venv/bin/python bench/ingredients_retail_split.py --prefix retail2 RAW.txt [RAW.txt ...]
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"


def is_dev(text: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw", type=Path, nargs="+")
    parser.add_argument("--prefix", default="retail2")
    args = parser.parse_args()
    seen = {
        line
        for path in CORPUS.glob("retail*.txt")
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    }
    halves: dict[bool, list[str]] = {True: [], False: []}
    for path in args.raw:
        for line in path.read_text("utf-8").splitlines():
            text = line.strip()
            if text and text not in seen:
                seen.add(text)
                halves[is_dev(text)].append(text)
    for dev, lists in halves.items():
        out = CORPUS / f"{args.prefix}_{'dev' if dev else 'holdout'}.txt"
        with out.open("a", encoding="utf-8") as handle:
            handle.writelines(text + "\n" for text in lists)
        print(f"{out.name}: +{len(lists)} lists")


if __name__ == "__main__":
    main()

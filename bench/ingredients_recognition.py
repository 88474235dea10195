"""Recognition rate of the ingredient checker on real retail ingredient lists (one per line).

Counts the ingredients the checker reads from each list (not the actives it adds from ignored
text), how many it recognises, and lists what it does not, most frequent first. Flagged
recognitions that are not a literal reading (fuzzy matches, translations, plant-name tables)
are listed for review, so that a wrong recognition of a flagged ingredient shows up.

    .venv/bin/python bench/ingredients_recognition.py [bench/corpus/retail_dev.txt]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from needlecare.ingredients import NotAnIngredientList, check_label
from needlecare.ingredients.text import loose_key

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "bench" / "corpus" / "retail_dev.txt"
NEUTRAL = {"soothing", "comedogenic", "occlusive"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path, nargs="?", default=DEFAULT)
    parser.add_argument("--show", type=int, default=40, help="unknown names to list")
    args = parser.parse_args()
    lists = [line for line in args.corpus.read_text("utf-8").splitlines() if line.strip()]
    total = recognised = rejected = 0
    unknown: Counter[str] = Counter()
    review: Counter[str] = Counter()
    for text in lists:
        try:
            result = check_label(text)
        except NotAnIngredientList:
            rejected += 1
            continue
        for item in result["ingredients"]:
            if item["from_ignored"]:
                continue
            total += 1
            if not item["recognized"]:
                unknown[item["raw"]] += 1
                continue
            recognised += 1
            literal = all(loose_key(n) in loose_key(item["raw"]) for n in item["name"].split("/"))
            if set(item["flags"]) - NEUTRAL and (item["match"] == "fuzzy" or not literal):
                review[f"{item['raw']} -> {item['name']} {item['flags']}"] += 1
    share = 100 * recognised / total if total else 0.0
    print(f"corpus: {args.corpus} ({len(lists)} lists, {rejected} rejected as not a list)")
    print(f"ingredients: {total}, recognised: {recognised} ({share:.2f} %)")
    print(f"unknown ({sum(unknown.values())}, {len(unknown)} distinct):")
    for name, count in unknown.most_common(args.show):
        print(f"  {count:4d}  {name}")
    print(f"flagged recognitions that are not a literal reading, to review ({len(review)}):")
    for line, count in review.most_common():
        print(f"  {count:4d}  {line}")


if __name__ == "__main__":
    main()

"""The candidate pairs labelled by hand in business_candidate_labels.csv, recomputed, and their precision.

Reads the five acts' items straight from data/requirements (no database), runs ``find_candidates`` at
the three operating points of docs/business-requirements.md, takes each pair at the strictest point that gives
it, checks that the labels file covers exactly these pairs, and prints pairs, correct and precision per point.

    python bench/business_candidate_pairs.py [path/to/requirements]
"""

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clientcentric.engines.requirements.candidates import Item, find_candidates  # noqa: E402

POINTS = {
    "default": {},
    "looser": dict(
        subject_similarity=0.5,
        subject_overlap=0.15,
        duplicate_similarity=0.6,
        duplicate_overlap=0.25,
        measure_similarity=0.55,
    ),
    "loosest": dict(
        subject_similarity=0.47,
        subject_overlap=0.135,
        duplicate_similarity=0.57,
        duplicate_overlap=0.22,
        measure_similarity=0.52,
    ),
}
LABELS = Path(__file__).with_name("business_candidate_labels.csv")


def main() -> int:
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "requirements"
    items, names = [], {}
    for path in sorted(directory.glob("*_items.csv")):  # the order of an import: keys as database ids
        with path.open(encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                key = len(items) + 1
                names[key] = f"{row['act']} п. {row['item_no']}"
                items.append(Item(key, row["act"], row["text"]))
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    for point, settings in POINTS.items():
        for c in find_candidates(items, **settings):
            pairs.setdefault((names[c.a], names[c.b]), (point, c.kind))
    with LABELS.open(encoding="utf-8") as f:
        labels = {(r["first"], r["second"]): r for r in csv.DictReader(f)}
    missing, extra = pairs.keys() - labels.keys(), labels.keys() - pairs.keys()
    for pair in sorted(missing):
        print("not labelled:", *pair, *pairs[pair])
    for pair in sorted(extra):
        print("labelled but not proposed:", *pair)
    count, correct = Counter(), Counter()
    for pair, (point, kind) in pairs.items():
        if pair in labels:
            for key in ((point, kind), (point, "all"), ("total", "all")):
                count[key] += 1
                correct[key] += labels[pair]["correct"] == "yes"
    for key in sorted(count, key=lambda k: (list(POINTS).index(k[0]) if k[0] in POINTS else 9, k[1])):
        print(
            f"{key[0]:<8} {key[1]:<14} {count[key]:4} pairs {correct[key]:4} correct   {correct[key] / count[key]:.2f}"
        )
    return 1 if missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())

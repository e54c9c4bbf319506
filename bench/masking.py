"""The personal-data mask on real appeals: texts per second, and what it masks in texts without plants.

Data: every appeal text and official answer of «Наш Санкт-Петербург», Oct 2020 – Feb 2021 (about 38,000
appeals and 42,000 answers). The first pass starts with empty pymorphy3 caches; the second shows a running
server. Target: ≥ 1,000 texts/s on one core (CPU time of this process; the wall clock is printed beside it).

    .venv/bin/python bench/masking.py [--data PATH] [--limit N]
"""

import argparse
import csv
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clientcentric.engines.text import personal_data  # noqa: E402

DATA_CANDIDATES = (
    ROOT / "data/appeals/spb_gorod_2020-10_2021-02.csv.gz",
    ROOT.parent / "shared/data/appeals/spb_gorod_2020-10_2021-02.csv.gz",
)
TARGET = 1000


def read(path: Path, limit: int) -> list[str]:
    texts: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            texts.append(row["text"])
            texts += [a for a in json.loads(row["answer_texts"] or "[]") if a]
            if len(texts) >= limit:
                break
    return texts[:limit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=next((p for p in DATA_CANDIDATES if p.exists()), None))
    parser.add_argument("--limit", type=int, default=100_000)
    args = parser.parse_args()
    if args.data is None:
        parser.error("no appeals data: pass --data")
    texts = read(args.data, args.limit)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} texts, {chars / len(texts):.0f} characters on average")
    rate = 0.0
    for label in ("first pass (cold caches)", "second pass"):
        cpu, wall = time.process_time(), time.perf_counter()
        kinds: Counter[str] = Counter()
        masked = 0
        for text in texts:
            spans = personal_data.find(text)
            personal_data.mask(text)
            masked += bool(spans)
            kinds.update(span.kind for span in spans)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rate = len(texts) / cpu
        print(f"{label}: {rate:,.0f} texts/s CPU ({len(texts) / wall:,.0f}/s wall); target ≥ {TARGET:,}")
    print(f"texts with something masked: {masked} ({masked / len(texts):.1%}); spans by kind: {dict(kinds)}")
    print("PASS" if rate >= TARGET else "MISS", f"{rate:,.0f} texts/s against ≥ {TARGET:,}")
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

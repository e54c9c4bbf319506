"""Build tests/engines/data/ruts_readability.json: ruTS' readability figures for real official answers.

ruTS (pypi.org/project/ruts) is the oracle for the plain-Russian check. It weighs hundreds of megabytes, so it
is not a dependency of the project: run this script with a throw-away environment's Python, e.g.

    python3 -m venv /tmp/ruts-venv && /tmp/ruts-venv/bin/pip install ruts
    /tmp/ruts-venv/bin/python tests/engines/ruts_oracle.py \
        data/appeals/spb_gorod_2020-10_2021-02.csv.gz --sample 400

It takes every k-th non-empty official answer (`answer_texts`) so that the sample spans the whole period,
and stores each text with ruTS' word, sentence and syllable counts, Flesch–Kincaid grade and Flesch reading
ease under its "plainrussian" preset (grade 0.318·ASL + 14.2·ASW − 30.5, ease 206.835 − 1.3·ASL − 60.1·ASW).
"""

import argparse
import csv
import gzip
import json
import sys
from pathlib import Path

from ruts import BasicStats, ReadabilityStats
from ruts import __version__ as ruts_version

OUT = Path(__file__).with_name("data") / "ruts_readability.json"


def answers(path):
    csv.field_size_limit(sys.maxsize)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for text in json.loads(row["answer_texts"] or "[]"):
                if text.strip():
                    yield text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_gz")
    parser.add_argument("--sample", type=int, default=400)
    args = parser.parse_args()
    texts = list(answers(args.csv_gz))
    step = max(1, len(texts) // args.sample)
    rows = []
    for text in texts[::step][: args.sample]:
        basic = BasicStats(text)
        stats = ReadabilityStats(basic, preset="plainrussian")
        rows.append(
            {
                "text": text,
                "words": basic.n_words,
                "sentences": basic.n_sents,
                "syllables": basic.n_syllables,
                "fk_grade": stats.flesch_kincaid_grade,
                "flesch_reading_ease": stats.flesch_reading_ease
                if hasattr(stats, "flesch_reading_ease")
                else stats.flesch_reading_easy,
            }
        )
    OUT.write_text(
        json.dumps(
            {"source": Path(args.csv_gz).name, "ruts": ruts_version, "of": len(texts), "answers": rows},
            ensure_ascii=False,
            indent=0,
        ),
        encoding="utf-8",
    )
    print(f"{len(rows)} answers of {len(texts)} → {OUT}")


if __name__ == "__main__":
    main()

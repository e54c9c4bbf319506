"""The personal list a business owner reads (issue 19): how many items each demo business gets, and how many
of them a reviewer marks «does not apply to this business».

1. List sizes of the demo businesses (applies / may apply — needs data / recommendations), after the reviewed
   applicability table, against the sizes measured on main before it (BEFORE below).
2. A seeded, stable sample of 100 items from the demo businesses' «applies» lists, joined with the reviewer's labels in
   data/requirements/review/applicability_sample.csv: the share labelled «does not apply», target ≤ 5 %.
   ``--write-sample`` writes the sample's rows (unlabelled ones keep an empty label) for the reviewer to fill.
3. A FRESH sample of 100 drawn the same way with another seed, excluding every (business, act, item) already in
   the first sample's labels: an honest figure on items nobody reviewed while the rules were fixed. Labels in
   data/requirements/review/applicability_fresh_sample.csv.
4. A THIRD sample of 100 with a third seed, excluding every (business, act, item) in both earlier label files: the
   fresh sample's rule fix was designed on its wrong items, so only items nobody has read measure it without bias.
   Labels in data/requirements/review/applicability_third_sample.csv.
5. A FOURTH sample of 100 (seed 4242), excluding every (business, act, item) in the three earlier label files: the
   check of the fourth pass, whose rules were written from the third sample's wrong kinds and a sweep of the lists
   by chapter, never from a draw. Labels in data/requirements/review/applicability_fourth_sample.csv; until a
   reviewer fills them the bench says so and fails (no figure, no pass).
``--write-sample`` writes every sample's file (rows already labelled keep their labels).

Runs on a throwaway SQLite database (or on DATABASE_URL when set).
"""

import csv
import hashlib
import io
import os
import sys
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["CLIENTCENTRIC_VAR_DIR"] = tempfile.mkdtemp(prefix="clientcentric-bench-")
os.environ.setdefault("CLIENTCENTRIC_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

SAMPLE = 100
TARGET = 0.05
REVIEW = settings.DATA_DIR / "requirements" / "review"
# (title, seed, label file), in the order they were drawn: each later sample excludes every item of the earlier
# files, so each one measures items nobody had read when the rules it checks were written.
SAMPLES = (
    ("first sample", 19, REVIEW / "applicability_sample.csv"),
    ("fresh sample", 1919, REVIEW / "applicability_fresh_sample.csv"),
    ("third sample", 2027, REVIEW / "applicability_third_sample.csv"),
    ("fourth sample", 4242, REVIEW / "applicability_fourth_sample.csv"),
)
COLUMNS = ("business", "act", "item", "subject", "text", "label", "rationale")
# Measured on main at 1e7d15e (before the reviewed table) with the same demo load: applies + may apply.
BEFORE = {"ООО «Северный пекарь»": 1105}


def _load():
    from clientcentric.business import demo

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    directory = demo.requirements_dir()
    if directory is None:
        return None
    demo.load_requirements(directory)
    demo.load_businesses()
    return directory


def main() -> int:
    from clientcentric.business import selectors
    from clientcentric.business.models import BusinessProfile

    if _load() is None:
        print("data/requirements not found: list benchmark skipped")
        return 0
    lists = []
    print(f"{'business':<36} {'applies':>8} {'may apply':>10} {'of them recommendations':>24}   before")
    for profile in BusinessProfile.objects.select_related("business").order_by("pk"):
        result = selectors.personal_list(profile)
        name = profile.business.name
        recommendations = sum(1 for e in result.applies if e.requirement["is_recommendation"])
        before = BEFORE.get(name)
        print(
            f"{name:<36} {len(result.applies):>8} {len(result.unknown):>10} {recommendations:>24}   "
            f"{before if before is not None else '—'}"
        )
        lists.append((profile, result))

    if "--groups" in sys.argv:
        _print_groups(lists)
        return 0

    pool = [
        (profile.business.name, entry)
        for profile, result in lists
        for entry in result.applies
        if not entry.requirement["is_recommendation"]
    ]

    # Each later sample never repeats an item an earlier sample's reviewer has seen (whatever its rows now hold).
    results = []
    seen = set()
    for title, seed, path in SAMPLES:
        results.append(_measure(title, pool, seed, path, exclude=set(seen)))
        seen |= set(_read_labels(path))
    return 0 if all(results) else 1


def _print_groups(lists) -> None:
    """Each business's «applies» list by act and chapter, with each item's subject and first words: the sweep a
    reviewer reads for whole groups that govern equipment, objects or activities the business does not have —
    without drawing a sample (that would bias the next check)."""
    for profile, result in lists:
        okved = ", ".join(profile.okved)
        print(f"\n=== {profile.business.name}  [{okved}]  {len(result.applies)} apply")
        groups: dict[tuple[str, str], list] = {}
        for entry in result.applies:
            groups.setdefault((entry.act.code, entry.requirement["chapter"]), []).append(entry)
        for (act, chapter), entries in groups.items():
            print(f"  {act} · {chapter[:70]} — {len(entries)}")
            for entry in entries:
                words = " ".join(entry.requirement["text"].split()[:14])
                print(
                    f"      {entry.requirement['item_no']:>6} [{entry.requirement['subject'][:28]}] {words}"
                )


def _read_labels(path):
    labels = {}
    if path.exists():
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                labels[(row["business"], row["act"], row["item"])] = row
    return labels


def _draw_sample(pool, seed, exclude):
    """The SAMPLE items of ``pool`` first in a seeded order, skipping every (business, act, item) in ``exclude``."""

    def draw(pair):
        # A stable draw: each (business, item) has a fixed place, so a rule change swaps only the items it
        # removes from the lists and the labels already given stay valid.
        business, entry = pair
        key = f"{seed}|{business}|{entry.act.code}|{entry.label}".encode()
        return hashlib.sha256(key).hexdigest()

    # A label file keys an item by (business, act, item number), and a few acts number the lines of an appendix or
    # a table anew («п. 1» four times in 782н): such twins share one key, so only the first of them is drawn and
    # the sample holds SAMPLE distinct keys, each with its own label.
    candidates = {}
    for pair in pool:
        key = (pair[0], pair[1].act.code, pair[1].label)
        if key not in exclude:
            candidates.setdefault(key, pair)
    return sorted(candidates.values(), key=draw)[:SAMPLE]


def _measure(title, pool, seed, path, exclude) -> bool:
    sample = _draw_sample(pool, seed, exclude)
    labels = _read_labels(path)
    rows = []
    for business, entry in sample:
        key = (business, entry.act.code, entry.label)
        known = labels.get(key, {})
        rows.append(
            {
                "business": business,
                "act": entry.act.code,
                "item": entry.label,
                "subject": entry.requirement["subject"],
                "text": entry.requirement["text"][:400].replace("\n", " "),
                "label": known.get("label", ""),
                "rationale": known.get("rationale", ""),
            }
        )
    if "--write-sample" in sys.argv:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"{title}: {len(rows)} rows written to {path}")
    labelled = [r for r in rows if r["label"] in ("applies", "does_not_apply")]
    wrong = sum(1 for r in labelled if r["label"] == "does_not_apply")
    if not labelled:
        where = path.name if path.exists() else f"{path.name} (write it with --write-sample)"
        print(
            f"{title}: awaiting a reviewer — none of its {len(rows)} items is labelled yet in {where}: no figure"
        )
        return False
    if len(labelled) < len(rows):
        print(
            f"{title}: {len(rows) - len(labelled)} sampled items are not labelled yet: label them in {path.name}"
        )
        return False
    from clientcentric.engines.metrics.intervals import wilson

    share = wrong / len(labelled)
    ok = share <= TARGET
    interval = wilson(wrong, len(labelled))
    print(
        f"{title + ': items a reviewer marks «does not apply»':<58} {wrong} of {len(labelled)} = "
        f"{share:.0%} (95 % Wilson {interval.low:.1%}–{interval.high:.1%})   target ≤ {TARGET:.0%}   "
        f"{'OK' if ok else 'MISSED'}"
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())

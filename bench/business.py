"""Benchmarks of «Государство для бизнеса» (issue 8), each printed against its target.

1. Personal list of one business over 50,000 requirements — the 1,649 real items of the five acts plus
   generated variants (their texts and rules drawn from the real items and the demo rules, with thresholds
   varied so that the variants carry a few hundred distinct rules): p95 < 100 ms. Measured through
   ``business.selectors.statuses`` — the decision for every item, what the page and the API build on —
   with the registry's rules held in this process as the application holds them.
2. The full personal list page data (texts, reasons, unknowns) on the real 1,649 items, for reference.
3. Duplicate and contradiction candidates across all items of the five real acts: time (the issue sets no
   figure; our target is under a minute, to run after every import). Precision is measured by hand, see
   docs/business-requirements.md.

Runs on a throwaway SQLite database (or on DATABASE_URL when set).
"""

import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["CLIENTCENTRIC_VAR_DIR"] = tempfile.mkdtemp(prefix="clientcentric-bench-")
os.environ.setdefault("CLIENTCENTRIC_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

TOTAL = 50_000
ON = date(2026, 6, 1)


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name, samples, target_ms):
    p95 = percentile(samples, 0.95)
    ok = target_ms is None or p95 <= target_ms
    target = f"target p95 ≤ {target_ms:.0f} ms" if target_ms else "(reference)"
    print(
        f"{name:<58} median {statistics.median(samples):9.1f} ms   p95 {p95:9.1f} ms   {target}   {'OK' if ok else 'MISSED'}"
    )
    return ok


def _variants(rng):
    from clientcentric.business.models import Requirement

    rules = [
        "",
        "employees >= {n}",
        "premises_area_total > {a}",
        "any_prefix(okved, ('{p}',))",
        "'warehouse' in premises_purposes",
        "max_voltage_kv > 1",
        "has_employees and employees < {n}",
        "size in ('micro', 'small') and employees >= {n}",
        "max_hazard_class <= {c}",
        "works_at_height and employees > {n}",
    ]
    prefixes = ["10", "47", "56", "49", "43", "20", "33", "45"]
    base = list(Requirement.objects.select_related("act").order_by("pk"))
    out = []
    for i in range(TOTAL - len(base)):
        src = base[i % len(base)]
        template = rng.choice(rules)
        rule = template.format(
            n=rng.randrange(1, 300), a=rng.randrange(50, 5000), p=rng.choice(prefixes), c=rng.randrange(1, 5)
        )
        out.append(
            Requirement(
                act=src.act,
                item_no=f"{src.item_no}-v{i}",
                chapter=src.chapter,
                position=10_000 + i,
                text=src.text,
                applicability_rule=rule,
            )
        )
    return out


def main() -> int:
    from clientcentric.accounts.models import User
    from clientcentric.business import demo, selectors
    from clientcentric.business.models import Requirement
    from clientcentric.engines.requirements.candidates import Item, find_candidates

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=io.StringIO())
    directory = demo.requirements_dir()
    if directory is None:
        print("data/requirements not found: business benchmarks skipped")
        return 0
    ok = True

    demo._ensure_agencies()
    from clientcentric.business.importer import import_requirements

    files = [(demo.ACTS_FILE.read_bytes(), demo.ACTS_FILE.name)] + [
        (p.read_bytes(), p.name) for p in sorted(Path(directory).glob("*_items.csv"))
    ]
    started = time.perf_counter()
    assert import_requirements(files).ok
    print(f"{'import of the five real acts (1,649 items)':<58} {time.perf_counter() - started:9.2f} s")

    items = [
        Item(r["id"], r["act__code"], r["text"])
        for r in Requirement.objects.values("id", "act__code", "text")
    ]
    started = time.perf_counter()
    found = find_candidates(items)
    seconds = time.perf_counter() - started
    kinds = {k: sum(1 for c in found if c.kind == k) for k in ("duplicate", "contradiction")}
    print(
        f"{'duplicate/contradiction candidates, 1,649 real items':<58} {seconds:9.2f} s   target < 60 s   "
        f"{'OK' if seconds < 60 else 'MISSED'}   ({kinds['duplicate']} duplicates, {kinds['contradiction']} contradictions)"
    )
    ok &= seconds < 60

    demo.load_requirements(directory)
    demo.load_businesses()
    profile = selectors.profile_for(User.objects.get(username="business"))
    facts = selectors.business_facts_of(profile)
    selectors.rule_index.clear()
    ok &= report(
        "page data of the personal list, 1,649 real items",
        timed(lambda: selectors.personal_list(profile, ON), 15),
        None,
    )

    rng = random.Random(8)
    Requirement.objects.bulk_create(_variants(rng), batch_size=2000)
    selectors.rule_index.clear()
    count = Requirement.objects.count()
    started = time.perf_counter()
    decided = selectors.statuses(facts, ON)
    print(
        f"{'first personal list after a change (reads the rules)':<58} {(time.perf_counter() - started) * 1000:9.1f} ms   ({count} items)"
    )
    kinds = {s: sum(1 for v in decided.values() if v == s) for s in ("applies", "unknown", "not_applicable")}
    ok &= report(
        f"personal list, one business, {count:,} requirements",
        timed(lambda: selectors.statuses(facts, ON), 50),
        100,
    )
    print(f"   {kinds}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

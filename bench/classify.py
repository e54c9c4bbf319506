"""Routing appeals on real data: the topic and executor classifiers against the baseline, and their speed.

Data: 38,395 real messages to «Наш Санкт-Петербург», Oct 2020 – Feb 2021 (data/appeals). Honest
evaluation: train on Oct–Dec 2020, test on Jan–Feb 2021; texts de-duplicated after normalisation (case, ё,
whitespace, punctuation, masked XXXX) within each period, and every test text that also occurs in training
dropped. Topic labels with fewer than 5 training examples are grouped as «other» (in training and test: a
test row whose topic was never seen in training counts as correct only when predicted «other»). Rows without
an executor are left out of the executor task only.

Targets: the model beats the baseline (TF-IDF word uni+bigrams + LinearSVC) on the topic's macro-F1 and
top-3 accuracy; batch classification on one core ≥ 2,000 appeals/s, lemmatisation of unseen texts included
(checked on the CPU time of this single-threaded process, best of 3, since other jobs share the machine; the
wall-clock figure is printed next to it); a single appeal classified within 50 ms (p95) and a near-duplicate
lookup within 50 ms (p95) at intake. The executor figures are for information: the baseline gets the same
district one-hot, and the executor is partly not decidable from the text (see the ceiling line).

    .venv/bin/python bench/classify.py [--sample N]
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # one core, measured honestly
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import gzip  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from clientcentric.engines.text import classifier as clf  # noqa: E402
from clientcentric.engines.text.near_duplicates import NearDuplicateIndex  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "data/appeals/spb_gorod_2020-10_2021-02.csv.gz"
TEST_FROM = date(2021, 1, 1)
MIN_COUNT = 5
THROUGHPUT_TARGET = 2000
LATENCY_TARGET_MS = 50


def load(path: Path, sample: int | None) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if sample and sample < len(rows):
        rows = random.Random(0).sample(rows, sample)
    return rows


def line(name: str, value: str, target: str, ok: bool | None) -> bool:
    verdict = "" if ok is None else ("OK" if ok else "MISSED")
    print(f"{name:<44} {value:<26} {target:<22} {verdict}")
    return ok is not False


def _by_pair(rows) -> dict[tuple[str, str], Counter]:
    counts: dict[tuple[str, str], Counter] = {}
    labels = clf.group_rare_labels([r["executor_org"] for r in rows], min_count=MIN_COUNT)[0]
    for row, label in zip(rows, labels, strict=True):
        counts.setdefault((row["district"], row["reason"]), Counter())[label] += 1
    return counts


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def confidence_report(model: clf.TrainedClassifier, texts, labels, extra=None) -> str:
    tops = model.predict_top(texts, extra, k=1)
    parts = []
    for threshold in (0.5, 0.8, 0.9):
        chosen = [
            (top[0][0] == label) for top, label in zip(tops, labels, strict=True) if top[0][1] >= threshold
        ]
        share = len(chosen) / max(1, len(labels))
        accuracy = sum(chosen) / max(1, len(chosen))
        parts.append(f"p≥{threshold}: {share:4.0%} of appeals, {accuracy:5.1%} right")
    return "; ".join(parts)


def task(
    name,
    train_rows,
    test_rows,
    label_key,
    *,
    use_district: bool,
    headline: str,
    novel_ids: set[str],
    target: bool,
):
    """Train model and baseline for one label and print their figures, on every test row and on the rows
    with no near-duplicate in training (``novel_ids``)."""
    train_texts = [r["text"] for r in train_rows]
    test_texts = [r["text"] for r in test_rows]
    train_labels, test_labels = clf.group_rare_labels(
        [r[label_key] for r in train_rows], [r[label_key] for r in test_rows], min_count=MIN_COUNT
    )
    train_extra = [{"district": r["district"]} for r in train_rows] if use_district else None
    test_extra = [{"district": r["district"]} for r in test_rows] if use_district else None
    rare = sum(1 for n in Counter(r[label_key] for r in train_rows).values() if n < MIN_COUNT)
    unseen_in_test = sum(1 for label in test_labels if label == clf.OTHER_LABEL)
    print(
        f"\n## {name}: {len(set(train_labels))} labels ({rare} rare labels grouped as «other»; "
        f"{unseen_in_test} test rows are «other»), district {'used' if use_district else 'not used'}"
    )
    results = {}
    models = {}
    for kind in ("baseline", "model"):
        model = clf.train_classifier(train_texts, train_labels, train_extra, kind=kind)
        figures = clf.score(model, test_texts, test_labels, test_extra)
        results[kind], models[kind] = figures, model
        print(
            f"{kind:<9} macro-F1 {figures['macro_f1']:.4f}   accuracy {figures['accuracy']:.4f}   "
            f"top-3 {figures['top3_accuracy']:.4f}   n_train {figures['n_train']}   n_test {figures['n_test']}   "
            f"labels {figures['n_labels']}   training {figures['train_seconds']:.1f} s"
        )
    novel = [i for i, r in enumerate(test_rows) if r["id"] in novel_ids]
    for kind in ("baseline", "model"):
        figures = clf.score(
            models[kind],
            [test_texts[i] for i in novel],
            [test_labels[i] for i in novel],
            [test_extra[i] for i in novel] if test_extra else None,
        )
        print(
            f"{kind:<9} on the {len(novel)} test texts with no near-duplicate in training: "
            f"macro-F1 {figures['macro_f1']:.4f}   accuracy {figures['accuracy']:.4f}   "
            f"top-3 {figures['top3_accuracy']:.4f}"
        )
    print(f"model confidence: {confidence_report(models['model'], test_texts, test_labels, test_extra)}")
    model_value, base_value = results["model"][headline], results["baseline"][headline]
    ok = line(
        f"{name} {headline.replace('_', '-')}",
        f"{model_value:.4f} (baseline {base_value:.4f})",
        "target > baseline" if target else "(information)",
        model_value > base_value if target else None,
    )
    print(f"{'':<44} {model_value - base_value:+.4f} absolute, {model_value / base_value - 1:+.1%} relative")
    return models["model"], test_texts, test_extra, results, ok


def throughput(
    model: clf.TrainedClassifier,
    texts: list[str],
    extra,
    *,
    fresh_process: bool,
    lexicon: bool = True,
    repeat: int = 3,
) -> tuple[float, float]:
    """Appeals per second of ``predict_top`` (k=3) in batches of 1,000, lemmatisation included: (CPU, wall).

    Every test text is new to the model and its lemmatised form is forgotten first. ``fresh_process`` empties
    the per-token lemma cache before the model is loaded, as in a worker that has just started: then only the
    model's own lemma table (its training vocabulary) is known, every other word goes to pymorphy3; without
    ``lexicon`` not even that. Otherwise the process keeps the lemma cache left by training and scoring.
    The best of ``repeat`` runs is kept (other jobs share this machine); CPU time is that of this
    single-threaded process, i.e. the cost on one core, and is what the target is checked against.
    """
    data = model.to_bytes()
    best_cpu = best_wall = 0.0
    for _ in range(repeat):
        clf.clear_caches(tokens=fresh_process)
        loaded = clf.TrainedClassifier.from_bytes(data)
        if not lexicon:
            clf.clear_caches(tokens=True)
        wall, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(texts), 1000):
            loaded.predict_top(
                texts[start : start + 1000], extra[start : start + 1000] if extra else None, k=3
            )
        best_wall = max(best_wall, len(texts) / (time.perf_counter() - wall))
        best_cpu = max(best_cpu, len(texts) / (time.process_time() - cpu))
    return best_cpu, best_wall


def throughput_line(name: str, rates: tuple[float, float], target: float | None) -> bool:
    cpu, wall = rates
    return line(
        name,
        f"{cpu:6.0f} appeals/s (wall {wall:.0f})",
        f"target ≥ {target:.0f}" if target else "(information)",
        cpu >= target if target else None,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, help="use a random sample of N rows (quick run)")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    started = time.perf_counter()

    rows = load(args.data, args.sample)
    train, test = clf.time_ordered_split(rows, TEST_FROM)
    raw_train = sum(1 for r in rows if r["created_at"] < TEST_FROM.isoformat())
    print(
        f"{len(rows)} appeals; train Oct–Dec 2020: {raw_train} → {len(train)} after de-duplication; "
        f"test Jan–Feb 2021: {len(rows) - raw_train} → {len(test)} (repeats and texts seen in training dropped)"
    )
    ok = True

    # Exact and near-exact repeats are gone; reworded ones (same template, other house) remain. Figures are
    # also given on the test texts that have no near-duplicate at all in training (address rule off).
    t0 = time.perf_counter()
    loose = NearDuplicateIndex(same_address=False)
    for row in train:
        loose.add(row["id"], row["text"])
    novel_ids = {row["id"] for row in test if not loose.similar(row["text"], limit=1)}
    print(
        f"{len(novel_ids)} of {len(test)} test texts ({len(novel_ids) / max(1, len(test)):.0%}) have no "
        f"near-duplicate in training ({time.perf_counter() - t0:.0f} s to find out)"
    )
    del loose

    reason_model, test_texts, _, results, passed = task(
        "reason",
        train,
        test,
        "reason",
        use_district=False,
        headline="macro_f1",
        novel_ids=novel_ids,
        target=True,
    )
    ok &= passed
    top3, base_top3 = results["model"]["top3_accuracy"], results["baseline"]["top3_accuracy"]
    ok &= line(
        "reason top-3 accuracy",
        f"{top3:.4f} (baseline {base_top3:.4f})",
        "target > baseline",
        top3 > base_top3,
    )

    exec_train = [r for r in train if r["executor_org"].strip()]
    exec_test = [r for r in test if r["executor_org"].strip()]
    executor_model, exec_texts, exec_extra, _, passed = task(
        "executor_org",
        exec_train,
        exec_test,
        "executor_org",
        use_district=True,
        headline="accuracy",
        novel_ids=novel_ids,
        target=False,
    )
    ok &= passed
    # What the text cannot tell: the same topic in the same district goes sometimes to the district's
    # housing agency (ЖА), sometimes to its administration. Even knowing the true topic does not remove that.
    known = {pair: executors.most_common(1)[0][0] for pair, executors in _by_pair(exec_train).items()}
    exec_labels = clf.group_rare_labels(
        [r["executor_org"] for r in exec_train], [r["executor_org"] for r in exec_test], min_count=MIN_COUNT
    )[1]
    oracle = sum(
        known.get((r["district"], r["reason"])) == label
        for r, label in zip(exec_test, exec_labels, strict=True)
    ) / max(1, len(exec_test))
    line(
        "executor accuracy knowing the TRUE topic",
        f"{oracle:.4f}",
        "(ceiling, information)",
        None,
    )
    print(f"{'':<44} (most frequent executor of (district, true topic) in training)")

    print("\n## speed (one core, predict_top k=3 in batches of 1,000, texts unseen by the model)")
    size = len(reason_model.to_bytes())
    print(f"{'reason model size':<44} {size / 1e6:.1f} MB")
    ok &= throughput_line(
        "classification throughput",
        throughput(reason_model, test_texts, None, fresh_process=True),
        THROUGHPUT_TARGET,
    )
    print(f"{'':<44} (freshly started process: model loaded, every unseen word lemmatised by pymorphy3)")
    ok &= throughput_line(
        "classification throughput, warm process",
        throughput(reason_model, test_texts, None, fresh_process=False),
        THROUGHPUT_TARGET,
    )
    ok &= throughput_line(
        "executor throughput (text + district)",
        throughput(executor_model, exec_texts, exec_extra, fresh_process=True),
        THROUGHPUT_TARGET,
    )
    throughput_line(
        "throughput with no lemma known at all",
        throughput(reason_model, test_texts, None, fresh_process=True, lexicon=False, repeat=1),
        None,
    )

    clf.clear_caches(tokens=False)
    samples = []
    for text in test_texts[:500]:
        t0 = time.perf_counter()
        reason_model.predict_top([text], k=3)
        samples.append((time.perf_counter() - t0) * 1000)
    p95 = percentile(samples, 0.95)
    ok &= line(
        "one appeal classified, p95",
        f"{p95:6.1f} ms (median {statistics.median(samples):.1f})",
        f"target ≤ {LATENCY_TARGET_MS} ms",
        p95 <= LATENCY_TARGET_MS,
    )

    print("\n## near-duplicates (index of the training texts, queried with test texts)")
    index = NearDuplicateIndex()
    t0 = time.perf_counter()
    for i, row in enumerate(train):
        index.add(i, row["text"])
    build = time.perf_counter() - t0
    print(f"{'index built':<44} {len(index)} texts in {build:.1f} s ({len(index) / build:.0f} texts/s)")
    samples, hits = [], 0
    for row in test[:2000]:
        t0 = time.perf_counter()
        hits += bool(index.similar(row["text"], limit=5))
        samples.append((time.perf_counter() - t0) * 1000)
    p95 = percentile(samples, 0.95)
    print(
        f"{'test texts with a near-duplicate in training':<44} {hits / max(1, len(samples)):.1%} of {len(samples)}"
    )
    ok &= line(
        "near-duplicate lookup, p95",
        f"{p95:6.1f} ms (median {statistics.median(samples):.1f})",
        f"target ≤ {LATENCY_TARGET_MS} ms",
        p95 <= LATENCY_TARGET_MS,
    )

    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmarks of the foundation, each printed against its target.

The foundation issue names no figures, so the targets are the project's own: a citizen's page or API answer
well under the 200 ms that feels instant, and a full registry import fast enough to run on every save.
Runs on a throwaway SQLite database (or on DATABASE_URL when set) loaded with the demo region.
"""

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
if "DATABASE_URL" not in os.environ:
    os.environ["CLIENTCENTRIC_VAR_DIR"] = tempfile.mkdtemp(prefix="clientcentric-bench-")
os.environ.setdefault("CLIENTCENTRIC_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

QUERIES = [
    "пенсии",
    "пособие на ребёнка",
    "снег во дворе",
    "паспорт",
    "регистрация бизнеса",
    "инвалидность",
    "мусор",
    "налоговый вычет",
    "многодетной семьи",
    "лифт",
]


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(name: str, samples: list[float], target_ms: float) -> bool:
    p95 = percentile(samples, 0.95)
    ok = p95 <= target_ms
    print(
        f"{name:<44} median {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   "
        f"target p95 ≤ {target_ms:.0f} ms   {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    call_command("migrate", verbosity=0)
    from clientcentric.registry import demo

    results = [
        report("first import of the demo registry (JSON)", timed(demo.load_registry, 1), 15_000),
        report("re-import of the unchanged demo registry", timed(demo.load_registry, 3), 2_000),
    ]
    client = Client()
    paths = {
        "catalogue page /": ["/"],
        "search page, 10 Russian queries": [f"/search/?q={q}" for q in QUERIES],
        "API /registry/needs?status=…": [
            "/api/v1/registry/needs?status=cannot_meet",
            "/api/v1/registry/needs",
        ],
        "API /registry/services?q=…": [f"/api/v1/registry/services?q={q}" for q in QUERIES],
        "open data registry.json": ["/open-data/registry.json"],
    }
    targets = {"open data registry.json": 1000}
    for name, urls in paths.items():
        samples = []
        for url in urls:
            client.get(url)  # warm caches once
            samples += timed(lambda url=url: client.get(url), 20 if len(urls) < 5 else 5)
        results.append(report(name, samples, targets.get(name, 200)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

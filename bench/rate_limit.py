"""Cost of a rate-limit check (core.services.rate_limit.enforce) per request, printed against its target.

The check runs on every API request with a token and on every anonymous write, so it must stay small next to
the request itself: target p95 < 5 ms on the table (the embedded default) and on Redis (when REDIS_URL is set).
Also checks that two processes share one count: a child process counts half the requests and the limit holds
over both.

Runs on a throwaway SQLite database (or on DATABASE_URL / REDIS_URL when set).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
if "DATABASE_URL" not in os.environ:
    # The child process inherits the directory, so both count in one database.
    os.environ.setdefault("CLIENTCENTRIC_VAR_DIR", tempfile.mkdtemp(prefix="clientcentric-bench-"))
os.environ.setdefault("CLIENTCENTRIC_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from clientcentric.core.services import rate_limit  # noqa: E402

ROUNDS = 2000
TARGET_MS = 5.0


SHARED = (10**9, 86400)  # one long window, so the two processes' counts never fall into different ones


def _child(identity: str, times: int) -> None:
    for _ in range(times):
        rate_limit.count("shared", identity, limit=SHARED)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]))
        return
    call_command("migrate", verbosity=0)
    store = settings.CLIENTCENTRIC_RATE_LIMIT_STORE
    timings = []
    for i in range(ROUNDS):
        started = time.perf_counter()
        rate_limit.enforce("api_token", f"bench-{i % 50}")
        timings.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(timings, n=20)[-1]
    verdict = "OK" if p95 < TARGET_MS else "OVER"
    print(
        f"rate-limit check on {store}: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms "
        f"(target < {TARGET_MS} ms) {verdict}"
    )

    identity = f"shared-{time.time()}"
    subprocess.run([sys.executable, __file__, "--child", identity, "50"], check=True)
    _child(identity, 50)
    seen = rate_limit.count("shared", identity, limit=SHARED) - 1
    print(
        f"two processes counted 50 + 50 requests; the shared count says {seen} (target 100) "
        f"{'OK' if seen == 100 else 'NOT SHARED'}"
    )


if __name__ == "__main__":
    main()

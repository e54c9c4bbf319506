"""How long the `clientcentric` command takes to start (issue 22): `clientcentric --help` and
`clientcentric eligibility check bench/rules50.yaml` (Django's setup, the rule file parsed and its 180 examples run).

Target: each < 0.5 s, wall clock, the best of N runs (the best run is the one the fewest other jobs disturbed; the
median is printed next to it). Before the change the command spent 3.3 s importing scikit-learn, Polars, SciPy,
pandas and Altair at Django's setup; tests/architecture/test_start_imports.py keeps them out.

    .venv/bin/python bench/cli_start.py [--runs N]
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.5
COMMANDS = {
    "clientcentric --help": ["--help"],
    "clientcentric eligibility check bench/rules50.yaml": [
        "eligibility",
        "check",
        str(ROOT / "bench/rules50.yaml"),
    ],
}


def command() -> list[str]:
    script = Path(sys.executable).with_name("clientcentric")
    if script.exists():
        return [str(script)]
    found = shutil.which("clientcentric")
    return [found] if found else [sys.executable, "-m", "clientcentric.cli"]


def timings(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock seconds of each run, and the CPU seconds the command itself used (user + system): on a shared
    machine the wall clock also counts the wait for a core, the CPU time only the command's own work."""
    seconds, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*command(), *argv], check=True, capture_output=True, cwd=ROOT)
        seconds.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return seconds, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ok = True
    for title, argv in COMMANDS.items():
        seconds, cpu = timings(argv, args.runs)
        best = min(seconds)
        ok &= best < TARGET_S
        print(
            f"{title}: best {best:.2f} s, median {statistics.median(seconds):.2f} s of {args.runs} runs "
            f"(target < {TARGET_S} s) {'OK' if best < TARGET_S else 'MISSED'}; "
            f"CPU {min(cpu):.2f} s, load average {os.getloadavg()[0]:.1f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""A command starts at once: Django's setup and `eligibility check` do not import the heavy numerical and drawing
libraries (issue 22: 3.3 s before anything happened). Each loads where it is used; bench/cli_start.py times it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[2] / "bench" / "rules50.yaml"
HEAVY = ("sklearn", "scipy", "polars", "pandas", "altair", "vl_convert", "weasyprint", "datasketch")

PROBE = """
import sys
from clientcentric.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("LOADED=" + ",".join(sorted(name for name in {heavy!r} if name in sys.modules)))
"""


def _loaded_after(*argv: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clientcentric.config.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("LOADED="))
    return [name for name in line.removeprefix("LOADED=").split(",") if name]


def test_django_setup_imports_no_heavy_library():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clientcentric.config.settings"}
    probe = (
        "import sys, django; django.setup(); "
        f"print(','.join(sorted(n for n in {HEAVY!r} if n in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("argv", [("--help",), ("eligibility", "check", str(RULES))])
def test_the_command_starts_without_heavy_libraries(argv):
    assert _loaded_after(*argv) == []


def test_eligibility_check_starts_without_the_apps():
    """`eligibility check|evaluate` read files only: Django is set up for translation alone — no models, no URLs
    (loading every app took most of the 3.3 s); the message is still in the site's language."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    probe = (
        "import sys; from clientcentric.cli import main; main(sys.argv[1:]); "
        "print('LOADED=' + ','.join(n for n in ('django.db.models', 'django.urls') if n in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, "eligibility", "check", str(RULES)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    ).stdout
    assert "LOADED=\n" in out + "\n" and out.rstrip().endswith("LOADED=")
    assert "Правил без ошибок: 50" in out

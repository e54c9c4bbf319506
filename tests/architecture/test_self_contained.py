"""The repository carries what it reads: no code, test or benchmark reaches outside it for data."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# Built from parts so this file does not itself name the folders it forbids.
SIBLING = re.escape("..") + "/" + "shared"
OUTSIDE = re.compile(SIBLING + r"""/|["']/(""" + "|".join(("work", "home", "root")) + r""")/\w""")


def test_no_code_test_or_benchmark_names_a_folder_outside_the_repository():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("src", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != Path(__file__).resolve()
        # (not the venv bench/eligibility.py sets up for OpenFisca: ignored by git, not the repository's)
        and not any(part.startswith(".venv") for part in path.relative_to(ROOT).parts)
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []


def test_the_open_data_the_demo_reads_ships_in_data():
    data = ROOT / "data"
    assert settings.DATA_DIR == data
    assert (data / "appeals" / "spb_gorod_2020-10_2021-02.csv.gz").stat().st_size > 10_000_000
    assert (data / "faq" / "knowledge_base.csv").is_file()
    assert len(list((data / "requirements").glob("*_items.csv"))) == 5
    assert "## `appeals/" in (data / "README.md").read_text("utf-8")

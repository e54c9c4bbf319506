"""`clientcentric eligibility evaluate` and `eligibility check`: the Parquet contract and clear refusals."""

import datetime as dt
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]

RULES = """
parameters:
  low_income: [{from: 2016-01-01, value: 800.0}]
rules:
  - id: single_parent_low_income
    service: SOC-SP-001
    text: n_adults == 1 and n_under_18 >= 1 and household_income < 2 * P.low_income
    valid_from: 2016-01-01
    legal_reference: "Закон субъекта (пример)"
    explain_yes: "Вы одиноко воспитываете ребёнка, и доход семьи ниже порога."
    explain_no: "Условие не выполнено."
    examples:
      - on: 2016-11-01
        facts: {n_adults: 1, n_under_18: 2, household_income: 1200.0}
        expect: eligible
      - on: 2016-11-01
        facts: {n_adults: 1, household_income: 1200.0}
        expect: unknown
  - id: tenant
    service: SOC-HOUSE-001
    text: occupancy in ('tenant', 'homeless')
    valid_from: 2016-01-01
  - id: future_rule
    text: age >= 18
    valid_from: 2030-01-01
"""


@pytest.fixture
def extract(tmp_path):
    persons = pl.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5],
            "household_id": [10, 10, 20, 20, 30],
            "role": ["adult", "child", "adult", "adult", "adult"],
            "birth": [
                dt.date(1980, 1, 1),
                dt.date(2010, 5, 5),
                dt.date(1970, 1, 1),
                None,
                dt.date(1990, 2, 2),
            ],
            "salary": [1000.0, 0.0, 500.0, 300.0, None],
            "capital_returns": [0.0, 0.0, 0.0, 0.0, 0.0],
            "disability": [False, False, False, False, True],
            "unemployed": [False, False, False, False, True],
            "student": [False, True, False, False, False],
        }
    )
    households = pl.DataFrame(
        {
            "household_id": [10, 20, 30],
            "rent": [300.0, 0.0, None],
            "accommodation_size": [40.0, 60.0, 20.0],
            "housing_occupancy_status": ["tenant", "owner", None],
            "postal_code": ["101000", "190000", "620000"],
            "region": ["77", "78", "66"],
            "months_since_move": [3, 100, None],
        }
    )
    persons_path, households_path, rules_path = (
        tmp_path / "persons.parquet",
        tmp_path / "households.parquet",
        tmp_path / "rules.yaml",
    )
    persons.write_parquet(persons_path)
    households.write_parquet(households_path)
    rules_path.write_text(RULES, encoding="utf-8")
    return tmp_path


def evaluate(folder, **overrides):
    args = {
        "persons": str(folder / "persons.parquet"),
        "households": str(folder / "households.parquet"),
        "rules": str(folder / "rules.yaml"),
        "on": "2016-11-01",
        "output": str(folder / "out.parquet"),
    }
    args.update(overrides)
    out = StringIO()
    with translation.override("ru"):
        call_command("eligibility", "evaluate", *(f"--{k}={v}" for k, v in args.items()), stdout=out)
    return out.getvalue()


def test_evaluate_writes_a_nullable_boolean_column_per_rule(extract):
    report = evaluate(extract)
    result = pl.read_parquet(extract / "out.parquet")
    assert result.columns == ["person_id", "single_parent_low_income", "tenant", "future_rule"]
    assert result.schema["tenant"] == pl.Boolean
    rows = {row["person_id"]: row for row in result.to_dicts()}
    # Household 10: one adult, one child, income 1000 < 1600 → both members eligible.
    assert rows[1]["single_parent_low_income"] is True and rows[2]["single_parent_low_income"] is True
    # Household 20: two adults → not eligible (even though one birth date is unknown: n_adults decides).
    assert rows[3]["single_parent_low_income"] is False
    # Household 30: salary unknown, no children → not eligible (False and unknown = False).
    assert rows[5]["single_parent_low_income"] is False
    assert [rows[i]["tenant"] for i in (1, 3, 5)] == [True, False, None]  # null status = unknown
    assert all(row["future_rule"] is False for row in rows.values())  # not in force on that date
    assert "single_parent_low_income" in report and "5" in report


def test_unknown_household_income_stays_unknown(extract):
    persons = pl.read_parquet(extract / "persons.parquet").with_columns(
        salary=pl.when(pl.col("person_id") == 2).then(None).otherwise(pl.col("salary"))
    )
    persons.write_parquet(extract / "persons.parquet")
    evaluate(extract)
    result = pl.read_parquet(extract / "out.parquet")
    assert result.filter(pl.col("person_id") == 1)["single_parent_low_income"].to_list() == [None]


def test_a_bad_rule_is_refused_with_rule_line_and_column_in_russian(extract):
    (extract / "rules.yaml").write_text(
        RULES.replace("occupancy in ('tenant', 'homeless')", "occupancy in ('tenant', None)").replace(
            "text: age >= 18", "text: age >= 18 and salry > 5"
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as caught:
        evaluate(extract)
    message = str(caught.value)
    assert "2" in message  # two problems
    assert "tenant" in message and "строка 1, столбец 25" in message
    assert "future_rule" in message and "salry" in message and "Неизвестный факт" in message
    assert not (extract / "out.parquet").exists()


def test_a_failing_example_blocks_the_file(extract):
    (extract / "rules.yaml").write_text(
        RULES.replace("expect: unknown", "expect: eligible"), encoding="utf-8"
    )
    with pytest.raises(CommandError) as caught:
        evaluate(extract)
    assert "examples[2]" in str(caught.value)


def test_missing_or_mistyped_columns_are_named(extract):
    pl.read_parquet(extract / "persons.parquet").drop("birth").with_columns(
        pl.col("salary").cast(pl.String)
    ).write_parquet(extract / "persons.parquet")
    with pytest.raises(CommandError) as caught:
        evaluate(extract)
    assert "birth" in str(caught.value) and "salary" in str(caught.value)


@pytest.mark.parametrize(
    ("column", "counts"), [("person_id", "(1 and 0 empty)"), ("household_id", "(0 and 1 empty)")]
)
def test_an_empty_person_or_household_id_is_refused_and_nothing_is_written(extract, column, counts):
    pl.read_parquet(extract / "persons.parquet").with_columns(
        pl.when(pl.col("person_id") == 3).then(None).otherwise(pl.col(column)).alias(column)
    ).write_parquet(extract / "persons.parquet")
    with pytest.raises(CommandError) as caught:
        evaluate(extract)
    assert "person_id" in str(caught.value) and counts in str(caught.value)
    assert not (extract / "out.parquet").exists()


def test_bad_date_and_missing_file(extract):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        evaluate(extract, on="01.11.2016")
    with pytest.raises(CommandError, match="nope.parquet"):
        evaluate(extract, persons=str(extract / "nope.parquet"))


def test_check_reports_the_shipped_benchmark_rules_valid():
    out = StringIO()
    call_command("eligibility", "check", str(ROOT / "bench" / "rules50.yaml"), stdout=out)
    assert "50" in out.getvalue()


def test_large_ordered_extracts_are_evaluated_in_slices_with_the_same_result(extract):
    from clientcentric.engines.rules.population import evaluate_files
    from clientcentric.engines.rules.rulefile import load_rules

    rule_file = load_rules(extract / "rules.yaml")
    on = dt.date(2016, 11, 1)
    args = (extract / "persons.parquet", extract / "households.parquet", rule_file, on)
    whole = evaluate_files(*args, extract / "whole.parquet")
    sliced = evaluate_files(*args, extract / "sliced.parquet", chunk_persons=2)
    assert pl.read_parquet(extract / "sliced.parquet").equals(pl.read_parquet(extract / "whole.parquet"))
    assert sliced == whole
    assert not [p for p in extract.iterdir() if p.name.startswith("eligibility-")]  # slices cleaned up


def test_the_result_file_reads_back_as_nullable_booleans_equal_to_the_engine_frames(extract):
    from clientcentric.engines.rules.population import evaluate_files, evaluate_frames
    from clientcentric.engines.rules.rulefile import load_rules

    rule_file = load_rules(extract / "rules.yaml")
    on = dt.date(2016, 11, 1)
    persons, households = (
        pl.read_parquet(extract / "persons.parquet"),
        pl.read_parquet(extract / "households.parquet"),
    )
    evaluate_files(
        extract / "persons.parquet", extract / "households.parquet", rule_file, on, extract / "r.parquet"
    )
    expected = pl.concat(evaluate_frames(persons, households, rule_file, on, chunk_persons=2))
    written = pl.read_parquet(extract / "r.parquet")
    assert written.schema == {"person_id": pl.Int64, **{r.id: pl.Boolean for r in rule_file.rules}}
    assert written.equals(expected)
    # The three answers all occur and survive the file: eligible, not eligible and unknown (null).
    values = set(written.drop("person_id").unpivot()["value"].to_list())
    assert values == {True, False, None}


def test_extracts_on_disk_read_in_pieces_give_the_same_answers_as_frames_in_memory(extract):
    """LazyFrames (extracts on disk) are read a few persons at a time and cut into slices in memory; frames in
    memory are cut by position; the whole population in one slice is the reference."""
    from clientcentric.engines.rules.population import evaluate_frames
    from clientcentric.engines.rules.rulefile import load_rules

    rule_file = load_rules(extract / "rules.yaml")
    on = dt.date(2016, 11, 1)
    paths = extract / "persons.parquet", extract / "households.parquet"
    persons, households = (pl.read_parquet(p) for p in paths)
    whole = pl.concat(evaluate_frames(persons, households, rule_file, on, chunk_persons=10**9))
    assert len(whole) == len(persons) > 3
    in_memory = evaluate_frames(persons, households, rule_file, on, chunk_persons=2)
    on_disk = evaluate_frames(
        *(pl.scan_parquet(p) for p in paths), rule_file, on, chunk_persons=2, read_persons=3
    )
    assert len(in_memory) > 1 and len(on_disk) > 1
    assert pl.concat(in_memory).equals(whole)
    assert pl.concat(on_disk).equals(whole)
    # Rules on person facts alone: no household column is read, the slices still need household_id.
    (extract / "person_only.yaml").write_text(
        "rules:\n  - id: adult\n    text: age >= 18 and not student\n    valid_from: 2016-01-01\n",
        encoding="utf-8",
    )
    person_only = load_rules(extract / "person_only.yaml")
    expected = pl.concat(evaluate_frames(persons, households, person_only, on, chunk_persons=10**9))
    got = evaluate_frames(
        *(pl.scan_parquet(p) for p in paths), person_only, on, chunk_persons=2, read_persons=3
    )
    assert pl.concat(got).equals(expected) and expected["adult"].to_list().count(True) >= 1


def test_an_integer_region_column_is_read_as_the_region_code(extract):
    """It used to fail with Polars' `casting from i32 to cat is not supported` traceback."""
    pl.read_parquet(extract / "households.parquet").with_columns(
        pl.col("region").cast(pl.Int32)
    ).write_parquet(extract / "households.parquet")
    (extract / "rules.yaml").write_text(
        "rules:\n"
        "  - id: moscow\n    text: region == '77'\n    valid_from: 2016-01-01\n"
        "  - id: sverdlovsk\n    text: region in (66,)\n    valid_from: 2016-01-01\n",
        encoding="utf-8",
    )
    evaluate(extract)
    rows = {r["person_id"]: r for r in pl.read_parquet(extract / "out.parquet").to_dicts()}
    assert [rows[i]["moscow"] for i in (1, 2, 3, 4, 5)] == [True, True, False, False, False]
    assert [rows[i]["sverdlovsk"] for i in (1, 2, 3, 4, 5)] == [False, False, False, False, True]
    pl.read_parquet(extract / "households.parquet").with_columns(
        pl.col("region").cast(pl.Float64)
    ).write_parquet(extract / "households.parquet")
    with pytest.raises(CommandError) as caught:
        evaluate(extract)
    assert "region" in str(caught.value) and "Float64" in str(caught.value)
    assert "\n" not in str(caught.value).strip()


def _run_cli(*argv: str):
    """The `clientcentric` command in its own process, as a user starts it (the path without the apps)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = "import sys; from clientcentric.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("dtype", "shown"),
    [
        (pl.Float64, "Float64"),
        (pl.Date, "Date"),
        (pl.List(pl.Int64), "List(Int64)"),
        (pl.Boolean, "Boolean"),
    ],
)
def test_a_region_column_of_another_type_gives_one_russian_line_without_a_traceback(extract, dtype, shown):
    households = pl.read_parquet(extract / "households.parquet")
    values = {
        pl.Float64: pl.Series([77.0, 78.0, 66.0]),
        pl.Date: pl.Series([dt.date(2020, 1, 1)] * 3),
        pl.Boolean: pl.Series([True, False, True]),
    }.get(dtype, pl.Series([[77], [78], [66]]))
    households.with_columns(region=values).write_parquet(extract / "households.parquet")
    done = _run_cli(
        "eligibility",
        "evaluate",
        "--persons",
        str(extract / "persons.parquet"),
        "--households",
        str(extract / "households.parquet"),
        "--rules",
        str(extract / "rules.yaml"),
        "--on",
        "2016-11-01",
        "--output",
        str(extract / "out.parquet"),
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert f"столбец «region» имеет тип {shown}, а ожидается текст или целое число" in lines[0]


@pytest.mark.parametrize("dtype", [pl.Int8, pl.UInt16, pl.Int64, pl.Categorical, pl.Enum(["66", "77", "78"])])
def test_the_command_reads_a_region_column_of_any_allowed_type(extract, dtype):
    households = pl.read_parquet(extract / "households.parquet")
    households.with_columns(pl.col("region").cast(dtype)).write_parquet(extract / "households.parquet")
    (extract / "rules.yaml").write_text(
        "rules:\n  - id: moscow\n    text: region == '77'\n    valid_from: 2016-01-01\n", encoding="utf-8"
    )
    done = _run_cli(
        "eligibility",
        "evaluate",
        "--persons",
        str(extract / "persons.parquet"),
        "--households",
        str(extract / "households.parquet"),
        "--rules",
        str(extract / "rules.yaml"),
        "--on",
        "2016-11-01",
        "--output",
        str(extract / "out.parquet"),
    )
    assert done.returncode == 0, done.stderr
    assert pl.read_parquet(extract / "out.parquet")["moscow"].to_list() == [True, True, False, False, False]
    assert "moscow" in done.stdout  # the per-rule counts

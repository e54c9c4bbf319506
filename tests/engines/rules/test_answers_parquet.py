"""The result file written straight from the answers' bitmaps reads back, in Polars, as the frame it was given."""

import numpy as np
import polars as pl
import pytest

from clientcentric.engines.rules.answers_parquet import write_answers
from clientcentric.engines.rules.population import write_result


def _answers(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    with_gaps = pl.Series("some_unknown", rng.random(n) < 0.5).scatter(
        np.flatnonzero(rng.random(n) < 0.2), None
    )
    return pl.DataFrame(
        {
            "person_id": np.arange(n, dtype=np.int64) * 3 + 1,
            "some_unknown": with_gaps,
            "all_known": pl.Series(rng.random(n) < 0.3, dtype=pl.Boolean),
            "all_unknown": pl.Series([None] * n, dtype=pl.Boolean),
        }
    )


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1000, 5003])
@pytest.mark.parametrize("row_group", [1, 8, 1000, 1 << 20])
def test_answers_read_back_as_written_in_any_number_of_row_groups(tmp_path, n, row_group):
    if n > 100 and row_group < 100:
        pytest.skip("thousands of row groups add nothing")
    frame = _answers(n)
    write_answers(frame, tmp_path / "out.parquet", row_group)
    back = pl.read_parquet(tmp_path / "out.parquet")
    assert back.schema == frame.schema
    assert back.equals(frame)


@pytest.mark.parametrize("offset", [0, 1, 3, 8, 13])
def test_slices_that_start_inside_a_byte_and_several_chunks_read_back_as_written(tmp_path, offset):
    base = _answers(1000)
    sliced = base.slice(offset, 700)
    chunked = pl.concat([base.slice(offset, 100), base.slice(500, 333)], rechunk=False)
    for frame in (sliced, chunked):
        write_answers(frame, tmp_path / "out.parquet", 256)
        assert pl.read_parquet(tmp_path / "out.parquet").equals(frame)
        assert (
            pl.scan_parquet(tmp_path / "out.parquet")
            .filter(pl.col("some_unknown"))
            .collect()
            .equals(frame.filter(pl.col("some_unknown")))
        )


def test_nothing_is_left_under_the_output_name_when_writing_fails(tmp_path):
    with pytest.raises(ValueError):
        write_answers(pl.DataFrame({"person_id": [1], "rule": [1]}), tmp_path / "out.parquet", 8)
    assert list(tmp_path.iterdir()) == []


def test_a_person_id_of_another_integer_type_is_kept_through_the_polars_writer(tmp_path):
    frame = _answers(50).with_columns(pl.col("person_id").cast(pl.UInt32))
    write_result([frame.slice(0, 20), frame.slice(20)], tmp_path / "out.parquet")
    back = pl.read_parquet(tmp_path / "out.parquet")
    assert back.schema == frame.schema and back.equals(frame)

"""engines.metrics against statsmodels and against the properties an interval must have."""

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from clientcentric.engines import metrics

counts_1_5 = st.dictionaries(st.integers(1, 5), st.integers(0, 500), min_size=1)


@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
@settings(max_examples=300)
def test_wilson_agrees_with_statsmodels(pair):
    successes, n = pair
    ours = metrics.wilson(successes, n)
    low, high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert ours.low == pytest.approx(low, abs=1e-9)
    assert ours.high == pytest.approx(high, abs=1e-9)


@given(st.integers(1, 3000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_the_estimate_and_stays_in_0_1(pair):
    interval = metrics.wilson(*pair)
    assert 0 <= interval.low <= interval.estimate <= interval.high <= 1


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30, 1000])
def test_wilson_is_clamped_to_0_and_1_at_no_and_all_successes(n):
    none = metrics.wilson(0, n)
    assert none.estimate == none.low == 0.0 and 0 < none.high < 1
    every = metrics.wilson(n, n)
    assert every.estimate == every.high == 1.0 and 0 < every.low < 1


def test_the_usability_wilson_is_the_metrics_wilson():
    from clientcentric.engines import usability

    for successes, n in [(0, 7), (3, 7), (7, 7), (8, 10)]:
        shared = metrics.wilson(successes, n)
        theirs = usability.wilson(successes, n)
        assert (theirs.estimate, theirs.low, theirs.high, theirs.n) == (
            shared.estimate,
            shared.low,
            shared.high,
            n,
        )


@given(st.integers(1, 400), st.integers(1, 400))
def test_wilson_narrows_as_n_grows(n, extra):
    narrow = metrics.wilson(n // 2 * 4, n * 4 + extra * 4)
    wide = metrics.wilson(n // 2, n + extra)
    assert narrow.half_width < wide.half_width + 1e-12


@pytest.mark.parametrize(("n", "pp"), [(10, 26), (30, 17), (100, 10), (385, 5), (1000, 3)])
def test_worst_case_half_widths_match_the_specification(n, pp):
    assert round(metrics.wilson(n / 2, n).half_width * 100) == pp


@given(
    st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
@settings(max_examples=200)
def test_difference_agrees_with_newcombe_in_statsmodels(first, second):
    ours = metrics.difference(*first, *second)
    low, high = confint_proportions_2indep(*first, *second, method="newcomb", compare="diff")
    assert ours.low == pytest.approx(low, abs=1e-9)
    assert ours.high == pytest.approx(high, abs=1e-9)
    assert ours.low <= ours.estimate <= ours.high


@example([0.0, 0.0, 0.05])  # p at exactly its threshold rank/m·alpha: rejected, as statsmodels does
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=60))
def test_benjamini_hochberg_agrees_with_statsmodels(p_values):
    rejected, adjusted = metrics.benjamini_hochberg(p_values)
    expected_reject, expected_adjusted, *_ = multipletests(p_values, alpha=0.05, method="fdr_bh")
    assert rejected == list(expected_reject)
    assert adjusted == pytest.approx(list(expected_adjusted), abs=1e-12)


def test_benjamini_hochberg_refuses_impossible_p_values():
    with pytest.raises(ValueError):
        metrics.benjamini_hochberg([0.2, 1.5])


@given(counts_1_5)
def test_csat_is_the_top_2_box(counts):
    result = metrics.csat(counts)
    n = sum(counts.values())
    if n == 0:
        assert result is None
    else:
        assert result.estimate == pytest.approx((counts.get(4, 0) + counts.get(5, 0)) / n)


def test_csat_refuses_a_level_off_the_scale():
    with pytest.raises(ValueError, match="outside the scale"):
        metrics.csat({6: 3})


def test_ces_mean_and_hard_share():
    counts = {1: 2, 4: 1, 7: 7}
    assert metrics.ces(counts) == pytest.approx((2 + 4 + 49) / 10)
    assert metrics.ces_hard_share(counts) == pytest.approx(0.2)
    assert metrics.share_positive(counts, metrics.CES).estimate == pytest.approx(0.7)


def test_nps_runs_from_minus_100_to_100():
    assert metrics.nps({10: 5}) == 100
    assert metrics.nps({0: 5, 6: 5}) == -100
    assert metrics.nps({9: 3, 7: 4, 3: 3}) == pytest.approx(0)


def test_acsi_equal_weight_bounds_and_value():
    assert metrics.acsi_equal_weight(1, 1, 1) == 0
    assert metrics.acsi_equal_weight(10, 10, 10) == 100
    assert metrics.acsi_equal_weight(7, 6.5, 6) == pytest.approx((19.5 - 3) / 27 * 100)
    with pytest.raises(ValueError):
        metrics.acsi_equal_weight(0, 5, 5)


def test_weighting_to_the_transaction_mix_moves_the_estimate_and_reports_n_eff():
    # Refused clients answer less: reweighting to the real mix lowers the satisfied share.
    respondents = {"granted": 80, "refused": 20}
    positive = {"granted": 72, "refused": 4}
    transactions = {"granted": 600, "refused": 400}
    result = metrics.weighted_share(positive, respondents, transactions)
    assert result.estimate.estimate == pytest.approx(0.6 * 0.9 + 0.4 * 0.2)
    assert result.n == 100
    assert result.n_eff < 100
    assert result.estimate.low < result.estimate.estimate < result.estimate.high


def test_weights_are_clamped_to_0_2_and_5():
    weights = metrics.stratum_weights({"a": 99, "b": 1}, {"a": 1, "b": 1000})
    assert weights["b"] == 5.0
    assert weights["a"] == 0.2


@given(st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 300), min_size=1))
def test_equal_weights_keep_n_eff_equal_to_n(counts):
    weights = {h: 1.0 for h in counts}
    assert metrics.effective_n(weights, counts) == pytest.approx(sum(counts.values()))


@given(
    st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 300), min_size=1),
    st.dictionaries(st.sampled_from("abcdef"), st.integers(1, 5000), min_size=1),
)
def test_n_eff_never_exceeds_n(respondents, transactions):
    weights = metrics.stratum_weights(respondents, transactions)
    if weights:
        assert metrics.effective_n(weights, respondents) <= sum(respondents.values()) + 1e-9


def test_primary_suppression_hides_cells_under_10_but_not_empty_ones():
    assert metrics.suppress({"a": 9, "b": 10, "c": 0}) == {"a"}


def test_complementary_suppression_hides_a_second_cell_so_the_first_cannot_be_recovered():
    counts = {"a": 4, "b": 50, "c": 25, "d": 300}
    hidden = metrics.suppress(counts, groups=[["a", "b", "c", "d"]])
    assert hidden == {"a", "c"}


def test_complementary_suppression_spreads_across_overlapping_groups():
    # Rows are services, columns agencies; row and column totals are both published.
    counts = {("s1", "x"): 3, ("s1", "y"): 40, ("s2", "x"): 50, ("s2", "y"): 60}
    rows = [[("s1", "x"), ("s1", "y")], [("s2", "x"), ("s2", "y")]]
    cols = [[("s1", "x"), ("s2", "x")], [("s1", "y"), ("s2", "y")]]
    hidden = metrics.suppress(counts, groups=rows + cols)
    assert hidden == set(counts)


@given(
    st.dictionaries(st.integers(0, 30), st.integers(0, 200), min_size=1),
    st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=8), max_size=6),
)
def test_no_group_is_left_with_exactly_one_hidden_cell_it_could_cover(counts, groups):
    hidden = metrics.suppress(counts, groups)
    assert {c for c, n in counts.items() if 0 < n < 10} <= hidden
    for group in groups:
        inside = {c for c in group if c in hidden}
        others = [c for c in group if c not in hidden and counts.get(c, 0) > 0]
        assert len(inside) != 1 or not others


def test_verdict_follows_the_publication_rules():
    assert metrics.verdict(5, 9).status == "suppressed"
    assert metrics.verdict(20, 29).status == "insufficient"
    assert metrics.verdict(15, 30).status == "insufficient"  # ±17 pp is wider than ±15 pp
    assert metrics.verdict(30, 60).status == "published"


def test_two_proportion_p_value_is_symmetric_and_small_for_a_large_gap():
    assert metrics.two_proportion_p_value(90, 100, 50, 100) < 0.001
    assert metrics.two_proportion_p_value(5, 10, 5, 10) == pytest.approx(1.0)
    assert math.isclose(
        metrics.two_proportion_p_value(30, 80, 40, 70), metrics.two_proportion_p_value(40, 70, 30, 80)
    )


def test_an_unpublished_remainder_protects_its_group_like_a_hidden_cell():
    counts = {"a": 4, "b": 50, "rest": 30}
    assert metrics.suppress(counts, groups=[["a", "b", "rest"]], unpublished=["rest"]) == {"a"}


def test_a_large_unpublished_remainder_alone_hides_nothing():
    counts = {"a": 40, "b": 50, "rest": 70}
    assert metrics.suppress(counts, groups=[["a", "b", "rest"]], unpublished=["rest"]) == set()


def test_a_small_unpublished_remainder_is_protected_by_a_complementary_cell():
    counts = {"a": 40, "b": 50, "rest": 3}
    assert metrics.suppress(counts, groups=[["a", "b", "rest"]], unpublished=["rest"]) == {"a"}

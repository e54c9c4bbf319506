"""CSAT, CES, NPS, ACSI and «Ваш контроль» from the one instrument, against values worked out by hand on a small
quarter (II квартал 2026): 12 answers at the office window (QR code) and 3 after calls (voice menu)."""

import pytest

from clientcentric.conformance.indicators import compute
from clientcentric.conformance.indicators_feedback import criterion_ratings
from clientcentric.feedback import services
from clientcentric.feedback.services import Rating

from .conftest import QUARTER, moment

SATISFACTION = [5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1, 5]  # 8 of 12 are 4–5
EFFORT = [7, 7, 6, 6, 5, 5, 4, 3, 2, 1, 7, 6]  # sum 59
RECOMMEND = [10, 10, 9, 9, 9, 8, 7, 6, 5, 0, 10, 3]  # 6 promoters, 2 passives, 4 detractors
ACSI = [(8, 7, 9)] * 5 + [(6, 5, 7)] * 5 + [(9, 9, None), (None, None, None)]


@pytest.fixture
def quarter_of_ratings(db, agency, clock):
    when = moment(5, 10)
    for index, level in enumerate(SATISFACTION):
        overall, expectations, ideal = ACSI[index]
        services.answer_at_office(
            agency,
            Rating(
                satisfaction=level,
                effort=EFFORT[index],
                recommend=RECOMMEND[index],
                acsi_satisfaction=overall,
                acsi_expectations=expectations,
                acsi_ideal=ideal,
                went_well=["fast", "polite"] if index < 10 else [],
                got_in_way=[] if index < 10 else ["fast"],
            ),
            now=when,
        )
    for index, level in enumerate([5, 1, 4]):
        services.answer_by_phone(
            call_id=f"call-{index}",
            agency=agency,
            now=when,
            rating=Rating(
                satisfaction=level,
                recommend=10,  # not asked after a call: dropped, never counted
                went_well=["polite"] if index == 0 else [],
                got_in_way=["competent"] if index == 0 else [],
            ),
        )
    # Neither the page widget (a self-selected sample) nor another quarter counts.
    services.answer_unprompted(Rating(satisfaction=5, recommend=10), page="/services/")
    services.answer_at_office(agency, Rating(satisfaction=1), now=moment(3, 1))


def test_csat_is_the_top_two_box_with_wilson_bounds(quarter_of_ratings, agency):
    value = compute("csat", agency=agency, quarter=QUARTER)
    # 8 of 12 at the window + 2 of 3 after calls = 10 of 15. Wilson, z = 1.96: centre (p + z²/2n)/(1 + z²/n)
    # = (0.6667 + 0.1280)/1.2561 = 0.6327, half-width 0.2156 → 0.4171…0.8482.
    assert (value.numerator, value.denominator) == (10, 15)
    assert value.value == pytest.approx(2 / 3)
    assert value.ci_low == pytest.approx(0.41714, abs=1e-4) and value.ci_high == pytest.approx(
        0.84824, abs=1e-4
    )
    # After calls: 3 answers, hidden; the office cell (12) would then give them away by subtraction from the
    # total, so it is hidden too.
    assert value.breakdown["call_centre"].suppressed and value.breakdown["in_person"].suppressed


def test_ces_is_the_mean_agreement_with_its_interval(quarter_of_ratings, agency):
    value = compute("ces", agency=agency, quarter=QUARTER)
    # Only the window asked the effort question: 59 / 12 = 4.917; s = 2.0207, z·s/√12 = 1.1433.
    assert (value.value, value.denominator) == (pytest.approx(59 / 12), 12)
    assert value.ci_low == pytest.approx(3.7734, abs=1e-3) and value.ci_high == pytest.approx(
        6.0600, abs=1e-3
    )


def test_nps_counts_only_where_the_loyalty_question_is_asked(quarter_of_ratings, agency):
    value = compute("nps", agency=agency, quarter=QUARTER)
    # 100 × (6 − 4) / 12 = 16.7; the calls' «10» were not stored (a call is not a loyalty end point).
    assert (value.value, value.denominator) == (pytest.approx(100 / 6), 12)
    # Interval of the mean of +1/0/−1 scores: s² = 9.6667 / 11, half-width 1.96 × √(0.8788/12) = 0.5304.
    assert value.ci_low == pytest.approx(-36.373, abs=1e-2) and value.ci_high == pytest.approx(
        69.706, abs=1e-2
    )
    assert set(value.breakdown) == {"in_person"}


def test_acsi_from_the_three_means_over_complete_answers(quarter_of_ratings, agency):
    value = compute("acsi", agency=agency, quarter=QUARTER)
    # 10 complete triples; means S = 7, E = 6, I = 8 → (7 + 6 + 8 − 3) / 27 × 100 = 66.7.
    assert (value.value, value.denominator) == (pytest.approx(200 / 3), 10)
    # Each response's own index is 77.8 or 55.6: s = 11.71, half-width 1.96 × 11.71 / √10 = 7.26.
    assert value.ci_low == pytest.approx(59.408, abs=1e-2) and value.ci_high == pytest.approx(
        73.926, abs=1e-2
    )


def test_vash_kontrol_share_positive_per_criterion(quarter_of_ratings, agency):
    value = compute("vash_kontrol", agency=agency, quarter=QUARTER)
    time, staff = value.breakdown["time"], value.breakdown["staff"]
    # Time: 10 praised «Быстро», 2 complained «Долго». Staff: 10 praised, 1 call praised courtesy but
    # complained of competence — a complaint makes the criterion negative for that response.
    assert (time.numerator, time.denominator) == (10, 12)
    assert (staff.numerator, staff.denominator) == (10, 11)
    assert time.ci_low == pytest.approx(0.55197, abs=1e-4) and time.ci_high == pytest.approx(
        0.95303, abs=1e-4
    )
    assert staff.ci_low == pytest.approx(0.62264, abs=1e-4) and staff.ci_high == pytest.approx(
        0.98377, abs=1e-4
    )
    assert (value.numerator, value.denominator) == (20, 23)
    assert set(value.breakdown) == {
        "time",
        "staff",
    }  # nobody rated the queue, the premises or the information


def test_vash_kontrol_ratings_by_service_for_the_export(quarter_of_ratings, agency):
    ratings = criterion_ratings(agency, QUARTER, by=("criterion", "response__service_id"))
    assert ratings[("time", None)] == [10, 12]

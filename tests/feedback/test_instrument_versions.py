"""Instrument versions build on each other: v3 is v2 plus the loyalty items, v2's questions unchanged."""

import pytest

from clientcentric.feedback import instrument
from clientcentric.feedback.instrument import (
    LOYALTY_CODES,
    LOYALTY_QUESTIONS,
    LOYALTY_RANGES,
    QUESTIONS_BY_VERSION,
    V2_QUESTIONS,
    extended,
)


def _codes(questions) -> list[str]:
    return [question["code"] for question in questions]


def test_v3_is_v2_plus_the_loyalty_questions_in_order():
    v2, v3 = QUESTIONS_BY_VERSION["v2-2026"], QUESTIONS_BY_VERSION["v3-2026"]
    assert [q for q in v3 if q["code"] not in LOYALTY_CODES] == v2
    assert [q for q in v3 if q["code"] in LOYALTY_CODES] == LOYALTY_QUESTIONS
    # The loyalty items come after the three scales, as v3 has always asked them.
    assert _codes(v3) == [
        "satisfaction",
        "effort",
        "trust",
        "recommend",
        "acsi_satisfaction",
        "acsi_expectations",
        "acsi_ideal",
        "need_met",
        "went_well",
        "got_in_way",
        "comment",
    ]


def test_the_current_version_asks_v3():
    assert instrument.VERSION == "v3-2026"
    assert instrument.QUESTIONS == QUESTIONS_BY_VERSION["v3-2026"]


def test_loyalty_codes_and_ranges_come_from_the_questions():
    assert LOYALTY_CODES == ("recommend", "acsi_satisfaction", "acsi_expectations", "acsi_ideal")
    assert LOYALTY_RANGES["recommend"] == (0, 10)
    assert {LOYALTY_RANGES[code] for code in LOYALTY_CODES[1:]} == {(1, 10)}


def test_extended_keeps_the_base_and_names_a_known_question():
    added = [dict(code="new")]
    assert _codes(extended(V2_QUESTIONS, added, after="comment")) == [*_codes(V2_QUESTIONS), "new"]
    with pytest.raises(ValueError):
        extended(V2_QUESTIONS, added, after="missing")

"""Every registered indicator answers the contract on an empty region: nothing to count is a suppressed cell."""

import pytest

from clientcentric.conformance.indicators import INDICATORS, Quarter, compute

CODES = [
    "appeals_on_time",
    "requests_within_class",
    "request_time_to_submit",
    "proactive_share",
    "offers_accepted",
    "readable_answers",
    "csat",
    "ces",
    "nps",
    "acsi",
    "vash_kontrol",
    "beta_tested_launches",
    "needs_met",
    "needs_in_work",
    "needs_cannot_with_reason",
    "repeat_contacts",
]


def test_every_code_the_other_parts_rely_on_is_registered():
    assert set(CODES) <= set(INDICATORS)


@pytest.mark.django_db
@pytest.mark.parametrize("code", CODES)
def test_an_empty_quarter_is_suppressed_not_zero(code, agency):
    for where in (None, agency):
        value = compute(code, agency=where, quarter=Quarter(2026, 2))
        assert value.code == code and value.quarter == "2026-Q2"
        assert value.agency_id == (where.pk if where else None)
        assert value.suppressed and value.value is None

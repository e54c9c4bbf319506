"""Requests within their effort class and the time to submit, proactive requests, accepted offers and plain
refusals, against counts worked out by hand on a small quarter (II квартал 2026)."""

from datetime import date

import pytest

from clientcentric.conformance import indicators_delivery
from clientcentric.conformance.indicators import Quarter, compute
from clientcentric.delivery.models import EligibilityRule, Offer, RefusalReason
from clientcentric.delivery.services import consents as consent_services
from clientcentric.delivery.services import offers as offer_services
from clientcentric.delivery.services import requests as request_services
from clientcentric.delivery.services import rules as rule_services
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import EffortClass, Service, Touchpoint
from tests.delivery.conftest import make_client

from .conftest import QUARTER, moment
from .test_indicators_appeals import HARD, PLAIN

SUBSIDY_SECONDS = [60, 90, 120, 150, 200, 250, 280, 300, 400, 500, 900]


def _subsidy(agency):
    service = registry_services.save_service(
        Service(
            code="housing-subsidy",
            name="Субсидия на оплату жилья и коммунальных услуг",
            agency=agency,
            effort_class=EffortClass.FIVE_MINUTES,
        ),
        touchpoints=Touchpoint.objects.filter(code="portal"),
    )
    rule = rule_services.save_rule(
        EligibilityRule(
            rule_id="housing_subsidy",
            service=service,
            text="age >= 18",
            valid_from=date(2016, 1, 1),
            explain_yes="Вам больше 18 лет.",
            explain_no="Субсидия назначается с 18 лет.",
            examples=[
                {"on": "2026-01-01", "facts": {"age": 30}, "expect": "eligible"},
                {"on": "2026-01-01", "facts": {"age": 10}, "expect": "not_eligible"},
            ],
        )
    )
    rule_services.publish_rule(rule)
    return service


def _offer(number, service):
    client = make_client(f"client-{number}", snils_number=200000000 + number, birth=date(1960, 3, 1))
    consent_services.give_consent(client, service=service)
    offer_services.make_offers(client, [service], on=date(2026, 5, 20))
    return Offer.objects.get(client=client, service=service)


@pytest.fixture
def requests_quarter(registry, agency, pension_rule, consent_text, clock, people):
    pension, subsidy = registry["service"], _subsidy(agency)
    pension_requests = []
    for number in range(12):  # 12 one-click offers, 10 accepted with nothing typed
        offer = _offer(number, pension)
        if number < 10:
            pension_requests.append(offer_services.accept_offer(offer, {}, seconds=20))
    for number, seconds in enumerate([*SUBSIDY_SECONDS, 0, None, None], start=100):
        offer = _offer(number, subsidy)  # 14 offers: 11 timed requests, 1 untimed, 2 left open
        if seconds is not None:
            offer_services.accept_offer(offer, {}, seconds=seconds)
    clock.at(moment(3, 1))  # a request of the first quarter is not counted
    offer_services.accept_offer(_offer(999, subsidy), {}, seconds=30)
    clock.at(moment(5, 25))
    reason = RefusalReason.objects.create(
        code="no-right",
        title="Нет права на услугу",
        explanation="Права на услугу нет.",
        next_steps="Обратитесь в МФЦ.",
    )
    for index, request in enumerate(pension_requests):  # 10 refusals: 7 plain, 3 past the limits
        hard = index < 3
        request_services.decide(
            request,
            approve=False,
            actor=people["operator"],
            reason=reason,
            explanation=HARD if hard else PLAIN,
            next_steps="Мы поможем.",
            override_reason="Закон" if hard else "",
        )
    return pension, subsidy


def test_requests_within_their_declared_effort_class(requests_quarter):
    value = compute("requests_within_class", agency=None, quarter=QUARTER)
    # One click: 10 of 10 typed nothing; 5 minutes: 8 of the 11 timed requests took up to 300 s.
    assert (value.numerator, value.denominator) == (18, 21)
    assert (value.breakdown["one_click"].numerator, value.breakdown["one_click"].denominator) == (10, 10)
    five = value.breakdown["five_minutes"]
    assert (five.numerator, five.denominator, five.value) == (8, 11, pytest.approx(8 / 11))


def test_the_median_time_to_submit_by_class(requests_quarter, agency):
    value = compute("request_time_to_submit", agency=agency, quarter=QUARTER)
    # 21 timed requests: ten of 20 s, then 60 s … — the 11th is 60 s. The untimed request is left out.
    assert (value.value, value.denominator) == (60, 21)
    assert value.breakdown["five_minutes"].value == 250  # the 6th of 11
    assert value.breakdown["one_click"].value == 20


def test_proactive_share_and_offers_accepted(requests_quarter):
    pension, subsidy = requests_quarter
    proactive = compute("proactive_share", agency=None, quarter=QUARTER)
    assert (proactive.numerator, proactive.denominator) == (22, 22)
    accepted = compute("offers_accepted", agency=None, quarter=QUARTER)
    assert (accepted.numerator, accepted.denominator) == (22, 26)
    assert accepted.breakdown[str(pension.pk)].value == pytest.approx(10 / 12)
    assert accepted.breakdown[str(subsidy.pk)].value == pytest.approx(12 / 14)
    # The first quarter holds one request and one offer: both suppressed.
    assert compute("offers_accepted", agency=None, quarter=Quarter(2026, 1)).suppressed


def test_refusals_within_the_plain_russian_limits(requests_quarter, agency):
    value = compute("readable_answers", agency=agency, quarter=QUARTER)
    assert (value.numerator, value.denominator) == (7, 10)
    assert set(value.breakdown) == {"refusals"}
    records = indicators_delivery.class_records(agency, QUARTER, "five_minutes")
    assert records.count() == 11 and records.filter(within=False).count() == 3

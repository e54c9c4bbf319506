"""Objective measures next to the ratings: time to submit, completion rate, one-click and 5-minute shares.

Figures are computed by hand in the comments; the Wilson ends use z = 1.959964, z² = 3.841459.
"""

from datetime import UTC, date, datetime

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.roles import Role
from clientcentric.delivery.models import Consent, ConsentText, Offer, ServiceRequest
from clientcentric.engines import metrics
from clientcentric.feedback import analytics, objective, publication, services

from .conftest import office_answers

MAY = datetime(2026, 5, 6, 10, tzinfo=UTC)


def test_effort_by_hand():
    items = [
        metrics.Transaction(seconds=30, fields_typed=0, steps=1),  # one click, within 5 minutes
        metrics.Transaction(seconds=90, fields_typed=0, steps=1),  # one click, within 5 minutes
        metrics.Transaction(seconds=200, fields_typed=2, steps=2),  # within 5 minutes
        metrics.Transaction(seconds=310, fields_typed=1, steps=2),
        metrics.Transaction(
            seconds=600, fields_typed=0, steps=2
        ),  # nothing typed but two steps: not one click
        metrics.Transaction(seconds=0, fields_typed=0, steps=1),  # one click, time not measured
    ]
    effort = metrics.effort(items)
    assert effort.requests == 6 and effort.timed == 5
    assert effort.median_seconds == 200  # 30 90 [200] 310 600
    assert effort.p90_seconds == 600  # rank ⌈0.9 × 5⌉ = 5
    assert (effort.one_click.count, effort.one_click.n) == (3, 6)
    assert (effort.five_minutes.count, effort.five_minutes.n) == (3, 5)
    # 3 of 5: centre (0.6 + 0.384146)/1.768292 = 0.556551; half 1.959964·√(0.048 + 0.038415)/1.768292 = 0.325824
    assert effort.five_minutes.interval.low == pytest.approx(0.230727, abs=1e-5)
    assert effort.five_minutes.interval.high == pytest.approx(0.882375, abs=1e-5)
    # 3 of 6: centre 0.5; half 1.959964·√(0.041667 + 0.026677)/1.640243 = 0.312384
    assert effort.one_click.interval.low == pytest.approx(0.187616, abs=1e-5)
    assert effort.one_click.interval.high == pytest.approx(0.812384, abs=1e-5)


def test_even_median_and_nearest_rank():
    assert metrics.effort([metrics.Transaction(s, 1, 2) for s in (10, 20, 40, 80)]).median_seconds == 30
    assert metrics.nearest_rank([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 0.9) == 9
    with pytest.raises(ValueError):
        metrics.nearest_rank([], 0.5)


def test_nothing_measured_gives_no_figures():
    effort = metrics.effort([])
    assert effort.median_seconds is None and effort.one_click.interval is None


def test_completion_rate_by_hand():
    share = metrics.completion(started=4, completed=2)
    # 2 of 4: centre 0.5; half 1.959964·√(0.0625 + 0.060034)/1.960365 = 0.349961
    assert share.interval.estimate == 0.5
    assert share.interval.low == pytest.approx(0.150039, abs=1e-5)
    assert share.interval.high == pytest.approx(0.849961, abs=1e-5)
    with pytest.raises(ValueError):
        metrics.completion(started=2, completed=3)


def _client(number: int):
    return accounts_services.create_person(
        username=f"client-{number}", password="x-2026-pass", role=Role.CLIENT
    )


def _request(client, service, *, seconds, typed, steps, when=MAY):
    return ServiceRequest.objects.create(
        client=client,
        service=service,
        fields_typed=typed,
        steps=steps,
        seconds=seconds,
        submitted_at=when,
    )


def _offer(client, service, status, *, when=MAY):
    text, _ = ConsentText.objects.get_or_create(
        version=1, defaults={"text": "Согласие", "valid_from": date(2020, 1, 1)}
    )
    consent = Consent.objects.create(client=client, service=service, text=text, given_at=when)
    offer = Offer.objects.create(client=client, service=service, consent=consent, status=status)
    Offer.objects.filter(pk=offer.pk).update(created_at=when)  # created_at is set on save
    return offer


@pytest.fixture
def measured(agency, registry):
    """One service in May 2026: 4 requests (2 one click; 3 timed, 2 within 5 minutes), 5 offers of which
    3 accepted, 1 still open, 1 withdrawn (not a start); plus a request in February (another quarter)."""
    service = registry["service"]
    clients = [_client(i) for i in range(6)]
    _request(clients[0], service, seconds=45, typed=0, steps=1)
    _request(clients[1], service, seconds=120, typed=0, steps=1)
    _request(clients[2], service, seconds=400, typed=3, steps=2)
    _request(clients[3], service, seconds=0, typed=1, steps=2)
    _request(clients[4], service, seconds=10, typed=0, steps=1, when=datetime(2026, 2, 3, tzinfo=UTC))
    for client, status in zip(
        clients, ["accepted", "accepted", "accepted", "open", "withdrawn"], strict=False
    ):
        _offer(client, service, status)
    return service


def test_selectors_group_requests_and_offers_by_service(measured):
    months = [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    effort = objective.effort_by(("service_id",), months)[(measured.pk,)]
    assert effort.requests == 4 and effort.timed == 3
    assert effort.median_seconds == 120 and effort.p90_seconds == 400
    assert (effort.one_click.count, effort.five_minutes.count, effort.five_minutes.n) == (2, 2, 3)
    completion = objective.completion_by(("service_id",), months)[(measured.pk,)]
    assert (completion.count, completion.n) == (3, 4)
    by_agency = objective.effort_by(("agency_id",), months)
    assert list(by_agency) == [(measured.agency_id,)]
    assert not objective.applies_to(("service_id", "touchpoint"))


def test_the_analyst_sees_and_exports_the_objective_measures(client, agency, people, measured):
    office_answers(agency, [5] * 12, service=measured, when=MAY)
    services.aggregate_full()
    (row,) = analytics.table(("service_id",), analytics.period("quarter", "2026Q2"))
    assert row["effort_measures"].requests == 4 and row["completion"].n == 4
    client.force_login(people["analyst"])
    body = client.get("/analytics/satisfaction/?period=quarter&value=2026Q2&by=service_id").content.decode()
    assert "Время подачи" in body
    assert "2 мин 00 с / 6 мин 40 с" in body  # median 120 s, 90th percentile 400 s
    assert "75 %" in body  # completion 3 of 4
    csv = client.get("/analytics/satisfaction/?period=quarter&value=2026Q2&format=csv").content.decode()
    header, line = csv.splitlines()[:2]
    values = dict(zip(header.split(","), line.split(","), strict=True))
    assert values["requests_submitted"] == "4"
    assert values["time_to_submit_median_s"] == "120.0"
    assert float(values["one_click_share"]) == 0.5
    assert float(values["completion_rate"]) == 0.75 and values["transactions_started"] == "4"
    by_touchpoint = client.get("/analytics/satisfaction/?period=quarter&value=2026Q2&by=touchpoint")
    table = by_touchpoint.content.decode().split("<main", 1)[1].split("</main>", 1)[0]  # the menu links to it
    assert "Время подачи" not in table


def test_the_public_quarter_hides_objective_shares_on_few_requests(agency, measured):
    office_answers(agency, [5] * 30, service=measured, when=MAY)
    services.aggregate_full()
    (row,) = publication.build("2026Q2")["services"]
    assert row["one_click"] == {"status": "suppressed"}  # 4 requests < 10
    assert row["five_minutes"] == {"status": "suppressed"}


def test_the_public_quarter_shows_objective_shares_with_enough_requests(agency, registry):
    service = registry["service"]
    clients = [_client(i) for i in range(40)]
    for i, person in enumerate(clients):  # 40 requests: 30 one click in 60 s, 10 typed in 600 s
        one = i < 30
        _request(person, service, seconds=60 if one else 600, typed=0 if one else 4, steps=1 if one else 2)
    office_answers(agency, [5] * 30, service=service, when=MAY)
    services.aggregate_full()
    payload = publication.build("2026Q2")
    (row,) = payload["services"]
    # 30 of 40: centre (0.75 + 0.048018)/1.096036 = 0.728094; half 1.959964·√(0.0046875 + 0.000600)/1.096036 = 0.130036
    assert row["one_click"]["status"] == "published" and row["one_click"]["n"] == 40
    assert row["one_click"]["share"] == 0.75
    assert row["one_click"]["low"] == pytest.approx(0.5981, abs=1e-4)
    assert row["one_click"]["high"] == pytest.approx(0.8581, abs=1e-4)
    headers, rows = publication.csv_rows(payload)
    assert rows[0][headers.index("one_click_share")] == 0.75
    assert rows[0][headers.index("five_minutes_n")] == 40

"""The public quarter: suppression, «недостаточно данных», freezing with a hash, open data without comments."""

import json
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.feedback import publication, services
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import Service, Touchpoint

from .conftest import office_answers

Q2 = datetime(2026, 5, 10, 9, tzinfo=UTC)


@pytest.fixture
def services_of(agency, registry):
    def make(code):
        return registry_services.save_service(
            Service(code=code, name=f"Услуга {code}", agency=agency), touchpoints=Touchpoint.objects.all()[:1]
        )

    return make


def test_small_cells_are_hidden_with_a_complementary_cell(agency, registry, services_of):
    big, small, medium = registry["service"], services_of("small"), services_of("medium")
    office_answers(agency, [5] * 30 + [4] * 20 + [2] * 10, service=big, when=Q2)
    office_answers(agency, [5] * 4, service=small, when=Q2)
    office_answers(agency, [5] * 10 + [1] * 10, service=medium, when=Q2)
    services.aggregate_full()
    payload = publication.build("2026Q2")
    status = {row["code"]: row["status"] for row in payload["services"]}
    # The agency's total is published, so hiding `small` alone would reveal it: `medium` is hidden too.
    assert status == {"pension-assign": "published", "small": "suppressed", "medium": "suppressed"}
    hidden = next(row for row in payload["services"] if row["code"] == "small")
    assert set(hidden) == {"code", "name", "agency", "status"}


def test_under_30_answers_shows_insufficient_data_instead_of_the_share(agency, registry):
    office_answers(agency, [5] * 15 + [4] * 10, service=registry["service"], when=Q2)
    services.aggregate_full()
    row = publication.build("2026Q2")["services"][0]
    assert row["status"] == "insufficient"
    assert row["n"] == 25
    assert "positive" not in row["satisfaction"]
    assert row["satisfaction"]["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 10, "5": 15}


def test_a_published_cell_has_the_share_its_interval_and_hides_small_levels(agency, registry):
    office_answers(agency, [5] * 40 + [4] * 20 + [1] * 3 + [2] * 12, service=registry["service"], when=Q2)
    services.aggregate_full()
    row = publication.build("2026Q2")["services"][0]
    s = row["satisfaction"]
    assert row["status"] == "published"
    assert s["positive"] == pytest.approx(60 / 75, abs=1e-4)
    assert s["low"] < s["positive"] < s["high"]
    # Level 1 has 3 answers: hidden, and level 2 with it, since the total is published.
    assert s["distribution"] == {"1": None, "2": None, "3": 0, "4": 20, "5": 40}


def test_publishing_freezes_the_quarter_with_its_hash(agency, registry):
    office_answers(agency, [5] * 40, service=registry["service"], when=Q2)
    services.aggregate_full()
    report = services.publish_quarter("2026Q2")
    assert publication.verify(report)
    assert report.integrity_hash == publication.integrity_hash(report.payload)
    office_answers(agency, [1] * 40, service=registry["service"], when=Q2)
    services.aggregate_full()
    report.refresh_from_db()
    assert report.payload["services"][0]["n"] == 40
    with pytest.raises(ValidationError, match="уже опубликован"):
        services.publish_quarter("2026Q2")


def test_publishing_appends_the_reports_history(agency, registry):
    from clientcentric.core.services.status import history

    office_answers(agency, [5] * 40, service=registry["service"], when=Q2)
    services.aggregate_full()
    report = services.publish_quarter("2026Q2")
    assert list(history(report).values_list("workflow", "from_status", "to_status")) == [
        ("feedback.quarter_report", "", "draft"),
        ("feedback.quarter_report", "draft", "published"),
    ]


def test_tampering_breaks_the_hash(agency, registry, capsys):
    office_answers(agency, [5] * 40, service=registry["service"], when=Q2)
    services.aggregate_full()
    call_command("feedback", "publish", "2026Q2")
    call_command("feedback", "verify", "2026Q2")
    assert "figures match" in capsys.readouterr().out
    from clientcentric.feedback.models import QuarterReport

    report = QuarterReport.objects.get(quarter="2026Q2")
    report.payload["services"][0]["n"] = 41
    report.save()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="do not match"):
        call_command("feedback", "verify", "2026Q2")


def test_a_quarter_not_yet_ended_cannot_be_published(db):
    from clientcentric.feedback import selectors

    with pytest.raises(ValidationError, match="ещё не закончился"):
        services.publish_quarter(selectors.current_quarter())


def test_open_data_carries_no_comment_and_no_personal_data(client, agency, registry, people):
    office_answers(
        agency, [1] * 35, service=registry["service"], when=Q2, comment="Иванов Иван, тел. +79991234567"
    )
    services.aggregate_full()
    services.publish_quarter("2026Q2")
    for path in (
        "/satisfaction/open-data/2026Q2.csv",
        "/satisfaction/open-data/2026Q2.json",
        "/satisfaction/?quarter=2026Q2",
    ):
        body = client.get(path).content.decode()
        assert "Иванов" not in body and "79991234567" not in body
    data = json.loads(client.get("/satisfaction/open-data/2026Q2.json").content)
    assert data["integrity_hash"] == publication.integrity_hash(data["figures"])
    assert any(q["code"] == "satisfaction" for q in data["figures"]["questions"])
    assert "response_rate" in data["dictionary"]
    csv = client.get("/satisfaction/open-data/2026Q2.csv").content.decode()
    assert csv.splitlines()[0].startswith("quarter,instrument,level,code")


def test_the_dashboard_chart_and_pdf_of_a_published_quarter(client, agency, registry):
    office_answers(agency, [5] * 30 + [3] * 10, service=registry["service"], when=Q2)
    services.aggregate_full()
    services.publish_quarter("2026Q2")
    page = client.get("/satisfaction/").content.decode()
    assert "Назначение страховой пенсии по старости" in page and "75" in page
    svg = client.get("/satisfaction/2026Q2/chart.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    pdf = client.get("/satisfaction/2026Q2/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_an_unpublished_quarter_is_not_public(client, agency, registry):
    office_answers(agency, [5] * 30, service=registry["service"], when=Q2)
    services.aggregate_full()
    assert client.get("/satisfaction/?quarter=2026Q2").status_code == 404
    assert client.get("/satisfaction/open-data/2026Q2.csv").status_code == 404
    assert client.get("/satisfaction/2026Q2/report.pdf").status_code == 404


def test_agencies_get_their_own_rows(agency, registry):
    other = accounts_services.save_agency(
        Agency(code="mfc", name="МФЦ", level="regional", kind="one_stop_centre")
    )
    office_answers(other, [4] * 12, when=Q2)
    office_answers(agency, [5] * 5, when=Q2)
    services.aggregate_full()
    rows = {row["code"]: row["status"] for row in publication.build("2026Q2")["agencies"]}
    assert rows == {"mfc": "insufficient", "sfr": "suppressed"}

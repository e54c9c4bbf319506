import csv
import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.conformance import report, services
from clientcentric.conformance.indicators import Quarter
from clientcentric.conformance.models import Result
from tests.pdf_layout import layout_problems

from .conftest import FAKE

OWNER = "Начальник отдела по работе с обращениями"


def _assess(requirements, agency, people, fake_indicator, quarter):
    author = people["methodologist"]
    services.measure_by_indicator(
        agency,
        requirements["TP-4"],
        indicator=FAKE,
        conforms_at=0.9,
        partly_at=0.7,
        quarter=quarter,
        actor=author,
    )
    services.attest(
        agency,
        requirements["TP-5"],
        result=Result.DOES_NOT,
        statement="Пандуса нет",
        gap="Нет пандуса у входа в приёмную",
        owner_role=OWNER,
        due_date=date(2027, 3, 31),
        actor=author,
    )
    services.attest(
        agency,
        requirements["TP-7"],
        result=Result.NOT_APPLICABLE,
        statement="Мест длительного пребывания нет",
        actor=author,
    )


@pytest.fixture
def frozen(requirements, agency, people, fake_indicator):
    """Two quarters frozen: the earlier with TP-4 partly (0.8), the later with TP-4 conforming (0.95)."""
    last = services.last_complete_quarter()
    fake_indicator.value = 0.8
    _assess(requirements, agency, people, fake_indicator, last.previous)
    first = services.freeze_snapshot(agency, last.previous, actor=people["methodologist"])
    fake_indicator.value = 0.95
    second = services.freeze_snapshot(agency, last, actor=people["methodologist"])
    return first, second


def test_a_frozen_quarter_carries_the_hash_of_its_figures(frozen):
    first, second = frozen
    assert second.integrity_hash == report.integrity_hash(second.payload)
    row = {r["code"]: r for r in second.payload["requirements"]}
    assert row["TP-4"]["result"] == Result.CONFORMS and row["TP-4"]["measured_value"] == 0.95
    assert {r["code"]: r for r in first.payload["requirements"]}["TP-4"]["result"] == Result.PARTLY
    fake = {r["code"]: r for r in second.payload["indicators"]}[FAKE]
    assert (fake["value"], fake["ci_low"], fake["ci_high"], fake["denominator"]) == (0.95, 0.66, 0.88, 50)


def test_a_quarter_is_frozen_once(frozen, agency, people):
    with pytest.raises(ValidationError):
        services.freeze_snapshot(agency, services.last_complete_quarter(), actor=people["methodologist"])


def test_a_quarter_not_ended_is_not_frozen(requirements, agency, people):
    with pytest.raises(ValidationError):
        services.freeze_snapshot(
            agency, Quarter.containing(timezone.localdate()), actor=people["methodologist"]
        )


def test_chapter_score_counts_conforms_and_half_of_partly():
    rows = [
        {"chapter": "3.4", "chapter_title": "Т", "standard": "people", "result": r}
        for r in (Result.CONFORMS, Result.PARTLY, Result.DOES_NOT, Result.NOT_APPLICABLE, Result.NOT_ASSESSED)
    ]
    (chapter,) = report.chapter_summary(rows)
    assert chapter["score"] == 0.5  # (1 + 0.5) / 3 assessed applicable
    assert (chapter["conforms"], chapter["partly"], chapter["does_not"], chapter["not_applicable"]) == (
        1,
        1,
        1,
        1,
    )


def test_the_trend_names_what_improved_per_requirement_and_chapter(frozen):
    first, second = frozen
    trend = report.trend(second.payload, first.payload)
    assert [row["code"] for row, _old in trend["improved"]] == ["TP-4"]
    assert trend["worsened"] == []
    assert [row["code"] for row in trend["unchanged_gaps"]] == ["TP-5"]
    # Chapter 3.4: before (0.5 + 0) / 2 = 0.25, after (1 + 0) / 2 = 0.5.
    assert trend["chapters"]["3.4"] == 0.25


def test_the_plan_lists_open_gaps_with_a_position(frozen):
    plan = report.plan(frozen[1].payload)
    assert [(row["code"], row["owner_role"], row["due_date"]) for row in plan] == [
        ("TP-5", OWNER, "2027-03-31")
    ]


def test_the_public_page_shows_the_report_without_anyones_name(client, frozen, people):
    snapshot = frozen[1]
    page = client.get(f"/conformance/{snapshot.agency.code}/{snapshot.quarter}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert OWNER in text and "Нет пандуса у входа в приёмную" in text
    assert "<svg" in text and snapshot.integrity_hash in text
    assert "Улучшилось" in text and "TP-4" in text
    for person in people.values():
        assert person.username not in text and (not person.last_name or person.last_name not in text)


def test_a_quarter_not_frozen_has_no_public_report(client, frozen):
    snapshot = frozen[1]
    assert (
        client.get(
            f"/conformance/{snapshot.agency.code}/{snapshot.quarter.next if False else '2001-Q1'}/"
        ).status_code
        == 404
    )
    assert client.get(f"/conformance/{snapshot.agency.code}/{snapshot.quarter}/other.csv").status_code == 404


def test_open_data_carries_the_same_figures(client, frozen):
    snapshot = frozen[1]
    base = f"/conformance/{snapshot.agency.code}/{snapshot.quarter}"
    data = json.loads(client.get(f"{base}/data.json").content)
    assert data["integrity_hash"] == snapshot.integrity_hash
    fake = next(r for r in data["indicators"] if r["indicator"] == FAKE)
    assert fake["value"] == 0.95 and fake["ci_low"] == 0.66
    rows = list(csv.DictReader(io.StringIO(client.get(f"{base}/indicators.csv").content.decode("utf-8-sig"))))
    assert next(r for r in rows if r["indicator"] == FAKE)["value"] == "0.95"
    requirements = list(
        csv.DictReader(io.StringIO(client.get(f"{base}/requirements.csv").content.decode("utf-8-sig")))
    )
    assert {r["requirement"]: r["result"] for r in requirements}["TP-5"] == "does_not"
    dictionary = json.loads(client.get("/conformance/dictionary.json").content)
    assert set(rows[0]) == {c["name"] for c in dictionary["tables"]["indicators"]}
    assert set(requirements[0]) == {c["name"] for c in dictionary["tables"]["requirements"]}


def test_a_suppressed_indicator_is_published_empty(client, requirements, agency, people, fake_indicator):
    fake_indicator.suppressed = True
    snapshot = services.freeze_snapshot(
        agency, services.last_complete_quarter(), actor=people["methodologist"]
    )
    fake = {r["code"]: r for r in snapshot.payload["indicators"]}[FAKE]
    assert fake["suppressed"] and fake["value"] is None and fake["numerator"] is None
    page = client.get(f"/conformance/{agency.code}/{snapshot.quarter}/").content.decode()
    assert "меньше 10 наблюдений" in page


def test_the_pdf_fits_its_pages(client, frozen):
    snapshot = frozen[1]
    response = client.get(f"/conformance/{snapshot.agency.code}/{snapshot.quarter}/report.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    from django.template.loader import render_to_string

    from clientcentric.conformance.public_views import _context

    html = render_to_string("conformance/report_pdf.html", _context(snapshot))
    assert layout_problems(html) == []

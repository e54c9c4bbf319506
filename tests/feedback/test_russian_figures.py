"""Satisfaction pages, charts and the quarterly PDF in Russian forms: «II квартал 2026», decimal commas, the true
minus, chart labels of at least 11 px, and a PDF whose columns do not run into each other."""

import re
from datetime import UTC, datetime

import altair as alt
import pytest

from clientcentric.core.charts import render_svg
from clientcentric.feedback import services
from tests.pdf_layout import layout_problems, pdf_text

from .conftest import office_answers

Q1 = datetime(2026, 2, 10, 9, tzinfo=UTC)
Q2 = datetime(2026, 5, 10, 9, tzinfo=UTC)


def _font_sizes(svg: str) -> list[float]:
    return [float(size) for size in re.findall(r'font-size="([\d.]+)(?:px)?"', svg)]


def _texts(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


def test_chart_axes_speak_russian_figures(db):
    chart = (
        alt.Chart(alt.Data(values=[{"a": "доход", "v": 1333200.5}, {"a": "изменение", "v": -8.4}]))
        .mark_bar()
        .encode(x="v:Q", y="a:N")
    )
    texts = _texts(render_svg(chart))
    assert "1\u00a0200\u00a0000" in texts  # digit groups by a non-breaking space
    assert any(t.startswith("\u2212") for t in texts)  # the true minus
    assert not any(re.fullmatch(r"-?\d{1,3}(,\d{3})+", t) for t in texts)  # no English thousands commas


def test_chart_labels_are_at_least_11_px(db):
    chart = (
        alt.Chart(alt.Data(values=[{"a": "x", "v": 1}])).mark_point().encode(x="v:Q", y="a:N", color="a:N")
    )
    sizes = _font_sizes(render_svg(chart))
    assert sizes and min(sizes) >= 11


@pytest.fixture
def two_quarters(agency, registry):
    """Q1 more satisfied than Q2, so the change between them is negative."""
    office_answers(agency, [5] * 40 + [2] * 5, service=registry["service"], when=Q1)
    office_answers(agency, [5] * 30 + [2] * 15, service=registry["service"], when=Q2)
    services.aggregate_full()
    services.publish_quarter("2026Q2")


def test_the_dashboard_names_the_quarter_in_words(client, two_quarters):
    page = client.get("/satisfaction/").content.decode()
    assert "II квартал 2026" in page
    assert ">2026Q2<" not in page


def test_the_analyst_sees_quarters_in_words_and_a_negative_change_with_a_true_minus(
    client, people, two_quarters
):
    client.force_login(people["analyst"])
    page = client.get("/analytics/satisfaction/?period=quarter&value=2026Q2&by=service_id").content.decode()
    assert '<option value="2026Q2" selected>II квартал 2026</option>' in page
    assert "II квартал 2026 compared" not in page and "I квартал 2026" in page
    change = re.search(r"<td>(\S+) <span class=\"interval\">\((\S+)…(\S+)\)</span>", page)
    assert change, "the change column with its interval"
    estimate, low, _high = change.groups()
    assert estimate.startswith("\u2212") and low.startswith("\u2212")
    assert "," in estimate and "." not in estimate


def test_the_quarterly_pdf_is_russian_and_its_columns_do_not_collide(client, two_quarters, monkeypatch):
    import weasyprint

    seen = []
    real = weasyprint.HTML

    def keep(*args, **kwargs):
        seen.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", keep)
    pdf = client.get("/satisfaction/2026Q2/report.pdf").content
    text = pdf_text(pdf)
    assert "II квартал 2026" in text and "2026Q2" not in text
    (html,) = seen
    assert layout_problems(html) == []
    # The charts inlined in the PDF are scaled down to the page's printable width (A4 less 2 × 15 mm = 180 mm):
    # their smallest type, once scaled, is still 11 px or more.
    printable = 180 / 25.4 * 96
    charts = re.findall(r'<svg\b[^>]*\bwidth="([\d.]+)"[^>]*>(.*?)</svg>', html, re.S)
    assert charts
    for width, body in charts:
        scale = min(1.0, printable / float(width))
        assert min(_font_sizes(body)) * scale >= 11, (width, min(_font_sizes(body)))

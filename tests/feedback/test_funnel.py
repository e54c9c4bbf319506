"""Funnel plots: limits against a hand computation, the chart on the analyst's page and in the PDF report."""

from datetime import UTC, datetime

import pytest

from clientcentric.engines import metrics
from clientcentric.feedback import charts, services
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import Service, Touchpoint

from .conftest import office_answers

Q2 = datetime(2026, 5, 10, 9, tzinfo=UTC)


def test_limits_by_hand():
    # Overall: (10 + 80 + 60) / (20 + 100 + 80) = 150 / 200 = 0.75; p₀(1 − p₀) = 0.1875.
    result = metrics.funnel({"A": (10, 20), "B": (80, 100), "C": (60, 80), "empty": (0, 0)})
    assert result.overall == 0.75 and result.total == 200
    points = {p.key: p for p in result.points}
    assert set(points) == {"A", "B", "C"}  # a unit without answers is not plotted
    # n = 20: √(0.1875/20) = 0.0968246; 95 %: ± 1.959964 × 0.0968246 = ± 0.189773 → 0.560227 … 0.939773
    a = points["A"]
    assert a.limits[0.95].low == pytest.approx(0.560227, abs=1e-6)
    assert a.limits[0.95].high == pytest.approx(0.939773, abs=1e-6)
    # 99.8 %: ± 3.090232 × 0.0968246 = ± 0.299210 → 0.450790 … 1.049 clipped to 1
    assert a.limits[0.998].low == pytest.approx(0.450790, abs=1e-6)
    assert a.limits[0.998].high == 1.0
    assert a.position == "below_95"  # 0.5 is under 0.560 but above 0.451
    # n = 100: √(0.1875/100) = 0.0433013; ± 0.084869 → 0.665131 … 0.834869; 0.8 is inside
    b = points["B"]
    assert b.limits[0.95].low == pytest.approx(0.665131, abs=1e-6)
    assert b.limits[0.95].high == pytest.approx(0.834869, abs=1e-6)
    assert b.position == "within" and points["C"].position == "within"


def test_far_outliers_are_beyond_the_998_limits():
    result = metrics.funnel({"low": (10, 100), "high": (100, 100), "mid": (500, 1000)})
    # overall 610/1200 = 0.508333; n = 100: ± 3.090232 × √(0.249931/100) = ± 0.154491
    positions = {p.key: p.position for p in result.points}
    assert positions == {"low": "below_998", "high": "above_998", "mid": "within"}


def test_limits_narrow_as_n_grows_and_bad_input_is_refused():
    widths = [metrics.funnel_limits(0.6, n, 0.95) for n in (10, 100, 1000)]
    assert widths[0].high - widths[0].low > widths[1].high - widths[1].low > widths[2].high - widths[2].low
    with pytest.raises(ValueError):
        metrics.funnel({"x": (5, 3)})
    with pytest.raises(ValueError):
        metrics.funnel_limits(0.5, 0, 0.95)
    assert metrics.funnel({}).points == []


def test_the_chart_is_svg_with_a_text_alternative():
    result = metrics.funnel({"Услуга А": (10, 20), "Услуга Б": (80, 100), "Услуга В": (60, 80)})
    svg = charts.funnel_svg(result, "Проверка")
    assert svg.lstrip().startswith("<svg") and "99,8 %" in svg
    text = charts.funnel_text(result)
    assert "общая доля 75 %" in text and "Услуга А: 50 % из 20, ниже 95 % границы" in text


@pytest.fixture
def three_services(agency, registry):
    def make(code):
        return registry_services.save_service(
            Service(code=code, name=f"Услуга {code}", agency=agency), touchpoints=Touchpoint.objects.all()[:1]
        )

    first, second, third = registry["service"], make("second"), make("third")
    office_answers(agency, [5] * 90 + [1] * 10, service=first, when=Q2)  # 90 % of 100
    office_answers(agency, [5] * 20 + [2] * 20, service=second, when=Q2)  # 50 % of 40
    office_answers(agency, [4] * 45 + [3] * 15, service=third, when=Q2)  # 75 % of 60
    services.aggregate_full()
    return first, second, third


def test_the_analyst_sees_the_funnel_plot_with_its_table(client, people, three_services):
    client.force_login(people["analyst"])
    body = client.get("/analytics/satisfaction/?period=quarter&value=2026Q2&by=service_id").content.decode()
    assert "Воронкообразный график" in body  # the text alternative
    assert body.count("<svg") >= 1
    # overall 155/200 = 0.775; n = 40: ± 1.959964 × √(0.174375/40) = ± 0.129410 → 64.6 … 90.4 %; 50 % is below
    assert (
        "Услуга second: 50 % из 40, ниже 99,8 % границы" in body
        or "Услуга second: 50 % из 40, ниже 95 % границы" in body
    )
    assert "65–90" in body


def test_the_pdf_report_carries_the_funnel_plot(client, three_services, monkeypatch):
    import weasyprint

    services.publish_quarter("2026Q2")
    seen = []
    real = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", spy)
    pdf = client.get("/satisfaction/2026Q2/report.pdf")
    assert pdf.content.startswith(b"%PDF")
    (html,) = seen
    assert "Воронкообразный график" in html and html.count("<svg") >= 2

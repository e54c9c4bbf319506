"""The business pages draw their charts as SVG on the server, each with its text alternative, and show the same
figures as a table; nothing to show means no chart and words instead."""

import re
import uuid
from decimal import Decimal

import altair as alt
import pytest

from clientcentric.business import services
from clientcentric.core import charts

from .test_consultations_and_api import _many_businesses


def _svg_with_title(html: str, title: str) -> str:
    """The inline SVG whose <title> is `title`; fails when there is none."""
    for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
        if re.search(rf"<title id=\"[\w-]+\">{re.escape(title)}</title>", svg):
            return svg
    raise AssertionError(f"no SVG titled {title!r}")


def _accessible(svg: str) -> str:
    """The SVG's description, after checking the root names it as its accessible description."""
    root = re.match(r"<svg\b[^>]*>", svg).group(0)
    assert 'role="img"' in root
    labelled = re.search(r'aria-labelledby="([^"]+)"', root).group(1).split()
    assert len(labelled) == 2 and all(f'id="{ref}"' in svg for ref in labelled)
    return re.search(r"<desc id=\"[\w-]+\">(.*?)</desc>", svg, re.S).group(1)


def test_the_public_summary_charts_clarity_and_feasibility_with_words_and_a_table(client, acts):
    _many_businesses(10, acts)
    html = client.get("/business/summary/").content.decode()
    svg = _svg_with_title(html, "Ясность и исполнимость требований по актам")
    assert "Правила противопожарного режима: ясность 4,0, исполнимость 2,0" in _accessible(svg)
    assert "<text" in svg, "axis labels are drawn as SVG text, no script needed"
    assert "<script" not in html.split("<main", 1)[1]
    table = html.split("Ясность и исполнимость требований по актам</title>", 1)[1]
    assert re.search(r"<td>Правила противопожарного режима</td><td>10</td>\s*<td>4,0</td>", table)
    assert "widthratio" not in html and "background:#2a6ebb" not in html, "the CSS bars are gone"


def test_the_public_summary_charts_the_cost_burden_by_size(client, acts):
    from clientcentric.business.models import ControlObject

    for p in _many_businesses(10, acts):
        p.employees, p.objects_complete = 60, True
        services.save_profile(p)
        services.save_object(
            ControlObject(profile=p, kind="premises", name="Зал", area=Decimal("80"), purpose="retail")
        )
    html = client.get("/business/summary/").content.decode()
    desc = _accessible(_svg_with_title(html, "Издержки на соблюдение по актам и размеру бизнеса"))
    assert "Правила противопожарного режима, малое предприятие: 5\u00a0000\u00a0₽" in desc


def test_without_assessments_the_summary_draws_no_chart_and_says_so(client, acts):
    html = client.get("/business/summary/").content.decode()
    assert "<svg" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "Оценок пока нет." in html


def test_the_cost_page_charts_the_business_cost_by_act(client, people, acts, business_profile):
    business_profile.employees = 60
    services.save_profile(business_profile)
    client.force_login(people["business_representative"])
    html = client.get("/business/cost/").content.decode()
    desc = _accessible(_svg_with_title(html, "Ваши издержки на соблюдение по актам"))
    assert "Правила противопожарного режима: 5\u00a0000\u00a0₽" in desc
    assert "<td>Правила противопожарного режима</td><td>5\u00a0000\u00a0₽</td>" in html


def test_the_helper_draws_once_per_figures_and_escapes_the_words(monkeypatch):
    calls = []
    real = charts.vl_convert.vegalite_to_svg

    def counting(spec, **options):
        calls.append(spec)
        return real(spec, **options)

    monkeypatch.setattr(charts.vl_convert, "vegalite_to_svg", counting)
    # Figures of their own: a cache shared with earlier runs (Redis) has not seen them.
    chart = (
        alt.Chart(alt.Data(values=[{"a": "x", "n": 3, "run": uuid.uuid4().hex}]))
        .mark_bar()
        .encode(x="n:Q", y="a:N")
    )
    first = charts.render_svg(chart, title="Доля <всех>", description="x: 3 & больше")
    second = charts.render_svg(chart, title="Доля <всех>", description="x: 3 & больше")
    assert first == second and len(calls) == 1
    assert "<title id=" in first and "Доля &lt;всех&gt;" in first and "x: 3 &amp; больше" in first


@pytest.mark.parametrize("count, drawn", [(0, False), (3, True)])
def test_the_ratings_chart_appears_only_with_ratings(count, drawn):
    from clientcentric.business.charts import ratings_svg

    spread = {1: 0, 2: count, 3: 0, 4: 0, 5: 0}
    svg = ratings_svg(spread, count)
    assert (svg is not None) == drawn
    if drawn:
        assert "Отзывов: 3. Поставили оценку 1 — 0, оценку 2 — 3" in _accessible(svg)


def test_the_public_summary_charts_the_least_clear_items(client, acts):
    _many_businesses(10, acts)
    html = client.get("/business/summary/").content.decode()
    desc = _accessible(_svg_with_title(html, "Наименее ясные пункты"))
    assert "п. 1, Правила противопожарного режима: ясность 4,0, исполнимость 2,0" in desc
    assert "<td>Правила противопожарного режима</td><td>п. 1</td><td>10</td>" in html


def test_long_names_are_cut_on_the_axis_yet_two_that_start_alike_stay_two_bars():
    """Vega cut an over-long label by measuring it again and again (most of a second for one chart of act names):
    the chart cuts it before drawing, and only the label — the bars still belong to their own item."""
    from clientcentric.business.charts import items_scores_svg

    alike = "Санитарно-эпидемиологические требования к организациям общественного питания"
    items = [
        {"label": f"{alike}, раздел {n}", "suppressed": False, "clarity_mean": c, "feasibility_mean": 3.0}
        for n, c in ((1, 2.0), (2, 4.0))
    ]
    svg = items_scores_svg(items, "СП 2.3/2.4.3590-20")
    labels = re.findall(r"<text[^>]*>([^<]*…)</text>", svg)
    assert labels == ["Санитарно-эпидемиологические…"] * 2
    assert svg.count('aria-roledescription="bar"') == 4, "two items, two measures each"
    assert f"{alike}, раздел 1: ясность 2,0" in _accessible(svg), "the description keeps the whole name"


def test_the_summary_decides_every_business_once_until_a_business_changes(client, acts, monkeypatch):
    """The cost burden decides each business's personal list (milliseconds each, seconds for thousands):
    a second visitor reads the figures already computed; a changed profile recomputes them."""
    from clientcentric.business import selectors

    profiles = _many_businesses(10, acts)
    decided = []
    statuses = selectors.statuses
    monkeypatch.setattr(selectors, "statuses", lambda *a: decided.append(1) or statuses(*a))
    client.get("/business/summary/")
    assert len(decided) == 10
    client.get("/business/summary/")
    assert len(decided) == 10
    profiles[0].employees = 60
    services.save_profile(profiles[0])
    client.get("/business/summary/")
    assert len(decided) == 20

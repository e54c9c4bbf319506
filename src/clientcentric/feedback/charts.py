"""Server-drawn SVG charts (Altair → Vega-Lite → vl-convert): readable without JavaScript, cached by the
figures' hash, with a text alternative written from the same figures."""

import altair as alt

from clientcentric.core import formats
from clientcentric.core.charts import render_svg
from clientcentric.engines import metrics

from . import publication

# The plot area, px. With the axis labels beside it a chart stays within an A4 page's 180 mm (680 px), so the PDF
# does not shrink its 12 px labels below 11 px.
PLOT_WIDTH = 340


def _published_rows(payload: dict) -> list[dict]:
    return [
        {
            "name": row["name"],
            "share": row["satisfaction"]["positive"] * 100,
            "low": row["satisfaction"]["low"] * 100,
            "high": row["satisfaction"]["high"] * 100,
            "n": row["n"],
        }
        for row in payload["services"]
        if row["status"] == "published"
    ]


def satisfaction_svg(payload: dict) -> str:
    """Share satisfied (4–5 of 5) per service with its 95 % interval; services without a share are left out."""
    rows = _published_rows(payload)
    if not rows:
        rows = [{"name": "—", "share": 0, "low": 0, "high": 0, "n": 0}]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=360))
    )
    bars = base.mark_rule(strokeWidth=2, color="#5b6b7f").encode(
        x=alt.X("low:Q", title="Довольны (4–5 из 5), % с 95 % интервалом", scale=alt.Scale(domain=[0, 100])),
        x2="high:Q",
    )
    points = base.mark_point(filled=True, size=70, color="#0b5cad").encode(
        x="share:Q", tooltip=["name:N", "share:Q", "low:Q", "high:Q", "n:Q"]
    )
    chart = (bars + points).properties(
        width=PLOT_WIDTH,
        height=max(60, 26 * len(rows)),
        title=f"Удовлетворённость, {formats.quarter(payload['quarter'])}",
    )
    return render_svg(chart, cache_key=f"feedback:{publication.integrity_hash(payload)}")


def satisfaction_text(payload: dict) -> str:
    """The chart in words, for screen readers and for readers of the PDF without the picture."""
    rows = _published_rows(payload)
    if not rows:
        return "Ни по одной услуге недостаточно ответов для публикации доли довольных."
    parts = [
        f"{row['name']}: {row['share']:.0f} % (95 % интервал {row['low']:.0f}–{row['high']:.0f} %, ответов {row['n']})"
        for row in sorted(rows, key=lambda r: -r["share"])
    ]
    return "Доля довольных по услугам. " + "; ".join(parts) + "."


POSITION_TEXT = {
    "within": "в пределах",
    "above_95": "выше 95 % границы",
    "below_95": "ниже 95 % границы",
    "above_998": "выше 99,8 % границы",
    "below_998": "ниже 99,8 % границы",
}


def funnel_svg(result: metrics.Funnel, title: str) -> str:
    """Share satisfied against the number of answers, with the 95 % and 99.8 % limits around the overall
    share (a funnel plot, measurement.md §6.5): units outside the limits differ by more than chance."""
    largest = max((p.n for p in result.points), default=10)
    smallest = max(2, min((p.n for p in result.points), default=2) // 2)
    steps = 80
    sizes = sorted(
        {round(smallest * (largest * 1.15 / smallest) ** (i / steps)) for i in range(steps + 1)} | {smallest}
    )
    curves = []
    for level, label in ((0.95, "95 %"), (0.998, "99,8 %")):
        for n, bounds in result.curve(level, sizes):
            curves.append({"n": n, "low": bounds.low * 100, "high": bounds.high * 100, "level": label})
    points = [
        {
            "name": str(p.key),
            "n": p.n,
            "share": p.share * 100,
            "position": POSITION_TEXT[p.position],
        }
        for p in result.points
    ]
    x = alt.X("n:Q", title="Число ответов (логарифмическая шкала)", scale=alt.Scale(type="log"))
    y_scale = alt.Scale(domain=[0, 100])
    dash = alt.StrokeDash(
        "level:N",
        title="Контрольные границы",
        scale=alt.Scale(domain=["95 %", "99,8 %"], range=[[6, 3], [2, 2]]),
    )
    lines = alt.Chart(alt.Data(values=curves))
    low = lines.mark_line(color="#5b6b7f").encode(
        x=x, y=alt.Y("low:Q", title="Довольны (4–5 из 5), %", scale=y_scale), strokeDash=dash
    )
    high = lines.mark_line(color="#5b6b7f").encode(x=x, y=alt.Y("high:Q", scale=y_scale), strokeDash=dash)
    centre = (
        alt.Chart(alt.Data(values=[{"overall": result.overall * 100}]))
        .mark_rule(color="#0b5cad")
        .encode(y=alt.Y("overall:Q", scale=y_scale))
    )
    dots = (
        alt.Chart(alt.Data(values=points))
        .mark_point(filled=True, size=60)
        .encode(
            x=x,
            y=alt.Y("share:Q", scale=y_scale),
            color=alt.Color(
                "position:N",
                title="Положение",
                scale=alt.Scale(
                    domain=list(POSITION_TEXT.values()),
                    range=["#0b5cad", "#2e7d32", "#c62828", "#1b5e20", "#8e0000"],
                ),
            ),
            tooltip=["name:N", "n:Q", "share:Q", "position:N"],
        )
    )
    chart = (low + high + centre + dots).properties(width=PLOT_WIDTH, height=300, title=title)
    return render_svg(chart)


def funnel_text(result: metrics.Funnel) -> str:
    """The funnel plot in words: the overall share and every unit outside the 95 % limits."""
    if not result.points:
        return "Нет ответов для сравнения."
    outside = [p for p in result.points if p.position != "within"]
    head = (
        f"Воронкообразный график: доля довольных по {len(result.points)} единицам против числа ответов; "
        f"общая доля {result.overall * 100:.0f} % ({result.total} ответов)."
    )
    if not outside:
        return head + " Все единицы в пределах 95 % контрольных границ: различия объяснимы случайностью."
    parts = [
        f"{p.key}: {p.share * 100:.0f} % из {p.n}, {POSITION_TEXT[p.position]}"
        for p in sorted(outside, key=lambda p: p.share)
    ]
    return head + " За пределами 95 % границ: " + "; ".join(parts) + "."


def published_funnel(payload: dict) -> metrics.Funnel:
    """Services of a published quarter whose share is published (counts recovered from share × answers)."""
    units = {}
    for row in payload["services"]:
        satisfaction = row.get("satisfaction", {})
        if row.get("status") == "published" and satisfaction.get("status") == "published":
            answered = satisfaction["answered"]
            units[row["name"]] = (round(satisfaction["positive"] * answered), answered)
    return metrics.funnel(units)

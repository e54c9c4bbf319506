"""Server-drawn charts of the public report (Altair → SVG, like the satisfaction report), with a text
alternative written from the same figures."""

import altair as alt

from clientcentric.core import formats
from clientcentric.core.charts import render_svg

from . import report

PLOT_WIDTH = 300


def _chapter_rows(payload: dict) -> list[dict]:
    return [
        {"name": f"{row['chapter']} {row['title']}", "score": row["score"] * 100}
        for row in payload["chapters"]
        if row["score"] is not None
    ]


def chapters_svg(payload: dict) -> str:
    """Conformance score per chapter: (conforms + ½·partly) / assessed, as a percentage."""
    rows = _chapter_rows(payload) or [{"name": "—", "score": 0}]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color="#0b5cad")
        .encode(
            y=alt.Y("name:N", title=None, sort=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("score:Q", title="Соответствие, %", scale=alt.Scale(domain=[0, 100])),
        )
        .properties(
            width=PLOT_WIDTH,
            height=max(60, 26 * len(rows)),
            title=f"Соответствие стандарту по разделам, {report.quarter_label(payload['quarter'])}",
        )
    )
    return render_svg(chart, cache_key=f"conformance:{report.integrity_hash(payload)}")


def chapters_text(payload: dict) -> str:
    rows = _chapter_rows(payload)
    if not rows:
        return "Ни один раздел ещё не оценён."
    parts = [f"{row['name']}: {formats.percent(row['score'] / 100)}" for row in rows]
    return "Соответствие по разделам стандарта. " + "; ".join(parts) + "."

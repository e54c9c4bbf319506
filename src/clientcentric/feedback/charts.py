"""Server-drawn SVG charts (Altair → Vega-Lite → vl-convert): readable without JavaScript, cached by the
figures' hash, with a text alternative written from the same figures."""

import altair as alt

from clientcentric.core.charts import render_svg

from . import publication


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
        width=480, height=max(60, 26 * len(rows)), title=f"Удовлетворённость, {payload['quarter']}"
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

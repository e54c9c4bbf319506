"""Charts of «Государство для бизнеса», drawn on the server as SVG by the platform's chart helper.

Each chart has a Russian title and a description in words written from the same figures (the SVG's
``<title>``/``<desc>``); the pages show the figures as a table as well. A chart with nothing to show is None, and
the page says so in words instead.
"""

from __future__ import annotations

import json

import altair as alt

from clientcentric.core import formats
from clientcentric.core.charts import FONT, render_svg

BLUE, GREEN, GREY = "#2a6ebb", "#3a9a5b", "#5b6b7f"
LABEL_LIMIT = 320
# What fits LABEL_LIMIT at 13 px: Vega cuts a longer label by measuring it again and again (a binary search), which
# made one chart of long act names take most of a second to draw; a label cut here is measured once.
LABEL_CHARS = 40


def _short(text: str) -> str:
    if len(text) <= LABEL_CHARS:
        return text
    cut = text[: LABEL_CHARS - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[LABEL_CHARS // 2 :] else cut).rstrip(" ,.;:") + "…"


def _category_axis(names) -> alt.Axis:
    """An axis of long names shown cut; the data keep the whole name, so two names that start alike stay apart."""
    shown = {name: _short(name) for name in dict.fromkeys(names)}
    cut = {name: short for name, short in shown.items() if short != name}
    expr = f"{json.dumps(cut, ensure_ascii=False)}[datum.value] || datum.label" if cut else "datum.label"
    return alt.Axis(labelLimit=LABEL_LIMIT, labelExpr=expr)


def _styled(chart):
    """Type large enough to read at the page's size, the page's font."""
    return (
        chart.configure_axis(labelFontSize=13, titleFontSize=13, labelFont=FONT, titleFont=FONT)
        .configure_title(fontSize=15, font=FONT, anchor="start")
        .configure_legend(labelFontSize=13, titleFontSize=13, labelFont=FONT, titleFont=FONT)
        .configure_view(strokeWidth=0)
    )


def _fmt(value, digits: int = 1) -> str:
    return formats.number(value, digits)


def _rub(value) -> str:
    return formats.money(value)


def _scores_chart(rows: list[dict], title: str, category_title: str):
    """Clarity and feasibility (1–5) side by side for each row: {"name", "clarity", "feasibility"}."""
    values = [
        {"name": row["name"], "measure": measure, "score": float(row[key])}
        for row in rows
        for key, measure in (("clarity", "ясность"), ("feasibility", "исполнимость"))
        if row[key] is not None
    ]
    return (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y(
                "name:N", title=category_title, sort=None, axis=_category_axis(v["name"] for v in values)
            ),
            yOffset=alt.YOffset("measure:N", sort=["ясность", "исполнимость"]),
            x=alt.X("score:Q", title="Средняя оценка (1–5)", scale=alt.Scale(domain=[0, 5])),
            color=alt.Color(
                "measure:N",
                title=None,
                sort=["ясность", "исполнимость"],
                scale=alt.Scale(range=[BLUE, GREEN]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=520, height=max(70, 44 * len(rows)), title=title)
    )


def _scores_text(rows: list[dict]) -> str:
    return "; ".join(
        f"{row['name']}: ясность {_fmt(row['clarity']) if row['clarity'] is not None else '—'}, "
        f"исполнимость {_fmt(row['feasibility']) if row['feasibility'] is not None else '—'}"
        for row in rows
    )


def acts_scores_svg(acts: list[dict]) -> str | None:
    """Public summary: mean clarity and feasibility per act (acts with too few businesses left out)."""
    rows = [
        {"name": row["act"].short_title, "clarity": row["clarity"], "feasibility": row["feasibility"]}
        for row in acts
        if not row["suppressed"] and (row["clarity"] is not None or row["feasibility"] is not None)
    ]
    if not rows:
        return None
    title = "Ясность и исполнимость требований по актам"
    return render_svg(
        _styled(_scores_chart(rows, title, "Акт")),
        title=title,
        description="Средние оценки бизнеса от 1 до 5. " + _scores_text(rows) + ".",
    )


def burden_svg(burden: list[dict]) -> str | None:
    """Public summary: mean yearly cost per business by act and size category (cells under the minimum out)."""
    rows = [
        {
            "act": row.get("act_name", row["act"]),
            "size": str(row["size_label"]),
            "cost": float(row["mean_cost"]),
        }
        for row in burden
        if not row["suppressed"]
    ]
    if not rows:
        return None
    sizes = list(dict.fromkeys(row["size"] for row in rows))
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("act:N", title="Акт", axis=_category_axis(row["act"] for row in rows)),
            yOffset=alt.YOffset("size:N", sort=sizes),
            x=alt.X("cost:Q", title="Средние издержки на одного бизнеса, ₽ в год"),
            color=alt.Color("size:N", title="Размер бизнеса", sort=sizes, legend=alt.Legend(orient="bottom")),
        )
        .properties(
            width=420,
            height=max(60, 22 * len(rows)),
            title="Издержки на соблюдение по актам и размеру бизнеса",
        )
    )
    text = "; ".join(f"{row['act']}, {row['size']}: {_rub(row['cost'])}" for row in rows)
    return render_svg(
        _styled(chart),
        title="Издержки на соблюдение по актам и размеру бизнеса",
        description="Средние издержки в год на одного бизнеса. " + text + ".",
    )


def cost_by_act_svg(by_act: dict) -> str | None:
    """A business's own yearly cost of compliance per act."""
    rows = [{"act": act, "cost": float(value)} for act, value in by_act.items() if value > 0]
    if not rows:
        return None
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("act:N", title="Акт", sort="-x", axis=_category_axis(row["act"] for row in rows)),
            x=alt.X("cost:Q", title="₽ в год"),
        )
        .properties(width=520, height=max(70, 36 * len(rows)), title="Ваши издержки на соблюдение по актам")
    )
    text = "; ".join(f"{row['act']}: {_rub(row['cost'])}" for row in sorted(rows, key=lambda r: -r["cost"]))
    return render_svg(
        _styled(chart),
        title="Ваши издержки на соблюдение по актам",
        description="Издержки в год по стандартной модели издержек. " + text + ".",
    )


def ratings_svg(spread: dict[int, int], count: int) -> str | None:
    """A consultation: how many businesses gave each support rating 1–5."""
    if not count:
        return None
    rows = [{"rating": str(rating), "n": n} for rating, n in sorted(spread.items())]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color=GREY)
        .encode(
            x=alt.X(
                "rating:O",
                title="Поддержка (1 — против, 5 — полностью за)",
                sort=None,
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("n:Q", title="Бизнесов", axis=alt.Axis(tickMinStep=1, format="d")),
        )
        .properties(width=400, height=200, title="Оценки проекта")
    )
    text = ", ".join(f"оценку {row['rating']} — {row['n']}" for row in rows)
    return render_svg(
        _styled(chart), title="Оценки проекта", description=f"Отзывов: {count}. Поставили {text}."
    )


def items_scores_svg(items: list[dict], act_code: str) -> str | None:
    """An act's developer: mean clarity and feasibility per item with enough businesses, least clear first."""
    rows = sorted(
        (
            {"name": row["label"], "clarity": row["clarity_mean"], "feasibility": row["feasibility_mean"]}
            for row in items
            if not row["suppressed"]
            and (row["clarity_mean"] is not None or row["feasibility_mean"] is not None)
        ),
        key=lambda r: r["clarity"] if r["clarity"] is not None else 6,
    )[:30]
    if not rows:
        return None
    title = f"Ясность и исполнимость пунктов: {act_code}"
    return render_svg(
        _styled(_scores_chart(rows, title, "Пункт")),
        title=title,
        description="Средние оценки бизнеса от 1 до 5, сначала наименее ясные. " + _scores_text(rows) + ".",
    )


def hardest_items_svg(rows: list[dict]) -> str | None:
    """Public summary: the least clear items over all acts (items rated by enough businesses)."""
    # The item first: an act's name is long and the axis cuts its labels, so «п. 3» must come before it.
    named = [{**row, "label": f"{row['label']}, {row.get('act_name', row['act'])}"} for row in rows]
    rows = sorted(
        (
            {"name": row["label"], "clarity": row["clarity_mean"], "feasibility": row["feasibility_mean"]}
            for row in named
        ),
        key=lambda r: r["clarity"],
    )
    if not rows:
        return None
    title = "Наименее ясные пункты"
    return render_svg(
        _styled(_scores_chart(rows, title, "Пункт")),
        title=title,
        description="Средние оценки бизнеса от 1 до 5, сначала наименее ясные. " + _scores_text(rows) + ".",
    )


def act_charts(act, data: dict) -> dict:
    return {"items_svg": items_scores_svg(data["items"], act.short_title)}


def ratings_chart(draft, data: dict) -> dict:
    return {"ratings_svg": ratings_svg(data["spread"], data["count"])}

"""Reads of the pre-aggregated counts: cells for a period, their figures, quarters and months."""

from collections import defaultdict
from datetime import date

from django.db.models import Sum
from django.utils import timezone

from clientcentric.engines import metrics

from .instrument import SCALE_CODES, current_instrument
from .models import Count, Instrument

GROUPABLE = ("service_id", "agency_id", "touchpoint", "end_point", "segment_id", "life_situation_id")
SCALES = {"satisfaction": metrics.CSAT, "effort": metrics.CES, "trust": metrics.TRUST}


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_months(quarter: str) -> list[date]:
    try:
        year, number = int(quarter[:4]), int(quarter[5:])
    except ValueError:
        raise ValueError(f"not a quarter: {quarter!r}") from None
    if quarter[4] != "Q" or not 1 <= number <= 4:
        raise ValueError(f"not a quarter: {quarter!r}")
    return [date(year, 3 * (number - 1) + m, 1) for m in (1, 2, 3)]


def previous_quarter(quarter: str) -> str:
    first = quarter_months(quarter)[0]
    return quarter_of(
        date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 3, 1)
    )


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


def current_quarter() -> str:
    return quarter_of(timezone.localdate())


def months_with_data() -> list[date]:
    return sorted(Count.objects.filter(property="answered").values_list("month", flat=True).distinct())


def quarters_with_data() -> list[str]:
    return sorted({quarter_of(m) for m in months_with_data()}, reverse=True)


def cells(
    months: list[date],
    group_by: tuple[str, ...],
    *,
    instrument: Instrument | None = None,
    sample: str = "solicited",
    filters: dict | None = None,
) -> dict[tuple, dict]:
    """Counts summed over `months` for each combination of `group_by`; one instrument version only."""
    instrument = instrument or current_instrument()
    query = Count.objects.filter(
        month__in=months, instrument_id=instrument.pk, sample=sample, **(filters or {})
    )
    rows = query.values(*group_by, "property", "subgroup").annotate(v=Sum("value")).order_by()
    table: dict[tuple, dict] = defaultdict(
        lambda: {
            "offered": 0,
            "answered": 0,
            "answered_offered": 0,
            "levels": defaultdict(dict),
            "drivers": defaultdict(dict),
        }
    )
    for row in rows:
        cell = table[tuple(row[name] for name in group_by)]
        prop, value = row["property"], int(row["v"])
        if prop in ("offered", "answered", "answered_offered"):
            cell[prop] += value
        elif prop.startswith("q:"):
            cell["levels"][prop[2:]][int(row["subgroup"])] = value
        elif prop.startswith("d:"):
            cell["drivers"][prop[2:]][row["subgroup"]] = value
    return dict(table)


def figures(cell: dict) -> dict:
    """The numbers a reader needs for one cell: n, response rate, and per scale the distribution, share
    positive with its Wilson interval, mean, and the publication verdict."""
    n = cell["answered"]
    out = {
        "n": n,
        "offered": cell["offered"],
        "response_rate": (cell["answered_offered"] / cell["offered"]) if cell["offered"] else None,
    }
    for code in SCALE_CODES:
        scale = SCALES[code]
        counts = {
            level: cell["levels"].get(code, {}).get(level, 0) for level in range(scale.low, scale.high + 1)
        }
        answered = sum(counts.values())
        share = metrics.share_positive(counts, scale) if answered else None
        positive = metrics.positive(counts, scale) if answered else 0
        out[code] = {
            "answered": answered,
            "distribution": counts,
            "positive": share.estimate if share else None,
            "low": share.low if share else None,
            "high": share.high if share else None,
            "mean": metrics.mean(counts) if answered else None,
            "status": metrics.verdict(positive, answered).status,
        }
    met = cell["levels"].get("need_met", {})
    met_n = met.get(0, 0) + met.get(1, 0)
    out["need_met"] = (met.get(1, 0) / met_n) if met_n else None
    out["drivers"] = {code: dict(values) for code, values in cell["drivers"].items()}
    return out

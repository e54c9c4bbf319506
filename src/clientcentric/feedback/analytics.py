"""The analyst's table: any breakdown of the counts for a month or a quarter, with the previous period next
to it (interval of the difference), Benjamini–Hochberg across the rows, and the appeals answered on time."""

from dataclasses import dataclass

from django.db.models import Count as CountOf
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clientcentric.accounts.models import Agency
from clientcentric.appeals.models import Appeal
from clientcentric.engines import metrics
from clientcentric.registry.models import LifeSituation, Segment, Service
from clientcentric.registry.touchpoints import TOUCHPOINTS

from . import objective, selectors
from .models import EndPoint

DIMENSION_LABELS = {
    "service_id": _("service"),
    "touchpoint": _("touchpoint"),
    "end_point": _("end point"),
    "segment_id": _("segment"),
    "life_situation_id": _("life situation"),
    "agency_id": _("agency"),
}


NOT_SET = _("not set (e.g. appeals, calls)")


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "quarter"
    label: str
    months: list
    previous_months: list
    previous_label: str


def period(kind: str, value: str) -> Period:
    if kind == "quarter":
        previous = selectors.previous_quarter(value)
        return Period(
            kind, value, selectors.quarter_months(value), selectors.quarter_months(previous), previous
        )
    from datetime import date

    year, month = (int(part) for part in value.split("-"))
    first = date(year, month, 1)
    before = selectors.previous_month(first)
    return Period(kind, f"{first:%Y-%m}", [first], [before], f"{before:%Y-%m}")


def _names(group_by: tuple[str, ...], keys) -> dict:
    lookups = {}
    models = {
        "service_id": Service,
        "segment_id": Segment,
        "life_situation_id": LifeSituation,
        "agency_id": Agency,
    }
    for index, dimension in enumerate(group_by):
        ids = {key[index] for key in keys}
        if dimension in models:
            found = {obj.pk: str(obj) for obj in models[dimension].objects.filter(pk__in=ids)}
            lookups[dimension] = {i: found.get(i, NOT_SET if not i else "—") for i in ids}
        elif dimension == "touchpoint":
            lookups[dimension] = {i: dict(TOUCHPOINTS).get(i, i) for i in ids}
        else:
            lookups[dimension] = {i: str(EndPoint(i).label) if i in EndPoint.values else i for i in ids}
    return lookups


def on_time_by_agency(months) -> dict[int, tuple[int, int]]:
    """Appeals answered in the period per executor: (answered, of them on time)."""
    start, end = months[0], months[-1]
    end_year, end_month = (end.year + 1, 1) if end.month == 12 else (end.year, end.month + 1)
    rows = (
        Appeal.objects.filter(
            answered_at__date__gte=start, answered_at__date__lt=end.replace(year=end_year, month=end_month)
        )
        .values("executor_id")
        .annotate(n=CountOf("id"), on_time=CountOf("id", filter=Q(answered_at__lte=F("deadline_at"))))
        .order_by()
    )
    return {row["executor_id"]: (row["n"], row["on_time"]) for row in rows}


def _weighted_by_end_point(group_by: tuple[str, ...], months, sample: str) -> dict[tuple, metrics.Weighted]:
    """Share satisfied post-stratified to the mix of transactions by end point (completed, refused, …).

    Refused clients answer less often and less happily; weighting each end point by its share of invitations
    (the transactions) rather than of answers corrects that. Answers with no invitations behind them (QR codes)
    have no known transaction count and are left out of the weighted figure.
    """
    if "end_point" in group_by:
        return {}
    strata = selectors.cells(months, (*group_by, "end_point"), sample=sample)
    by_row: dict[tuple, dict] = {}
    for key, cell in strata.items():
        row, end_point = key[:-1], key[-1]
        counts = cell["levels"].get("satisfaction", {})
        entry = by_row.setdefault(row, {"positive": {}, "answered": {}, "offered": {}})
        entry["positive"][end_point] = metrics.positive(counts, metrics.CSAT) if counts else 0
        entry["answered"][end_point] = sum(counts.values())
        entry["offered"][end_point] = cell["offered"]
    weighted = {}
    for row, entry in by_row.items():
        invited = [h for h in entry["answered"] if entry["offered"][h]]
        result = metrics.weighted_share(
            {h: entry["positive"][h] for h in invited},
            {h: entry["answered"][h] for h in invited},
            {h: entry["offered"][h] for h in invited},
        )
        if result is not None:
            weighted[row] = result
    return weighted


def table(group_by: tuple[str, ...], chosen: Period, sample: str = "solicited") -> list[dict]:
    current = selectors.cells(chosen.months, group_by, sample=sample)
    weighted = _weighted_by_end_point(group_by, chosen.months, sample)
    previous = selectors.cells(chosen.previous_months, group_by, sample=sample)
    names = _names(group_by, current.keys())
    on_time = on_time_by_agency(chosen.months) if "agency_id" in group_by else {}
    with_objective = objective.applies_to(group_by)
    efforts = objective.effort_by(group_by, chosen.months) if with_objective else {}
    completions = objective.completion_by(group_by, chosen.months) if with_objective else {}
    rows = []
    for key in sorted(current, key=lambda k: [str(names[d][k[i]]) for i, d in enumerate(group_by)]):
        figures = selectors.figures(current[key])
        row = {"labels": [names[d][key[i]] for i, d in enumerate(group_by)], "key": key, **figures}
        satisfaction = figures["satisfaction"]
        before = selectors.figures(previous[key])["satisfaction"] if key in previous else None
        row["weighted"] = weighted.get(key)
        row["change"] = None
        row["p_value"] = None
        if before and before["answered"] and satisfaction["answered"]:
            positive_now = metrics.positive(satisfaction["distribution"], metrics.CSAT)
            positive_before = metrics.positive(before["distribution"], metrics.CSAT)
            row["change"] = metrics.difference(
                positive_now, satisfaction["answered"], positive_before, before["answered"]
            )
            row["p_value"] = metrics.two_proportion_p_value(
                positive_now, satisfaction["answered"], positive_before, before["answered"]
            )
        if "agency_id" in group_by:
            answered, in_time = on_time.get(key[group_by.index("agency_id")], (0, 0))
            row["on_time"] = metrics.wilson(in_time, answered) if answered else None
            row["appeals_answered"] = answered
        if with_objective:
            row["effort_measures"] = efforts.get(key)
            row["completion"] = completions.get(key)
        rows.append(row)
    tested = [row for row in rows if row["p_value"] is not None]
    rejected, adjusted = metrics.benjamini_hochberg([row["p_value"] for row in tested])
    for row, significant, q in zip(tested, rejected, adjusted, strict=True):
        row["significant"], row["q_value"] = significant, q
    return rows


EXPORT_HEADERS = [
    "period",
    "breakdown",
    "offered",
    "answered",
    "response_rate",
    "satisfaction_positive",
    "satisfaction_low",
    "satisfaction_high",
    "satisfaction_mean",
    "effort_mean",
    "effort_positive",
    "trust_positive",
    "need_met",
    "satisfaction_weighted_to_mix",
    "weighted_n_eff",
    "change_vs_previous",
    "change_low",
    "change_high",
    "bh_q_value",
    "bh_significant",
    "appeals_on_time",
    *[f"satisfaction_{level}" for level in range(1, 6)],
    "requests_submitted",
    "time_to_submit_median_s",
    "time_to_submit_p90_s",
    "one_click_share",
    "one_click_low",
    "one_click_high",
    "five_minutes_share",
    "five_minutes_low",
    "five_minutes_high",
    "five_minutes_timed_requests",
    "completion_rate",
    "completion_low",
    "completion_high",
    "transactions_started",
]


def _share_columns(share) -> list:
    if share is None or share.interval is None:
        return [None, None, None]
    return [share.interval.estimate, share.interval.low, share.interval.high]


def export_rows(rows: list[dict], chosen: Period) -> list[list]:
    out = []
    for row in rows:
        s = row["satisfaction"]
        change = row.get("change")
        on_time = row.get("on_time")
        out.append(
            [
                chosen.label,
                " / ".join(str(label) for label in row["labels"]),
                row["offered"],
                row["n"],
                row["response_rate"],
                s["positive"],
                s["low"],
                s["high"],
                s["mean"],
                row["effort"]["mean"],
                row["effort"]["positive"],
                row["trust"]["positive"],
                row["need_met"],
                row["weighted"].estimate.estimate if row.get("weighted") else None,
                row["weighted"].n_eff if row.get("weighted") else None,
                change.estimate if change else None,
                change.low if change else None,
                change.high if change else None,
                row.get("q_value"),
                row.get("significant"),
                on_time.estimate if on_time else None,
                *[s["distribution"][level] for level in range(1, 6)],
                *_objective_columns(row),
            ]
        )
    return out


def _objective_columns(row: dict) -> list:
    """Objective measures (only for breakdowns by service and/or agency; empty otherwise)."""
    effort, completion = row.get("effort_measures"), row.get("completion")
    return [
        effort.requests if effort else None,
        effort.median_seconds if effort else None,
        effort.p90_seconds if effort else None,
        *_share_columns(effort.one_click if effort else None),
        *_share_columns(effort.five_minutes if effort else None),
        effort.five_minutes.n if effort else None,
        *_share_columns(completion),
        completion.n if completion else None,
    ]


def funnel_for(rows: list[dict]) -> metrics.Funnel:
    """The table's rows on a funnel plot: share satisfied against answers, limits around the pooled share."""
    units = {}
    for row in rows:
        satisfaction = row["satisfaction"]
        if satisfaction["answered"]:
            name = " / ".join(str(label) for label in row["labels"])
            units[name] = (
                metrics.positive(satisfaction["distribution"], metrics.CSAT),
                satisfaction["answered"],
            )
    return metrics.funnel(units)

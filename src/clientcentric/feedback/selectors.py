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


# --- Satisfaction as evidence for research and design (issue 7) -------------------------------------------------
# Read by clientcentric.research.satisfaction. These count raw answers (research pages are for staff and need
# filters the monthly counts do not carry: the need, an exact launch date). The rules are the feedback app's own:
# top-2 box of the satisfaction question (value ≥ its `positive_from`), solicited answers only (invitation, QR,
# voice menu; the widget sample is never pooled with them), one instrument version (the current one by default).


def _satisfaction_answers(instrument: Instrument | None, since, until):
    from datetime import datetime, time

    from .models import SOLICITED_SOURCES, Answer

    def moment(value):
        # A date means the start of that day in the platform's time zone (a launch date, a quarter's first day).
        if value is None or isinstance(value, datetime):
            return value
        return timezone.make_aware(datetime.combine(value, time.min))

    instrument = instrument or current_instrument()
    answers = Answer.objects.filter(
        question__instrument=instrument,
        question__code="satisfaction",
        value__isnull=False,
        response__source__in=SOLICITED_SOURCES,
    )
    if since is not None:
        answers = answers.filter(response__submitted_at__gte=moment(since))
    if until is not None:
        answers = answers.filter(response__submitted_at__lt=moment(until))
    return answers


def _top_two_box(answers, *group_by: str):
    from django.db.models import Count as CountOf
    from django.db.models import F, Q

    positive = CountOf("id", filter=Q(value__gte=F("question__positive_from")))
    if not group_by:
        totals = answers.aggregate(rated=CountOf("id"), satisfied=positive)
        return {"satisfied": totals["satisfied"], "rated": totals["rated"]}
    rows = answers.values(*group_by).annotate(rated=CountOf("id"), satisfied=positive).order_by()
    return {
        tuple(row[name] for name in group_by) if len(group_by) > 1 else row[group_by[0]]: {
            "satisfied": row["satisfied"],
            "rated": row["rated"],
        }
        for row in rows
    }


def _of_life_situation(code: str):
    """Answers about a life situation: the one the answer was given for; else its appeal's; else, for an office or
    phone rating of a service, the life situation of a need that service meets."""
    from django.db.models import Q

    return (
        Q(response__life_situation__code=code)
        | Q(response__life_situation__isnull=True, response__appeal__life_situation__code=code)
        | Q(
            response__life_situation__isnull=True,
            response__appeal__isnull=True,
            response__service__needs__life_situations__code=code,
        )
    )


def _of_needs(codes):
    """Answers about these needs: through the rated appeal's need, else through the rated service's needs."""
    from django.db.models import Q

    codes = list(codes)
    return Q(response__appeal__need__code__in=codes) | Q(
        response__appeal__isnull=True, response__service__needs__code__in=codes
    )


def satisfaction_for_life_situation(
    code: str, *, since=None, until=None, instrument: Instrument | None = None
) -> dict:
    """{"satisfied", "rated"}: solicited satisfaction answers about a life situation in [since, until)."""
    answers = _satisfaction_answers(instrument, since, until).filter(_of_life_situation(code))
    # A service may meet several needs of the same situation: count each answer once.
    return _top_two_box(_distinct(answers))


def satisfaction_by_touchpoint_for_life_situation(
    code: str, *, since=None, until=None, instrument: Instrument | None = None
) -> dict[str, dict]:
    """{touchpoint code: {"satisfied", "rated"}} for the same answers as `satisfaction_for_life_situation`."""
    answers = _distinct(_satisfaction_answers(instrument, since, until).filter(_of_life_situation(code)))
    return _top_two_box(answers, "response__touchpoint")


def satisfaction_for_needs(codes, *, since=None, until=None, instrument: Instrument | None = None) -> dict:
    """{"satisfied", "rated"}: solicited satisfaction answers about any of these needs in [since, until)."""
    answers = _satisfaction_answers(instrument, since, until).filter(_of_needs(codes))
    return _top_two_box(_distinct(answers))


def satisfaction_by_need(codes, *, since=None, until=None, instrument: Instrument | None = None) -> dict:
    """{need code: {"satisfied", "rated"}} for the same answers `satisfaction_for_needs` counts for each code alone,
    in two grouped queries whatever the number of needs."""
    codes = list(codes)
    answers = _satisfaction_answers(instrument, since, until)
    through_appeal = _top_two_box(
        answers.filter(response__appeal__need__code__in=codes), "response__appeal__need__code"
    )
    # A service meets each of its needs once, so grouping by need counts an answer at most once per need.
    through_service = _top_two_box(
        answers.filter(response__appeal__isnull=True, response__service__needs__code__in=codes),
        "response__service__needs__code",
    )
    totals = {}
    for code in codes:
        parts = [part for part in (through_appeal.get(code), through_service.get(code)) if part]
        totals[code] = {
            "satisfied": sum(part["satisfied"] for part in parts),
            "rated": sum(part["rated"] for part in parts),
        }
    return totals


def _distinct(answers):
    # Joins through service → needs → life situations can repeat an answer; re-select by id to count it once.
    from .models import Answer

    return Answer.objects.filter(pk__in=answers.values("pk"))

"""«Ваш контроль» in the shape of the federal monitoring (ПП РФ № 1284): one row per agency × service × criterion
of the quarter, the five criteria numbered as the resolution lists them. Shape and field meanings:
docs/indicators.md. Small cells are suppressed as everywhere (counts and share left empty, `suppressed` 1)."""

from clientcentric.accounts.models import Agency
from clientcentric.engines import metrics
from clientcentric.registry.models import Service

from .indicator_kit import minimum
from .indicators import Quarter
from .indicators_feedback import CRITERIA_NUMBERS, criterion_labels, criterion_ratings

FIELDS = [
    "period",
    "agency_code",
    "agency_name",
    "service_code",
    "service_name",
    "criterion_number",
    "criterion",
    "ratings",
    "positive",
    "share_positive",
    "ci_low",
    "ci_high",
    "suppressed",
]


def vash_kontrol_rows(agency, quarter: Quarter) -> list[dict]:
    ratings = criterion_ratings(
        agency, quarter, by=("criterion", "response__agency_id", "response__service_id")
    )
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={key[1] for key in ratings if key[1]})}
    services = {s.pk: s for s in Service.objects.filter(pk__in={key[2] for key in ratings if key[2]})}
    labels = criterion_labels()
    groups: dict = {}
    for (criterion, agency_id, service_id), counts in ratings.items():
        groups.setdefault((agency_id, service_id), {})[criterion] = counts
    rows = []
    for (agency_id, service_id), cells in sorted(
        groups.items(), key=lambda item: (item[0][0] or 0, item[0][1] or 0)
    ):
        hidden = metrics.suppress({c: n for c, (_p, n) in cells.items()}, minimum=minimum())
        place, service = agencies.get(agency_id), services.get(service_id)
        for criterion, (positive, rated) in sorted(cells.items(), key=lambda item: CRITERIA_NUMBERS[item[0]]):
            row = {
                "period": str(quarter),
                "agency_code": place.code if place else "",
                "agency_name": place.name if place else "",
                "service_code": service.code if service else "",
                "service_name": service.name if service else "",
                "criterion_number": CRITERIA_NUMBERS[criterion],
                "criterion": labels[criterion],
                "ratings": None,
                "positive": None,
                "share_positive": None,
                "ci_low": None,
                "ci_high": None,
                "suppressed": 1,
            }
            if criterion not in hidden and rated >= minimum():
                interval = metrics.wilson(positive, rated)
                row.update(
                    ratings=rated,
                    positive=positive,
                    share_positive=round(positive / rated, 4),
                    ci_low=round(interval.low, 4),
                    ci_high=round(interval.high, 4),
                    suppressed=0,
                )
            rows.append(row)
    return rows


def envelope(quarter: Quarter, rows: list[dict]) -> dict:
    return {"format": "vash-kontrol/1", "period": str(quarter), "fields": FIELDS, "rows": rows}

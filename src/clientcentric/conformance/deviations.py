"""The ``deviation_requests`` indicator: of the deviation requests proposed in a quarter and decided, the share
approved (Wilson interval; fewer decided than the minimum cell → suppressed). The count proposed is in the
breakdown under ``proposed`` — a count of the agency's own staff decisions, not of people, so it is not hidden."""

from django.utils.translation import gettext_lazy as _

from clientcentric.engines import metrics

from .indicators import INDICATORS, IndicatorDefinition, IndicatorValue, Quarter
from .models import DeviationRequest, DeviationStatus

CODE = "deviation_requests"
APPROVED = (DeviationStatus.APPROVED, DeviationStatus.COMPLETED)
DECIDED = (*APPROVED, DeviationStatus.REFUSED)


def compute(*, agency=None, quarter: Quarter) -> IndicatorValue:
    start, end = quarter.bounds()
    rows = DeviationRequest.objects.filter(proposed_at__gte=start, proposed_at__lt=end)
    if agency is not None:
        rows = rows.filter(agency=agency)
    statuses = list(rows.values_list("status", flat=True))
    proposed = len(statuses)
    decided = sum(status in DECIDED for status in statuses)
    approved = sum(status in APPROVED for status in statuses)
    count = IndicatorValue(CODE, str(quarter), getattr(agency, "pk", None), proposed, None, proposed)
    if decided < metrics.MIN_CELL:
        return IndicatorValue(
            CODE,
            str(quarter),
            getattr(agency, "pk", None),
            None,
            None,
            None,
            suppressed=bool(decided),
            breakdown={"proposed": count},
        )
    interval = metrics.wilson(approved, decided)
    return IndicatorValue(
        CODE,
        str(quarter),
        getattr(agency, "pk", None),
        approved,
        decided,
        interval.estimate,
        interval.low,
        interval.high,
        breakdown={"proposed": count},
    )


DEFINITION = IndicatorDefinition(
    code=CODE,
    title=_("Deviation requests approved"),
    unit="share",
    higher_is_better=True,
    compute=compute,
)


def register() -> None:
    INDICATORS.setdefault(CODE, DEFINITION)

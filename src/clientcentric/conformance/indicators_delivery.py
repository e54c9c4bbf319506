"""Indicators of service delivery: requests within the service's declared effort class and the time to submit,
requests that came from a proactive offer, and offers that became a request. Definitions: docs/indicators.md."""

import statistics

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientcentric.core import formats
from clientcentric.delivery.models import Offer, ServiceRequest
from clientcentric.registry.models import EffortClass, Service

from .indicator_kit import Column, Score, indicator, score_value, share_by
from .indicators import Quarter

# The longest time to submit each declared class allows, in seconds; one click means nothing typed at all.
CLASS_SECONDS = {EffortClass.FIVE_MINUTES: 5 * 60, EffortClass.FORM_10_MINUTES: 10 * 60}
CLASSES = (EffortClass.ONE_CLICK, *CLASS_SECONDS)
WITHIN_CLASS = (
    Q(service__effort_class=EffortClass.ONE_CLICK, fields_typed=0)
    | Q(service__effort_class=EffortClass.FIVE_MINUTES, seconds__lte=CLASS_SECONDS[EffortClass.FIVE_MINUTES])
    | Q(
        service__effort_class=EffortClass.FORM_10_MINUTES,
        seconds__lte=CLASS_SECONDS[EffortClass.FORM_10_MINUTES],
    )
)
# A timed class needs a measured time: a request stored with 0 s came from a path that did not time it.
MEASURED = Q(service__effort_class=EffortClass.ONE_CLICK) | Q(seconds__gt=0)


def _requests(agency, quarter: Quarter):
    start, end = quarter.bounds()
    requests = ServiceRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end)
    return requests if agency is None else requests.filter(service__agency=agency)


def _classed(agency, quarter: Quarter):
    return _requests(agency, quarter).filter(MEASURED, service__effort_class__in=CLASSES)


def _class_labels() -> dict:
    return {value: str(label) for value, label in EffortClass.choices}


def _service_labels() -> dict:
    return {str(pk): name for pk, name in Service.objects.values_list("pk", "name")}


def class_records(agency, quarter: Quarter, key: str | None = None):
    requests = _classed(agency, quarter).select_related("service")
    if key:
        requests = requests.filter(service__effort_class=key)
    return requests.annotate(within=WITHIN_CLASS).order_by("within", "-submitted_at", "-pk")


def _request_link(request) -> str:
    return reverse("admin:delivery_servicerequest_change", args=[request.pk])


REQUEST_COLUMNS = (
    Column(_("request"), lambda r: f"№ {r.pk}", _request_link),
    Column(_("service"), lambda r: r.service.name),
    Column(_("effort class"), lambda r: r.service.get_effort_class_display()),
    Column(_("submitted at"), lambda r: formats.datetime(r.submitted_at, year=True)),
    Column(_("fields typed"), lambda r: formats.number(r.fields_typed)),
    Column(_("time to submit"), lambda r: formats.count_of(round(r.seconds / 60, 1), "minutes")),
)


@indicator(
    "requests_within_class",
    _("Requests within the service's declared effort class"),
    unit="share",
    breakdown_title=_("effort class"),
    labels=_class_labels,
    records=class_records,
    columns=(*REQUEST_COLUMNS, Column(_("within the class"), lambda r: _("yes") if r.within else _("no"))),
    definition=_(
        "Requests submitted in the quarter to services with a declared class; within: one click with nothing "
        "typed, up to 5 or up to 10 minutes to submit."
    ),
)
def requests_within_class(*, agency=None, quarter: Quarter):
    return share_by(
        "requests_within_class",
        quarter,
        agency,
        _classed(agency, quarter),
        ("service__effort_class",),
        WITHIN_CLASS,
    )


def _median(values: list[float]) -> Score:
    return Score(statistics.median(values), len(values)) if values else Score(None, 0)


@indicator(
    "request_time_to_submit",
    _("Median time to submit a request"),
    unit="seconds",
    higher_is_better=False,
    breakdown_title=_("effort class"),
    labels=_class_labels,
    records=class_records,
    columns=REQUEST_COLUMNS,
    definition=_("The median of the measured times to submit of requests submitted in the quarter."),
)
def request_time_to_submit(*, agency=None, quarter: Quarter):
    # The median needs the values themselves: one column of one query, grouped here (no portable SQL median).
    rows = (
        _requests(agency, quarter)
        .filter(seconds__gt=0)
        .values_list("service__effort_class", "seconds")
        .order_by()
    )
    by_class: dict[str, list[float]] = {}
    everything: list[float] = []
    for effort_class, seconds in rows:
        by_class.setdefault(effort_class, []).append(seconds)
        everything.append(seconds)
    parts = {key: _median(values) for key, values in by_class.items()}
    return score_value("request_time_to_submit", quarter, agency, _median(everything), parts)


def proactive_records(agency, quarter: Quarter, key: str | None = None):
    requests = _requests(agency, quarter).select_related("service", "offer")
    if key:
        requests = requests.filter(service_id=int(key))
    return requests.annotate(proactive=Q(offer__kind=Offer.Kind.OFFER)).order_by("-submitted_at", "-pk")


@indicator(
    "proactive_share",
    _("Requests that came from a proactive offer"),
    unit="share",
    breakdown_title=_("service"),
    labels=_service_labels,
    records=proactive_records,
    columns=(
        *REQUEST_COLUMNS[:4],
        Column(_("from an offer"), lambda r: _("yes") if r.proactive else _("no")),
    ),
    definition=_(
        "Requests submitted in the quarter that accepted a proactive offer, of all requests submitted."
    ),
)
def proactive_share(*, agency=None, quarter: Quarter):
    return share_by(
        "proactive_share",
        quarter,
        agency,
        _requests(agency, quarter),
        ("service_id",),
        Q(offer__kind=Offer.Kind.OFFER),
        key=str,
    )


def _offers(agency, quarter: Quarter):
    start, end = quarter.bounds()
    offers = Offer.objects.filter(kind=Offer.Kind.OFFER, created_at__gte=start, created_at__lt=end)
    return offers if agency is None else offers.filter(service__agency=agency)


def offer_records(agency, quarter: Quarter, key: str | None = None):
    offers = _offers(agency, quarter).select_related("service")
    if key:
        offers = offers.filter(service_id=int(key))
    return offers.annotate(accepted=Q(request__isnull=False)).order_by("-created_at", "-pk")


@indicator(
    "offers_accepted",
    _("Proactive offers that became a request"),
    unit="share",
    breakdown_title=_("service"),
    labels=_service_labels,
    records=offer_records,
    columns=(
        Column(
            _("offer"), lambda o: f"№ {o.pk}", lambda o: reverse("admin:delivery_offer_change", args=[o.pk])
        ),
        Column(_("service"), lambda o: o.service.name),
        Column(_("offered at"), lambda o: formats.datetime(o.created_at, year=True)),
        Column(_("status"), lambda o: o.get_status_display()),
        Column(_("became a request"), lambda o: _("yes") if o.accepted else _("no")),
    ),
    definition=_("Proactive offers made in the quarter that the client turned into a request, up to today."),
)
def offers_accepted(*, agency=None, quarter: Quarter):
    return share_by(
        "offers_accepted",
        quarter,
        agency,
        _offers(agency, quarter),
        ("service_id",),
        Q(request__isnull=False),
        key=str,
    )

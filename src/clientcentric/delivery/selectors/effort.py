"""Time to submit and fields typed per service, against the service's declared delivery class (DEL-4)."""

import statistics
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from clientcentric.registry.models import Service

from .. import effort
from ..models import ServiceRequest, ServiceTerms
from .rules import rules_in_force


def deliverable_services(on: date) -> list[Service]:
    """Services the platform delivers: with delivery terms or an eligibility rule in force."""
    ruled = {rule.service_id for rule in rules_in_force(on)}
    termed = set(ServiceTerms.objects.values_list("service_id", flat=True))
    return list(
        Service.objects.filter(Q(pk__in=ruled) | Q(pk__in=termed))
        .select_related("agency", "delivery_terms")
        .order_by("name")
    )


@dataclass
class EffortRow:
    service: Service
    requests: int
    median_seconds: float | None
    p90_seconds: float | None
    median_fields: float | None
    one_click: int  # requests with nothing typed
    within: int | None  # requests within the declared class (None: the class declares no limit)

    @property
    def limit(self) -> effort.Limit | None:
        return effort.LIMITS.get(self.service.effort_class)

    @property
    def within_share(self) -> float | None:
        return None if self.within is None or not self.requests else self.within / self.requests


def effort_by_service(agency_id: int | None = None) -> list[EffortRow]:
    """Every service with requests (of one agency, or all for None), with its figures."""
    requests = ServiceRequest.objects.all()
    if agency_id is not None:
        requests = requests.filter(service__agency_id=agency_id)
    measured: dict[int, list[tuple[float, int]]] = {}
    for service_id, seconds, typed in requests.values_list("service_id", "seconds", "fields_typed"):
        measured.setdefault(service_id, []).append((seconds, typed))
    services = Service.objects.filter(pk__in=measured).select_related("agency").order_by("name")
    rows = []
    for service in services:
        pairs = measured[service.pk]
        seconds = sorted(s for s, _t in pairs)
        verdicts = [effort.within(service.effort_class, s, t) for s, t in pairs]
        rows.append(
            EffortRow(
                service=service,
                requests=len(pairs),
                median_seconds=statistics.median(seconds),
                p90_seconds=seconds[min(len(seconds) - 1, int(0.9 * len(seconds)))],
                median_fields=statistics.median(t for _s, t in pairs),
                one_click=sum(1 for _s, t in pairs if t == 0),
                within=None if verdicts[0] is None else sum(1 for v in verdicts if v),
            )
        )
    return rows

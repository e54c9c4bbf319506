"""Reads for the personal cabinet: the client's situations, needs and personal scenario in one pass.

The reads of the eligibility rules (parameters, rules in force, rule file export) are in `selectors.rules`."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from clientcentric.registry.models import Need, Service

from ..models import (
    Appointment,
    ClientLifeSituation,
    Consent,
    Offer,
    Office,
    ServiceRequest,
    ServiceTerms,
    Slot,
)
from .effort import deliverable_services


@dataclass
class Step:
    service: Service
    state: str  # done | refused | waiting_decision | waiting_answers | ready | informed | needs_consent | not_offered
    offer: Offer | None = None
    request: ServiceRequest | None = None
    can_apply: bool = False  # not offered, but the client may apply on the portal themselves


@dataclass
class SituationView:
    opened: ClientLifeSituation
    needs: list
    steps: list[Step]
    consent: Consent | None


def personal_scenario(client) -> list[SituationView]:
    situations = list(
        ClientLifeSituation.objects.filter(client=client, closed_at__isnull=True)
        .select_related("life_situation")
        .prefetch_related(
            Prefetch(
                "life_situation__needs",
                queryset=Need.objects.order_by("name").prefetch_related(
                    Prefetch("services", queryset=Service.objects.order_by("name"))
                ),
            )
        )
    )
    offers = {}
    for offer in (
        Offer.objects.filter(client=client).exclude(status=Offer.Status.WITHDRAWN).order_by("created_at")
    ):
        offers[offer.service_id] = offer
    requests = {
        r.service_id: r for r in ServiceRequest.objects.filter(client=client).order_by("submitted_at")
    }
    consents = list(Consent.objects.filter(client=client, revoked_at__isnull=True).select_related("text"))
    by_situation = {c.life_situation_id: c for c in consents if c.life_situation_id}
    by_service = {c.service_id for c in consents if c.service_id}
    # Services the client may apply for themselves: delivered here and not granted without an application.
    self_service = {
        service.pk
        for service in deliverable_services(timezone.localdate())
        if getattr(getattr(service, "delivery_terms", None), "mode", None) != ServiceTerms.Mode.AUTOMATIC
    }
    views = []
    for opened in situations:
        seen, steps = set(), []
        needs = list(opened.life_situation.needs.all())
        consent = by_situation.get(opened.life_situation_id)
        for need in needs:
            for service in need.services.all():
                if service.pk in seen:
                    continue
                seen.add(service.pk)
                steps.append(
                    _step(
                        service,
                        offers.get(service.pk),
                        requests.get(service.pk),
                        consent is not None or service.pk in by_service,
                        service.pk in self_service,
                    )
                )
        order = [
            "done",
            "waiting_decision",
            "waiting_answers",
            "ready",
            "informed",
            "refused",
            "needs_consent",
            "not_offered",
        ]
        steps.sort(key=lambda s: order.index(s.state))
        views.append(SituationView(opened=opened, needs=needs, steps=steps, consent=consent))
    return views


def _step(service, offer, request, consented, can_apply=False) -> Step:
    if request is not None:
        state = {"approved": "done", "refused": "refused"}.get(request.status, "waiting_decision")
        return Step(service, state, offer, request)
    if offer is not None and offer.status == Offer.Status.OPEN:
        if offer.kind == Offer.Kind.INFORMATION:
            return Step(service, "informed", offer)
        return Step(service, "waiting_answers" if offer.missing else "ready", offer)
    return Step(service, "not_offered" if consented else "needs_consent", can_apply=can_apply)


def upcoming_appointments(client):
    return (
        Appointment.objects.filter(client=client, status=Appointment.Status.BOOKED)
        .select_related("slot__office__agency", "service")
        .order_by("slot__starts_at")
    )


def open_offers(client):
    return Offer.objects.filter(client=client, status=Offer.Status.OPEN).select_related("service")


def decision_queue():
    return (
        ServiceRequest.objects.filter(status=ServiceRequest.Status.SUBMITTED)
        .select_related("service", "client")
        .order_by("submitted_at")
    )


def free_slots(*, needs=(), language: str = "", days: int = 14):
    """Free future slots in offices that meet every accessibility need (and offer the interpreter asked for)."""
    now = timezone.now()
    offices = Office.objects.filter(is_active=True)
    chosen = [
        o.pk
        for o in offices
        if set(needs) <= set(o.accessibility) and (not language or language in o.interpreter_languages)
    ]
    return (
        Slot.objects.filter(office_id__in=chosen, starts_at__gt=now, starts_at__lt=now + timedelta(days=days))
        .exclude(appointments__status=Appointment.Status.BOOKED)
        .select_related("office__agency")
        .order_by("starts_at")
    )

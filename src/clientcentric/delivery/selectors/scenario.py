"""The personal scenario (DEL-2, DEF-8 "personal"): the client's segments, their personal needs in each life
situation, and their history across channels in one timeline. Reads only; a few queries per page."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from clientcentric.appeals.models import Appeal
from clientcentric.core.models import AuditEvent, Notification
from clientcentric.registry.models import Need, NeedStatus, Segment, Service

from ..models import (
    Appointment,
    ClientLifeSituation,
    ClientSegment,
    Consent,
    Offer,
    ServiceRequest,
)

TIMELINE_PAGE = 20
# The newest rows of each source a timeline reads: a lifetime of contacts, not a bulk export.
TIMELINE_SOURCE_LIMIT = 500


# --- segments ---------------------------------------------------------------------------------------------


@dataclass
class SegmentsView:
    held: list[ClientSegment]
    rejected: list[ClientSegment]
    addable: list[Segment]


def client_segments(client) -> SegmentsView:
    rows = list(
        ClientSegment.objects.filter(client=client)
        .select_related("segment", "changed_by")
        .order_by("segment__name")
    )
    held = [r for r in rows if r.holds]
    rejected = [r for r in rows if r.state == ClientSegment.State.REJECTED]
    taken = {r.segment_id for r in held}
    addable = list(Segment.objects.filter(is_potential=False).exclude(pk__in=taken).order_by("name"))
    return SegmentsView(held=held, rejected=rejected, addable=addable)


# --- personal needs ---------------------------------------------------------------------------------------


@dataclass
class PersonalNeed:
    """A typical need of the situation made personal: its state for this client, since when, and what next."""

    need: Need
    state: str  # met | requested | offered | refused | not_applicable | not_now | open
    on: datetime | date | None = None
    service: Service | None = None
    offer: Offer | None = None
    request: ServiceRequest | None = None
    segments: list = field(default_factory=list)


@dataclass
class SituationNeeds:
    opened: ClientLifeSituation
    needs: list[PersonalNeed]


STATE_ORDER = ("requested", "offered", "refused", "not_now", "open", "met", "not_applicable")


def personal_needs(client) -> list[SituationNeeds]:
    situations = list(
        ClientLifeSituation.objects.filter(client=client, closed_at__isnull=True)
        .select_related("life_situation")
        .prefetch_related(
            Prefetch(
                "life_situation__needs",
                queryset=Need.objects.order_by("name").prefetch_related(
                    Prefetch("services", queryset=Service.objects.order_by("name")), "segments", "faq"
                ),
            )
        )
        .order_by("-opened_at")
    )
    requests: dict[int, ServiceRequest] = {}
    for req in ServiceRequest.objects.filter(client=client).order_by("submitted_at", "id"):
        requests[req.service_id] = req
    offers = {
        o.service_id: o
        for o in Offer.objects.filter(client=client, status=Offer.Status.OPEN).order_by("created_at", "id")
    }
    held = set(
        ClientSegment.objects.filter(
            client=client, state__in=(ClientSegment.State.ASSIGNED, ClientSegment.State.ADDED)
        ).values_list("segment_id", flat=True)
    )
    views = []
    for opened in situations:
        items = [
            _personal(need, requests, offers, held, opened) for need in opened.life_situation.needs.all()
        ]
        items.sort(key=lambda item: STATE_ORDER.index(item.state))
        views.append(SituationNeeds(opened=opened, needs=items))
    return views


def _personal(need: Need, requests, offers, held: set, opened) -> PersonalNeed:
    services = list(need.services.all())
    mine = [requests[s.pk] for s in services if s.pk in requests]
    approved = [r for r in mine if r.status == ServiceRequest.Status.APPROVED]
    if approved:
        r = approved[-1]
        return PersonalNeed(need, "met", r.decided_at, r.service, request=r)
    waiting = [r for r in mine if r.status == ServiceRequest.Status.SUBMITTED]
    if waiting:
        r = waiting[-1]
        return PersonalNeed(need, "requested", r.submitted_at, r.service, request=r)
    open_offers = [offers[s.pk] for s in services if s.pk in offers]
    if open_offers:
        o = open_offers[0]
        return PersonalNeed(need, "offered", o.created_at, o.service, offer=o)
    segments = list(need.segments.all())
    if segments and not any(s.pk in held for s in segments):
        return PersonalNeed(need, "not_applicable", None, segments=segments)
    if mine:
        r = mine[-1]
        return PersonalNeed(need, "refused", r.decided_at or r.submitted_at, r.service, request=r)
    if need.status != NeedStatus.MET:
        return PersonalNeed(need, "not_now", need.expected_on)
    return PersonalNeed(need, "open", opened.opened_at, services[0] if services else None)


# --- timeline ---------------------------------------------------------------------------------------------


@dataclass
class Entry:
    """One contact in the client's history: when, on which channel, what happened, and who acted."""

    when: datetime
    kind: str
    title: str
    channel: str = ""
    detail: str = ""
    url: str = ""
    actor: object = None  # the person who acted when it was not the client (a representative, an official)
    actor_role: str = ""  # representative | agency | ""


# The audit actions whose actor is the one who did the thing the timeline shows.
_ACTED = {
    "delivery.consent_given": "delivery.consent",
    "delivery.consent_revoked": "delivery.consent",
    "delivery.request_submitted": "delivery.servicerequest",
    "delivery.appointment_booked": "delivery.appointment",
    "delivery.appointment_cancelled": "delivery.appointment",
    "delivery.life_situation_opened": "delivery.clientlifesituation",
}


def _actors(rows_by_type: dict[str, list[int]]) -> dict[tuple[str, str, str], object]:
    query = Q()
    for object_type, ids in rows_by_type.items():
        if ids:
            query |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    if not query:
        return {}
    events = AuditEvent.objects.filter(query, action__in=list(_ACTED)).select_related("actor").order_by("id")
    return {(e.object_type, e.object_id, e.action): e.actor for e in events}


def _who(actors, client, object_type: str, pk: int, action: str) -> tuple[object, str]:
    actor = actors.get((object_type, str(pk), action))
    if actor is None or actor.pk == client.pk:
        return None, ""
    return actor, ("agency" if actor.is_staff_role else "representative")


def timeline(client) -> list[Entry]:
    """Every contact of the client, newest first."""
    limit = TIMELINE_SOURCE_LIMIT
    situations = list(
        ClientLifeSituation.objects.filter(client=client)
        .select_related("life_situation")
        .order_by("-opened_at")[:limit]
    )
    consents = list(
        Consent.objects.filter(client=client)
        .select_related("life_situation", "service")
        .order_by("-given_at")[:limit]
    )
    offers = list(
        Offer.objects.filter(client=client).select_related("service").order_by("-created_at")[:limit]
    )
    requests = list(
        ServiceRequest.objects.filter(client=client)
        .select_related("service__agency")
        .order_by("-submitted_at")[:limit]
    )
    appointments = list(
        Appointment.objects.filter(client=client)
        .select_related("slot__office", "service")
        .order_by("-created_at")[:limit]
    )
    appeals = list(Appeal.objects.filter(author=client).order_by("-registered_at")[:limit])
    notices = (
        list(
            Notification.objects.filter(address__iexact=client.email, redacted_at__isnull=True).order_by(
                "-created_at"
            )[:limit]
        )
        if client.email
        else []
    )
    corrections = list(
        ClientSegment.objects.filter(client=client, changed_by__isnull=False)
        .select_related("segment", "changed_by")
        .order_by("-updated_at")[:limit]
    )
    actors = _actors(
        {
            "delivery.clientlifesituation": [s.pk for s in situations],
            "delivery.consent": [c.pk for c in consents],
            "delivery.servicerequest": [r.pk for r in requests],
            "delivery.appointment": [a.pk for a in appointments],
        }
    )
    entries: list[Entry] = []
    for s in situations:
        actor, role = _who(
            actors, client, "delivery.clientlifesituation", s.pk, "delivery.life_situation_opened"
        )
        entries.append(
            Entry(
                s.opened_at,
                "situation",
                _("Life situation opened: %(name)s") % {"name": s.life_situation.name},
                detail=_("from a registry record") if s.event_id else "",
                actor=actor,
                actor_role=role,
            )
        )
    for c in consents:
        actor, role = _who(actors, client, "delivery.consent", c.pk, "delivery.consent_given")
        entries.append(
            Entry(
                c.given_at,
                "consent",
                _("Consent given: %(scope)s") % {"scope": c.scope},
                url=reverse("delivery:consents"),
                actor=actor,
                actor_role=role,
            )
        )
        if c.revoked_at:
            actor, role = _who(actors, client, "delivery.consent", c.pk, "delivery.consent_revoked")
            entries.append(
                Entry(
                    c.revoked_at,
                    "consent",
                    _("Consent revoked: %(scope)s") % {"scope": c.scope},
                    actor=actor,
                    actor_role=role,
                )
            )
    for o in offers:
        entries.append(
            Entry(
                o.created_at,
                "offer",
                (
                    _("Offered: %(service)s")
                    if o.kind == Offer.Kind.OFFER
                    else _("You may be entitled: %(service)s")
                )
                % {"service": o.service.name},
                detail=o.explanation,
                url=reverse("delivery:offer", args=[o.pk]) if o.status == Offer.Status.OPEN else "",
            )
        )
    for r in requests:
        actor, role = _who(actors, client, "delivery.servicerequest", r.pk, "delivery.request_submitted")
        entries.append(
            Entry(
                r.submitted_at,
                "request",
                _("Request sent: %(service)s") % {"service": r.service.name},
                url=reverse("delivery:request", args=[r.pk]),
                actor=actor,
                actor_role=role,
            )
        )
        if r.decided_at:
            entries.append(
                Entry(
                    r.decided_at,
                    "decision",
                    (
                        _("Approved: %(service)s")
                        if r.status == ServiceRequest.Status.APPROVED
                        else _("Refused: %(service)s")
                    )
                    % {"service": r.service.name},
                    detail=r.service.agency.name,
                    url=reverse("delivery:request", args=[r.pk]),
                )
            )
    for a in appointments:
        actor, role = _who(actors, client, "delivery.appointment", a.pk, "delivery.appointment_booked")
        entries.append(
            Entry(
                a.created_at,
                "appointment",
                _("Appointment booked: %(office)s") % {"office": a.slot.office.name},
                channel=_("in person"),
                detail=a.get_status_display(),
                url=reverse("delivery:appointments"),
                actor=actor,
                actor_role=role,
            )
        )
    for appeal in appeals:
        entries.append(
            Entry(
                appeal.registered_at,
                "appeal",
                _("Appeal № %(number)s") % {"number": appeal.number},
                channel=appeal.get_channel_display(),
                detail=appeal.topic or appeal.get_status_display(),
                url=appeal.get_absolute_url(),
            )
        )
    for n in notices:
        entries.append(
            Entry(
                n.sent_at or n.created_at,
                "notification",
                n.subject or _("Message"),
                channel=n.get_channel_display(),
                detail=n.get_state_display(),
            )
        )
    for row in corrections:
        actor = row.changed_by if row.changed_by_id != client.pk else None
        entries.append(
            Entry(
                row.updated_at,
                "segment",
                (
                    _("You said you are in the segment: %(name)s")
                    if row.state == ClientSegment.State.ADDED
                    else _("You said the segment is not about you: %(name)s")
                )
                % {"name": row.segment.name},
                actor=actor,
                actor_role="representative" if actor is not None else "",
            )
        )
    for source in extra_sources():
        entries.extend(source(client, limit))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def timeline_page(client, number):
    return Paginator(timeline(client), TIMELINE_PAGE).get_page(number)


# Apps above delivery (feedback's ratings) add their contacts here, from their AppConfig.ready(): delivery
# cannot import them.
_EXTRA_SOURCES: list = []


def register_source(source) -> None:
    if source not in _EXTRA_SOURCES:
        _EXTRA_SOURCES.append(source)


def extra_sources() -> list:
    return list(_EXTRA_SOURCES)

"""Life events from registries: idempotent by event id, applied once and in order of occurrence per person; the
life situations they open for a client."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core import events
from clientcentric.core.services import audit, status
from clientcentric.registry.models import LifeSituation, Service

from .. import event_situations, workflow
from ..models import (
    ClientLifeSituation,
    ClientProfile,
    HouseholdMember,
    LifeEvent,
    Offer,
)
from ..validators import is_valid_snils, normalise_snils
from .offers import make_offers


@transaction.atomic
def open_life_situation(client, situation: LifeSituation, *, event=None, actor=None) -> ClientLifeSituation:
    opened, created = ClientLifeSituation.objects.get_or_create(
        client=client, life_situation=situation, defaults={"opened_at": timezone.now(), "event": event}
    )
    reopened = not created and opened.closed_at is not None
    if reopened:
        opened.closed_at, opened.event = None, event
        opened.save(update_fields=["closed_at", "event"])
    if created:
        audit.record(actor, "delivery.life_situation_opened", opened, situation=situation.code)
        from .segments import assign_segments

        assign_segments(client)
    if event is None and (created or reopened):
        # Opened by the client in /me/ (a life event makes its own offers in apply_event): check it at once.
        events.publish("delivery.life_situation_opened", client_id=client.pk)
    return opened


@dataclass
class EventInput:
    event_id: str
    kind: str
    snils: str
    occurred_at: datetime
    sequence: int | None = None
    concerns: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)


def _validate(data: EventInput) -> tuple[str, list[str]]:
    errors = {}
    if data.kind not in LifeEvent.Kind.values:
        errors["kind"] = _("Unknown kind of life event.")
    snils = normalise_snils(data.snils)
    if not is_valid_snils(snils):
        errors["snils"] = _("SNILS must be 11 digits (XXX-XXX-XXX YY) with a valid checksum.")
    concerns = []
    for position, raw in enumerate(data.concerns):
        other = normalise_snils(raw)
        if not is_valid_snils(other):
            errors[f"concerns.{position}"] = _(
                "SNILS must be 11 digits (XXX-XXX-XXX YY) with a valid checksum."
            )
        concerns.append(other)
    if data.sequence is not None and data.sequence < 1:
        errors["sequence"] = _("Sequence numbers start at 1.")
    if errors:
        raise ValidationError(errors)
    return snils, concerns


def receive_life_event(data: EventInput, *, source=None) -> tuple[LifeEvent, bool]:
    """Store the event once (a replay returns the stored one), then apply every event of the person now in order."""
    snils, concerns = _validate(data)
    existing = LifeEvent.objects.filter(event_id=data.event_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            event = LifeEvent.objects.create(
                event_id=data.event_id,
                kind=data.kind,
                snils=snils,
                sequence=data.sequence,
                occurred_at=data.occurred_at,
                payload={"concerns": concerns, **(data.data or {})},
                source=source,
            )
            audit.record(None, "delivery.life_event_received", event, kind=event.kind)
    except IntegrityError:
        # The same id arriving twice at once: the other request stored it.
        existing = LifeEvent.objects.filter(event_id=data.event_id).first()
        if existing is None:
            raise ValidationError(
                {"sequence": _("Another event of this person has this sequence number.")}
            ) from None
        return existing, False
    apply_ready(snils)
    event.refresh_from_db()
    return event, True


@transaction.atomic
def apply_ready(snils: str) -> int:
    """Apply the person's held events that may go now: unnumbered ones by time, numbered ones without gaps."""
    held = list(
        LifeEvent.objects.select_for_update()
        .filter(snils=snils, state=LifeEvent.State.HELD)
        .order_by("occurred_at", "id")
    )
    last = (
        LifeEvent.objects.filter(snils=snils, sequence__isnull=False)
        .exclude(state=LifeEvent.State.HELD)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    )
    applied = 0
    for event in [e for e in held if e.sequence is None]:
        apply_event(event)
        applied += 1
    numbered = {e.sequence: e for e in held if e.sequence is not None}
    while last + 1 in numbered:
        last += 1
        apply_event(numbered.pop(last))
        applied += 1
    return applied


@transaction.atomic
def release_held(event: LifeEvent, *, actor) -> int:
    """An operator lets a held event go without the missing earlier ones (they will not come)."""
    if event.state != LifeEvent.State.HELD:
        return 0
    audit.record(actor, "delivery.life_event_released", event)
    apply_event(event)
    return 1 + apply_ready(event.snils)


def _profiles(snils_list) -> dict[str, ClientProfile]:
    return {p.snils: p for p in ClientProfile.objects.filter(snils__in=snils_list).select_related("user")}


def _add_child(profile: ClientProfile, child: dict, born: date) -> None:
    name = str(child.get("name") or _("child"))[:200]
    birth = date.fromisoformat(child["birth_date"]) if child.get("birth_date") else born
    if not profile.household.filter(name=name, birth_date=birth).exists():
        HouseholdMember.objects.create(profile=profile, name=name, relation="child", birth_date=birth)


def apply_event(event: LifeEvent) -> LifeEvent:
    on = timezone.localdate(event.occurred_at)
    concerns = event.payload.get("concerns", [])
    profiles = _profiles([event.snils, *concerns])
    subject = profiles.get(event.snils)
    subject_is_client = subject is not None
    affected = [
        p for s, p in profiles.items() if s != event.snils or event.kind != LifeEvent.Kind.DEATH_REGISTERED
    ]
    kind = event.kind
    if subject is not None:
        if kind == LifeEvent.Kind.JOB_LOST:
            subject.unemployed = True
        elif kind == LifeEvent.Kind.DISABILITY_ESTABLISHED:
            subject.disability = True
        elif kind == LifeEvent.Kind.ADDRESS_CHANGED:
            subject.postal_code = str(event.payload.get("postal_code", subject.postal_code))[:6]
        elif kind == LifeEvent.Kind.DEATH_REGISTERED:
            subject.deceased_on = on
            closed_at = timezone.now()
            for offer in Offer.objects.select_for_update().filter(
                client=subject.user, status=Offer.Status.OPEN
            ):
                offer.closed_at = closed_at
                status.transition(
                    offer,
                    workflow.OFFER,
                    Offer.Status.WITHDRAWN,
                    note="death registered",
                    update_fields=("closed_at",),
                )
        subject.save()
    if kind == LifeEvent.Kind.BIRTH_REGISTERED:
        for profile in affected:
            _add_child(profile, event.payload.get("child") or {}, on)
    # Which situations the event opens, and for whom, is back-office data (event_situations), read per process.
    chosen = {profile.pk: event_situations.situations_for(kind, profile, on) for profile in affected}
    wanted = {pk for ids in chosen.values() for pk in ids}
    situations = {s.pk: s for s in LifeSituation.objects.filter(pk__in=wanted)}
    services_of: dict[int, set[int]] = {pk: set() for pk in wanted}
    for service_id, situation_id in Service.objects.filter(needs__life_situations__in=wanted).values_list(
        "pk", "needs__life_situations"
    ):
        if situation_id in services_of:
            services_of[situation_id].add(service_id)
    result = {"clients": 0, "offers": 0, "information": 0, "not_eligible": 0, "no_consent": 0}
    for profile in affected:
        offered = set()
        for situation_id in chosen[profile.pk]:
            open_life_situation(profile.user, situations[situation_id], event=event)
            offered |= services_of[situation_id]
        event.client = event.client or (subject.user if subject_is_client else profile.user)
        counts = make_offers(profile.user, offered, on=on, event=event)
        result["clients"] += 1
        for key, value in counts.items():
            result[key] += value
    target = LifeEvent.State.APPLIED if affected or subject_is_client else LifeEvent.State.NO_CLIENT
    event.applied_at, event.result = timezone.now(), result
    status.transition(
        event, workflow.LIFE_EVENT, target, field="state", update_fields=("applied_at", "result", "client")
    )
    audit.record(None, "delivery.life_event_applied", event, **result)
    return event

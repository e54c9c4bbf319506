"""One message to one person, tried on their channels in their order of preference (docs/channels.md).

The rows of a chain share `Notification.chain` and are ordered by `position`. The first usable one is pending;
the rest wait as fallbacks (`standby`). The outbox (`notifications`) wakes the next one when a row fails, and
marks the rest `skipped` (their copies redacted) when one is delivered.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from clientcentric.core import transports
from clientcentric.core.models import DeliveryAttempt, Notification
from clientcentric.core.services.notifications import _enqueue, content_hash, log

State = Notification.State


_route_resolver = None


def set_route_resolver(resolver) -> None:
    """The subscriptions app says where a person is reached: `resolver(person) -> [(channel, address), …]`,
    best first. Core does not import that app; without it a person is reached by e-mail."""
    global _route_resolver
    _route_resolver = resolver


def routes_for(person) -> list[tuple[str, str]]:
    if _route_resolver is not None:
        return list(_route_resolver(person))
    return [("email", person.email or "")]


def notify_person(person, subject: str, body: str, *, event: str = "", about=None) -> list[Notification]:
    """One message to one person on the first of their channels that works, in their order of preference."""
    steps = [
        {"channel": channel, "address": address, "subject": subject, "body": body}
        for channel, address in routes_for(person)
    ]
    return enqueue_chain(steps, event=event, about=about)


def enqueue_chain(
    steps: list[dict],
    *,
    event: str = "",
    topic: str = "",
    topic_key: str = "",
    subscription_id: int | None = None,
    unsubscribe_url: str = "",
    about=None,
) -> list[Notification]:
    """One message tried channel by channel: `steps` are dicts of channel, address, subject, body (and
    template), best first. The first usable step is sent after commit; the later ones wait as fallbacks and
    go out only if every earlier one fails. A step without an address or a transport is recorded as failed
    at once, so the client's whole order of preference is visible in the outbox."""
    chain = uuid.uuid4().hex
    rows: list[Notification] = []
    first = None
    for position, step in enumerate(steps):
        channel, address = step["channel"], (step.get("address") or "").strip()
        problem = ""
        if not address:
            problem = "no address for this channel"
        elif not transports.is_available(channel):
            problem = "no transport is configured for this channel"
        if problem:
            row = Notification.objects.create(
                channel=channel,
                event=event,
                topic=topic,
                topic_key=topic_key[:200],
                subscription_id=subscription_id,
                state=State.FAILED,
                last_error=problem,
                chain=chain,
                position=position,
                redacted_at=timezone.now(),
                object_type=about._meta.label_lower if about is not None else "",
                object_id=str(about.pk) if about is not None else "",
            )
            DeliveryAttempt.objects.create(
                notification=row,
                transport="-",
                started_at=timezone.now(),
                duration_ms=0,
                ok=False,
                error=problem,
            )
            rows.append(row)
            continue
        template = step.get("template")
        subject = step["subject"][:300]
        row = Notification.objects.create(
            channel=channel,
            address=address,
            subject=subject,
            body=step["body"],
            event=event,
            topic=topic,
            topic_key=topic_key[:200],
            template=template,
            template_version=template.version if template is not None else None,
            subscription_id=subscription_id,
            unsubscribe_url=unsubscribe_url,
            content_hash=content_hash(address, subject, step["body"]),
            state=State.PENDING if first is None else State.STANDBY,
            next_attempt_at=timezone.now() if first is None else None,
            chain=chain,
            position=position,
            object_type=about._meta.label_lower if about is not None else "",
            object_id=str(about.pk) if about is not None else "",
        )
        if first is None:
            first = row
        rows.append(row)
    if first is not None:
        first_id = first.pk
        transaction.on_commit(lambda: _enqueue(first_id))
    else:
        log.warning("notification_no_channel", notification_event=event, steps=len(steps))
    return rows


def chain_outcome(chain: str) -> dict:
    """Where one chained message ended: the channel it was delivered on, or that none worked (yet)."""
    rows = list(Notification.objects.filter(chain=chain).order_by("position"))
    sent = next((r for r in rows if r.state == State.SENT), None)
    waiting = any(r.state in (State.PENDING, State.SENDING, State.STANDBY, State.HELD) for r in rows)
    return {
        "delivered_on": sent.channel if sent else "",
        "state": "delivered" if sent else ("in progress" if waiting else "undelivered"),
        "steps": [(r.channel, r.state, r.last_error) for r in rows],
    }

"""The notification outbox: a row is written in the caller's transaction and delivered only after it commits.

Each row is one message to one address on one channel. Delivery claims the row first (a conditional
status update, under `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL), so two workers, the after-commit
task and the periodic scan never send the same message twice. A failure is retried with exponential
back-off; after the last attempt the row is failed with its error. Once sent, the address and text are
removed from the stored copy; a hash of them stays to answer "was this the message?".
"""

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from clientcentric.core import transports
from clientcentric.core.logging import get_logger
from clientcentric.core.models import DeliveryAttempt, Notification
from clientcentric.core.notification_workflow import NOTIFICATION

# The logger keeps the name operators already filter on.
log = get_logger("clientcentric.core.notifications")
State = Notification.State
MAX_BACKOFF = timedelta(hours=6)
# A row claimed longer ago than this was being sent by a worker that died mid-send.
CLAIM_TIMEOUT = timedelta(minutes=15)


def max_attempts() -> int:
    return settings.CLIENTCENTRIC_NOTIFICATION_MAX_ATTEMPTS


def backoff(attempts: int) -> timedelta:
    seconds = settings.CLIENTCENTRIC_NOTIFICATION_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def content_hash(address: str, subject: str, body: str) -> str:
    return hashlib.sha256("\x1f".join((address, subject, body)).encode()).hexdigest()


def enqueue(
    *,
    channel: str,
    address: str,
    subject: str,
    body: str,
    event: str = "",
    topic: str = "",
    topic_key: str = "",
    template=None,
    subscription_id: int | None = None,
    unsubscribe_url: str = "",
    about=None,
    hold: bool = False,
) -> Notification:
    """Write one message; held ones wait for a digest, the rest go out after the caller's commit."""
    subject = subject[:300]
    notification = Notification.objects.create(
        channel=channel,
        address=address,
        subject=subject,
        body=body,
        event=event,
        topic=topic,
        topic_key=topic_key[:200],
        template=template,
        template_version=template.version if template is not None else None,
        subscription_id=subscription_id,
        unsubscribe_url=unsubscribe_url,
        content_hash=content_hash(address, subject, body),
        state=State.HELD if hold else State.PENDING,
        next_attempt_at=None if hold else timezone.now(),
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
    )
    if not hold:
        transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


def notify_email(address: str, subject: str, body: str, *, about=None) -> Notification | None:
    """A one-off e-mail outside any subscription (e.g. to a system's contact address)."""
    if not address:
        return None
    return enqueue(channel="email", address=address, subject=subject, body=body, about=about)


def _enqueue(notification_id: int) -> None:
    from clientcentric.core.tasks import deliver_notification

    deliver_notification.delay(notification_id)


def _due(now):
    return Notification.objects.filter(state=State.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(notification_id: int, now) -> bool:
    NOTIFICATION.check(State.PENDING, State.SENDING)
    return bool(_due(now).filter(pk=notification_id).update(state=State.SENDING, claimed_at=now))


def deliver(notification_id: int, *, now=None) -> bool:
    """Send one message if it is due and nobody else has it. Returns whether it is (now or before) sent."""
    outcome = attempt(notification_id, now=now)
    return outcome == "sent" or (
        outcome == "skipped" and Notification.objects.filter(pk=notification_id, state=State.SENT).exists()
    )


def attempt(notification_id: int, *, now=None) -> str:
    """One delivery attempt: "sent", "retry" (failed, due again later), "failed" (for good) or "skipped"
    (not due, or another worker has it, or already done)."""
    now = now or timezone.now()
    if not _claim(notification_id, now):
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    with _Transports() as pool:
        if _send_claimed(notification, now, pool):
            return "sent"
    return "failed" if notification.attempts + 1 >= max_attempts() else "retry"


class _Transports:
    """One transport instance per channel for a batch, closed at its end (an SMTP session is reused)."""

    def __init__(self):
        self.instances = {}

    def get(self, channel: str) -> transports.Transport:
        if channel not in self.instances:
            self.instances[channel] = transports.for_channel(channel)
        return self.instances[channel]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for transport in self.instances.values():
            transport.close()


def send_due(*, now=None, limit: int = 500) -> dict:
    """The periodic scan: everything due (first tries after a lost task, retries after back-off), once."""
    now = now or timezone.now()
    _fail_stale_claims(now)
    _redact_old_failures(now)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                _due(now)
                .order_by("next_attempt_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:limit]
            )
            NOTIFICATION.check(State.PENDING, State.SENDING)
            Notification.objects.filter(pk__in=ids).update(state=State.SENDING, claimed_at=now)
    else:
        # SQLite has no row locks; the conditional update is the claim, and only one writer wins it.
        # One transaction for the batch: SQLite serialises writers, and one commit costs less than fifty.
        candidates = list(_due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        with transaction.atomic():
            ids = [pk for pk in candidates if _claim(pk, now)]
    counts = {"sent": 0, "retry": 0, "failed": 0}
    with _Transports() as pool:
        for notification in Notification.objects.filter(pk__in=ids).order_by("pk"):
            if _send_claimed(notification, now, pool):
                counts["sent"] += 1
            elif notification.attempts + 1 >= max_attempts():
                counts["failed"] += 1
            else:
                counts["retry"] += 1
    return counts


def _fail_stale_claims(now) -> None:
    # The worker may have handed the message over before it died: sending again could duplicate it,
    # so it is failed with an explanation and left to a person to resend from the back office.
    NOTIFICATION.check(State.SENDING, State.FAILED)
    stale = Notification.objects.filter(state=State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    for pk in stale.values_list("pk", flat=True):
        Notification.objects.filter(pk=pk, state=State.SENDING).update(
            state=State.FAILED,
            last_error="Interrupted while sending; not resent automatically to avoid a duplicate.",
        )
        log.warning("notification_claim_stale", notification=pk)


def _redact_old_failures(now) -> None:
    # A failure keeps its content so that a person can fix the address or retry; not for ever.
    keep = timedelta(days=settings.CLIENTCENTRIC_NOTIFICATION_KEEP_FAILED_DAYS)
    old = Notification.objects.filter(state=State.FAILED, redacted_at__isnull=True, created_at__lt=now - keep)
    old.update(**_redacted(now))


def stats() -> dict:
    """Rows per state and the oldest message still waiting: what an operator checks when mail seems stuck."""
    from django.db.models import Count, Min

    counts = dict(Notification.objects.values_list("state").annotate(n=Count("pk")).order_by())
    oldest = Notification.objects.filter(state=State.PENDING).aggregate(at=Min("created_at"))["at"]
    return {
        **{state: counts.get(state, 0) for state in State.values},
        "oldest_pending": oldest.isoformat() if oldest else None,
    }


def _send_claimed(notification: Notification, now, pool: _Transports) -> bool:
    message = transports.OutgoingMessage(
        notification_id=notification.pk,
        channel=notification.channel,
        address=notification.address,
        subject=notification.subject,
        body=notification.body,
        unsubscribe_url=notification.unsubscribe_url,
    )
    transport_name = transports.configured_name(notification.channel) or "-"
    started, clock = timezone.now(), time.perf_counter()
    provider_id, error = "", ""
    try:
        provider_id = pool.get(notification.channel).send(message) or ""
    except Exception as exc:  # any transport failure is recorded and retried, never lost
        error = f"{exc.__class__.__name__}: {exc}"[:2000]
    duration_ms = int((time.perf_counter() - clock) * 1000)
    attempts = notification.attempts + 1
    fields = {"attempts": attempts, "transport": transport_name, "claimed_at": None}
    if not error:
        fields.update(
            state=State.SENT,
            sent_at=timezone.now(),
            last_error="",
            next_attempt_at=None,
            **_redacted(timezone.now()),
        )
    elif attempts >= max_attempts():
        fields.update(state=State.FAILED, last_error=error, next_attempt_at=None)
    else:
        fields.update(state=State.PENDING, last_error=error, next_attempt_at=now + backoff(attempts))
    NOTIFICATION.check(State.SENDING, fields["state"])
    with transaction.atomic():  # one commit per message: the attempt and the new state together
        _record(notification, fields, transport_name, started, duration_ms, error, provider_id)
    log.info(
        "notification_delivery",
        notification=notification.pk,
        channel=notification.channel,
        notification_event=notification.event,
        transport=transport_name,
        ok=not error,
        attempt=attempts,
        state=fields["state"],
        duration_ms=duration_ms,
        error=error,
    )
    return not error


def _record(notification, fields, transport_name, started, duration_ms, error, provider_id) -> None:
    DeliveryAttempt.objects.create(
        notification=notification,
        transport=transport_name,
        started_at=started,
        duration_ms=duration_ms,
        ok=not error,
        error=error,
        provider_id=str(provider_id)[:200],
    )
    Notification.objects.filter(pk=notification.pk, state=State.SENDING).update(**fields)


def _redacted(now) -> dict:
    return {"address": "", "subject": "", "body": "", "unsubscribe_url": "", "redacted_at": now}


def redact(notification_ids, *, now=None) -> int:
    """Remove personal data from stored copies whose content went out (folded into a digest, say)."""
    return Notification.objects.filter(pk__in=list(notification_ids)).update(
        **_redacted(now or timezone.now())
    )


def retry_failed(notification_ids) -> int:
    """Back office: give failed messages a fresh set of attempts."""
    NOTIFICATION.check(State.FAILED, State.PENDING)
    return Notification.objects.filter(pk__in=list(notification_ids), state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
    )

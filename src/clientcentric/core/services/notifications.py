"""The notification outbox: a row is written in the caller's transaction and delivered only after it commits.

Each row is one message to one address on one channel. A worker claims due rows in small chunks under a lease
(`claimed_by`, `claimed_at`; `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL), so two workers, the after-commit
task and the periodic scan never send the same message twice. Before calling the transport it marks the one row
it is about to send (`attempt_started_at`), in the same commit that records the previous row and renews the
lease. A worker that dies therefore leaves at most one row in doubt: the periodic scan returns the rest of its
expired claims to the queue untouched (no attempt counted), and the one in doubt is sent again only where the
transport's far end drops repeats, else failed for a person to check. A failure is retried with exponential
back-off; after the last attempt the row is failed with its error. Once sent, the address and text are removed
from the stored copy; a hash of them stays to answer "was this the message?".
"""

import hashlib
import os
import socket
import time
import uuid
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
INTERRUPTED = "Interrupted while sending"


def lease() -> timedelta:
    return timedelta(seconds=settings.CLIENTCENTRIC_NOTIFICATION_LEASE_SECONDS)


def chunk_size() -> int:
    return max(1, settings.CLIENTCENTRIC_NOTIFICATION_CHUNK)


def _token() -> str:
    # One per claim, so that even one process's two batches never mistake each other's rows.
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


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


def _fall_back(notification: Notification) -> int | None:
    """The row failed: wake the next fallback of its chain (in the caller's transaction). Its id, or None."""
    if not notification.chain:
        return None
    following = (
        Notification.objects.filter(
            chain=notification.chain, state=State.STANDBY, position__gt=notification.position
        )
        .order_by("position")
        .values_list("pk", flat=True)
        .first()
    )
    if following is None:
        return None
    NOTIFICATION.check(State.STANDBY, State.PENDING)
    woken = Notification.objects.filter(pk=following, state=State.STANDBY).update(
        state=State.PENDING, next_attempt_at=timezone.now()
    )
    if not woken:
        return None
    transaction.on_commit(lambda: _enqueue(following))
    return following


def _skip_fallbacks(notification: Notification) -> None:
    """Delivered: the later channels of the chain are not needed, and their copies lose the personal data."""
    if not notification.chain:
        return
    NOTIFICATION.check(State.STANDBY, State.SKIPPED)
    Notification.objects.filter(chain=notification.chain, state=State.STANDBY).update(
        state=State.SKIPPED, next_attempt_at=None, **_redacted(timezone.now())
    )


def _enqueue(notification_id: int) -> None:
    """Hand the committed row to a worker; never fail or hold the request that wrote it."""
    from clientcentric.core.tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception as exc:  # the broker is down: the row is committed and the periodic scan delivers it
        log.warning("notification_enqueue_failed", notification=notification_id, error=exc.__class__.__name__)


def _due(now):
    return Notification.objects.filter(state=State.PENDING).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(notification_id: int, now, token: str | None = None) -> bool:
    """Claim one row and mark it as about to be sent (the after-commit task sends one message)."""
    NOTIFICATION.check(State.PENDING, State.SENDING)
    stamp = timezone.now()
    return bool(
        _due(now)
        .filter(pk=notification_id)
        .update(state=State.SENDING, claimed_at=stamp, claimed_by=token or _token(), attempt_started_at=stamp)
    )


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
    token = _token()
    if not _claim(notification_id, now, token):
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    with _Transports() as pool:
        outcome, _ = _send_claimed(notification, now, pool, token)
    return outcome


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
    """The periodic scan: recover the claims of dead workers, then send what is due, chunk by chunk, once."""
    # Leases run on the wall clock: `now` only says what is due (a caller may look ahead to send retries early).
    # Recovered first, so that a row returned now is due in this very scan.
    recover_expired_claims()
    now = now or timezone.now()
    _redact_old_failures(now)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    claimed = 0
    while claimed < limit:
        token = _token()
        ids = _claim_chunk(now, min(chunk_size(), limit - claimed), token)
        if not ids:
            break
        claimed += len(ids)
        _send_chunk(ids, now, token, counts)
    return counts


def _claim_chunk(now, size: int, token: str) -> list[int]:
    NOTIFICATION.check(State.PENDING, State.SENDING)
    stamp = timezone.now()
    due = _due(now).order_by("next_attempt_at", "pk")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:size])
            Notification.objects.filter(pk__in=ids).update(
                state=State.SENDING, claimed_at=stamp, claimed_by=token
            )
        else:
            # SQLite has no row locks; the conditional update is the claim, and only one writer wins it.
            # One transaction for the chunk: SQLite serialises writers, and one commit costs less than fifty.
            candidates = list(due.values_list("pk", flat=True)[:size])
            ids = [
                pk
                for pk in candidates
                if _due(now).filter(pk=pk).update(state=State.SENDING, claimed_at=stamp, claimed_by=token)
            ]
        if ids:
            _mark_next(ids[0], token, stamp)
    return ids


def _mark_next(pk: int, token: str, stamp) -> bool:
    """Say "sending this one now" while the claim is still ours; False if the lease was lost meanwhile."""
    return bool(
        Notification.objects.filter(pk=pk, state=State.SENDING, claimed_by=token).update(
            attempt_started_at=stamp, claimed_at=stamp
        )
    )


def _send_chunk(ids: list[int], now, token: str, counts: dict) -> None:
    rows = Notification.objects.in_bulk(ids)
    renewed = time.monotonic()
    with _Transports() as pool:
        for position, pk in enumerate(ids):
            following = ids[position + 1] if position + 1 < len(ids) else None
            # Renewing the whole chunk rewrites its rows: only when a third of the lease has gone.
            renew = time.monotonic() - renewed > lease().total_seconds() / 3
            if renew:
                renewed = time.monotonic()
            outcome, keep_going = _send_claimed(rows[pk], now, pool, token, following=following, renew=renew)
            if outcome in counts:
                counts[outcome] += 1
            if not keep_going:
                # The lease expired under a slow worker and the scan gave the rest back: another worker has them.
                log.warning("notification_claim_lost", notification=following, claimed_by=token)
                return


def recover_expired_claims(now=None) -> dict:
    """Claims whose worker stopped renewing them: untried rows go back to the queue as they were (no attempt
    counted); the row that was being sent is counted as an attempt and sent again only where repeats are dropped
    by the far end, else failed with an explanation for a person to resend from the back office."""
    now = now or timezone.now()
    expired = Notification.objects.filter(state=State.SENDING, claimed_at__lt=now - lease())
    NOTIFICATION.check(State.SENDING, State.PENDING)
    returned = expired.filter(attempt_started_at__isnull=True).update(
        state=State.PENDING, claimed_at=None, claimed_by=""
    )
    if returned:
        log.warning("notification_claims_returned", count=returned)
    in_doubt = {"resent": 0, "failed": 0, "skipped": 0}
    for notification in expired.filter(attempt_started_at__isnull=False):
        in_doubt[_settle_interrupted(notification, now)] += 1
    del in_doubt["skipped"]
    return {"returned": returned, **in_doubt}


def _settle_interrupted(notification: Notification, now) -> str:
    attempts = notification.attempts + 1
    resend = transports.repeat_is_safe(notification.channel) and attempts < max_attempts()
    if resend:
        error = f"{INTERRUPTED}; sent again: the far end drops a repeat."
        fields = {"state": State.PENDING, "next_attempt_at": now}
    else:
        error = f"{INTERRUPTED}; not resent automatically to avoid a duplicate."
        fields = {"state": State.FAILED, "next_attempt_at": None}
    NOTIFICATION.check(State.SENDING, fields["state"])
    with transaction.atomic():
        # Conditional on the same claim: two scans recovering at once settle the row once.
        settled = Notification.objects.filter(
            pk=notification.pk, state=State.SENDING, claimed_by=notification.claimed_by
        ).update(
            attempts=attempts,
            last_error=error,
            claimed_at=None,
            claimed_by="",
            attempt_started_at=None,
            **fields,
        )
        if settled and fields["state"] == State.FAILED:
            _fall_back(notification)
        if settled:
            DeliveryAttempt.objects.create(
                notification=notification,
                transport=transports.configured_name(notification.channel) or "-",
                started_at=notification.attempt_started_at,
                duration_ms=0,
                ok=False,
                error=error,
            )
    if not settled:
        return "skipped"  # another scan settled it first
    log.warning("notification_claim_interrupted", notification=notification.pk, state=fields["state"])
    return "resent" if resend else "failed"


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


def _send_claimed(
    notification: Notification,
    now,
    pool: _Transports,
    token: str,
    *,
    following: int | None = None,
    renew: bool = False,
) -> tuple[str, bool]:
    """Send one claimed row and record the outcome; in the same commit mark the `following` row as the next one
    being sent (which renews its lease) and, if asked, renew the rest. Returns the outcome and whether the chunk
    may go on."""
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
    fields = {
        "attempts": attempts,
        "transport": transport_name,
        "claimed_at": None,
        "claimed_by": "",
        "attempt_started_at": None,
    }
    if not error:
        fields.update(
            state=State.SENT,
            sent_at=timezone.now(),
            last_error="",
            next_attempt_at=None,
            **_redacted(timezone.now()),
        )
        outcome = "sent"
    elif attempts >= max_attempts() or _has_fallback(notification):
        # With a later channel in the client's order, a failure moves on to it now rather than retrying for hours.
        fields.update(state=State.FAILED, last_error=error, next_attempt_at=None)
        outcome = "failed"
    else:
        fields.update(state=State.PENDING, last_error=error, next_attempt_at=now + backoff(attempts))
        outcome = "retry"
    NOTIFICATION.check(State.SENDING, fields["state"])
    keep_going = True
    with transaction.atomic():  # one commit per message: the attempt, the new state and the claim's next step
        kept = _record(notification, token, fields, transport_name, started, duration_ms, error, provider_id)
        if kept and outcome == "sent":
            _skip_fallbacks(notification)
        elif kept and outcome == "failed":
            _fall_back(notification)
        if following is not None:
            stamp = timezone.now()
            keep_going = _mark_next(following, token, stamp)
            if renew:
                Notification.objects.filter(
                    claimed_by=token, state=State.SENDING, attempt_started_at__isnull=True
                ).update(claimed_at=stamp)
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
    return outcome, keep_going


def _has_fallback(notification: Notification) -> bool:
    return bool(notification.chain) and (
        Notification.objects.filter(
            chain=notification.chain, state=State.STANDBY, position__gt=notification.position
        ).exists()
    )


def _record(notification, token, fields, transport_name, started, duration_ms, error, provider_id) -> bool:
    DeliveryAttempt.objects.create(
        notification=notification,
        transport=transport_name,
        started_at=started,
        duration_ms=duration_ms,
        ok=not error,
        error=error,
        provider_id=str(provider_id)[:200],
    )
    kept = Notification.objects.filter(pk=notification.pk, state=State.SENDING, claimed_by=token).update(
        **fields
    )
    if not kept:
        # The claim expired while the transport was still busy (the lease is shorter than its timeout).
        log.warning("notification_outcome_after_lease", notification=notification.pk, ok=not error)
    return bool(kept)


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
        state=State.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_at=None,
        claimed_by="",
        attempt_started_at=None,
    )

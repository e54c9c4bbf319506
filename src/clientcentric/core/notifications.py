"""Notifications: a row is written in the caller's transaction and delivered only after it commits."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Notification

MAX_ATTEMPTS = 5


def notify_email(address: str, subject: str, body: str, *, about=None) -> Notification | None:
    if not address:
        return None
    notification = Notification.objects.create(
        channel="email",
        address=address,
        subject=subject[:300],
        body=body,
        object_type=about._meta.label_lower if about is not None else "",
        object_id=str(about.pk) if about is not None else "",
    )
    transaction.on_commit(lambda: _enqueue(notification.pk))
    return notification


def _enqueue(notification_id: int) -> None:
    from .tasks import deliver_notification

    deliver_notification.delay(notification_id)


def deliver(notification_id: int) -> bool:
    """Send once; a notification already sent is never sent again. Returns whether it went out."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.state != Notification.State.PENDING:
            return notification.state == Notification.State.SENT
        notification.attempts += 1
        try:
            EmailMessage(
                notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [notification.address]
            ).send()
        except Exception as error:  # any transport failure is recorded and retried, never lost
            notification.last_error = f"{error.__class__.__name__}: {error}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.state = Notification.State.FAILED
            notification.save(update_fields=["attempts", "last_error", "state"])
            return False
        notification.state, notification.sent_at = Notification.State.SENT, timezone.now()
        notification.save(update_fields=["attempts", "state", "sent_at", "last_error"])
        return True

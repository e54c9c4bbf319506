"""The personal cabinet's inbox: where the `cabinet` transport delivers and where the client reads."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clientcentric.core.models import InboxMessage


class NoSuchPerson(LookupError):
    pass


@transaction.atomic
def deliver(
    *, notification_id: int, person_id: str, subject: str, body: str, event: str = ""
) -> InboxMessage:
    """Idempotent per notification: a repeated send finds the copy already there."""
    if not str(person_id).isdigit() or not get_user_model().objects.filter(pk=int(person_id)).exists():
        raise NoSuchPerson("the cabinet address is not a person of this platform")
    message, _created = InboxMessage.objects.get_or_create(
        notification_id=notification_id,
        defaults={"person_id": int(person_id), "subject": subject, "body": body, "event": event},
    )
    return message


@transaction.atomic
def mark_read(person, message_ids) -> int:
    """The client opened their inbox: what they saw is read (only their own messages)."""
    return InboxMessage.objects.filter(person=person, pk__in=list(message_ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )

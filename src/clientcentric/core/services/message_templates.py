"""Notification template writes: a saved change is a new version, and an event's first template is its default."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from clientcentric.core.message_templates import EVENTS, check_source, render_text
from clientcentric.core.models import Channel, NotificationTemplate
from clientcentric.core.services import audit


def save_template(event: str, channel: str, subject: str, body: str, *, actor=None) -> NotificationTemplate:
    """A change is a new version; messages already rendered keep the version they were rendered from."""
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel “%(channel)s”.") % {"channel": channel}})
    check_source(event, subject, "subject")
    check_source(event, body, "body")
    if not body.strip():
        raise ValidationError({"body": _("The text of a template cannot be empty.")})
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = NotificationTemplate.objects.filter(event=event, channel=channel).aggregate(
                    v=Max("version")
                )["v"]
                template = NotificationTemplate.objects.create(
                    event=event,
                    channel=channel,
                    version=(latest or 0) + 1,
                    subject=subject,
                    body=body,
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
                audit.record(actor, "core.notification_template_saved", template, version=template.version)
                return template
        except IntegrityError:
            continue  # two saves raced for the same version number; the next one is free
    raise ValidationError(_("The template is being changed by someone else; try again."))


def current_template(event_code: str, channel: str) -> NotificationTemplate:
    template = (
        NotificationTemplate.objects.filter(event=event_code, channel=channel).order_by("-version").first()
    )
    if template is not None:
        return template
    event = EVENTS[event_code]
    subject, body = event.defaults.get(channel) or event.defaults["*"]
    subject, body = (text() if callable(text) else text for text in (subject, body))
    return save_template(event_code, channel, str(subject), str(body))


def render(event_code: str, channel: str, context: dict) -> tuple[str, str, NotificationTemplate]:
    """Rendering writes the event's default template the first time an event is sent on a channel."""
    template = current_template(event_code, channel)
    subject, body = render_text(template, context)
    return subject, body, template

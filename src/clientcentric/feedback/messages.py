"""The invitation message and how it reaches the client: on the channel they chose, not only by e-mail.

The event `feedback.invitation` is a versioned notification template like any other (methodologists edit it
in the back office); the message goes through the core outbox, so it is retried, logged and redacted after
delivery like every notification. One invitation is one message on one channel: a questionnaire request
sent to every channel at once would be noise.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clientcentric.core import message_templates
from clientcentric.core.models import Channel
from clientcentric.core.services import message_templates as template_services
from clientcentric.core.services import notifications
from clientcentric.subscriptions.models import Subscription
from clientcentric.subscriptions.services import available_channels

INVITATION_EVENT = message_templates.register_event(
    "feedback.invitation",
    _("Invitation to rate a finished transaction"),
    {"reference", "link", "days"},
    {
        "email": (
            _("How did we do? Rate it in 30 seconds"),
            _(
                "Hello{% if recipient_name %}, {{ recipient_name }}{% endif %}!\n\n"
                "Please rate how your request {{ reference }} was handled: {{ link }}\n"
                "The link works for {{ days }} days."
            ),
        ),
        "*": (
            _("Rate how we handled {{ reference }}"),
            _("Rate how we handled {{ reference }} (30 seconds): {{ link }}"),
        ),
    },
)

# When a client has several channels on, the invitation goes to the first of these they enabled: the
# phone's channels first (answered sooner, and a link on the phone opens in one tap), e-mail last.
DEFAULT_ORDER = (Channel.PUSH, Channel.MESSENGER, Channel.SMS, Channel.EMAIL)


def channel_order() -> tuple[str, ...]:
    return tuple(getattr(settings, "CLIENTCENTRIC_FEEDBACK_CHANNEL_ORDER", DEFAULT_ORDER))


def chosen_channel(person) -> tuple[str, str] | None:
    """(channel, address) from the person's subscription settings: an enabled channel with an address that
    the platform can deliver to, in `channel_order()`; None when they chose nothing usable."""
    if person is None or not getattr(person, "is_authenticated", False):
        return None
    subscription = Subscription.objects.filter(person=person).prefetch_related("channels").first()
    if subscription is None:
        return None
    offered = set(available_channels())
    enabled = {
        c.channel: c.address
        for c in subscription.channels.all()
        if c.is_enabled and c.address and c.channel in offered
    }
    for channel in channel_order():
        if channel in enabled:
            return channel, enabled[channel]
    return None


def send_invitation(invitation, *, link: str, reference: str, target: tuple[str, str], recipient_name=""):
    channel, address = target
    subject, body, template = template_services.render(
        INVITATION_EVENT.code,
        channel,
        {
            "reference": reference,
            "link": link,
            "days": settings.CLIENTCENTRIC_FEEDBACK_LINK_DAYS,
            "recipient_name": recipient_name,
            "site_url": settings.CLIENTCENTRIC_SITE_URL,
        },
    )
    return notifications.enqueue(
        channel=channel,
        address=address,
        subject=subject,
        body=body,
        event=INVITATION_EVENT.code,
        template=template,
        about=invitation,
    )

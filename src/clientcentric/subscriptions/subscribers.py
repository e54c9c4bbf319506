"""What this app does when other apps publish a fact (see ``clientcentric.core.events``)."""

from django.conf import settings
from django.utils.translation import gettext as _

from clientcentric.core.events import subscriber

from . import services


# In the transaction: the notifications enter the outbox with the status change, or not at all.
@subscriber("appeal.status_changed", in_transaction=True)
def tell_appeal_followers(*, appeal, note: str = "") -> None:
    """The author and every supporter hear of each change on the channels they chose."""
    services.notify_appeal_followers(appeal, note)


@subscriber("registry.need_status_changed", in_transaction=True)
def tell_followers_of_registry_news(*, need, actor=None) -> None:
    """A need's public status changed: those who follow registry news hear of it."""
    services.publish(
        "registry.news",
        "registry.news",
        {
            "title": _("Need “%(name)s”: %(status)s")
            % {"name": need.name, "status": need.get_status_display()},
            "text": need.status_reason,
            "url": settings.CLIENTCENTRIC_SITE_URL.rstrip("/") + need.get_absolute_url(),
        },
        about=need,
        actor=actor,
    )

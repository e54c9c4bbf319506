from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "clientcentric.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from clientcentric.core.client_card import register_section

        from .client_card import ratings

        register_section(ratings)  # the client's ratings on the operator's appeal page
        from django.db.models.signals import post_migrate

        from . import (  # noqa: F401
            messages,  # registers the invitation's notification event
            subscribers,  # the reactions to other domains' events
            timeline,  # the client's ratings in their personal timeline (/me/scenario/)
            workflow,  # registers the status table in core.workflow.REGISTRY
        )

        post_migrate.connect(_ensure_instrument, sender=self)


def _ensure_instrument(sender, **kwargs):
    from .services import ensure_current_instrument

    ensure_current_instrument()

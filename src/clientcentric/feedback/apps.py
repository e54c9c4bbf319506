from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "clientcentric.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import messages  # noqa: F401  registers the invitation's notification event

        post_migrate.connect(_ensure_instrument, sender=self)


def _ensure_instrument(sender, **kwargs):
    from .services import ensure_current_instrument

    ensure_current_instrument()

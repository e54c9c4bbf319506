from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "clientcentric.delivery"
    label = "delivery"
    verbose_name = _("Proactive delivery")

    def ready(self):
        from . import subscribers  # noqa: F401  (registers the re-evaluation on consent, situation, facts)

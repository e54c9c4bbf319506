from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "clientcentric.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions and notifications")

    def ready(self):
        from . import subscribers, topics  # noqa: F401  (register the events this app notifies of and reacts to)

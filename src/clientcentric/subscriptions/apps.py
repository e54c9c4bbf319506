from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    name = "clientcentric.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions and notifications")

    def ready(self):
        from clientcentric.core.client_card import register_section

        from .client_card import allowed_contacts

        register_section(allowed_contacts)  # the contacts the client allows, on the operator's appeal page
        from clientcentric.core.services import chains

        from . import subscribers, topics  # noqa: F401  (register the events this app notifies of and reacts to)
        from .services import routes_for_person

        # Offers, decisions and reminders from other apps reach a person on the channels they chose here.
        chains.set_route_resolver(routes_for_person)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "clientcentric.delivery"
    label = "delivery"
    verbose_name = _("Proactive delivery")

    def ready(self):
        from clientcentric.core.client_card import register_section

        from .client_card import requests_and_offers

        register_section(
            requests_and_offers
        )  # the client's requests and offers on the operator's appeal page
        from clientcentric.business.home_sections import register_section as register_business_section

        from .selectors.business_support import home_section

        register_business_section(home_section)  # «Support measures» on the business's home page
        from . import subscribers  # noqa: F401  (registers the re-evaluation on consent, situation, facts)

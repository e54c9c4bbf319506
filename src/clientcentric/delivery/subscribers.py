"""Delivery's reactions to its own facts, on commit: a client whose facts or consents changed is re-evaluated."""

from clientcentric.core.events import subscriber

from .services.business_support import reevaluate_business
from .services.reevaluation import reevaluate_client


@subscriber("delivery.consent_given")
@subscriber("delivery.life_situation_opened")
@subscriber("delivery.client_facts_changed")
def reevaluate(client_id: int, **_payload) -> None:
    reevaluate_client(client_id)


@subscriber("business.facts_changed")
def reevaluate_business_offers(business_id: int, **_payload) -> None:
    """A business completed its profile or objects: its waiting support-measure offers are checked again."""
    reevaluate_business(business_id)

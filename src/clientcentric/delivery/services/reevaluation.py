"""A client re-evaluated at once (DEL-2): after a consent, a life situation they opened or a fact they corrected.

The services that publish those facts do not call this; `delivery.subscribers` does, on commit, so a rolled-back
change never produces an offer. Nothing is evaluated outside an active consent: a revoked consent stops it.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clientcentric.registry.models import Service

from ..models import ClientLifeSituation
from .consents import active_consents
from .offers import make_offers


def services_in_scope(client) -> set[int]:
    """Services the client's active consents cover, and those of the life situations they are in (where a rule
    may allow only informing them)."""
    consents = list(active_consents(client).values_list("service_id", "life_situation_id"))
    situations = {s for _service, s in consents if s} | set(
        ClientLifeSituation.objects.filter(client=client, closed_at__isnull=True).values_list(
            "life_situation_id", flat=True
        )
    )
    wanted = {service for service, _situation in consents if service}
    if situations:
        wanted |= set(
            Service.objects.filter(needs__life_situations__in=situations)
            .values_list("pk", flat=True)
            .distinct()
        )
    return wanted


def reevaluate_client(client_id: int, on=None) -> dict:
    client = get_user_model().objects.filter(pk=client_id).first()
    if client is None:
        return {}
    with transaction.atomic():
        wanted = services_in_scope(client)
        if not wanted:
            return {}
        return make_offers(client, wanted, on=on or timezone.localdate())

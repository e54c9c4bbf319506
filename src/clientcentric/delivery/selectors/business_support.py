"""Reads of the support measures page of a business: its consents, its offers, the measures it may consent to."""

from django.utils import timezone

from ..models import BusinessConsent, BusinessOffer
from .rules import business_rules_in_force


def measures_in_force():
    """The support measures with a rule in force today, by name."""
    services = {rule.service_id: rule.service for rule in business_rules_in_force(timezone.localdate())}
    return sorted(services.values(), key=lambda s: s.name)


def consents_of(business):
    return list(
        BusinessConsent.objects.filter(business=business).select_related(
            "service", "given_by", "text", "revoked_by"
        )
    )


def offers_of(business):
    """(open offers, closed offers) of the business, newest first."""
    rows = list(
        BusinessOffer.objects.filter(business=business).select_related(
            "service", "service__agency", "request"
        )
    )
    return (
        [o for o in rows if o.status == BusinessOffer.Status.OPEN],
        [o for o in rows if o.status != BusinessOffer.Status.OPEN],
    )


def home_section(request, profile) -> dict:
    """The «Support measures» section of the business's home page (registered in delivery/apps.py)."""
    open_offers, _closed = offers_of(profile.business)
    return {
        "template": "delivery/business_support_section.html",
        "offers": open_offers,
        "consented": BusinessConsent.objects.filter(
            business=profile.business, revoked_at__isnull=True
        ).exists(),
    }

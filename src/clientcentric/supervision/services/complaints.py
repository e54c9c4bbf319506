"""Appeals on the portal about a business: the source of the risk models' `complaints_12m`.

How an appeal is tied to a business, and why: appeals (clientcentric.appeals) carry free text, an address and
the author's contacts — neither the INN/OGRN of the business complained about nor a structured address; objects
of control have no address either. Matching by address or by name would count the neighbours' complaints
against a business, and a wrong count raises its category. So a person who read the appeal links it (an
inspector on the desk; the link names why), and the platform only *suggests* candidates: appeals whose text
names the INN or OGRN of a business the inspector's body covers. Only confirmed links are counted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clientcentric.appeals.models import Appeal
from clientcentric.business.models import BusinessProfile
from clientcentric.core.services import audit

from ..models import AppealLink, RiskProfile


def _reassess(profile: BusinessProfile, actor) -> None:
    from .risk import assess_profile

    for risk_profile in RiskProfile.objects.filter(profile=profile).select_related("control_type"):
        if risk_profile.control_type.risk_model_text:
            assess_profile(profile, risk_profile.control_type, actor=actor)


@transaction.atomic
def link(number: str, inn: str, *, note: str, actor=None) -> AppealLink:
    """Link the appeal with this public number to the business with this INN; the profile is re-assessed."""
    appeal = Appeal.objects.with_number(number).first()
    if appeal is None:
        raise ValidationError({"number": _("No appeal has the number %(number)s.") % {"number": number}})
    profile = (
        BusinessProfile.objects.filter(business__inn=(inn or "").strip()).select_related("business").first()
    )
    if profile is None:
        raise ValidationError({"inn": _("No business with this INN has a profile.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the appeal is about this business.")})
    if AppealLink.objects.filter(appeal=appeal, profile=profile).exists():
        raise ValidationError({"number": _("This appeal is already linked to this business.")})
    item = AppealLink.objects.create(appeal=appeal, profile=profile, note=note.strip(), linked_by=actor)
    audit.record(actor, "supervision.appeal_linked", item, appeal=appeal.number)
    _reassess(profile, actor)
    return item


@transaction.atomic
def unlink(item: AppealLink, *, actor=None) -> None:
    profile = item.profile
    audit.record(actor, "supervision.appeal_unlinked", item, appeal=item.appeal.number)
    item.delete()
    _reassess(profile, actor)

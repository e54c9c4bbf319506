"""Appeals on the portal about a business: the source of the risk models' `complaints_12m`.

How an appeal is tied to a business, and why: appeals (clientcentric.appeals) carry free text, an address and
the author's contacts — neither the INN/OGRN of the business complained about nor a structured address; objects
of control have no address either. Matching by address or by name would count the neighbours' complaints
against a business, and a wrong count raises its category. So a person who read the appeal links it (an
inspector on the desk; the link names why), and the platform only *suggests* candidates: appeals whose text
names the INN or OGRN of a business the inspector's body covers. Only confirmed links are counted.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.appeals.models import Appeal
from clientcentric.business.models import BusinessProfile
from clientcentric.core.services import audit

from .models import AppealLink, ControlType, RiskProfile

SUGGESTION_DAYS = 365


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


# An INN has 10 or 12 digits, an OGRN 13 or 15: whole runs of digits, not a part of a longer number.
_REGISTRY_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{15}|[0-9]{13}|[0-9]{12}|[0-9]{10})(?![0-9])")


def suggestions(types, *, limit: int = 50) -> list[dict]:
    """Appeals of the last year whose text names the INN or OGRN of a business the types cover, not yet linked,
    newest first. The year's appeals are read once (only those with a long enough run of digits), whatever the
    number of businesses."""
    since = timezone.now() - timedelta(days=SUGGESTION_DAYS)
    profiles_by_number: dict[str, list[BusinessProfile]] = {}
    for profile in (
        BusinessProfile.objects.filter(risk_profiles__control_type__in=types)
        .select_related("business")
        .distinct()
    ):
        for number in {profile.business.inn, profile.ogrn} - {"", None}:
            profiles_by_number.setdefault(number, []).append(profile)
    if not profiles_by_number:
        return []
    linked = set(
        AppealLink.objects.filter(
            profile__in={p.pk for found in profiles_by_number.values() for p in found}
        ).values_list("appeal_id", "profile_id")
    )
    out = []
    appeals = Appeal.objects.filter(registered_at__gte=since, text__regex=r"[0-9]{10}").order_by(
        "-registered_at"
    )
    for appeal in appeals.iterator():
        named = dict.fromkeys(_REGISTRY_NUMBER.findall(appeal.text))
        for profile in dict.fromkeys(p for number in named for p in profiles_by_number.get(number, ())):
            if (appeal.pk, profile.pk) not in linked:
                out.append({"appeal": appeal, "profile": profile})
                if len(out) == limit:
                    return out
    return out


def links_for(types):
    return (
        AppealLink.objects.filter(profile__risk_profiles__control_type__in=types)
        .select_related("appeal", "profile__business", "linked_by")
        .distinct()
        .order_by("-linked_at")
    )


def control_types_of(profile: BusinessProfile):
    return ControlType.objects.filter(risk_profiles__profile=profile)

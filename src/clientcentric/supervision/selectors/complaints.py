"""Appeals on the portal about a business: the suggested candidates and the confirmed links (see services.complaints)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from clientcentric.appeals.models import Appeal
from clientcentric.business.models import BusinessProfile

from ..models import AppealLink

SUGGESTION_DAYS = 365


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

"""Client profiles and their household: the facts eligibility reads."""

from django.db import transaction

from clientcentric.core import events
from clientcentric.core.services import audit

from ..models import (
    ClientProfile,
    HouseholdMember,
)
from ..validators import normalise_snils


def profile_of(user) -> ClientProfile:
    profile, _created = ClientProfile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def save_profile(profile: ClientProfile, *, actor=None, touchpoints=None) -> ClientProfile:
    profile.snils = normalise_snils(profile.snils) or None
    profile.full_clean()
    profile.save()
    if touchpoints is not None:
        profile.preferred_touchpoints.set(touchpoints)
    audit.record(actor, "delivery.profile_saved", profile)
    _segments_follow(profile)
    events.publish("delivery.client_facts_changed", client_id=profile.user_id)
    return profile


@transaction.atomic
def save_household_member(member: HouseholdMember, *, actor=None) -> HouseholdMember:
    member.full_clean()
    member.save()
    audit.record(actor, "delivery.household_member_saved", member.profile, member=member.name)
    _segments_follow(member.profile)
    events.publish("delivery.client_facts_changed", client_id=member.profile.user_id)
    return member


@transaction.atomic
def remove_household_member(member: HouseholdMember, *, actor=None) -> None:
    audit.record(actor, "delivery.household_member_removed", member.profile, member=member.name)
    events.publish("delivery.client_facts_changed", client_id=member.profile.user_id)
    member.delete()
    _segments_follow(member.profile)


def _segments_follow(profile: ClientProfile) -> None:
    """A changed fact moves the client between segments at once (DEL-2)."""
    from .segments import assign_segments

    assign_segments(profile.user)


def note_profile_read(profile: ClientProfile, *, actor, reason: str, where: str) -> None:
    """Audit one read of a client's personal data: who (actor), what (the profile) and why (reason)."""
    audit.record(actor, "delivery.profile_read", profile, reason=reason, where=where)

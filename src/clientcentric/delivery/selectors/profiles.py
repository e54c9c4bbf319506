"""Who of the staff may open a client's profile (SNILS, income, disability, contacts), and why.

A profile opens to the client's personal manager and to staff of an agency that handles the client's appeal,
service request or offer; the admin role reads every profile. Every read is audited with its reason
(`services.profiles.note_profile_read`).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from clientcentric.appeals.models import Appeal

from ..models import ClientProfile, Offer, ServiceRequest

ADMIN = "admin"
PERSONAL_MANAGER = "personal_manager"
APPEAL = "appeal"
SERVICE_REQUEST = "service_request"
OFFER = "offer"


def _handled_by(agency_id):
    return {
        APPEAL: Appeal.objects.filter(author=OuterRef("user"), executor_id=agency_id),
        SERVICE_REQUEST: ServiceRequest.objects.filter(client=OuterRef("user"), service__agency_id=agency_id),
        OFFER: Offer.objects.filter(client=OuterRef("user"), service__agency_id=agency_id),
    }


def profiles_for_staff(user, queryset: QuerySet | None = None) -> QuerySet:
    """The profiles `user` may open."""
    queryset = ClientProfile.objects.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    if not getattr(user, "is_staff_role", False):
        return queryset.none()
    allowed = Q(personal_manager=user)
    if user.agency_id is not None:
        for subquery in _handled_by(user.agency_id).values():
            allowed |= Q(Exists(subquery))
    return queryset.filter(allowed)


def reason_to_read(user, profile: ClientProfile) -> str | None:
    """Why `user` may read `profile` (one of the constants above), or None when they may not."""
    if user.is_superuser:
        return ADMIN
    if not getattr(user, "is_staff_role", False):
        return None
    if profile.personal_manager_id == user.pk:
        return PERSONAL_MANAGER
    if user.agency_id is None:
        return None
    own = ClientProfile.objects.filter(pk=profile.pk)
    for reason, subquery in _handled_by(user.agency_id).items():
        if own.filter(Exists(subquery)).exists():
            return reason
    return None

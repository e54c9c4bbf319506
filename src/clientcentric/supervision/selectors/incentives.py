"""Good-faith incentives in force: per business, per type of control, and the clean record that earns one."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from clientcentric.business.models import BusinessProfile

from ..models import LOWERING_INCENTIVES, ControlEvent, ControlType, Incentive

CLEAN_RECORD_YEARS = 3


def in_force(on: date | None = None):
    on = on or timezone.localdate()
    return Incentive.objects.filter(withdrawn_at__isnull=True, valid_from__lte=on, valid_to__gte=on)


def of_business(profile: BusinessProfile, on: date | None = None):
    return in_force(on).filter(profile=profile).select_related("control_type", "declaration")


def lowering_kind(profile: BusinessProfile, control_type: ControlType, on: date) -> str | None:
    """The incentive in force that lowers this business's category under this type, if any."""
    found = (
        in_force(on)
        .filter(profile=profile, control_type=control_type, kind__in=LOWERING_INCENTIVES)
        .order_by("kind")
        .values_list("kind", flat=True)
        .first()
    )
    return found if found in control_type.incentives else None


def lowered_profiles(control_type: ControlType, on: date) -> dict[int, str]:
    """profile id -> the lowering incentive in force, for a whole type of control in one query."""
    kinds = [k for k in control_type.incentives if k in LOWERING_INCENTIVES]
    rows = (
        in_force(on)
        .filter(control_type=control_type, kind__in=kinds)
        .order_by("profile_id", "kind")
        .values_list("profile_id", "kind")
    )
    out: dict[int, str] = {}
    for profile_id, kind in rows:
        out.setdefault(profile_id, kind)
    return out


def has_clean_record(profile: BusinessProfile, control_type: ControlType, on: date) -> bool:
    """No act of the body found violations in the last three years, and no compliance order is overdue."""
    since = on - timedelta(days=CLEAN_RECORD_YEARS * 365)
    events = ControlEvent.objects.filter(profile=profile, control_type=control_type)
    if events.filter(violations_found=True, act_issued_at__date__gte=since).exists():
        return False
    return not events.filter(order__complied_at__isnull=True, order__due_on__lt=on).exists()

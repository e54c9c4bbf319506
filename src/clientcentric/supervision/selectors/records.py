"""Facts of the risk models from the body's own records and from the appeals linked to a business."""

from __future__ import annotations

from datetime import date, timedelta

from clientcentric.business.models import BusinessProfile

from ..models import (
    AppealLink,
    ComplianceDeclaration,
    ComplianceOrder,
    ControlEvent,
    ControlType,
    PreventiveWarning,
)


def record_facts(profile: BusinessProfile, control_type: ControlType, on: date) -> dict:
    """Facts from the body's own records: findings of its events, declarations in force, the last inspection."""
    three_years_ago = on - timedelta(days=3 * 365)
    events = ControlEvent.objects.filter(profile=profile, control_type=control_type)
    facts = {
        "violations_3y": events.filter(
            violations_found=True, act_issued_at__date__gte=three_years_ago
        ).count(),
        "overdue_orders": ComplianceOrder.objects.filter(
            event__in=events, complied_at__isnull=True, due_on__lt=on
        ).count(),
        "warnings_12m": PreventiveWarning.objects.filter(
            profile=profile, control_type=control_type, issued_at__date__gte=on - timedelta(days=365)
        ).count(),
        "declaration_in_force": any(
            d.in_force(on)
            for d in ComplianceDeclaration.objects.filter(profile=profile, control_type=control_type)
        ),
    }
    last = (
        events.filter(planned=True, act_issued_at__isnull=False)
        .exclude(kind="preventive_visit")
        .order_by("-starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    if last is not None:
        facts["last_inspection"] = last
        facts["years_since_inspection"] = (on - last).days // 365
    return facts


def complaints_12m(profile: BusinessProfile, on: date) -> int:
    """Appeals on the portal linked to the business (AppealLink) registered in the 12 months up to ``on``."""
    return AppealLink.objects.filter(
        profile=profile,
        appeal__registered_at__date__gt=on - timedelta(days=365),
        appeal__registered_at__date__lte=on,
    ).count()

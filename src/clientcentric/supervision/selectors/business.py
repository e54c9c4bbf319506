"""What a business is under: its types of control, its requirements per type, materials, events, corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from clientcentric.business import selectors as business_selectors
from clientcentric.business.models import BusinessProfile, Requirement

from ..models import (
    ComplianceAlgorithm,
    ComplianceDeclaration,
    ControlEvent,
    ControlType,
    FactCorrection,
    Material,
    RiskProfile,
)


def requirement_ids_by_act(profile: BusinessProfile, on: date | None = None) -> dict[int, set[int]]:
    """act id -> ids of the business's requirements (its personal list) in that act."""
    result = business_selectors.personal_list(profile, on)
    out: dict[int, set[int]] = {}
    for entry in result.applies:
        out.setdefault(entry.act.pk, set()).add(entry.requirement["id"])
    return out


def requirement_ids_by_type(profile: BusinessProfile, on: date | None = None) -> dict[int, set[int]]:
    """control type id -> ids of the business's requirements under it: those of the acts the type references."""
    by_act = requirement_ids_by_act(profile, on)
    out: dict[int, set[int]] = {}
    for type_id, act_id in ControlType.acts.through.objects.values_list("controltype_id", "act_id"):
        if act_id in by_act:
            out.setdefault(type_id, set()).update(by_act[act_id])
    return out


def my_requirements(profile: BusinessProfile, control_type: ControlType) -> list[Requirement]:
    ids = requirement_ids_by_type(profile).get(control_type.pk, set())
    return list(
        Requirement.objects.filter(pk__in=ids).select_related("act").order_by("act__code", "position")
    )


@dataclass
class TypeOverview:
    control_type: ControlType
    risk: RiskProfile | None
    requirement_count: int
    declaration: ComplianceDeclaration | None


def overview(profile: BusinessProfile, on: date | None = None) -> list[TypeOverview]:
    """The types of control a business is under: those whose acts give it requirements, or that assessed it."""
    on = on or timezone.localdate()
    by_type = requirement_ids_by_type(profile, on)
    risks = {r.control_type_id: r for r in profile.risk_profiles.all()}
    declarations = {}
    for d in profile.declarations.filter(annulled_at__isnull=True, valid_from__lte=on, valid_to__gte=on):
        declarations.setdefault(d.control_type_id, d)
    rows = []
    for ct in ControlType.objects.select_related("agency"):
        count = len(by_type.get(ct.pk, ()))
        if count or ct.pk in risks:
            rows.append(TypeOverview(ct, risks.get(ct.pk), count, declarations.get(ct.pk)))
    return rows


def materials_for(profile: BusinessProfile) -> list[Material]:
    """Informing: materials on the business's own requirements, then general ones of its types of control."""
    ids = set().union(*requirement_ids_by_type(profile).values()) if profile else set()
    types = [row.control_type.pk for row in overview(profile)]
    return list(
        Material.objects.filter(
            Q(requirement_id__in=ids) | Q(requirement__isnull=True, control_type_id__in=types)
        )
        .select_related("requirement__act", "control_type")
        .order_by("-published_at")
    )


def events_of(profile: BusinessProfile):
    return ControlEvent.objects.filter(profile=profile).select_related("control_type").order_by("-starts_on")


def corrections_of(profile: BusinessProfile, control_type: ControlType):
    return FactCorrection.objects.filter(profile=profile, control_type=control_type).select_related(
        "control_type"
    )


def algorithms_for(requirement_ids):
    """The standard algorithms of action for these requirements (ids or objects)."""
    return ComplianceAlgorithm.objects.filter(requirement__in=requirement_ids).select_related(
        "requirement__act"
    )


def feedback_link(event: ControlEvent) -> str | None:
    """The link to rate a closed event, while its invitation is unused."""
    from clientcentric.feedback.models import Invitation
    from clientcentric.feedback.services import link_for

    invitation = Invitation.objects.filter(
        transaction_kind="control_event", transaction_ref=event.number
    ).first()
    if invitation is None or invitation.used_at is not None:
        return None
    return link_for(invitation)

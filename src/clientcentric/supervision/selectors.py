"""Reads of supervision: which types of control a business is under, its requirements per type, registries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from clientcentric.business import selectors as business_selectors
from clientcentric.business.models import BusinessProfile, Requirement

from .models import (
    PREVENTIVE_KINDS,
    ComplianceDeclaration,
    Consultation,
    ControlEvent,
    ControlType,
    EventKind,
    Material,
    PretrialAppeal,
    RiskProfile,
    Warning,
)


def requirement_ids_by_type(profile: BusinessProfile, on: date | None = None) -> dict[str, set[int]]:
    """act «type of control» text -> ids of the business's requirements (its personal list) under it."""
    result = business_selectors.personal_list(profile, on)
    out: dict[str, set[int]] = {}
    for entry in result.applies:
        out.setdefault(entry.act.control_type.strip().lower(), set()).add(entry.requirement["id"])
    return out


def my_requirements(profile: BusinessProfile, control_type: ControlType) -> list[Requirement]:
    ids = requirement_ids_by_type(profile).get(control_type.act_control_type.strip().lower(), set())
    return list(
        Requirement.objects.filter(pk__in=ids).select_related("act").order_by("act__code", "position")
    )


def type_requirements(control_type: ControlType):
    """Every requirement of the type of control: the stock its checklists are built from."""
    return Requirement.objects.filter(act__control_type__iexact=control_type.act_control_type).select_related(
        "act"
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
        count = len(by_type.get(ct.act_control_type.strip().lower(), ()))
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


def declarations_registry(on: date | None = None):
    on = on or timezone.localdate()
    return ComplianceDeclaration.objects.select_related("profile__business", "control_type").order_by(
        "-valid_from"
    ), on


def warnings_registry():
    return Warning.objects.select_related(
        "profile__business", "control_type", "requirement__act", "objection"
    ).order_by("-issued_at")


def dashboard(year: int | None = None) -> dict:
    """Counts for the analyst, methodologist and inspector; cheap aggregates over the supervision tables."""
    on = timezone.localdate()
    events = ControlEvent.objects.exclude(status="cancelled")
    if year:
        events = events.filter(starts_on__year=year)
    by_type_kind = list(
        events.values("control_type__title", "kind")
        .annotate(n=Count("pk"))
        .order_by("control_type__title", "kind")
    )
    kinds = dict(EventKind.choices)
    for row in by_type_kind:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
    by_category = list(
        RiskProfile.objects.values("control_type__title", "category_title")
        .annotate(n=Count("pk"))
        .order_by("control_type__title", "category_title")
    )
    preventive = events.filter(kind__in=PREVENTIVE_KINDS).count()
    warnings = Warning.objects.count()
    preventive_total = preventive + warnings + Consultation.objects.count()
    control_total = events.exclude(kind__in=PREVENTIVE_KINDS).count()
    appeals = list(PretrialAppeal.objects.values("status").annotate(n=Count("pk")).order_by("status"))
    statuses = dict(PretrialAppeal.Status.choices)
    for row in appeals:
        row["label"] = statuses.get(row["status"], row["status"])
    in_force = ComplianceDeclaration.objects.filter(
        annulled_at__isnull=True, valid_from__lte=on, valid_to__gte=on
    ).count()
    cost = 0
    hours = 0
    for event in events.exclude(kind__in=PREVENTIVE_KINDS).select_related("control_type", "profile"):
        estimate = event_cost(event)
        cost += estimate["total"]
        hours += estimate["hours"]
    total = preventive_total + control_total
    return {
        "by_type_kind": by_type_kind,
        "by_category": by_category,
        "preventive": preventive_total,
        "control": control_total,
        "preventive_share": round(100 * preventive_total / total) if total else None,
        "appeals": appeals,
        "declarations_in_force": in_force,
        "cost": cost,
        "hours": hours,
    }


def event_cost(event: ControlEvent) -> dict:
    """Standard Cost Model of the event for the business: staff hours × the business's hourly rate + out of
    pocket. Events without interaction cost the business nothing."""
    from decimal import Decimal

    if not event.with_interaction:
        return {
            "hours": Decimal(0),
            "rate": event.profile.hourly_rate,
            "out_of_pocket": Decimal(0),
            "total": Decimal(0),
        }
    ct = event.control_type
    hours = Decimal(ct.event_hours)
    if event.kind == EventKind.DOCUMENTARY:
        hours = hours / 2  # only the documents: no one has to walk the inspector round the premises
    rate = event.profile.hourly_rate
    total = (hours * rate + ct.event_out_of_pocket).quantize(Decimal("1"))
    return {"hours": hours, "rate": rate, "out_of_pocket": ct.event_out_of_pocket, "total": total}

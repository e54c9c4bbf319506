"""Reads of supervision: which types of control a business is under, its requirements per type, registries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Q, Sum, Value, When
from django.db.models.functions import Round
from django.utils import timezone

from clientcentric.business import selectors as business_selectors
from clientcentric.business.models import BusinessProfile, Requirement

from .models import (
    PREVENTIVE_KINDS,
    WITHOUT_INTERACTION,
    ComplianceDeclaration,
    Consultation,
    ControlEvent,
    ControlType,
    EventKind,
    Incentive,
    IncentiveKind,
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


def cost_expressions():
    """Standard Cost Model of a control event, as database expressions: (hours, roubles) per event.

    The same figures as `event_cost`: no cost without interaction, half the hours for a documentary
    inspection, hours × the business's hourly rate + out-of-pocket, rounded to the rouble per event.
    """
    money = DecimalField(max_digits=20, decimal_places=2)
    hours = Case(
        When(kind__in=[str(k) for k in WITHOUT_INTERACTION], then=Value(Decimal(0))),
        When(kind=EventKind.DOCUMENTARY, then=F("control_type__event_hours") / Value(Decimal(2))),
        default=F("control_type__event_hours"),
        output_field=money,
    )
    pocket = Case(
        When(kind__in=[str(k) for k in WITHOUT_INTERACTION], then=Value(Decimal(0))),
        default=F("control_type__event_out_of_pocket"),
        output_field=money,
    )
    cost = Round(ExpressionWrapper(hours * F("profile__hourly_rate") + pocket, output_field=money))
    return hours, cost


def dashboard(year: int | None = None) -> dict:
    """Counts for the analyst, methodologist and inspector: a fixed number of aggregate (GROUP BY) queries,
    whatever the number of rows."""
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
    hours, cost = cost_expressions()
    preventive_kinds = [str(k) for k in PREVENTIVE_KINDS]
    totals = events.aggregate(
        visits=Count("pk", filter=Q(kind__in=preventive_kinds)),
        control=Count("pk", filter=~Q(kind__in=preventive_kinds)),
        hours=Sum(hours, filter=~Q(kind__in=preventive_kinds)),
        cost=Sum(cost, filter=~Q(kind__in=preventive_kinds)),
    )
    warnings = Warning.objects.count()
    consultations = Consultation.objects.count()
    incentives = Incentive.objects.filter(withdrawn_at__isnull=True, valid_from__lte=on, valid_to__gte=on)
    incentives_by_kind = list(incentives.values("kind").annotate(n=Count("pk")).order_by("kind"))
    incentive_labels = dict(IncentiveKind.choices)
    for row in incentives_by_kind:
        row["label"] = incentive_labels.get(row["kind"], row["kind"])
    incentives_total = sum(row["n"] for row in incentives_by_kind)
    preventive_total = totals["visits"] + warnings + consultations + incentives_total
    control_total = totals["control"]
    appeals = list(PretrialAppeal.objects.values("status").annotate(n=Count("pk")).order_by("status"))
    statuses = dict(PretrialAppeal.Status.choices)
    for row in appeals:
        row["label"] = statuses.get(row["status"], row["status"])
    in_force = ComplianceDeclaration.objects.filter(
        annulled_at__isnull=True, valid_from__lte=on, valid_to__gte=on
    ).count()
    total = preventive_total + control_total
    return {
        "by_type_kind": by_type_kind,
        "by_category": by_category,
        "preventive": preventive_total,
        "preventive_parts": {
            "visits": totals["visits"],
            "warnings": warnings,
            "consultations": consultations,
            "incentives": incentives_total,
        },
        "incentives_by_kind": incentives_by_kind,
        "control": control_total,
        "preventive_share": round(100 * preventive_total / total) if total else None,
        "appeals": appeals,
        "declarations_in_force": in_force,
        "cost": Decimal(totals["cost"] or 0).quantize(Decimal("1")),
        "hours": Decimal(totals["hours"] or 0),
    }


def event_cost(event: ControlEvent) -> dict:
    """Standard Cost Model of the event for the business: staff hours × the business's hourly rate + out of
    pocket. Events without interaction cost the business nothing."""
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

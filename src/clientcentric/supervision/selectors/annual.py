"""The figures of the annual documents (KND-3): the measures planned, the targets' baseline, the year's practice."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from clientcentric.business.models import Act

from ..models import (
    PREVENTIVE_KINDS,
    ComplianceDeclaration,
    Consultation,
    ControlEvent,
    ControlType,
    EventCheck,
    EventKind,
    Incentive,
    Material,
    Objection,
    PretrialAppeal,
    PreventiveWarning,
    RiskProfile,
    SelfExamination,
)

TOP_REQUIREMENTS = 10


def planned_measures(control_type: ControlType, year: int) -> list[dict]:
    """The preventive measures planned for the year, per measure type and risk category (GROUP BY queries)."""
    rows: list[dict] = []
    businesses = {
        r["category_title"]: r["n"]
        for r in RiskProfile.objects.filter(control_type=control_type)
        .values("category_title")
        .annotate(n=Count("pk"))
    }
    visits = {
        r["risk_category"]: r["n"]
        for r in ControlEvent.objects.filter(
            control_type=control_type, planned=True, kind__in=PREVENTIVE_KINDS, starts_on__year=year
        )
        .exclude(status="cancelled")
        .values("risk_category")
        .annotate(n=Count("pk"))
    }
    control = {
        r["risk_category"]: r["n"]
        for r in ControlEvent.objects.filter(control_type=control_type, planned=True, starts_on__year=year)
        .exclude(kind__in=PREVENTIVE_KINDS)
        .exclude(status="cancelled")
        .values("risk_category")
        .annotate(n=Count("pk"))
    }
    order = _category_order(control_type)
    for title in sorted(set(businesses) | set(visits) | set(control), key=lambda t: order.get(t, 99)):
        rows.append(
            {
                "category": title or str(_("not assessed")),
                "businesses": businesses.get(title, 0),
                "preventive_visits": visits.get(title, 0),
                "control_events": control.get(title, 0),
            }
        )
    return rows


def _category_order(control_type: ControlType) -> dict[str, int]:
    from ..services.risk import risk_model

    if not control_type.risk_model_text:
        return {}
    return {c.title: i for i, c in enumerate(risk_model(control_type).categories)}


def _year_counts(control_type: ControlType, year: int) -> dict:
    """The year's preventive and control figures, each a single aggregate query."""
    events = (
        ControlEvent.objects.filter(control_type=control_type, starts_on__year=year)
        .exclude(status="cancelled")
        .aggregate(
            visits=Count("pk", filter=Q(kind__in=PREVENTIVE_KINDS)),
            control=Count("pk", filter=~Q(kind__in=PREVENTIVE_KINDS)),
        )
    )
    return {
        "visits": events["visits"],
        "control": events["control"],
        "warnings": PreventiveWarning.objects.filter(control_type=control_type, issued_at__year=year).count(),
        "consultations": Consultation.objects.filter(control_type=control_type, slot__year=year).count(),
        "self_examinations": SelfExamination.objects.filter(
            control_type=control_type, created_at__year=year
        ).count(),
        "materials": Material.objects.filter(control_type=control_type).count(),
        "incentives": Incentive.objects.filter(control_type=control_type, valid_from__year=year).count(),
    }


def default_targets(control_type: ControlType, year: int) -> str:
    """Target indicators with the baseline of the year before."""
    before = _year_counts(control_type, year - 1)
    preventive = before["visits"] + before["warnings"] + before["consultations"] + before["incentives"]
    total = preventive + before["control"]
    share = round(100 * preventive / total) if total else 0
    covered = RiskProfile.objects.filter(control_type=control_type).count()
    declared = (
        ComplianceDeclaration.objects.filter(
            control_type=control_type, annulled_at__isnull=True, valid_to__gte=date(year, 1, 1)
        )
        .values("profile")
        .distinct()
        .count()
    )
    declared_share = round(100 * declared / covered) if covered else 0
    lines = [
        _("Share of preventive measures among all measures — at least %(target)s %% (%(year)s: %(base)s %%)")
        % {"target": max(50, share), "year": year - 1, "base": share},
        _("Mandatory preventive visits held — %(target)s %% of those planned") % {"target": 100},
        _("Businesses with a declaration of compliance in force — at least %(target)s %% (now %(base)s %%)")
        % {"target": min(100, declared_share + 5), "base": declared_share},
        _("Consultations answered in writing on time — %(target)s %%") % {"target": 100},
    ]
    return "\n".join(lines)


def practice_figures(control_type: ControlType, year: int) -> dict:
    """The year's practice from the platform's records; every figure one GROUP BY query."""
    events = ControlEvent.objects.filter(control_type=control_type, starts_on__year=year).exclude(
        status="cancelled"
    )
    kinds = dict(EventKind.choices)
    by_kind = [
        {
            "kind": row["kind"],
            "title": str(kinds.get(row["kind"], row["kind"])),
            "total": row["total"],
            "violations": row["violations"],
            "no_violations": row["clean"],
            "no_act": row["total"] - row["violations"] - row["clean"],
        }
        for row in events.values("kind")
        .annotate(
            total=Count("pk"),
            violations=Count("pk", filter=Q(violations_found=True)),
            clean=Count("pk", filter=Q(violations_found=False)),
        )
        .order_by("-total", "kind")
    ]
    top = [
        {
            "requirement": row["requirement_id"],
            "act": Act(code=row["requirement__act__code"], title=row["requirement__act__title"]).short_title,
            "text": row["requirement__text"][:500],
            "count": row["n"],
        }
        for row in EventCheck.objects.filter(event__in=events, outcome=EventCheck.Outcome.VIOLATED)
        .values("requirement_id", "requirement__act__code", "requirement__act__title", "requirement__text")
        .annotate(n=Count("pk"))
        .order_by("-n", "requirement_id")[:TOP_REQUIREMENTS]
    ]
    warnings = PreventiveWarning.objects.filter(control_type=control_type, issued_at__year=year)
    statuses = dict(Objection._meta.get_field("status").choices)
    objections = [
        {"status": row["status"], "title": str(statuses.get(row["status"], row["status"])), "count": row["n"]}
        for row in Objection.objects.filter(warning__in=warnings)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    ]
    appeal_statuses = dict(PretrialAppeal.Status.choices)
    appeals = [
        {
            "status": row["status"],
            "title": str(appeal_statuses.get(row["status"], row["status"])),
            "count": row["n"],
        }
        for row in PretrialAppeal.objects.filter(event__control_type=control_type, filed_at__year=year)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by("status")
    ]
    return {
        "year": year,
        "events_total": sum(r["total"] for r in by_kind),
        "events_by_kind": by_kind,
        "top_violations": top,
        "warnings": warnings.count(),
        "objections": objections,
        "appeals": appeals,
        "appeals_total": sum(r["count"] for r in appeals),
    }

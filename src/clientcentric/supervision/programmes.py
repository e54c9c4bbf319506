"""The supervisory body's annual documents (KND-3): the prevention programme and the practice summary.

The programme of prevention of risks of harm is drafted per type of control and year from the measures already
planned on the platform (preventive visits of the yearly plan by risk category, informing, consultations,
self-examination), with target indicators computed from the year before; it is approved — by the configured
day (20 December of the year before by default; later approval is allowed but flagged) — and published.

The summary of law-enforcement practice is computed from the platform's own records for a type and year: control
events by kind and outcome, the requirements most often found violated, warnings and objections, pre-trial
appeals and their outcomes. The body writes its conclusions; the figures can be recomputed until publication.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit

from .models import (
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
    PracticeSummary,
    PretrialAppeal,
    PreventionProgramme,
    PublicationStatus,
    RiskProfile,
    SelfExamination,
    Warning,
)

TOP_REQUIREMENTS = 10


def approval_deadline(control_type: ControlType, year: int) -> date:
    """The day the programme for ``year`` must be approved by: the configured day of the year before."""
    month = control_type.programme_deadline_month
    day = min(control_type.programme_deadline_day, calendar.monthrange(year - 1, month)[1])
    return date(year - 1, month, day)


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})


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
    from .risk import risk_model

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
        "warnings": Warning.objects.filter(control_type=control_type, issued_at__year=year).count(),
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


@transaction.atomic
def draft_programme(control_type: ControlType, year: int, *, actor=None) -> PreventionProgramme:
    """Draft (or redraft while still a draft) the programme for a type of control and year."""
    _check_year(year)
    programme = PreventionProgramme.objects.filter(control_type=control_type, year=year).first()
    if programme is not None and programme.status != PublicationStatus.DRAFT:
        raise ValidationError(
            {
                "year": _("The programme for %(year)s is already approved; it cannot be redrafted.")
                % {"year": year}
            }
        )
    measures = planned_measures(control_type, year)
    if programme is None:
        programme = PreventionProgramme(
            control_type=control_type,
            year=year,
            targets=default_targets(control_type, year),
            approval_deadline=approval_deadline(control_type, year),
            drafted_by=actor,
        )
    programme.measures = measures
    programme.approval_deadline = approval_deadline(control_type, year)
    programme.save()
    audit.record(actor, "supervision.programme_drafted", programme, year=year)
    return programme


@transaction.atomic
def edit_programme(
    programme: PreventionProgramme, *, text: str, targets: str, actor=None
) -> PreventionProgramme:
    if programme.status != PublicationStatus.DRAFT:
        raise ValidationError(_("An approved programme is not edited; draft the next year's instead."))
    if not [line for line in (targets or "").splitlines() if line.strip()]:
        raise ValidationError({"targets": _("Give at least one target indicator.")})
    programme.text, programme.targets = (text or "").strip(), targets.strip()
    programme.save(update_fields=["text", "targets"])
    audit.record(actor, "supervision.programme_edited", programme)
    return programme


@transaction.atomic
def approve_programme(
    programme: PreventionProgramme, *, on: date | None = None, actor=None
) -> PreventionProgramme:
    """Approve on ``on`` (today by default). After the deadline it is still approved, and flagged as late."""
    on = on or timezone.localdate()
    if programme.status != PublicationStatus.DRAFT:
        raise ValidationError(_("The programme is already approved."))
    if on.year > programme.year:
        raise ValidationError({"approved_on": _("A programme cannot be approved after its year is over.")})
    programme.status = PublicationStatus.APPROVED
    programme.approved_on, programme.approved_by = on, actor
    programme.approved_late = on > programme.approval_deadline
    programme.save(update_fields=["status", "approved_on", "approved_by", "approved_late"])
    audit.record(actor, "supervision.programme_approved", programme, late=programme.approved_late)
    return programme


@transaction.atomic
def publish_programme(programme: PreventionProgramme, *, actor=None) -> PreventionProgramme:
    if programme.status != PublicationStatus.APPROVED:
        raise ValidationError(_("Only an approved programme is published."))
    programme.status, programme.published_at = PublicationStatus.PUBLISHED, timezone.now()
    programme.save(update_fields=["status", "published_at"])
    audit.record(actor, "supervision.programme_published", programme)
    return programme


# --- the summary of law-enforcement practice ------------------------------------------------------------


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
            "act": row["requirement__act__code"],
            "text": row["requirement__text"][:500],
            "count": row["n"],
        }
        for row in EventCheck.objects.filter(event__in=events, outcome=EventCheck.Outcome.VIOLATED)
        .values("requirement_id", "requirement__act__code", "requirement__text")
        .annotate(n=Count("pk"))
        .order_by("-n", "requirement_id")[:TOP_REQUIREMENTS]
    ]
    warnings = Warning.objects.filter(control_type=control_type, issued_at__year=year)
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


@transaction.atomic
def generate_summary(control_type: ControlType, year: int, *, actor=None) -> PracticeSummary:
    """Compute (or recompute, while a draft) the summary's figures; the body's text is kept."""
    _check_year(year)
    summary = PracticeSummary.objects.filter(control_type=control_type, year=year).first()
    if summary is not None and summary.status != PublicationStatus.DRAFT:
        raise ValidationError({"year": _("The summary for %(year)s is already published.") % {"year": year}})
    figures = practice_figures(control_type, year)
    if summary is None:
        summary = PracticeSummary(control_type=control_type, year=year)
    summary.figures, summary.generated_at, summary.generated_by = figures, timezone.now(), actor
    summary.save()
    audit.record(actor, "supervision.practice_generated", summary, year=year)
    return summary


@transaction.atomic
def edit_summary(summary: PracticeSummary, *, text: str, actor=None) -> PracticeSummary:
    if summary.status != PublicationStatus.DRAFT:
        raise ValidationError(_("A published summary is not edited."))
    if not (text or "").strip():
        raise ValidationError({"text": _("Write the body's conclusions.")})
    summary.text = text.strip()
    summary.save(update_fields=["text"])
    audit.record(actor, "supervision.practice_edited", summary)
    return summary


@transaction.atomic
def publish_summary(summary: PracticeSummary, *, actor=None) -> PracticeSummary:
    if summary.status != PublicationStatus.DRAFT:
        raise ValidationError(_("The summary is already published."))
    if not summary.text.strip():
        raise ValidationError({"text": _("Write the body's conclusions before publishing.")})
    summary.status, summary.published_at = PublicationStatus.PUBLISHED, timezone.now()
    summary.save(update_fields=["status", "published_at"])
    audit.record(actor, "supervision.practice_published", summary)
    return summary

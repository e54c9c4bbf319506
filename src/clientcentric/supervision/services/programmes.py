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
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit
from clientcentric.core.services import status as status_service

from ..models import (
    ControlType,
    PracticeSummary,
    PreventionProgramme,
    PublicationStatus,
)
from ..selectors.annual import default_targets, planned_measures, practice_figures
from ..workflow import PRACTICE_SUMMARY, PREVENTION_PROGRAMME


def approval_deadline(control_type: ControlType, year: int) -> date:
    """The day the programme for ``year`` must be approved by: the configured day of the year before."""
    month = control_type.programme_deadline_month
    day = min(control_type.programme_deadline_day, calendar.monthrange(year - 1, month)[1])
    return date(year - 1, month, day)


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})


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
    created = programme.pk is None
    programme.measures = measures
    programme.approval_deadline = approval_deadline(control_type, year)
    programme.save()
    if created:
        status_service.record_creation(programme, PREVENTION_PROGRAMME, actor=actor)
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
    if not PREVENTION_PROGRAMME.can(programme.status, PublicationStatus.APPROVED):
        raise ValidationError(_("The programme is already approved."))
    if on.year > programme.year:
        raise ValidationError({"approved_on": _("A programme cannot be approved after its year is over.")})
    programme.approved_on, programme.approved_by = on, actor
    programme.approved_late = on > programme.approval_deadline
    status_service.transition(
        programme,
        PREVENTION_PROGRAMME,
        PublicationStatus.APPROVED,
        actor=actor,
        update_fields=("approved_on", "approved_by", "approved_late"),
    )
    audit.record(actor, "supervision.programme_approved", programme, late=programme.approved_late)
    return programme


@transaction.atomic
def publish_programme(programme: PreventionProgramme, *, actor=None) -> PreventionProgramme:
    if not PREVENTION_PROGRAMME.can(programme.status, PublicationStatus.PUBLISHED):
        raise ValidationError(_("Only an approved programme is published."))
    programme.published_at = timezone.now()
    status_service.transition(
        programme,
        PREVENTION_PROGRAMME,
        PublicationStatus.PUBLISHED,
        actor=actor,
        update_fields=("published_at",),
    )
    audit.record(actor, "supervision.programme_published", programme)
    return programme


# --- the summary of law-enforcement practice ------------------------------------------------------------


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
    created = summary.pk is None
    summary.figures, summary.generated_at, summary.generated_by = figures, timezone.now(), actor
    summary.save()
    if created:
        status_service.record_creation(summary, PRACTICE_SUMMARY, actor=actor)
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
    if not PRACTICE_SUMMARY.can(summary.status, PublicationStatus.PUBLISHED):
        raise ValidationError(_("The summary is already published."))
    if not summary.text.strip():
        raise ValidationError({"text": _("Write the body's conclusions before publishing.")})
    summary.published_at = timezone.now()
    status_service.transition(
        summary, PRACTICE_SUMMARY, PublicationStatus.PUBLISHED, actor=actor, update_fields=("published_at",)
    )
    audit.record(actor, "supervision.practice_published", summary)
    return summary

"""The public registries: declarations, warnings, good-faith marks, published programmes and practice summaries."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ..models import (
    ComplianceDeclaration,
    IncentiveKind,
    PracticeSummary,
    PreventionProgramme,
    PreventiveWarning,
    PublicationStatus,
)
from .incentives import in_force


def declarations_registry(on: date | None = None):
    on = on or timezone.localdate()
    return ComplianceDeclaration.objects.select_related("profile__business", "control_type").order_by(
        "-valid_from"
    ), on


def warnings_registry():
    return PreventiveWarning.objects.select_related(
        "profile__business", "control_type", "requirement__act", "objection"
    ).order_by("-issued_at")


def good_faith_registry():
    """The public mark «good-faith controlled person» (an incentive of 248-ФЗ art. 48) in force."""
    return (
        in_force()
        .filter(kind=IncentiveKind.GOOD_FAITH_MARK)
        .select_related("profile__business", "control_type")
        .order_by("profile__business__name")
    )


def published_documents():
    """(prevention programmes, practice summaries) that are published."""
    programmes = PreventionProgramme.objects.filter(status=PublicationStatus.PUBLISHED).select_related(
        "control_type__agency"
    )
    summaries = PracticeSummary.objects.filter(status=PublicationStatus.PUBLISHED).select_related(
        "control_type__agency"
    )
    return programmes, summaries

"""The inspector's desk: the types of control a person sees, the open work on them, the plan, the documents."""

from __future__ import annotations

from ..models import (
    Consultation,
    ControlEvent,
    ControlType,
    FactCorrection,
    Incentive,
    Objection,
    PracticeSummary,
    PretrialAppeal,
    PreventionProgramme,
    RescheduleRequest,
    SupervisionTask,
)


def control_types_for(user):
    """Staff see the types of control of their own agency (staff without one see none); the admin sees all."""
    qs = ControlType.objects.select_related("agency")
    if user.is_superuser:
        return qs
    return qs.filter(agency_id=user.agency_id) if user.agency_id is not None else qs.none()


def open_work(types) -> dict:
    """What waits for the body under these types: tasks, running events and the business's requests."""
    return {
        "tasks": SupervisionTask.objects.filter(control_type__in=types, is_open=True).select_related(
            "profile__business", "control_type"
        ),
        "events": ControlEvent.objects.filter(control_type__in=types)
        .exclude(status__in=("closed", "cancelled"))
        .select_related("profile__business", "control_type")
        .order_by("starts_on"),
        "corrections": FactCorrection.objects.filter(control_type__in=types, status="pending").select_related(
            "profile__business", "control_type"
        ),
        "consultations": Consultation.objects.filter(
            control_type__in=types, answered_at__isnull=True
        ).select_related("profile__business", "requirement__act"),
        "objections": Objection.objects.filter(
            warning__control_type__in=types, status="pending"
        ).select_related("warning__profile__business"),
        "appeals": PretrialAppeal.objects.filter(
            event__control_type__in=types, decided_at__isnull=True
        ).select_related("event__profile__business", "restoration_decided_by"),
        "reschedules": RescheduleRequest.objects.filter(
            event__control_type__in=types, status="pending"
        ).select_related("event__profile__business"),
    }


def planned_events(types, year: int):
    return (
        ControlEvent.objects.filter(control_type__in=types, planned=True, starts_on__year=year)
        .select_related("profile__business", "control_type")
        .order_by("starts_on")
    )


def granted_incentives(types, limit: int = 200):
    return (
        Incentive.objects.filter(control_type__in=types)
        .select_related("profile__business", "control_type", "declaration", "granted_by", "withdrawn_by")
        .order_by("withdrawn_at", "-valid_from")[:limit]
    )


def annual_documents(types):
    """(prevention programmes, practice summaries) of these types, drafts included."""
    return (
        PreventionProgramme.objects.filter(control_type__in=types).select_related("control_type"),
        PracticeSummary.objects.filter(control_type__in=types).select_related("control_type"),
    )

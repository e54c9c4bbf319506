"""The business's own supervision data as JSON: its risk profiles and its control events (session sign-in)."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from clientcentric.accounts.api_auth import session_auth
from clientcentric.accounts.roles import Role
from clientcentric.business import selectors as business_selectors

from . import selectors
from .models import ControlEvent

router = Router(tags=["supervision"])


class CriterionOut(Schema):
    code: str
    title: str
    category: str
    how_to_lower: str
    facts: list[dict]


class RiskProfileOut(Schema):
    control_type: str
    control_type_title: str
    category: str
    category_title: str
    criteria_met: list[CriterionOut]
    needs_data: list[dict]
    how_to_lower: list[str]
    incentive: dict
    assessed_at: datetime


class IncentiveOut(Schema):
    control_type: str
    kind: str
    title: str
    reason: str
    valid_from: date
    valid_to: date


class ControlEventOut(Schema):
    number: str
    kind: str
    control_type: str
    status: str
    starts_on: date
    ends_on: date
    planned: bool
    act_issued_at: datetime | None
    violations_found: bool | None
    act_text: str


def _profile(request):
    if request.user.role != Role.BUSINESS_REPRESENTATIVE:
        raise HttpError(403, "Only a business representative has supervision data.")
    profile = business_selectors.profile_for(request.user)
    if profile is None:
        raise HttpError(404, "Fill in the business profile first.")
    return profile


def _event_out(event: ControlEvent) -> dict:
    return {
        "number": event.number,
        "kind": event.kind,
        "control_type": event.control_type.code,
        "status": event.status,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "planned": event.planned,
        "act_issued_at": event.act_issued_at,
        "violations_found": event.violations_found,
        "act_text": event.act_text,
    }


@router.get("/me/risk-profiles", response=list[RiskProfileOut], auth=session_auth, summary="My risk profiles")
def my_risk_profiles(request):
    profile = _profile(request)
    return [
        {
            "control_type": r.control_type.code,
            "control_type_title": r.control_type.title,
            "category": r.category,
            "category_title": r.category_title,
            "criteria_met": r.criteria_met,
            "needs_data": r.needs_data,
            "how_to_lower": r.how_to_lower,
            "incentive": r.incentive,
            "assessed_at": r.assessed_at,
        }
        for r in profile.risk_profiles.select_related("control_type").order_by("control_type__code")
    ]


@router.get("/me/events", response=list[ControlEventOut], auth=session_auth, summary="My control events")
def my_events(request):
    profile = _profile(request)
    return [
        _event_out(e) for e in profile.control_events.select_related("control_type").order_by("-starts_on")
    ]


@router.get(
    "/me/events/{number}", response=ControlEventOut, auth=session_auth, summary="One of my control events"
)
def my_event(request, number: str):
    profile = _profile(request)
    return _event_out(
        get_object_or_404(ControlEvent.objects.select_related("control_type"), number=number, profile=profile)
    )


@router.get(
    "/me/incentives",
    response=list[IncentiveOut],
    auth=session_auth,
    summary="My good-faith incentives in force",
)
def my_incentives(request):
    profile = _profile(request)
    return [
        {
            "control_type": i.control_type.code,
            "kind": i.kind,
            "title": i.get_kind_display(),
            "reason": i.reason,
            "valid_from": i.valid_from,
            "valid_to": i.valid_to,
        }
        for i in selectors.of_business(profile).order_by("control_type__code", "kind")
    ]

"""Delivery API: life events from registries (integration token), a client's own open offers, and the consents of
the business a representative acts for (support measures)."""

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as StatusReply

from clientcentric.accounts.api_auth import ApiTokenAuth, session_auth
from clientcentric.accounts.models import ApiScope
from clientcentric.accounts.roles import Role
from clientcentric.business import selectors as business_selectors
from clientcentric.registry.models import Service

from . import selectors
from .models import BusinessConsent, LifeEvent
from .services import business_support
from .services import life_events as life_event_services
from .validators import SNILS_PATTERN

events_router = Router(tags=["life events"])
me_router = Router(tags=["personal cabinet"])

KindCode = Literal[tuple(LifeEvent.Kind.values)]


class LifeEventIn(Schema):
    event_id: str = Field(
        min_length=1, max_length=120, description="the source's id; a replay is answered, not reapplied"
    )
    kind: KindCode
    snils: str = Field(
        pattern=SNILS_PATTERN,
        description="SNILS of the person the event is about: 11 digits (XXX-XXX-XXX YY) whose last two are "
        "the checksum of the first nine; a wrong checksum answers 422",
    )
    occurred_at: datetime
    sequence: int | None = Field(
        None,
        ge=1,
        description="per-person order number from the source; a gap holds later events until it is filled",
    )
    concerns: list[Annotated[str, Field(pattern=SNILS_PATTERN)]] = Field(
        default_factory=list, max_length=20, description="SNILS of other people it concerns (checksummed)"
    )
    data: dict = Field(
        default_factory=dict, description="kind-specific data, e.g. {child: {name, birth_date}}"
    )


class LifeEventAcceptedOut(Schema):
    """The same answer whether or not the SNILS is a client's: the source learns nothing about the person."""

    event_id: str
    kind: str
    occurred_at: datetime
    received_at: datetime


class OfferOut(Schema):
    id: int
    service: str
    service_name: str
    kind: str
    outcome: str
    missing: list[str]
    explanation: str
    created_at: datetime

    @staticmethod
    def resolve_service(obj):
        return obj.service.code

    @staticmethod
    def resolve_service_name(obj):
        return obj.service.name


@events_router.post(
    "",
    response={202: LifeEventAcceptedOut},
    auth=ApiTokenAuth(ApiScope.LIFE_EVENTS_WRITE),
    summary="Report a life event (registries, with a life-events token); idempotent by event_id",
    description="Always 202 with the same fields, whether or not the person is a client and whether the event "
    "is new or a replay: the answer does not tell a source who our clients are.",
)
def report_life_event(request, payload: LifeEventIn):
    data = life_event_services.EventInput(**payload.dict())
    event, _created = life_event_services.receive_life_event(data, source=request.api_token)
    return StatusReply(202, event)


@me_router.get("/offers", response=list[OfferOut], auth=session_auth, summary="My open offers")
def my_offers(request):
    return list(selectors.open_offers(request.user))


# --- the business's consent to support measures (issue 19, BIZ-7), for the business its representative acts for ---


class BusinessConsentIn(Schema):
    service: str | None = Field(
        None,
        max_length=100,
        description="the code of one support measure (GET /registry/services?kind=support_measure); "
        "empty or null: every support measure for business",
    )


class BusinessConsentOut(Schema):
    id: int
    receipt_id: str
    business: str = Field(description="the business's name")
    inn: str
    scope: str = Field(description="the measure's code, or `all`: every support measure for business")
    scope_name: str
    given_at: datetime
    given_by: str = Field(description="the representative who gave it")
    text_version: int
    revoked_at: datetime | None
    revoked_by: str | None
    receipt_pdf: str = Field(description="the printable receipt in Russian, the JSON receipt inside")

    @staticmethod
    def resolve_receipt_id(obj):
        return str(obj.receipt_id)

    @staticmethod
    def resolve_business(obj):
        return obj.business.name

    @staticmethod
    def resolve_inn(obj):
        return obj.business.inn

    @staticmethod
    def resolve_scope(obj):
        return obj.service.code if obj.service_id else "all"

    @staticmethod
    def resolve_scope_name(obj):
        return obj.service.name if obj.service_id else _("every support measure for business")

    @staticmethod
    def resolve_given_by(obj):
        return obj.given_by.full_name

    @staticmethod
    def resolve_text_version(obj):
        return obj.text.version

    @staticmethod
    def resolve_revoked_by(obj):
        return obj.revoked_by.full_name if obj.revoked_by_id else None

    @staticmethod
    def resolve_receipt_pdf(obj):
        return reverse("delivery:business_consent_receipt_pdf", args=[obj.pk])


class BusinessConsentRevokedOut(Schema):
    consent: BusinessConsentOut
    offers_stopped: int = Field(description="open offers withdrawn because no other consent covers them")


def _represented_business(request):
    """The business the signed-in representative acts for today, as on the pages (/business/support/)."""
    if request.user.role != Role.BUSINESS_REPRESENTATIVE:
        raise HttpError(403, _("Only a representative of a business gives its consent."))
    profile = business_selectors.profile_for(request.user)
    if profile is None:
        raise HttpError(404, _("You represent no business today, or its profile is not filled in."))
    return profile.business


def _consents_of(business):
    return BusinessConsent.objects.filter(business=business).select_related(
        "business", "service", "given_by", "revoked_by", "text"
    )


@me_router.get(
    "/business/consents",
    response=list[BusinessConsentOut],
    auth=session_auth,
    summary="The consents of the business I represent (support measures), newest first",
)
def business_consents(request):
    return list(_consents_of(_represented_business(request)))


@me_router.post(
    "/business/consents",
    response={200: BusinessConsentOut, 201: BusinessConsentOut},
    auth=session_auth,
    summary="Give the business's consent to be checked for support measures (all, or one measure)",
    description="201 with the new consent; 200 with the one already in force for the same scope (a retry gives "
    "nothing twice). The measures are checked at once and offers follow on the representatives' channels.",
)
def give_business_consent(request, payload: BusinessConsentIn):
    business = _represented_business(request)
    service = None
    code = (payload.service or "").strip()
    if code and code != "all":
        service = Service.objects.filter(code=code, kind="support_measure").first()
        if service is None:
            raise ValidationError(
                {"service": _("No support measure has the code «%(code)s».") % {"code": code}}
            )
    existing = business_support.active_consents(business).filter(service=service).exists()
    consent = business_support.give_consent(business, person=request.user, service=service)
    return StatusReply(200 if existing else 201, _consents_of(business).get(pk=consent.pk))


@me_router.post(
    "/business/consents/{consent_id}/revoke",
    response=BusinessConsentRevokedOut,
    auth=session_auth,
    summary="Withdraw a consent of the business I represent; offers it alone covered stop at once",
)
def revoke_business_consent(request, consent_id: int):
    business = _represented_business(request)
    consent = get_object_or_404(_consents_of(business), pk=consent_id)
    if consent.revoked_at is not None:
        raise HttpError(409, _("This consent is already revoked."))
    stopped = business_support.revoke_consent(consent, person=request.user)
    return {"consent": _consents_of(business).get(pk=consent.pk), "offers_stopped": stopped}

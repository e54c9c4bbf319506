"""Delivery API: life events from registries (integration token), and a client's own open offers."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema
from ninja.responses import Status as StatusReply
from ninja.security import django_auth

from clientcentric.accounts.api_auth import ApiTokenAuth
from clientcentric.accounts.models import ApiScope

from . import selectors
from .models import LifeEvent
from .services import life_events as life_event_services

events_router = Router(tags=["life events"])
me_router = Router(tags=["personal cabinet"])

KindCode = Literal[tuple(LifeEvent.Kind.values)]


class LifeEventIn(Schema):
    event_id: str = Field(
        min_length=1, max_length=120, description="the source's id; a replay is answered, not reapplied"
    )
    kind: KindCode
    snils: str = Field(max_length=20, description="SNILS of the person the event is about")
    occurred_at: datetime
    sequence: int | None = Field(
        None,
        ge=1,
        description="per-person order number from the source; a gap holds later events until it is filled",
    )
    concerns: list[str] = Field(
        default_factory=list, max_length=20, description="SNILS of other people it concerns"
    )
    data: dict = Field(
        default_factory=dict, description="kind-specific data, e.g. {child: {name, birth_date}}"
    )


class LifeEventOut(Schema):
    event_id: str
    kind: str
    state: str
    occurred_at: datetime
    received_at: datetime
    applied_at: datetime | None
    result: dict


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
    response={200: LifeEventOut, 201: LifeEventOut},
    auth=ApiTokenAuth(ApiScope.LIFE_EVENTS_WRITE),
    summary="Report a life event (registries, with an integration token); idempotent by event_id",
)
def report_life_event(request, payload: LifeEventIn):
    data = life_event_services.EventInput(**payload.dict())
    event, created = life_event_services.receive_life_event(data, source=request.api_token)
    return StatusReply(201 if created else 200, event)


@me_router.get("/offers", response=list[OfferOut], auth=django_auth, summary="My open offers")
def my_offers(request):
    return list(selectors.open_offers(request.user))

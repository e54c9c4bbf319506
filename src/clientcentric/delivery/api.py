"""Delivery API: life events from registries (integration token), and a client's own open offers."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Router, Schema
from ninja.responses import Status as StatusReply

from clientcentric.accounts.api_auth import ApiTokenAuth, session_auth
from clientcentric.accounts.models import ApiScope

from . import selectors
from .models import LifeEvent
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

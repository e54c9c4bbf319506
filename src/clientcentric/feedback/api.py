"""Feedback API for integrating systems: the call centre's voice menu and invitations from other touchpoints."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as StatusReply

from clientcentric.accounts.api_auth import ApiTokenAuth
from clientcentric.accounts.models import ApiScope
from clientcentric.registry.models import LifeSituation, Segment, Service

from . import services
from .models import EndPoint, Invitation

router = Router(tags=["feedback"])

INVITABLE = tuple(value for value in EndPoint.values if value != EndPoint.PAGE)


class IvrIn(Schema):
    """Keypad digits pressed after a call; an out-of-range digit is refused, not clamped."""

    call_id: str = Field(min_length=1, max_length=100, description="the call's id in the telephony system")
    satisfaction: int = Field(ge=1, le=5, description="1–5: how satisfied (CSAT)")
    effort: int | None = Field(None, ge=1, le=7, description="1–7: it was easy (CES)")
    went_well: list[str] = Field([], description="driver codes chosen by further digits")
    got_in_way: list[str] = Field([], description="driver codes")
    service: str = Field("", description="registry code of the service the call was about")


class RatingOut(Schema):
    id: int
    source: str
    submitted_at: datetime
    follow_up: bool


class InvitationIn(Schema):
    end_point: str = Field(description=f"one of: {', '.join(INVITABLE)}")
    transaction_kind: str = Field(
        min_length=1, max_length=40, description="e.g. service_request, appointment, chat"
    )
    transaction_ref: str = Field(
        min_length=1, max_length=100, description="the transaction's id in your system"
    )
    touchpoint: str = Field(
        max_length=40, description="registry touchpoint code: portal, app, call_centre, chatbot, …"
    )
    service: str = ""
    segment: str = ""
    life_situation: str = ""
    email: str = Field("", max_length=254, description="where to send the link; omit to deliver it yourself")
    channel: str = Field(
        "",
        max_length=20,
        description="email, sms, messenger or push: send the link there, to `address` (a signed-in client's "
        "own choice in their subscription settings comes first)",
    )
    address: str = Field("", max_length=4096, description="phone, Telegram @username or chat id, push token")


class InvitationOut(Schema):
    id: int
    link: str
    expires_at: datetime


def _rating_out(response):
    return {
        "id": response.pk,
        "source": response.source,
        "submitted_at": response.submitted_at,
        "follow_up": hasattr(response, "follow_up"),
    }


@router.post(
    "/ivr",
    response={201: RatingOut},
    auth=ApiTokenAuth(ApiScope.FEEDBACK_WRITE),
    summary="A rating from the call centre's voice menu (keypad digits)",
)
def ivr(request, payload: IvrIn):
    client = request.api_token
    service = get_object_or_404(Service, code=payload.service) if payload.service else None
    rating = services.Rating(
        satisfaction=payload.satisfaction,
        effort=payload.effort,
        went_well=payload.went_well,
        got_in_way=payload.got_in_way,
    )
    try:
        response = services.answer_by_phone(
            call_id=f"{client.pk}:{payload.call_id}", agency=client.agency, rating=rating, service=service
        )
    except services.InvitationRefused as refusal:
        raise HttpError(409, refusal.messages[0]) from None
    return StatusReply(201, _rating_out(response))


@router.post(
    "/invitations",
    response={200: InvitationOut, 201: InvitationOut},
    auth=ApiTokenAuth(ApiScope.FEEDBACK_WRITE),
    summary="Invite a client to rate a finished transaction (service request, appointment, chat, …)",
)
def create_invitation(request, payload: InvitationIn):
    client = request.api_token
    service = get_object_or_404(Service, code=payload.service) if payload.service else None
    segment = get_object_or_404(Segment, code=payload.segment) if payload.segment else None
    situation = (
        get_object_or_404(LifeSituation, code=payload.life_situation) if payload.life_situation else None
    )
    if service is not None and client.agency_id and service.agency_id != client.agency_id:
        raise HttpError(403, "This service belongs to another agency.")
    # References are scoped by the calling system, so two systems' ids never collide.
    reference = f"{client.pk}:{payload.transaction_ref}"
    before = Invitation.objects.filter(
        end_point=payload.end_point, transaction_kind=payload.transaction_kind, transaction_ref=reference
    ).exists()
    invitation = services.invite(
        end_point=payload.end_point,
        transaction_kind=payload.transaction_kind,
        transaction_ref=reference,
        touchpoint=payload.touchpoint,
        agency=client.agency,
        service=service,
        segment=segment,
        life_situation=situation,
        email=payload.email,
        channel=payload.channel,
        address=payload.address,
    )
    body = {"id": invitation.pk, "link": services.link_for(invitation), "expires_at": invitation.expires_at}
    return StatusReply(200 if before else 201, body)

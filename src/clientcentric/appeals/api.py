"""Appeals API: intake for integrating systems and the portal, and the public tracker."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.responses import Status as StatusReply

from clientcentric.accounts.api_auth import ApiTokenAuth, session_auth
from clientcentric.accounts.models import ApiScope
from clientcentric.core.api_pagination import Pagination

from . import selectors, services, uploads
from .calls import services as call_services
from .models import Channel, Kind, Status
from .publication import public_text

router = Router(tags=["appeals"])

ChannelCode = Literal[tuple(Channel.values)]
KindCode = Literal[tuple(Kind.values)]
StatusCode = Literal[tuple(Status.values)]


class AppealIn(Schema):
    text: str = Field(max_length=services.MAX_TEXT_LENGTH, description="the appeal as the author wrote it")
    channel: ChannelCode = "api"
    kind: KindCode = "written"
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=30)
    address: str = Field("", max_length=300)
    district: str = Field("", max_length=100)
    municipality: str = Field(
        "",
        max_length=100,
        description="the municipality within the district, when the sending system knows it",
    )
    object_kind: str = Field(
        "",
        max_length=100,
        description="what the appeal is about as the author chose it («Дом», «Двор», «Улица»…; "
        "the portal's list is in docs/appeals.md): the topic model and the router read it",
    )
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    publish: bool | None = Field(
        None,
        description="the author's consent to show the appeal (masked) on the public tracker; by default public "
        "channels are shown and private ones (e-mail, calls, visits, chat-bot, private messages) are not",
    )


class AppealEventOut(Schema):
    occurred_at: datetime
    to_status: str
    note: str

    @staticmethod
    def resolve_note(obj):
        return public_text(obj.note)


class AnswerOut(Schema):
    created_at: datetime
    text: str = Field(description="the answer with personal data masked (XXXX)")

    @staticmethod
    def resolve_text(obj):
        return public_text(obj.text)


class AppealPublicOut(Schema):
    """What anyone may see of an appeal: no author, no contact data."""

    number: str
    status: StatusCode
    channel: str
    kind: str
    topic: str
    district: str
    text: str = Field(description="the appeal with personal data masked (XXXX)")
    executor: str | None
    need: str | None = Field(None, description="code of the registry's typical need the topic is evidence of")
    life_situation: str | None = Field(None, description="code of the need's life situation")
    registered_at: datetime
    deadline_at: datetime
    answered_at: datetime | None
    supporters: int = Field(alias="supporters_count")

    @staticmethod
    def resolve_text(obj):
        return public_text(obj.text)

    @staticmethod
    def resolve_executor(obj):
        return obj.executor.name if obj.executor else None

    @staticmethod
    def resolve_need(obj):
        return obj.need.code if obj.need_id else None

    @staticmethod
    def resolve_life_situation(obj):
        return obj.life_situation.code if obj.life_situation_id else None


class AppealDetailOut(AppealPublicOut):
    history: list[AppealEventOut]
    answers: list[AnswerOut]

    @staticmethod
    def resolve_history(obj):
        return [e for e in obj.events.all() if e.is_public]

    @staticmethod
    def resolve_answers(obj):
        return [a for a in obj.answers.all() if a.is_public]


@router.post(
    "",
    response={200: AppealPublicOut, 201: AppealPublicOut},
    auth=[ApiTokenAuth(ApiScope.APPEALS_WRITE), session_auth],
    summary="File an appeal (integrating systems with a token, or a signed-in person)",
)
def create_appeal(
    request,
    payload: AppealIn,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        max_length=200,
        description="required with a token, optional for a signed-in person: a retry with the same key and "
        "body answers the first appeal (200); the same key with another body answers 422",
    ),
):
    source = getattr(request, "api_token", None)
    if source is not None and not idempotency_key:
        # A system that retries without a key would file the appeal twice; a key derived from the body would
        # merge two residents' identical complaints. So integrating systems name each request themselves.
        raise HttpError(
            400, "Send an Idempotency-Key header: a unique value per appeal, the same on retries."
        )
    data = services.AppealInput(**payload.dict())
    intake = services.receive_appeal(
        data, author=None if source else request.user, source=source, idempotency_key=idempotency_key
    )
    return StatusReply(201 if intake.created else 200, intake.appeal)


class CallOut(Schema):
    """What the telephony learns back: the appeal the recording joined. No caller's number."""

    appeal: str = Field(description="the appeal's number")
    appeal_created: bool = Field(description="true when the call registered a new phone appeal")
    recording_id: int
    call_id: str
    duration_seconds: int | None


@router.post(
    "/calls",
    response={200: CallOut, 201: CallOut},
    auth=[ApiTokenAuth(ApiScope.CALLS_WRITE)],
    summary="Attach a call centre's recorded call to an appeal, or register a phone appeal with it",
)
def receive_call(
    request,
    recording: File[UploadedFile],
    call_id: Form[str],
    caller_number: Form[str],
    started_at: Form[datetime],
    ended_at: Form[datetime],
    operator: Form[str] = "",
    appeal: Form[str] = "",
    text: Form[str] = "",
    contact_name: Form[str] = "",
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        max_length=200,
        description="one per call, the same on retries: a retry answers the first result (200); the same key "
        "with other content answers 409",
    ),
):
    limit = uploads.media_limit("audio/")
    if recording.size > limit:
        raise ValidationError(
            {
                "file": _("“%(name)s” is larger than %(mb)s MB.")
                % {"name": recording.name, "mb": limit // 2**20}
            }
        )
    data = call_services.CallInput(
        call_id=call_id.strip(),
        caller_number=caller_number,
        started_at=started_at,
        ended_at=ended_at,
        file_name=recording.name or "",
        data=recording.read(),
        operator=operator.strip(),
        appeal_number=appeal.strip(),
        text=text,
        contact_name=contact_name.strip()[:200],
    )
    try:
        intake = call_services.receive_call(data, source=request.api_token, idempotency_key=idempotency_key)
    except call_services.IdempotencyConflict as error:
        raise HttpError(409, str(error)) from None
    attachment = intake.recording.attachment
    out = CallOut(
        appeal=attachment.appeal.number,
        appeal_created=intake.appeal_created,
        recording_id=intake.recording.pk,
        call_id=intake.recording.call_id,
        duration_seconds=attachment.duration_seconds,
    )
    return StatusReply(201 if intake.created else 200, out)


@router.get("", response=list[AppealPublicOut], auth=None, summary="Public list of appeals")
@paginate(Pagination)
def list_appeals(
    request, district: str | None = None, topic: str | None = None, status: StatusCode | None = None
):
    return selectors.public_appeals(district=district, topic=topic, status=status)


@router.get("/{number}", response=AppealDetailOut, auth=None, summary="Public tracker of one appeal")
def get_appeal(request, number: str):
    return get_object_or_404(
        selectors.public_appeals().prefetch_related("events", "answers").with_number(number)
    )

"""The personal cabinet's appeals in the API (`/api/v1/me/appeals`): a person's own, or — with the `Acting-For`
header — those of the client they represent (a parent for a child, a guardian, an attorney; DEF-2).

The representation is checked on every request against its dates (accounts.selectors.acts_for); without the
header, the site's "acting for" switch of the same session applies, as on the pages.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status as StatusReply

from clientcentric.accounts import acting
from clientcentric.accounts import selectors as representation
from clientcentric.accounts.api_auth import session_auth
from clientcentric.accounts.models import Power, User

from . import services
from .models import Appeal

router = Router(tags=["personal cabinet"])

ACTING_FOR = Header(
    None,
    alias="Acting-For",
    description="the id of the client to act for (see GET /me/represented); the representation must be in "
    "force today. Without it: the person themselves, or whom they switched to on the site (/me/acting/)",
)


def _client(request, acting_for: int | None, power: str):
    """Whose appeals: the person, or the client they may act for today with `power`; 403 otherwise."""
    user = request.user
    if acting_for is None:
        try:
            return acting.client_of(request, power)
        except acting.MissingPower as missing:
            raise HttpError(403, missing.user_message) from None
        except PermissionDenied:
            raise HttpError(403, _("The representation is not in force.")) from None
    client = User.objects.filter(pk=acting_for).first()
    if client is None or not representation.acts_for(user, client=client):
        raise HttpError(
            403, _("You cannot act for this person: there is no power of attorney in force today.")
        )
    try:
        acting.require_power(user, client, power)
    except acting.MissingPower as missing:
        raise HttpError(403, missing.user_message) from None
    return client


class RepresentedOut(Schema):
    id: int
    name: str = Field(description="the client's full name")
    basis: str = Field(description="the power of attorney or the law the representation rests on")
    kind: str = Field(description="parent | guardian | head | attorney")
    powers: list[str] = Field(
        description="what the representative may do: appeals, apply, consents, data, appointments "
        "(parents and guardians hold all by law; a power of attorney the ones it lists)"
    )
    valid_from: str
    valid_to: str | None


class MyAppealIn(Schema):
    text: str = Field(max_length=services.MAX_TEXT_LENGTH)
    address: str = Field("", max_length=300)
    district: str = Field("", max_length=100)
    object_kind: str = Field(
        "",
        max_length=100,
        description="where the problem is, as the portal's form asks («Дом», «Двор», «Улица»…)",
    )
    topic: str = Field("", max_length=300)
    publish: bool | None = Field(
        None, description="consent to show the appeal (masked) on the public tracker"
    )


class MyAppealOut(Schema):
    number: str
    status: str
    channel: str
    text: str
    registered_at: datetime
    deadline_at: datetime
    author: str = Field(description="whose appeal it is")
    filed_by_representative: str | None = Field(
        None, description="the representative who filed it for the author, if one did"
    )

    @staticmethod
    def resolve_author(obj):
        return obj.author.full_name if obj.author_id else ""

    @staticmethod
    def resolve_filed_by_representative(obj):
        return obj.representative.full_name if obj.representative_id else None


@router.get(
    "/represented", response=list[RepresentedOut], auth=session_auth, summary="Whom I may act for today"
)
def represented(request):
    return [
        RepresentedOut(
            id=row.client_id,
            name=row.client.full_name,
            basis=row.basis,
            kind=row.kind,
            powers=row.held_powers,
            valid_from=row.valid_from.isoformat(),
            valid_to=row.valid_to.isoformat() if row.valid_to else None,
        )
        for row in representation.in_force(request.user)
        .filter(client__isnull=False)
        .select_related("client")
        .order_by("client__last_name", "client__first_name", "pk")
    ]


@router.get("/appeals", response=list[MyAppealOut], auth=session_auth, summary="My appeals (or my client's)")
def my_appeals(request, acting_for: int | None = ACTING_FOR):
    client = _client(request, acting_for, Power.APPEALS)
    return (
        Appeal.objects.filter(author=client).select_related("author", "representative").order_by("-pk")[:100]
    )


@router.post(
    "/appeals",
    response={200: MyAppealOut, 201: MyAppealOut},
    auth=session_auth,
    summary="File an appeal for myself, or as a representative for my client",
)
def file_appeal(
    request,
    payload: MyAppealIn,
    acting_for: int | None = ACTING_FOR,
    idempotency_key: str = Header(
        "",
        alias="Idempotency-Key",
        max_length=200,
        description="optional: a retry with the same key and body answers the first appeal (200)",
    ),
):
    client = _client(request, acting_for, Power.APPEALS)
    intake = services.receive_appeal(
        services.AppealInput(channel="portal", **payload.dict()),
        author=client,
        representative=request.user if client.pk != request.user.pk else None,
        idempotency_key=idempotency_key,
    )
    return StatusReply(201 if intake.created else 200, intake.appeal)

"""The business ombudsman's office works its queue: it takes a business's request into work and answers it; the
answer reaches the business on its event page and by e-mail, as the body's other supervision notices do."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core.services import audit
from clientcentric.core.services import status as status_service

from ..models import OmbudsmanRequest
from ..workflow import OMBUDSMAN_REQUEST
from .events import append_history
from .prevention import notify_business


def _locked(request: OmbudsmanRequest) -> OmbudsmanRequest:
    return (
        OmbudsmanRequest.objects.select_for_update()
        .select_related("event__profile__business")
        .get(pk=request.pk)
    )


@transaction.atomic
def take(request: OmbudsmanRequest, *, actor) -> OmbudsmanRequest:
    """The office takes the request into work (received → in work)."""
    request = _locked(request)
    if not OMBUDSMAN_REQUEST.can(request.status, OmbudsmanRequest.Status.IN_WORK):
        raise ValidationError(_("This request cannot be taken into work now."))
    request.taken_by = actor
    status_service.transition(
        request,
        OMBUDSMAN_REQUEST,
        OmbudsmanRequest.Status.IN_WORK,
        actor=actor,
        update_fields=("taken_by",),
        audit_action="supervision.ombudsman_taken",
    )
    return request


@transaction.atomic
def answer(request: OmbudsmanRequest, *, text: str, actor) -> OmbudsmanRequest:
    """The office's answer: stored, shown on the business's event page, sent to its representatives."""
    request = _locked(request)
    if request.status == OmbudsmanRequest.Status.ANSWERED:
        raise ValidationError(_("This request is already answered."))
    if not text.strip():
        raise ValidationError({"answer": _("Write the answer to the business.")})
    request.answer, request.answered_at, request.answered_by = text.strip(), timezone.now(), actor
    status_service.transition(
        request,
        OMBUDSMAN_REQUEST,
        OmbudsmanRequest.Status.ANSWERED,
        actor=actor,
        update_fields=("answer", "answered_at", "answered_by"),
    )
    event = request.event
    append_history(event, "ombudsman_answered", actor, request.answer)
    notify_business(
        event.profile,
        _("The business ombudsman answered your request on %(number)s") % {"number": event.number},
        request.answer,
        about=request,
    )
    audit.record(actor, "supervision.ombudsman_answered", request)
    return request

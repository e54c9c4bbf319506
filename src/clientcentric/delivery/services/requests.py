"""Service requests: the decision, the refusal's reason and what it tells about unmet needs."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core import plain_russian
from clientcentric.core.services import audit, status
from clientcentric.core.services.chains import notify_person
from clientcentric.engines.text.plain_russian import is_over_limit
from clientcentric.registry.models import Need

from .. import workflow
from ..models import (
    RefusalReason,
    ServiceRequest,
    UnmetNeedEvidence,
)


@transaction.atomic
def decide(
    request: ServiceRequest,
    *,
    approve: bool,
    actor,
    reason: RefusalReason | None = None,
    explanation: str = "",
    next_steps: str = "",
    override_reason: str = "",
) -> ServiceRequest:
    """Approve, or refuse with a catalogue reason; the text the client gets passes the plain-Russian check
    under the agency's limits, as an operator's answer to an appeal does — past a limit it needs a reason."""
    request = (
        ServiceRequest.objects.select_for_update().select_related("service", "client").get(pk=request.pk)
    )
    if request.status != ServiceRequest.Status.SUBMITTED:
        raise ValidationError(_("This request is already decided."))
    previous = request.status
    workflow.SERVICE_REQUEST.check(
        previous, ServiceRequest.Status.APPROVED if approve else ServiceRequest.Status.REFUSED, request
    )
    if approve:
        request.status = ServiceRequest.Status.APPROVED
        request.explanation = explanation.strip()
    else:
        if reason is None:
            raise ValidationError({"reason": _("Choose the reason for the refusal from the catalogue.")})
        request.status = ServiceRequest.Status.REFUSED
        request.refusal_reason = reason
        request.explanation = explanation.strip() or reason.explanation
        request.next_steps = next_steps.strip() or reason.next_steps
        if reason.need_cannot_be_met:
            for need in Need.objects.filter(services=request.service):
                UnmetNeedEvidence.objects.create(need=need, request=request, reason=reason)
    sent = "\n\n".join(text for text in (request.explanation, request.next_steps) if text)
    over = False
    if sent.strip():
        override_reason = override_reason.strip()
        result = plain_russian.require_plain(sent, request.service.agency, override_reason)
        over = is_over_limit(result)
        request.reading_ease = round(result.flesch_reading_ease, 2)
        request.reading_grade = round(result.fk_grade, 2)
        request.plain_override_reason = override_reason if over else ""
    request.decided_at, request.decided_by = timezone.now(), actor
    request.save()
    status.history_entry(request, workflow.SERVICE_REQUEST, previous, request.status, actor=actor).save()
    if over:
        audit.record(
            actor,
            "delivery.plain_check_overridden",
            request,
            reading_ease=request.reading_ease,
            reading_grade=request.reading_grade,
            reason=request.plain_override_reason,
        )
    audit.record(
        actor,
        "delivery.request_decided",
        request,
        status=request.status,
        reason=reason.code if reason else "",
    )
    if request.status == ServiceRequest.Status.APPROVED:
        subject = _("Approved: %(service)s") % {"service": request.service.name}
        body = request.explanation or _("Your request is approved.")
    else:
        subject = _("Refused: %(service)s") % {"service": request.service.name}
        body = f"{request.explanation}\n\n{_('What you can do next:')} {request.next_steps}"
    notify_person(request.client, subject, body, about=request)
    return request


def note_staff_read(actor, request: ServiceRequest) -> None:
    """A member of staff opened a client's personal data (DESIGN.md §6: every such read is audited)."""
    audit.record(actor, "delivery.request_read", request, client=request.client_id)

"""Every write of the call centre's telephony: a recorded call attached to an appeal, or a new phone appeal.

Idempotent per telephony system and Idempotency-Key (a retry answers the first result; the same key with other
content is refused), validated before anything is written, all in one transaction. The caller's number is
personal data: it goes into no log and no audit entry, only into the recording's row.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.accounts.models import ApiToken
from clientcentric.core.services import audit

from .. import services, uploads
from ..models import Appeal, AppealEvent, Attachment, CallRecording, Channel

# A clock a little ahead on the telephony side is not an error; a call from tomorrow is.
CLOCK_SKEW = timedelta(minutes=5)
_DIGITS = re.compile(r"\D+")


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used with a different request (the API answers 409)."""


@dataclass(frozen=True)
class CallInput:
    """What the telephony sends with a recorded call."""

    call_id: str
    caller_number: str
    started_at: datetime
    ended_at: datetime
    file_name: str
    data: bytes
    operator: str = ""
    appeal_number: str = ""
    text: str = ""
    contact_name: str = ""


@dataclass(frozen=True)
class CallIntake:
    recording: CallRecording
    created: bool
    appeal_created: bool


def normalise_number(raw: str) -> str:
    """+7 (916) 123-45-67, 8 916 123 45 67 → +79161234567; "" for anything that is not a phone number."""
    digits = _DIGITS.sub("", raw or "")
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    if len(digits) == 10 and digits[0] == "9":
        digits = "7" + digits
    return f"+{digits}" if 10 <= len(digits) <= 15 else ""


def fingerprint(data: CallInput) -> str:
    """Every field the telephony sent and the recording's bytes: what a reused key is compared by."""
    fields = {
        "call_id": data.call_id,
        "caller_number": normalise_number(data.caller_number),
        "started_at": data.started_at.isoformat(),
        "ended_at": data.ended_at.isoformat(),
        "operator": data.operator,
        "appeal_number": data.appeal_number,
        "text": data.text,
        "contact_name": data.contact_name,
        "file": hashlib.sha256(data.data).hexdigest(),
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _validate(data: CallInput) -> int:
    """The call's declared length in seconds; ValidationError naming every field that is wrong."""
    problems = {}
    if not data.call_id.strip():
        problems["call_id"] = _("Give the call's id in the telephony system.")
    elif len(data.call_id) > 100:
        problems["call_id"] = _("The call id is longer than 100 characters.")
    if not normalise_number(data.caller_number):
        problems["caller_number"] = _("The caller's number is not a phone number (10 to 15 digits).")
    if len(data.operator) > 200:
        problems["operator"] = _("The operator's name is longer than 200 characters.")
    if len(data.text) > services.MAX_TEXT_LENGTH:
        problems["text"] = _("The text is longer than %(max)s characters.") % {
            "max": services.MAX_TEXT_LENGTH
        }
    seconds = int((data.ended_at - data.started_at).total_seconds())
    if data.ended_at <= data.started_at:
        problems["ended_at"] = _("The call must end after it starts.")
    elif seconds > uploads.max_media_seconds():
        problems["ended_at"] = _("The call is longer than %(minutes)s minutes.") % {
            "minutes": uploads.max_media_seconds() // 60
        }
    elif data.ended_at > timezone.now() + CLOCK_SKEW:
        problems["ended_at"] = _("The call cannot end in the future.")
    kind = uploads.sniff(data.data)
    if not data.data:
        problems["file"] = _("Attach the call's recording.")
    elif kind is None or not kind.startswith("audio/"):
        problems["file"] = _("“%(name)s” is not an audio recording (MP3, OGG, WAV or M4A).") % {
            "name": data.file_name
        }
    if problems:
        raise ValidationError(problems)
    return seconds


def _appeal_for(data: CallInput, source: ApiToken) -> Appeal:
    query = Appeal.objects.with_number(data.appeal_number)
    if source.agency_id:
        # A call centre works for its agency: it attaches only to that agency's appeals.
        query = query.filter(executor_id=source.agency_id)
    appeal = query.select_for_update().first()
    if appeal is None:
        raise ValidationError(
            {"appeal": _("No appeal № %(number)s for this call centre.") % {"number": data.appeal_number}}
        )
    return appeal


def _replay(source: ApiToken, key: str, digest: str) -> CallIntake | None:
    found = (
        CallRecording.objects.filter(source=source, idempotency_key=key)
        .select_related("attachment__appeal")
        .first()
    )
    if found is None:
        return None
    if found.request_fingerprint != digest:
        raise IdempotencyConflict(_("This Idempotency-Key was already used with a different request."))
    # The same answer as the first time: whether this call registered the appeal it is attached to.
    registered_by_call = found.attachment.appeal.external_id == _external_id(source, found.call_id)
    return CallIntake(found, created=False, appeal_created=registered_by_call)


def _external_id(source: ApiToken, call_id: str) -> str:
    return f"call:{source.pk}:{call_id}"


def receive_call(data: CallInput, *, source: ApiToken, idempotency_key: str) -> CallIntake:
    """Attach a recorded call to the appeal it names, or register a phone appeal with it; all or nothing."""
    if not idempotency_key:
        raise ValidationError(
            {"idempotency_key": _("Send an Idempotency-Key: one per call, the same on retries.")}
        )
    digest = fingerprint(data)
    replayed = _replay(source, idempotency_key, digest)
    if replayed is not None:
        return replayed
    seconds = _validate(data)
    # The bytes are checked (type, size, a WAV's own length) before anything is written.
    try:
        uploads.clean(data.file_name, data.data)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    try:
        with transaction.atomic():
            intake = _store(data, source, idempotency_key, digest, seconds)
    except IntegrityError:
        # A concurrent retry with the same key won the race, or this call was already received.
        replayed = _replay(source, idempotency_key, digest)
        if replayed is not None:
            return replayed
        raise ValidationError(
            {"call_id": _("The call %(call_id)s was already received.") % {"call_id": data.call_id}}
        ) from None
    return intake


def _store(data: CallInput, source: ApiToken, key: str, digest: str, seconds: int) -> CallIntake:
    number = normalise_number(data.caller_number)
    appeal_created = not data.appeal_number
    if data.appeal_number:
        appeal = _appeal_for(data, source)
    else:
        text = data.text.strip() or _("Appeal by phone: the call's recording is attached.")
        appeal = services.receive_appeal(
            services.AppealInput(
                channel=Channel.PHONE,
                text=text,
                contact_name=data.contact_name,
                contact_phone=number,
                external_id=_external_id(source, data.call_id),
            ),
            source=source,
        ).appeal
    attachment = services.attach(
        appeal,
        name=data.file_name or f"call-{data.call_id}",
        content_type="",
        data=data.data,
        origin=Attachment.Origin.CALL_CENTRE,
        seconds=seconds,
    )
    recording = CallRecording(
        attachment=attachment,
        source=source,
        call_id=data.call_id,
        caller_number=number,
        started_at=data.started_at,
        ended_at=data.ended_at,
        operator=data.operator,
        idempotency_key=key,
        request_fingerprint=digest,
    )
    recording.save()
    AppealEvent.objects.create(
        appeal=appeal,
        actor=None,
        from_status=appeal.status,
        to_status=appeal.status,
        note=_("The call centre attached the recorded call %(call_id)s.") % {"call_id": data.call_id},
        is_public=False,
    )
    # The call id and the system, never the number: the audit log is read more widely than the recording.
    audit.record(None, "appeals.call_recording_received", appeal, call_id=data.call_id, source=source.pk)
    return CallIntake(recording, created=True, appeal_created=appeal_created)


def reveal_number(recording: CallRecording, *, viewer) -> str:
    """The caller's full number for a member of staff who asked to see it; the read is audited."""
    audit.record(
        viewer,
        "appeals.caller_number_read",
        recording.attachment.appeal,
        call_id=recording.call_id,
    )
    return recording.caller_number

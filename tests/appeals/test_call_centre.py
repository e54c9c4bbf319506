"""The call centre's telephony attaches recorded calls to appeals (issue 20, docs/channels.md)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.appeals import services
from clientcentric.appeals.models import Appeal, AppealEvent, Attachment, CallRecording, mask_phone
from clientcentric.core.models import AuditEvent

from .conftest import written
from .media import wav

URL = "/api/v1/appeals/calls"
NUMBER = "+7 (916) 123-45-67"
STARTED = timezone.now() - timedelta(minutes=10)


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def telephony(housing):
    _record, token = accounts_services.issue_token(
        name="Телефония колл-центра", agency=housing, scopes=[ApiScope.CALLS_WRITE]
    )
    return token


def fields(**overrides):
    started = STARTED
    values = {
        "call_id": "call-0001",
        "caller_number": NUMBER,
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=3)).isoformat(),
        "operator": "Смирнова О.",
        "text": "Звонила жительница: в подъезде дома 3 не работает лифт",
    }
    values.update(overrides)
    return values


def upload(client, token, key="k-1", data=None, name="call.wav", **overrides):
    body = {**fields(**overrides), "recording": SimpleUploadedFile(name, data or wav(2.0), "audio/wav")}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, body, **headers)


def test_a_recorded_call_registers_a_phone_appeal_with_the_recording(client, telephony, housing):
    response = upload(client, telephony)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["appeal_created"] is True and body["duration_seconds"] == 2
    appeal = Appeal.objects.get()
    assert appeal.number == body["appeal"] and appeal.channel == "phone" and appeal.executor == housing
    assert appeal.contact_phone == "+79161234567"
    recording = CallRecording.objects.get()
    assert recording.caller_number == "+79161234567" and recording.attachment.origin == "call_centre"
    assert "+79161234567" not in response.content.decode()


def test_a_recorded_call_attaches_to_the_appeal_it_names(client, telephony, lift_rule, people):
    appeal = services.receive_appeal(written(district="Невский"), author=people["client"]).appeal
    response = upload(client, telephony, appeal=appeal.number)
    assert response.status_code == 201 and response.json()["appeal_created"] is False
    assert Appeal.objects.count() == 1 and appeal.attachments.get().call.call_id == "call-0001"
    assert AppealEvent.objects.filter(appeal=appeal, note__contains="call-0001").exists()


def test_a_retry_with_the_same_key_answers_the_same_result(client, telephony):
    first = upload(client, telephony)
    again = upload(client, telephony)
    assert again.status_code == 200 and again.json() == first.json()
    assert CallRecording.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_same_key_with_other_content_is_a_conflict_and_stores_nothing(client, telephony):
    upload(client, telephony)
    other = upload(client, telephony, data=wav(3.0))
    assert other.status_code == 409 and other.json()["error"] == "conflict"
    assert "Idempotency-Key" in other.json()["message"]
    assert CallRecording.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_same_call_under_another_key_is_refused(client, telephony):
    upload(client, telephony)
    again = upload(client, telephony, key="k-2")
    assert again.status_code == 422 and again.json()["details"][0]["field"] == "call_id"
    assert CallRecording.objects.count() == 1 and Appeal.objects.count() == 1


def test_a_key_is_required(client, telephony):
    assert upload(client, telephony, key="").status_code == 422
    assert not Appeal.objects.exists()


def test_a_token_without_the_calls_scope_is_forbidden(client, integration):
    _record, token = integration
    assert upload(client, token).status_code == 403
    assert upload(client, "no-such-token").status_code == 401
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"caller_number": "позвоните мне"}, "caller_number"),
        ({"call_id": " "}, "call_id"),
        ({"ended_at": (timezone.now() - timedelta(hours=2)).isoformat()}, "ended_at"),
        ({"data": b"MZ\x90\x00 not a recording", "name": "call.exe"}, "file"),
    ],
)
def test_bad_input_names_the_field_in_russian_and_stores_nothing(
    client, telephony, overrides, field, tmp_path
):
    response = upload(client, telephony, **overrides)
    assert response.status_code == 422
    details = response.json()["details"]
    assert details[0]["field"] == field and any("а" <= c <= "я" for c in details[0]["message"].lower())
    assert not Appeal.objects.exists() and not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_a_call_longer_than_the_limit_is_refused(client, telephony, settings):
    settings.CLIENTCENTRIC_APPEAL_MEDIA_MAX_MINUTES = 1
    response = upload(client, telephony)  # declared 3 minutes
    assert response.status_code == 422 and "1 мин" in response.json()["details"][0]["message"]
    assert not Appeal.objects.exists()


def test_a_recording_over_the_size_limit_is_refused_in_russian(client, telephony, settings):
    settings.CLIENTCENTRIC_APPEAL_AUDIO_MAX_MB = 1
    response = upload(client, telephony, data=wav(seconds=140))  # ~1.1 MB
    assert response.status_code == 422
    assert "больше 1 МБ" in response.json()["details"][0]["message"]
    assert not Appeal.objects.exists() and not Attachment.objects.exists()


def test_the_callers_number_is_in_no_audit_entry(client, telephony):
    upload(client, telephony)
    assert AuditEvent.objects.filter(action="appeals.call_recording_received").exists()
    for event in AuditEvent.objects.all():
        assert "9161234567" not in f"{event.summary} {event.data}"


def test_the_number_is_masked_for_lists():
    assert mask_phone("+79161234567") == "+7••••••••67"

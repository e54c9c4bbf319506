"""Voice and video recordings play on the operator's appeal page, served only through the protected view."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.appeals import services
from clientcentric.appeals.calls import services as call_services
from clientcentric.appeals.models import Appeal, Attachment
from clientcentric.core.models import AuditEvent

from .conftest import written
from .media import wav


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def voiced(lift_rule, people, housing):
    """An appeal with the author's voice message and the call centre's recording of their call."""
    intake = services.receive_with_attachments(
        written(district="Невский"), [("голос.wav", "audio/wav", wav(3.0))], author=people["client"]
    )
    telephony, _token = accounts_services.issue_token(
        name="Телефония", agency=housing, scopes=[ApiScope.CALLS_WRITE]
    )
    started = timezone.now() - timedelta(minutes=30)
    call_services.receive_call(
        call_services.CallInput(
            call_id="c-77",
            caller_number="89161234567",
            started_at=started,
            ended_at=started + timedelta(seconds=95),
            file_name="c-77.wav",
            data=wav(1.5),
            operator="Смирнова О.",
            appeal_number=intake.appeal.number,
        ),
        source=telephony,
        idempotency_key="c-77",
    )
    return intake.appeal


def page_of(client, appeal, query=""):
    return client.get(f"/operator/appeals/{appeal.number}/{query}")


def test_the_operator_sees_a_player_for_each_recording_with_its_length_and_origin(
    client, voiced, housing_operator
):
    client.force_login(housing_operator)
    html = page_of(client, voiced).content.decode()
    voice, call = voiced.attachments.order_by("pk")
    for item in (voice, call):
        assert (
            f'<audio controls preload="metadata" src="/operator/appeals/{voiced.number}/files/{item.pk}/"'
            in html
        )
    assert "0:03" in html and "от заявителя" in html
    assert "запись звонка колл-центра" in html and "звонок c-77" in html and "Смирнова О." in html
    assert "/media/" not in html  # never a public URL


def test_the_callers_number_is_masked_until_asked_for_and_the_read_is_audited(
    client, voiced, housing_operator
):
    client.force_login(housing_operator)
    html = page_of(client, voiced).content.decode()
    assert "+7••••••••67" in html and "+79161234567" not in html
    assert not AuditEvent.objects.filter(action="appeals.caller_number_read").exists()
    recording = voiced.attachments.get(origin="call_centre").call
    shown = page_of(client, voiced, f"?caller={recording.pk}").content.decode()
    assert "+79161234567" in shown
    read = AuditEvent.objects.get(action="appeals.caller_number_read")
    assert read.actor_id == housing_operator.pk and "9161234567" not in str(read.data)


def test_the_file_is_served_to_the_operator_of_the_appeal(client, voiced, housing_operator):
    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    response = client.get(f"/operator/appeals/{voiced.number}/files/{item.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content).startswith(b"RIFF")
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="appeals.attachment_read", actor_id=housing_operator.pk).exists()


@pytest.mark.parametrize("who", ["operator", "client"])
def test_a_stranger_gets_403(client, voiced, people, who):
    client.force_login(people[who])  # an operator of another agency; the citizen themselves
    item = voiced.attachments.first()
    assert client.get(f"/operator/appeals/{voiced.number}/files/{item.pk}/").status_code == 403


def test_an_anonymous_visitor_gets_no_file(client, voiced):
    item = voiced.attachments.first()
    response = client.get(f"/operator/appeals/{voiced.number}/files/{item.pk}/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_a_file_of_another_appeal_is_404(client, voiced, housing_operator, lift_rule, people):
    other = services.receive_appeal(written(district="Невский"), author=people["client"]).appeal
    client.force_login(housing_operator)
    item = voiced.attachments.first()
    assert client.get(f"/operator/appeals/{other.number}/files/{item.pk}/").status_code == 404


def test_a_recording_over_the_size_limit_is_refused_in_russian(lift_rule, people, settings):
    settings.CLIENTCENTRIC_APPEAL_AUDIO_MAX_MB = 1
    with pytest.raises(ValidationError) as refused:
        services.receive_with_attachments(
            written(district="Невский"), [("long.wav", "audio/wav", wav(140))], author=people["client"]
        )
    assert "больше 1 МБ" in " ".join(refused.value.messages)
    assert not Appeal.objects.exists() and not Attachment.objects.exists()


def test_a_recording_over_the_length_limit_is_refused_in_russian(lift_rule, people, settings):
    settings.CLIENTCENTRIC_APPEAL_MEDIA_MAX_MINUTES = 1
    with pytest.raises(ValidationError) as refused:
        services.receive_with_attachments(
            written(district="Невский"), [("long.wav", "audio/wav", wav(61))], author=people["client"]
        )
    assert "длиннее 1 мин." in " ".join(refused.value.messages)
    assert not Appeal.objects.exists()


# --- Range requests: a long recording is sought by the browser (appeals/playback.py) --------------------------


def _file_url(appeal, item):
    return f"/operator/appeals/{appeal.number}/files/{item.pk}/"


def _whole(item) -> bytes:
    with item.file.open("rb") as handle:
        return handle.read()


def test_a_range_is_answered_206_with_only_those_bytes(client, voiced, housing_operator):
    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    whole = _whole(item)
    response = client.get(_file_url(voiced, item), HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == whole[100:200]
    assert response["Content-Range"] == f"bytes 100-199/{len(whole)}"
    assert response["Content-Length"] == "100" and response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/wav" and response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("header", "part"),
    [
        ("bytes=0-", slice(0, None)),
        ("bytes=-10", slice(-10, None)),
        ("bytes=20000-99999999", slice(20000, None)),
    ],
)
def test_open_ended_and_suffix_ranges(client, voiced, housing_operator, header, part):
    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    whole = _whole(item)
    response = client.get(_file_url(voiced, item), HTTP_RANGE=header)
    assert response.status_code == 206
    body = b"".join(response.streaming_content)
    assert body == whole[part]
    first = len(whole) - len(body)
    assert response["Content-Range"] == f"bytes {first}-{len(whole) - 1}/{len(whole)}"


def test_a_range_past_the_end_is_416(client, voiced, housing_operator):
    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    size = len(_whole(item))
    response = client.get(_file_url(voiced, item), HTTP_RANGE=f"bytes={size}-")
    assert response.status_code == 416 and response["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-5", "bytes=9-3"])
def test_several_or_malformed_ranges_get_the_whole_file(client, voiced, housing_operator, header):
    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    response = client.get(_file_url(voiced, item), HTTP_RANGE=header)
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == _whole(item)


def test_a_range_is_refused_to_a_stranger_as_the_whole_file_is(client, voiced, people):
    client.force_login(people["operator"])
    item = voiced.attachments.first()
    assert client.get(_file_url(voiced, item), HTTP_RANGE="bytes=0-9").status_code == 403


def test_one_playback_with_many_ranges_is_one_audited_read(client, voiced, housing_operator):
    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    for header in ("bytes=0-", "bytes=4000-", "bytes=20000-", "bytes=100-199"):
        client.get(_file_url(voiced, item), HTTP_RANGE=header)
    reads = AuditEvent.objects.filter(action="appeals.attachment_read", actor_id=housing_operator.pk)
    assert reads.count() == 1
    # Another file is another playback.
    other = voiced.attachments.order_by("pk").last()
    client.get(_file_url(voiced, other), HTTP_RANGE="bytes=0-")
    assert reads.count() == 2


def test_a_playback_after_the_session_window_is_audited_again(client, voiced, housing_operator, monkeypatch):
    from clientcentric.appeals import playback

    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    now = [1_000_000.0]
    monkeypatch.setattr(playback, "clock", lambda: now[0])
    client.get(_file_url(voiced, item), HTTP_RANGE="bytes=0-")
    now[0] += playback.PLAYBACK_SESSION + 1
    client.get(_file_url(voiced, item), HTTP_RANGE="bytes=500-")
    assert AuditEvent.objects.filter(action="appeals.attachment_read").count() == 2


def test_a_range_that_skips_the_first_byte_is_still_audited(client, voiced, housing_operator):
    client.force_login(housing_operator)
    item = voiced.attachments.order_by("pk").first()
    client.get(_file_url(voiced, item), HTTP_RANGE="bytes=1-")
    assert AuditEvent.objects.filter(action="appeals.attachment_read").count() == 1

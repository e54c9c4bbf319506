"""Invitations on the client's own channel (SMS, messenger, push, e-mail), through the notification outbox."""

import json

import pytest
from django.core.exceptions import ValidationError

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.appeals import services as appeal_services
from clientcentric.core.models import Notification
from clientcentric.feedback import services
from clientcentric.feedback.models import Invitation
from clientcentric.subscriptions import services as subscriptions
from clientcentric.subscriptions.services import Preferences


def _choose(person, channels):
    subscriptions.save_preferences(
        person,
        Preferences(topics=[("appeals.status", "")], channels={c: (a, True) for c, a in channels.items()}),
    )


def _invite(ref, **kwargs):
    return services.invite(
        end_point="service_completed",
        transaction_kind="request",
        transaction_ref=ref,
        touchpoint="portal",
        **kwargs,
    )


def _sent(invitation):
    return list(Notification.objects.filter(object_type="feedback.invitation", object_id=str(invitation.pk)))


def test_the_link_goes_by_sms_when_the_client_chose_sms(people):
    _choose(people["client"], {"sms": "8 900 123-45-67", "email": "client@example.ru"})
    invitation = _invite("r-1", person=people["client"], email="other@example.ru")
    (message,) = _sent(invitation)
    assert message.channel == "sms" and message.address == "+79001234567"
    assert f"/feedback/r/{services.token_for(invitation).split(':')[0]}:" in message.body
    assert "r-1" in message.body
    assert message.event == "feedback.invitation" and message.template is not None
    assert len(message.body) < 200  # a short text, not the e-mail letter


def test_the_phones_channels_come_before_e_mail(people):
    _choose(
        people["client"],
        {"email": "client@example.ru", "messenger": "@client_bot_user", "sms": "+79001112233"},
    )
    (message,) = _sent(_invite("r-2", person=people["client"]))
    assert message.channel == "messenger" and message.address == "@client_bot_user"


def test_a_switched_off_channel_is_not_used(people):
    subscriptions.save_preferences(
        people["client"],
        Preferences(
            topics=[("appeals.status", "")],
            channels={"sms": ("+79001234567", False), "email": ("client@example.ru", True)},
        ),
    )
    (message,) = _sent(_invite("r-3", person=people["client"]))
    assert message.channel == "email" and message.address == "client@example.ru"
    assert "/feedback/r/" in message.body


def test_push_through_the_webhook_transport(people, settings):
    import http.server
    import threading

    from clientcentric.core.services import notifications

    received = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "push-1"}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
            **settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS,
            "push": "webhook",
        }
        settings.CLIENTCENTRIC_NOTIFICATION_WEBHOOKS = {
            "push": {"url": f"http://127.0.0.1:{server.server_port}/push", "token": "t"}
        }
        _choose(people["client"], {"push": "device-token-1234567890abcdef"})
        invitation = _invite("r-4", person=people["client"])
        (message,) = _sent(invitation)
        assert message.channel == "push"
        assert notifications.deliver(message.pk)
    finally:
        server.shutdown()
    (payload,) = received
    assert payload["channel"] == "push" and payload["to"] == "device-token-1234567890abcdef"
    assert "/feedback/r/" in payload["text"]
    message.refresh_from_db()
    assert message.state == "sent"


def test_an_integrating_system_names_the_channel_and_address(people):
    invitation = _invite("r-5", channel="sms", address="+7 (900) 765-43-21")
    (message,) = _sent(invitation)
    assert (message.channel, message.address) == ("sms", "+79007654321")


def test_a_bad_address_is_refused_and_nothing_is_stored(db):
    with pytest.raises(ValidationError) as refused:
        _invite("r-6", channel="sms", address="12")
    assert "address" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        _invite("r-7", channel="pigeon", address="roof")
    assert "channel" in unknown.value.message_dict
    assert not Invitation.objects.exists() and not Notification.objects.exists()


def test_an_answered_appeal_reaches_its_author_on_their_channel(
    registry, agency, people, django_capture_on_commit_callbacks
):
    _choose(people["client"], {"sms": "+79005550011"})
    data = appeal_services.AppealInput(channel="portal", text="Не горит фонарь у дома 7")
    appeal = appeal_services.receive_appeal(data, author=people["client"], default_executor=agency).appeal
    appeal_services.take(appeal, operator=people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.answer(appeal, operator=people["operator"], text="Фонарь заменён.")
    invitation = Invitation.objects.get(appeal=appeal)
    (message,) = _sent(invitation)
    assert (message.channel, message.event) == ("sms", "feedback.invitation")
    assert message.state in ("sent", "pending")  # sent (and redacted) when the outbox ran on commit


def test_the_api_accepts_a_channel_and_refuses_a_bad_address(client, agency):
    _c, token = accounts_services.issue_token(name="Портал", agency=agency, scopes=[ApiScope.FEEDBACK_WRITE])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "end_point": "service_completed",
        "transaction_kind": "request",
        "transaction_ref": "42",
        "touchpoint": "portal",
        "channel": "messenger",
        "address": "@anna_petrova",
    }
    reply = client.post("/api/v1/feedback/invitations", body, content_type="application/json", **headers)
    assert reply.status_code == 201, reply.content
    (message,) = _sent(Invitation.objects.get(pk=reply.json()["id"]))
    assert message.channel == "messenger"
    bad = client.post(
        "/api/v1/feedback/invitations",
        {**body, "transaction_ref": "43", "address": "not a handle!"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "address"

"""Redis down: an action that sends a notification still answers, its change and its outbox row are committed, and
the periodic scan delivers the message once the broker is back. Health separates "can serve" from "broker down".

The broker is a closed loopback port (bound, then released), so the refusal is immediate and nothing is fixed.
How long an action took before and after the change is measured by bench/broker_down.py, not asserted here.
"""

import socket

import pytest
from django.core import mail

from clientcentric.appeals.models import Appeal
from clientcentric.core.models import Notification


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch, settings):
    from clientcentric.config.celery import app

    url = f"redis://127.0.0.1:{closed_port()}/0"
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", url)
    # Connections are pooled per app: drop the pool so that the next publish dials the dead broker.
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    settings.REDIS_URL = url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def lift(lift_rule_for_notifications):
    """An appeal waiting for its operator (tests/core/conftest.py)."""
    return lift_rule_for_notifications


@pytest.mark.django_db(transaction=True)
def test_an_action_that_notifies_answers_while_the_broker_is_down_and_the_scan_delivers_later(
    client, lift, broker_down
):
    from clientcentric.core.services import notifications
    from clientcentric.core.tasks import deliver_notification

    with pytest.raises(Exception):  # noqa: B017 (kombu's error class depends on the transport)
        deliver_notification.delay(0)  # the broker really is down: a bare publish fails (fast)
    appeal, operator = lift
    mail.outbox.clear()  # the acknowledgement of receipt, from intake before the broker went down
    client.force_login(operator)
    response = client.post(f"/operator/appeals/{appeal.number}/", {"action": "take"})
    assert response.status_code in (200, 302)
    assert Appeal.objects.get(pk=appeal.pk).status == "in_progress"
    note = Notification.objects.filter(object_id=str(appeal.pk)).latest("pk")  # the status change's notice
    assert note.state == Notification.State.PENDING and mail.outbox == []
    # The broker stays down; the periodic scan (run by beat, or `clientcentric notifications send`) delivers.
    assert notifications.send_due()["sent"] >= 1
    note.refresh_from_db()
    assert note.state == Notification.State.SENT
    assert any(appeal.number in m.subject for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_appeal_intake_through_the_api_answers_while_the_broker_is_down(client, broker_down, agency):
    from clientcentric.accounts import services as accounts_services

    _, secret = accounts_services.issue_token(name="Портал", agency=agency, scopes=["appeals:write"])
    response = client.post(
        "/api/v1/appeals",
        {"channel": "portal", "text": "Не работает лифт", "contact_email": "author@example.ru"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_IDEMPOTENCY_KEY="broker-down-1",
    )
    assert response.status_code == 201, response.content
    assert Appeal.objects.count() == 1 and response.json()["number"]


@pytest.mark.django_db
def test_readiness_stays_200_with_the_broker_reported_degraded(client, broker_down):
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded" and body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error")
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/broker").status_code == 503
    assert client.get("/healthz").status_code == 200  # the old address answers as readiness


@pytest.mark.django_db
def test_readiness_fails_when_the_database_is_unreachable(client, monkeypatch):
    from clientcentric.core import views

    def down():
        raise ConnectionRefusedError("database down")

    monkeypatch.setattr(views, "_check_database", down)
    response = client.get("/health/ready")
    assert response.status_code == 503 and response.json()["checks"]["database"].startswith("error")
    assert client.get("/health/live").status_code == 200  # the process is up: do not restart it for this

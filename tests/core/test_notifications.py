"""The outbox: after-commit delivery, back-off, final failure, recovery without duplicates, redaction."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from clientcentric.core import transports
from clientcentric.core.models import DeliveryAttempt, Notification
from clientcentric.core.services import notifications

State = Notification.State


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch, settings):
    """Delivery logic is tested in-process; the Redis round trip has its own test in test_operations."""
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CLIENTCENTRIC_NOTIFICATION_MAX_ATTEMPTS = 4
    settings.CLIENTCENTRIC_NOTIFICATION_BACKOFF_SECONDS = 30


def _down():
    return mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("down"))


@pytest.mark.django_db(transaction=True)
def test_a_notification_is_sent_after_commit_and_only_once():
    note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    note.refresh_from_db()
    assert note.state == State.SENT and len(mail.outbox) == 1
    assert notifications.deliver(note.pk) is True and len(mail.outbox) == 1
    assert notifications.send_due()["sent"] == 0 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notifications.notify_email("a@example.ru", "Тема", "Текст")
        raise RuntimeError("the caller failed")
    assert mail.outbox == [] and not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_is_retried_with_exponential_back_off_then_failed_for_good():
    with _down():
        note = notifications.notify_email("a@example.ru", "Тема", "Текст")
        note.refresh_from_db()
        first_due = note.next_attempt_at
        assert note.state == State.PENDING and note.attempts == 1 and "down" in note.last_error
        # Not due yet: the scan leaves it alone.
        assert notifications.send_due(now=timezone.now())["retry"] == 0
        waits = []
        now = first_due
        for _ in range(2):
            notifications.send_due(now=now)
            note.refresh_from_db()
            waits.append(note.next_attempt_at - now)
            now = note.next_attempt_at
        assert waits == [timedelta(seconds=60), timedelta(seconds=120)]
        assert notifications.send_due(now=now) == {"sent": 0, "retry": 0, "failed": 1}
    note.refresh_from_db()
    assert note.state == State.FAILED and note.attempts == 4 and "ConnectionRefusedError" in note.last_error
    assert note.next_attempt_at is None and note.address == "a@example.ru"  # kept for a person to resend
    assert DeliveryAttempt.objects.filter(notification=note, ok=False).count() == 4
    assert notifications.send_due(now=now + timedelta(days=1))["sent"] == 0 and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_was_down_gets_the_message_after_recovery_exactly_once():
    with _down():
        note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    note.refresh_from_db()
    later = note.next_attempt_at + timedelta(seconds=1)
    assert notifications.send_due(now=later) == {"sent": 1, "retry": 0, "failed": 0}
    # The after-commit task firing late, a second scan and a stray retry all find it already sent.
    assert notifications.deliver(note.pk, now=later) is True
    assert notifications.send_due(now=later + timedelta(hours=1))["sent"] == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["a@example.ru"]
    assert list(DeliveryAttempt.objects.filter(notification=note).values_list("ok", flat=True)) == [
        True,
        False,
    ]


@pytest.mark.django_db(transaction=True)
def test_a_claimed_message_is_not_sent_by_a_second_worker():
    with _down():
        note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    note.refresh_from_db()
    later = note.next_attempt_at
    assert notifications._claim(note.pk, later) is True
    assert notifications._claim(note.pk, later) is False  # the second worker loses the claim
    assert notifications.deliver(note.pk, now=later) is False and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_died_mid_send_leaves_a_failure_to_resend_not_a_duplicate():
    with _down():
        note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    started = timezone.now() - timedelta(hours=1)
    Notification.objects.filter(pk=note.pk).update(
        state=State.SENDING, claimed_at=started, claimed_by="dead", attempt_started_at=started
    )
    notifications.send_due()
    note.refresh_from_db()
    assert note.state == State.FAILED and "duplicate" in note.last_error and mail.outbox == []
    assert note.attempts == 2  # the first try (server down) and the interrupted one
    assert notifications.retry_failed([note.pk]) == 1
    assert notifications.send_due()["sent"] == 1 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_personal_data_is_removed_from_the_stored_copy_after_delivery():
    note = notifications.notify_email("ivanov@example.ru", "Ваше обращение", "Иван Иванович, ответ готов")
    note.refresh_from_db()
    assert note.state == State.SENT and note.redacted_at is not None
    assert (note.address, note.subject, note.body) == ("", "", "")
    assert note.content_hash == notifications.content_hash(
        "ivanov@example.ru", "Ваше обращение", "Иван Иванович, ответ готов"
    )
    assert note.channel == "email" and note.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_failed_message_keeps_its_content_for_a_while_then_loses_it(settings):
    settings.CLIENTCENTRIC_NOTIFICATION_MAX_ATTEMPTS = 1
    with _down():
        note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    note.refresh_from_db()
    assert note.state == State.FAILED and note.address == "a@example.ru"
    notifications.send_due(now=timezone.now() + timedelta(days=29))
    note.refresh_from_db()
    assert note.address == "a@example.ru"
    notifications.send_due(now=timezone.now() + timedelta(days=31))
    note.refresh_from_db()
    assert (note.address, note.body, note.state) == ("", "", State.FAILED) and note.content_hash
    assert notifications.stats()["failed"] == 1


@pytest.mark.django_db(transaction=True)
def test_every_send_is_logged_with_its_transport(caplog):
    caplog.set_level("INFO", logger="clientcentric.core.notifications")
    note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    attempt = DeliveryAttempt.objects.get(notification=note)
    assert attempt.ok and attempt.transport == "smtp"
    lines = [
        r.msg
        for r in caplog.records
        if isinstance(r.msg, dict) and r.msg.get("event") == "notification_delivery"
    ]
    assert len(lines) == 1 and lines[0]["transport"] == "smtp" and lines[0]["ok"] is True
    assert "a@example.ru" not in str(lines)  # the log carries no address


@pytest.mark.django_db(transaction=True)
def test_log_transports_write_one_json_line_per_message(settings, tmp_path):
    settings.CLIENTCENTRIC_NOTIFICATION_LOG_DIR = str(tmp_path)
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        **settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS,
        "sms": "log",
    }
    notifications.enqueue(channel="sms", address="+79001234567", subject="", body="Статус изменён")
    (line,) = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert json.loads(line)["to"] == "+79001234567" and "Статус изменён" in json.loads(line)["text"]


@pytest.mark.django_db(transaction=True)
def test_the_webhook_transport_posts_json_with_a_bearer_token_and_an_idempotency_key(settings):
    import http.server
    import threading

    received = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), json.loads(body)))
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "gw-1"}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
            **settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS,
            "sms": "webhook",
        }
        settings.CLIENTCENTRIC_NOTIFICATION_WEBHOOKS = {
            "sms": {"url": f"http://127.0.0.1:{server.server_port}/send", "token": "secret-token"}
        }
        note = notifications.enqueue(
            channel="sms",
            address="+79001234567",
            subject="",
            body="Ответ готов",
            unsubscribe_url="http://x/u/1/",
        )
    finally:
        server.shutdown()
    ((headers, payload),) = received
    assert headers["Authorization"] == "Bearer secret-token"
    assert headers["Idempotency-Key"] == f"notification-{note.pk}"
    assert payload["to"] == "+79001234567" and "http://x/u/1/" in payload["text"]
    assert DeliveryAttempt.objects.get(notification=note).provider_id == "gw-1"


@pytest.mark.django_db(transaction=True)
def test_a_channel_without_a_configured_transport_is_an_error_recorded_on_the_row(settings):
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {"email": "smtp"}
    note = notifications.enqueue(channel="push", address="token-" * 4, subject="", body="x")
    note.refresh_from_db()
    assert note.state == State.PENDING and "TransportNotConfigured" in note.last_error


def test_transports_are_registered_plug_ins():
    assert {"smtp", "webhook", "log"} <= set(transports.registered())
    with pytest.raises(transports.TransportNotConfigured):
        transports.for_channel("nowhere")


@pytest.mark.django_db(transaction=True)
def test_followers_of_an_appeal_hear_of_status_changes(lift_rule_for_notifications):
    appeal, operator = lift_rule_for_notifications
    from clientcentric.appeals import services

    mail.outbox.clear()  # the acknowledgement of receipt, sent at intake
    services.take(appeal, operator=operator)
    assert [m.to for m in mail.outbox] == [["author@example.ru"]]
    assert appeal.number in mail.outbox[0].subject and "/appeals/" in mail.outbox[0].body


def test_the_beat_schedule_names_tasks_that_exist(settings):
    from clientcentric.config.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.django_db(transaction=True)
def test_with_a_broker_a_failed_delivery_is_rescheduled_for_when_it_is_due(monkeypatch):
    from clientcentric.config.celery import app
    from clientcentric.core import tasks

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    scheduled = []
    monkeypatch.setattr(
        tasks.deliver_notification, "apply_async", lambda args, eta: scheduled.append((args, eta))
    )
    monkeypatch.setattr(tasks.deliver_notification, "delay", lambda *args: None)  # the after-commit hand-over
    note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    with _down():
        assert tasks.deliver_notification.run(note.pk) is False
    note.refresh_from_db()
    assert scheduled == [((note.pk,), note.next_attempt_at)] and note.attempts == 1
    assert tasks.deliver_notification.run(note.pk) is False  # not due yet: nothing sent, nothing rescheduled
    assert len(scheduled) == 1 and mail.outbox == []

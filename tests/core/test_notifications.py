from unittest import mock

import pytest
from django.core import mail

from clientcentric.core import notifications
from clientcentric.core.models import Notification


@pytest.fixture(autouse=True)
def eager_tasks(monkeypatch):
    """Delivery logic is tested in-process; the Redis round trip has its own test in test_operations."""
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


@pytest.mark.django_db(transaction=True)
def test_a_notification_is_sent_after_commit_and_only_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    note = notifications.notify_email("a@example.ru", "Тема", "Текст")
    note.refresh_from_db()
    assert note.state == Notification.State.SENT and len(mail.outbox) == 1
    assert notifications.deliver(note.pk) is True and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_leaves_it_pending_then_failed(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("down")):
        note = notifications.notify_email("a@example.ru", "Тема", "Текст")
        note.refresh_from_db()
        assert note.state == Notification.State.PENDING and note.attempts == 1 and "down" in note.last_error
        for _ in range(notifications.MAX_ATTEMPTS - 1):
            notifications.deliver(note.pk)
    note.refresh_from_db()
    assert note.state == Notification.State.FAILED and note.attempts == notifications.MAX_ATTEMPTS


@pytest.mark.django_db(transaction=True)
def test_followers_of_an_appeal_hear_of_status_changes(settings, lift_rule_for_notifications):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    appeal, operator = lift_rule_for_notifications
    from clientcentric.appeals import services

    services.take(appeal, operator=operator)
    assert [m.to for m in mail.outbox] == [["author@example.ru"]]
    assert appeal.number in mail.outbox[0].subject and "/appeals/" in mail.outbox[0].body


@pytest.fixture
def lift_rule_for_notifications(db):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.appeals import services

    agency = accounts_services.save_agency(
        Agency(code="ja", name="ЖА", level="municipal", kind="institution")
    )
    operator = accounts_services.create_person(
        username="op", password="x" * 12, role="operator", agency=agency
    )
    appeal = services.receive_appeal(
        services.AppealInput(channel="portal", text="Не работает лифт", contact_email="author@example.ru"),
        default_executor=agency,
    ).appeal
    return appeal, operator

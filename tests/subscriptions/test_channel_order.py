"""Offers and notifications reach a person on their channels in their order of preference, with a fallback."""

import json

import pytest
from django.core import mail

from clientcentric.core.models import DeliveryAttempt, InboxMessage, Notification
from clientcentric.core.services import chains
from clientcentric.subscriptions import selectors, services
from tests.fake_messenger import FakeMessengerApi, configure

State = Notification.State


@pytest.fixture
def api(settings):
    fake = FakeMessengerApi().start()
    configure(settings, fake)
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        "email": "smtp",
        "sms": "log",
        "push": "log",
        "messenger": "telegram",
        "cabinet": "cabinet",
    }
    yield fake
    fake.stop()


@pytest.fixture
def client_person(db):
    from clientcentric.accounts import services as accounts_services

    return accounts_services.create_person(
        username="maria", password="x" * 12, role="client", email="maria@example.ru", first_name="Мария"
    )


def _prefer(person, channels, order):
    return services.save_preferences(
        person,
        services.Preferences(topics=[("appeals.status", "")], channels=channels, order=order),
    )


@pytest.mark.django_db(transaction=True)
def test_a_client_who_prefers_telegram_gets_the_message_there_and_nowhere_else(api, client_person):
    _prefer(
        client_person,
        {"email": ("maria@example.ru", True), "messenger": ("5550001", True), "cabinet": ("", True)},
        ["messenger", "email", "cabinet"],
    )
    rows = chains.notify_person(client_person, "Услуги для вас: 1", "— Пособие при рождении ребёнка")
    (call,) = api.of("sendMessage")
    assert call["chat_id"] == "5550001" and "Пособие при рождении" in call["text"]
    assert mail.outbox == [] and not InboxMessage.objects.exists()
    states = [Notification.objects.get(pk=r.pk).state for r in rows]
    assert states == [State.SENT, State.SKIPPED, State.SKIPPED]
    assert chains.chain_outcome(rows[0].chain)["delivered_on"] == "messenger"
    # The fallbacks that were not needed keep no personal data.
    assert all(not n.address and not n.body for n in Notification.objects.filter(state=State.SKIPPED))


@pytest.mark.django_db(transaction=True)
def test_when_telegram_refuses_the_message_falls_back_to_the_next_channel_at_once(api, client_person):
    _prefer(
        client_person,
        {"messenger": ("5550001", True), "email": ("maria@example.ru", True)},
        ["messenger", "email"],
    )
    api.fail_next("sendMessage")
    rows = chains.notify_person(client_person, "Решение по заявлению", "Назначено пособие")
    first, second = (Notification.objects.get(pk=r.pk) for r in rows[:2])
    assert first.state == State.FAILED and "chat not found" in first.last_error
    assert second.state == State.SENT and [m.to for m in mail.outbox] == [["maria@example.ru"]]
    attempts = list(DeliveryAttempt.objects.order_by("pk").values_list("transport", "ok"))
    assert attempts == [("telegram", False), ("smtp", True)]


@pytest.mark.django_db(transaction=True)
def test_a_channel_without_an_address_or_a_transport_is_recorded_and_skipped(api, client_person, settings):
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        **settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS,
        "push": "",
    }
    services.save_preferences(
        client_person,
        services.Preferences(
            topics=[("appeals.status", "")],
            channels={"email": ("", False), "sms": ("+79001234567", True)},
            order=["sms", "email"],
        ),
    )
    rows = chains.enqueue_chain(
        [
            {"channel": "push", "address": "device-token-0123456789", "subject": "s", "body": "b"},
            {"channel": "email", "address": "", "subject": "s", "body": "b"},
            {"channel": "cabinet", "address": str(client_person.pk), "subject": "Тема", "body": "Текст"},
        ]
    )
    states = [(Notification.objects.get(pk=r.pk).state, r.last_error) for r in rows]
    assert states[0] == (State.FAILED, "no transport is configured for this channel")
    assert states[1] == (State.FAILED, "no address for this channel")
    assert states[2][0] == State.SENT
    assert InboxMessage.objects.get(person=client_person).body == "Текст"


@pytest.mark.django_db(transaction=True)
def test_the_cabinet_catches_a_message_when_every_other_channel_fails(api, client_person):
    _prefer(client_person, {"messenger": ("5550001", True)}, ["messenger"])
    api.fail_next("sendMessage")
    chains.notify_person(client_person, "Напоминание о приёме", "Завтра в 10:00")
    assert InboxMessage.objects.filter(person=client_person, subject="Напоминание о приёме").exists()


@pytest.mark.django_db(transaction=True)
def test_the_order_is_saved_and_shown_best_first(api, client_person):
    _prefer(
        client_person,
        {"email": ("maria@example.ru", True), "sms": ("+79001234567", True), "messenger": ("5550001", True)},
        ["sms", "messenger", "email"],
    )
    shown = [c["channel"] for c in selectors.preferences_of(client_person)["channels"]]
    assert shown[:3] == ["sms", "messenger", "email"]
    assert services.routes_for_person(client_person)[:3] == [
        ("sms", "+79001234567"),
        ("messenger", "5550001"),
        ("email", "maria@example.ru"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_status_change_goes_to_the_first_channel_only(api, lift_appeal, sent_sms):
    from clientcentric.appeals import services as appeals

    appeal, operator, author = lift_appeal
    _prefer(
        author,
        {"sms": ("+79001234567", True), "email": ("author@example.ru", True)},
        ["sms", "email"],
    )
    appeals.take(appeal, operator=operator)
    (sms,) = sent_sms()
    assert appeal.number in sms["text"] and mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_settings_page_saves_the_order(api, client_person, client):
    client.force_login(client_person)
    response = client.post(
        "/account/subscriptions/",
        {
            "frequency": "immediate",
            "topics": ["appeals.status"],
            "email_enabled": "on",
            "email_address": "maria@example.ru",
            "email_order": "2",
            "messenger_enabled": "on",
            "messenger_address": "5550001",
            "messenger_order": "1",
            "cabinet_enabled": "on",
            "cabinet_order": "3",
            "sms_order": "4",
            "push_order": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert services.routes_for_person(client_person) == [
        ("messenger", "5550001"),
        ("email", "maria@example.ru"),
        ("cabinet", str(client_person.pk)),
    ]
    page = client.get("/account/subscriptions/").content.decode()
    assert page.index('data-channel="messenger"') < page.index('data-channel="email"')


@pytest.mark.django_db(transaction=True)
def test_the_inbox_shows_only_ones_own_messages_and_marks_them_read(api, client_person, client, people):
    chains.enqueue_chain(
        [{"channel": "cabinet", "address": str(client_person.pk), "subject": "Ваше", "body": "Да"}]
    )
    other = people["business_representative"]
    chains.enqueue_chain(
        [{"channel": "cabinet", "address": str(other.pk), "subject": "Чужое", "body": "Нет"}]
    )
    client.force_login(client_person)
    page = client.get("/account/messages/").content.decode()
    assert "Ваше" in page and "Чужое" not in page
    assert InboxMessage.objects.get(person=client_person).read_at is not None


def test_outgoing_api_calls_are_logged_without_the_address_or_the_text(api, caplog, settings):
    from clientcentric.core import messenger_api

    with caplog.at_level("INFO"):
        messenger_api.Telegram().send_message("5550001", "Секретный текст про Марию")
    logged = " ".join(
        str(r.msg) + json.dumps(getattr(r, "__dict__", {}), default=str) for r in caplog.records
    )
    assert "sendMessage" in logged
    assert "5550001" not in logged and "Секретный" not in logged and api.telegram_token not in logged

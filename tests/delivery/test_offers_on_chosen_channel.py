"""A proactive offer reaches the client on the channel they put first (Telegram here), not by e-mail."""

import pytest
from django.core import mail

from clientcentric.core.models import Notification
from clientcentric.delivery.services import consents as consent_services
from clientcentric.delivery.services import life_events as life_event_services
from clientcentric.subscriptions import services as subscriptions
from tests.fake_messenger import FakeMessengerApi, configure

from .conftest import event_input


@pytest.fixture
def api(settings):
    from clientcentric.config.celery import app

    fake = FakeMessengerApi().start()
    configure(settings, fake)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        "email": "smtp",
        "messenger": "telegram",
        "cabinet": "cabinet",
    }
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield fake
    app.conf.task_always_eager = previous
    fake.stop()


@pytest.mark.django_db(transaction=True)
def test_an_offer_goes_to_telegram_when_the_client_put_it_first(api, pensioner, registry, pension_rule):
    subscriptions.save_preferences(
        pensioner,
        subscriptions.Preferences(
            channels={"messenger": ("5550001", True), "email": (pensioner.email or "p@example.ru", True)},
            order=["messenger", "email"],
        ),
    )
    consent_services.give_consent(pensioner, life_situation=registry["pension"])
    life_event_services.receive_life_event(event_input(pensioner.client_profile.snils))
    (call,) = api.of("sendMessage")
    assert registry["service"].name in call["text"] and call["chat_id"] == "5550001"
    assert mail.outbox == []
    assert Notification.objects.filter(channel="messenger", state=Notification.State.SENT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_revoking_the_consent_stops_the_fallbacks_too(api, pensioner, registry, pension_rule, monkeypatch):
    from clientcentric.core.services import chains, notifications

    # Nothing leaves: the messages wait in the outbox as they would with a busy worker.
    monkeypatch.setattr(chains, "_enqueue", lambda pk: None)
    monkeypatch.setattr(notifications, "_enqueue", lambda pk: None)
    subscriptions.save_preferences(
        pensioner,
        subscriptions.Preferences(
            channels={"messenger": ("5550001", True), "email": ("p@example.ru", True)},
            order=["messenger", "email"],
        ),
    )
    consent = consent_services.give_consent(pensioner, life_situation=registry["pension"])
    life_event_services.receive_life_event(event_input(pensioner.client_profile.snils))
    waiting = Notification.objects.filter(state__in=["pending", "standby"], object_type="delivery.consent")
    assert set(waiting.values_list("state", flat=True)) == {"pending", "standby"}
    consent_services.revoke_consent(consent)
    assert not waiting.exists() and api.of("sendMessage") == []

# ruff: noqa: F401, F811  (the fixtures imported from the app tests are parameters here, which ruff reads as redefinitions)
"""Channels both ways in a browser: a client who put Telegram first gets the offer there (a local Bot API
server), and an operator's public reply to a VK comment leaves the platform (a local VK API server)."""

import re

import pytest
from playwright.sync_api import expect

from tests.appeals.conftest import housing, housing_operator  # noqa: F401
from tests.conftest import PASSWORD
from tests.delivery.conftest import (  # noqa: F401  # noqa: F401
    _event_situations,  # noqa: F401
    consent_text,
    event_input,
    low_income,
    pension_rule,
    pensioner,
)
from tests.fake_messenger import FakeMessengerApi, configure

from .conftest import SCREENSHOTS, fill_answer


@pytest.fixture
def api(settings, monkeypatch):
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    fake = FakeMessengerApi().start()
    configure(settings, fake)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        "email": "smtp",
        "sms": "log",
        "push": "log",
        "messenger": "telegram",
        "cabinet": "cabinet",
    }
    yield fake
    fake.stop()


def sign_in(page, site, username, password=PASSWORD):
    # Two shared cores under load: a first page can take longer than the suite's 15 s default.
    page.set_default_timeout(60_000)
    page.goto(site + "/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()


def shoot(page, name, fits=None):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}_desktop.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.screenshot(path=str(SCREENSHOTS / f"{name}_320.png"), full_page=True)
    if fits is None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    else:
        # The operator's page is wider than 320 px before this change (noted in the report); what this part
        # adds must fit.
        for selector in fits:
            box = page.locator(selector).bounding_box()
            assert box["x"] + box["width"] <= 320, selector
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_client_who_prefers_telegram_gets_the_offer_there(
    page,
    live_server,
    api,
    pensioner,
    registry,
    pension_rule,
):
    from clientcentric.delivery.services import consents, life_events

    pensioner.set_password(PASSWORD)
    pensioner.save()
    sign_in(page, live_server.url, pensioner.username)
    page.goto(live_server.url + "/account/subscriptions/")
    page.locator("#id_messenger_enabled").check()
    page.locator("#id_messenger_address").fill("5550001")
    page.locator("#id_messenger_order").select_option("1")
    page.locator("#id_email_order").select_option("2")
    page.get_by_role("button", name=re.compile("Сохранить")).click()
    expect(page.locator(".messages")).to_contain_text("сохранены")
    expect(page.locator(".channel-row").first).to_have_attribute("data-channel", "messenger")
    shoot(page, "channels_order")

    consents.give_consent(pensioner, life_situation=registry["pension"])
    life_events.receive_life_event(event_input(pensioner.client_profile.snils))
    from clientcentric.core.models import Notification

    sent = api.of("sendMessage")
    assert len(sent) == 1, list(Notification.objects.values_list("channel", "state", "last_error"))
    (call,) = sent
    assert call["chat_id"] == "5550001" and registry["service"].name in call["text"]


def test_an_operators_vk_reply_leaves_the_platform(page, live_server, api, housing_operator, housing):
    from django.test import Client

    from clientcentric.appeals import services
    from clientcentric.appeals.models import Appeal

    vk = services.create_social_account(
        network="vk", name="Администрация в VK", community_id="12345", secret="s" * 20, agency=housing
    )
    comment = {
        "id": 77,
        "from_id": 555,
        "owner_id": -12345,
        "post_id": 10,
        "text": "Когда починят дорогу у школы № 3?",
    }
    payload = {
        "type": "wall_reply_new",
        "group_id": 12345,
        "event_id": "e1",
        "secret": "s" * 20,
        "object": comment,
    }
    assert (
        Client().post(f"/api/v1/social/vk/{vk.pk}", payload, content_type="application/json").content == b"ok"
    )
    appeal = Appeal.objects.get()
    housing_operator.set_password(PASSWORD)
    housing_operator.save()
    sign_in(page, live_server.url, housing_operator.username)
    page.goto(f"{live_server.url}/operator/appeals/{appeal.number}/")
    page.get_by_role("button", name=re.compile("Взять в работу")).click()
    fill_answer(page, "Ответили вам в личных сообщениях.")
    page.get_by_role("button", name=re.compile("Опубликовать короткий ответ")).click()
    expect(page.locator(".social-thread li[data-status=sent]")).to_contain_text("Ответили вам")
    (sent,) = api.of("wall.createComment")
    assert sent["reply_to_comment"] == "77" and sent["post_id"] == "10"
    expect(page.locator(".client-card")).to_be_visible()
    shoot(page, "channels_vk_reply", fits=[".client-card", ".social-thread"])

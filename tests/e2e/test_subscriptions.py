"""A client chooses topics, channels and a digest; a bad phone number is explained; the next change reaches them."""

import json
import re

from playwright.sync_api import expect

from .conftest import SCREENSHOTS


def sign_in(page, site, username, password):
    page.goto(site + "/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()


def test_client_changes_subscriptions_and_hears_by_sms(page, demo_site, settings, tmp_path, monkeypatch):
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.CLIENTCENTRIC_NOTIFICATION_LOG_DIR = str(tmp_path)
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        "email": "log",
        "sms": "log",
        "push": "log",
        "messenger": "log",
    }
    from clientcentric.registry.demo import DEMO_PASSWORD

    sign_in(page, demo_site, "client", DEMO_PASSWORD)
    page.goto(demo_site + "/account/")
    page.get_by_role("link", name=re.compile("Мои подписки|My subscriptions")).click()
    expect(page.get_by_role("heading", name=re.compile("Мои подписки|My subscriptions"))).to_be_visible()

    page.get_by_label(re.compile("Новости реестра|News of the registry")).check()
    page.get_by_label(re.compile(r"^\s*(СМС|SMS)\s*$")).check()
    page.get_by_label(re.compile("Адрес для канала «СМС»|Address for SMS")).fill("позвоните мне")
    page.get_by_label(re.compile("раз в день|daily digest")).check()
    page.get_by_role("button", name=re.compile("Сохранить|Save")).click()
    expect(page.locator("#err-sms")).to_contain_text("+7 900 123-45-67")
    expect(page.get_by_role("alert").first).to_contain_text(
        re.compile("Ничего не сохранено|Nothing was saved")
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "subscriptions_refused_phone.png"), full_page=True)

    page.get_by_label(re.compile("Адрес для канала «СМС»|Address for SMS")).fill("8 (900) 123-45-67")
    page.get_by_label(re.compile(r"^\s*(сразу|immediately)\s*$")).check()
    # The message goes to the first channel of the client's order: SMS first (the demo client had the messenger).
    page.locator("#id_sms_order").select_option("1")
    page.get_by_role("button", name=re.compile("Сохранить|Save")).click()
    expect(page.locator(".messages")).to_contain_text(re.compile("сохранены|saved"))
    expect(page.get_by_label(re.compile("Адрес для канала «СМС»|Address for SMS"))).to_have_value(
        "+79001234567"
    )

    from clientcentric.subscriptions import services

    services.publish(
        "registry.news",
        "registry.news",
        {"title": "Новая услуга", "text": "Пенсию теперь назначают без заявления", "url": demo_site},
    )
    (sms,) = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert sms["to"] == "+79001234567" and "Новая услуга" in sms["text"]
    unsubscribe = re.search(r"https?://\S+/unsubscribe/\S+/", sms["text"]).group(0)
    page.goto(demo_site + "/unsubscribe/" + unsubscribe.split("/unsubscribe/")[1])
    page.get_by_role("button", name=re.compile("^(Отписаться|Unsubscribe)$")).click()
    expect(page.get_by_role("heading")).to_contain_text(re.compile("отписались|unsubscribed"))
    page.get_by_role("link", name=re.compile("Изменить, что и куда|Change what you receive")).click()
    expect(page.get_by_label(re.compile("Новости реестра|News of the registry"))).not_to_be_checked()

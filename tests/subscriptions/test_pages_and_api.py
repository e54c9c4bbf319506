import pytest
from django.core import mail, signing

from clientcentric.core.models import Notification
from clientcentric.subscriptions import services
from clientcentric.subscriptions.models import Subscription, SubscriptionTopic

URL = "/account/subscriptions/"


def _form(**overrides):
    data = {
        "frequency": "daily",
        "topics": ["appeals.status", "registry.news"],
        "email_enabled": "on",
        "email_address": "anna@example.ru",
        "sms_address": "",
        "push_address": "",
        "messenger_address": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_page_shows_the_defaults_then_saves_the_choice(client, people, registry):
    person = people["client"]
    person.email = "anna@example.ru"
    person.save()
    client.force_login(person)
    page = client.get(URL)
    assert page.status_code == 200 and "Мои подписки" in page.text and "anna@example.ru" in page.text
    assert "Выход на пенсию" in page.text  # a knowledge-base topic to follow
    answer = client.post(
        URL, _form(kb_topics=["Выход на пенсию"], messenger_enabled="on", messenger_address="@anna_petrova")
    )
    assert answer.status_code == 302
    subscription = Subscription.objects.get(person=person)
    assert subscription.frequency == "daily"
    assert set(subscription.topics.values_list("topic", "key")) == {
        ("appeals.status", ""),
        ("registry.news", ""),
        ("kb.updates", "Выход на пенсию"),
    }
    assert set(subscription.channels.filter(is_enabled=True).values_list("channel", "address")) == {
        ("email", "anna@example.ru"),
        ("messenger", "@anna_petrova"),
    }


@pytest.mark.django_db
def test_a_bad_address_is_shown_next_to_its_field_in_russian_and_nothing_is_saved(client, people):
    client.force_login(people["client"])
    answer = client.post(URL, _form(sms_enabled="on", sms_address="позвоните мне"))
    assert answer.status_code == 400
    assert 'id="err-sms"' in answer.text and "+7 900 123-45-67" in answer.text
    assert "Ничего не сохранено" in answer.text and not Subscription.objects.exists()


@pytest.mark.django_db
def test_the_api_reads_and_replaces_the_subscription(client, people):
    person = people["client"]
    client.force_login(person)
    assert client.get("/api/v1/subscriptions").json()["topics"][0]["topic"] == "appeals.status"
    body = {
        "frequency": "weekly",
        "topics": [{"topic": "kb.updates", "key": "Переезд"}],
        "channels": [{"channel": "sms", "address": "+7 900 123 45 67", "enabled": True}],
    }
    answer = client.put("/api/v1/subscriptions", body, content_type="application/json")
    assert answer.status_code == 200
    data = answer.json()
    assert data["frequency"] == "weekly" and data["topics"] == [
        {"topic": "kb.updates", "key": "Переезд", "label": "Обновления базы знаний по теме: Переезд"}
    ]
    assert {"channel": "sms", "address": "+79001234567", "enabled": True, "label": "СМС"} in data["channels"]
    assert [c["channel"] for c in data["channels"] if c["enabled"]] == ["sms"]  # left out: switched off


@pytest.mark.django_db
def test_the_api_refuses_bad_input_with_the_field_named(client, people):
    client.force_login(people["client"])
    body = {
        "topics": [{"topic": "weather"}],
        "channels": [{"channel": "email", "address": "x@", "enabled": True}],
    }
    answer = client.put("/api/v1/subscriptions", body, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["error"] == "invalid_data"
    fields = {d["field"] for d in answer.json()["details"]}
    assert fields == {"topics", "email"}


@pytest.mark.django_db
def test_the_api_needs_a_signed_in_person(client):
    assert client.get("/api/v1/subscriptions").status_code == 401


@pytest.fixture
def subscribed(people):
    person = people["client"]
    prefs = services.Preferences(
        topics=[("appeals.status", ""), ("registry.news", "")],
        channels={"email": ("anna@example.ru", True)},
    )
    return services.save_preferences(person, prefs)


@pytest.mark.django_db
def test_the_unsubscribe_link_removes_only_its_topic_and_is_idempotent(client, subscribed):
    url = services.unsubscribe_url(subscribed.pk, "registry.news").removeprefix("https://portal.example.ru")
    # Opening the link (a person, or a mail scanner following every link) only asks.
    asked = client.get(url)
    assert asked.status_code == 200 and "Отписаться?" in asked.text and 'method="post"' in asked.text
    assert sorted(subscribed.topics.values_list("topic", flat=True)) == ["appeals.status", "registry.news"]
    first = client.post(url, {"confirm": "1"})
    assert first.status_code == 200 and "Мы больше не будем присылать" in first.text
    assert list(subscribed.topics.values_list("topic", flat=True)) == ["appeals.status"]
    again = client.post(url, {"confirm": "1"})
    assert again.status_code == 200 and "уже отписаны" in again.text
    assert "уже отписаны" in client.get(url).text
    assert list(subscribed.topics.values_list("topic", flat=True)) == ["appeals.status"]


@pytest.mark.django_db
def test_a_forged_or_tampered_link_is_a_clear_400_and_changes_nothing(client, subscribed):
    forged = signing.dumps(
        {"s": subscribed.pk, "t": "appeals.status", "k": ""}, salt="another", compress=True
    )
    genuine = services.unsubscribe_token(subscribed.pk, "appeals.status")
    for token in (forged, genuine[:-2] + "xx", "garbage"):
        for answer in (client.get(f"/unsubscribe/{token}/"), client.post(f"/unsubscribe/{token}/")):
            assert answer.status_code == 400 and "Ссылка для отписки недействительна" in answer.text
    assert SubscriptionTopic.objects.filter(subscription=subscribed).count() == 2


@pytest.mark.django_db
def test_rfc_8058_one_click_post_unsubscribes_without_a_page_or_csrf_token(subscribed):
    from django.test import Client

    mail_provider = Client(enforce_csrf_checks=True)
    url = services.unsubscribe_url(subscribed.pk, "appeals.status").removeprefix("https://portal.example.ru")
    answer = mail_provider.post(url, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    assert list(subscribed.topics.values_list("topic", flat=True)) == ["registry.news"]
    assert mail_provider.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_every_e_mail_carries_list_unsubscribe_headers_that_work(client, subscribed, lift_appeal):
    from clientcentric.appeals import services as appeals

    appeal, operator, _author = lift_appeal
    appeals.support(appeal, person=subscribed.person)
    appeals.take(appeal, operator=operator)
    message = next(m for m in mail.outbox if m.to == ["anna@example.ru"])
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (part.strip(" <>") for part in header.split(","))
    assert https.startswith("https://portal.example.ru/unsubscribe/") and mailto.startswith(
        "mailto:unsubscribe@"
    )
    assert https in message.body
    client.post(https.removeprefix("https://portal.example.ru"), {"List-Unsubscribe": "One-Click"})
    appeals.change_status(appeal, "answered", actor=operator, note="Лифт отремонтирован")
    assert [m.to for m in mail.outbox].count(["anna@example.ru"]) == 1
    assert not Notification.objects.filter(state=Notification.State.SENT).exclude(address="").exists()

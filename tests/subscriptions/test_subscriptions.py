import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from clientcentric.core.models import Notification
from clientcentric.subscriptions import services
from clientcentric.subscriptions.models import Subscription

State = Notification.State


def _prefs(**overrides):
    values = {
        "frequency": "immediate",
        "topics": [("appeals.status", "")],
        "channels": {"email": ("client@example.ru", True)},
    }
    values.update(overrides)
    return services.Preferences(**values)


@pytest.mark.django_db(transaction=True)
def test_a_status_change_reaches_the_author_on_each_channel_they_chose(lift_appeal, sent_sms):
    from clientcentric.appeals import services as appeals

    appeal, operator, author = lift_appeal
    services.save_preferences(
        author,
        _prefs(channels={"email": ("author@example.ru", False), "sms": ("8 (900) 123-45-67", True)}),
    )
    appeals.take(appeal, operator=operator)
    assert mail.outbox == []
    (sms,) = sent_sms()
    assert sms["to"] == "+79001234567" and appeal.number in sms["text"]
    assert "https://portal.example.ru/unsubscribe/" in sms["text"]


@pytest.mark.django_db(transaction=True)
def test_supporters_hear_too_and_one_who_unfollowed_does_not(lift_appeal, people):
    from clientcentric.appeals import services as appeals

    appeal, operator, author = lift_appeal
    client, representative = people["client"], people["business_representative"]
    client.email, representative.email = "c@example.ru", "r@example.ru"
    client.save(), representative.save()
    appeals.support(appeal, person=client)
    appeals.support(appeal, person=representative)
    services.save_preferences(representative, _prefs(topics=[], channels={"email": ("r@example.ru", True)}))
    appeals.take(appeal, operator=operator)
    assert sorted(m.to[0] for m in mail.outbox) == ["author@example.ru", "c@example.ru"]


@pytest.mark.django_db(transaction=True)
def test_a_guest_author_is_told_by_e_mail_with_an_unsubscribe_link(db):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.appeals import services as appeals

    agency = accounts_services.save_agency(
        Agency(code="ja", name="ЖА", level="municipal", kind="institution")
    )
    operator = accounts_services.create_person(
        username="op", password="x" * 12, role="operator", agency=agency
    )
    appeal = appeals.receive_appeal(
        appeals.AppealInput(channel="portal", text="Не работает лифт", contact_email="Guest@Example.ru"),
        default_executor=agency,
    ).appeal
    (acknowledgement,) = (
        mail.outbox
    )  # the intake's own: number and confirmation code (appeals.acknowledgement)
    assert appeal.number in acknowledgement.subject
    mail.outbox.clear()
    appeals.take(appeal, operator=operator)
    (message,) = mail.outbox
    assert message.to == ["guest@example.ru"] and "List-Unsubscribe" in message.extra_headers
    assert Subscription.objects.get(person__isnull=True).guest_email == "guest@example.ru"


@pytest.mark.django_db
def test_bad_addresses_are_refused_per_channel_and_nothing_is_saved(people):
    person = people["client"]
    with pytest.raises(ValidationError) as caught:
        services.save_preferences(
            person,
            _prefs(
                frequency="hourly",
                channels={"email": ("not-an-address", True), "sms": ("12345", True), "messenger": ("", True)},
            ),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"frequency", "email", "sms", "messenger"}
    assert "электронной почты" in errors["email"][0] and "+7" in errors["sms"][0]
    assert not Subscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_daily_digest_groups_held_messages_into_one_on_the_first_channel(lift_appeal, sent_sms):
    from clientcentric.appeals import services as appeals
    from clientcentric.appeals.models import Status

    appeal, operator, author = lift_appeal
    services.save_preferences(
        author,
        _prefs(
            frequency="daily", channels={"email": ("author@example.ru", True), "sms": ("+79001234567", True)}
        ),
    )
    appeals.take(appeal, operator=operator)
    appeals.change_status(appeal, Status.AWAITING_DETAILS, actor=operator, note="Уточните номер подъезда")
    # Held on the first channel of the person's order only; the digest falls back along the rest if it fails.
    assert mail.outbox == [] and Notification.objects.filter(state=State.HELD).count() == 2
    assert services.send_digests("weekly") == 0  # not this person's period
    assert services.send_digests("daily") == 1
    (digest,) = mail.outbox
    assert "2" in digest.subject and "Уточните номер подъезда" in digest.body and appeal.number in digest.body
    assert len(sent_sms()) == 0
    items = Notification.objects.filter(state=State.DIGESTED)
    assert items.count() == 2 and not items.exclude(body="").exists()  # folded copies are redacted
    assert services.send_digests("daily") == 0 and len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_switching_to_immediately_releases_what_waited_for_a_digest(lift_appeal):
    from clientcentric.appeals import services as appeals

    appeal, operator, author = lift_appeal
    services.save_preferences(
        author, _prefs(frequency="weekly", channels={"email": ("author@example.ru", True)})
    )
    appeals.take(appeal, operator=operator)
    assert mail.outbox == []
    services.save_preferences(author, _prefs(channels={"email": ("author@example.ru", True)}))
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_publishing_news_reaches_the_followers_of_that_topic_only(people, registry):
    client, analyst = people["client"], people["analyst"]
    services.save_preferences(
        client, _prefs(topics=[("kb.updates", "Выход на пенсию")], channels={"email": ("c@example.ru", True)})
    )
    services.save_preferences(
        analyst, _prefs(topics=[("registry.news", "")], channels={"email": ("a@example.ru", True)})
    )
    context = {"topic": "Выход на пенсию", "title": "Досрочная пенсия", "text": "Обновили ответ", "url": "u"}
    assert services.publish("kb.updated", "kb.updates", context, key="Выход на пенсию") == 1
    assert services.publish("kb.updated", "kb.updates", context, key="Переезд") == 0
    assert [m.to for m in mail.outbox] == [["c@example.ru"]]
    with pytest.raises(ValidationError, match="url"):
        services.publish("registry.news", "registry.news", {"title": "t", "text": "x"})


@pytest.mark.django_db(transaction=True)
def test_cli_sends_due_messages_and_digests(lift_appeal, capsys):
    from django.core.management import call_command

    call_command("notifications", "send-due")
    assert json.loads(capsys.readouterr().out) == {"sent": 0, "retry": 0, "failed": 0}
    call_command("notifications", "digest", "--frequency", "daily")
    assert json.loads(capsys.readouterr().out) == {"digests": 0}


@pytest.mark.django_db(transaction=True)
def test_a_need_status_change_reaches_the_followers_of_registry_news(people, registry):
    from clientcentric.registry import services as registry_services
    from clientcentric.registry.models import NeedStatus

    services.save_preferences(
        people["client"], _prefs(topics=[("registry.news", "")], channels={"email": ("c@example.ru", True)})
    )
    need = registry["in_progress"]
    need.status, need.status_reason = NeedStatus.MET, ""
    registry_services.save_need(need, life_situations=[registry["pension"]], services=[registry["service"]])
    (message,) = mail.outbox
    assert "Справка о размере пенсии" in message.subject and "/needs/pension-certificate/" in message.body


@pytest.mark.django_db(transaction=True)
def test_a_supporter_reads_the_note_masked_and_the_author_whole(lift_appeal, people):
    from clientcentric.appeals import services as appeals

    appeal, operator, _author = lift_appeal
    supporter = people["client"]
    supporter.email = "c@example.ru"
    supporter.save()
    appeals.support(appeal, person=supporter)
    appeals.take(appeal, operator=operator)
    mail.outbox.clear()
    appeals.change_status(
        appeal, "awaiting_details", actor=operator, note="Иван Петрович, уточните номер квартиры: кв. 15?"
    )
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Иван Петрович" in bodies["author@example.ru"]
    assert "Иван Петрович" not in bodies["c@example.ru"] and "XXXX" in bodies["c@example.ru"]

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from clientcentric.core.models import Notification, NotificationTemplate
from clientcentric.core.services import message_templates as template_services
from clientcentric.core.services import notifications


@pytest.mark.django_db
def test_an_unknown_variable_is_refused_at_save_in_russian_naming_it():
    with pytest.raises(ValidationError) as caught:
        template_services.save_template(
            "appeal.status_changed", "email", "Обращение {{ number }}", "Статус: {{ statuss }}"
        )
    (message,) = caught.value.message_dict["body"]
    assert "statuss" in message and "Неизвестная переменная" in message
    assert not NotificationTemplate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "{% if secret %}x{% endif %}",
        "{{ number|default:secret }}",
        "{% for x in secrets %}{{ x }}{% endfor %}",
        "{% with a=secret %}{{ a }}{% endwith %}",
    ],
)
def test_unknown_variables_are_found_in_tags_and_filters_too(body):
    with pytest.raises(ValidationError, match="secret"):
        template_services.save_template("appeal.status_changed", "sms", "", body)


@pytest.mark.django_db
def test_loop_variables_and_known_names_are_allowed():
    template = template_services.save_template(
        "digest",
        "email",
        "{{ count }}",
        "{% for item in items %}{{ forloop.counter }}. {{ item.subject }}{% endfor %}",
    )
    assert template.version == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body", ["{% load static %}", "{% include 'core/base.html' %}", "{% if number %}не закрыт"]
)
def test_tags_outside_the_short_list_and_broken_syntax_are_refused(body):
    with pytest.raises(ValidationError):
        template_services.save_template("appeal.status_changed", "email", "x", body)


@pytest.mark.django_db
def test_a_change_is_a_new_version_and_the_newest_applies():
    first = template_services.save_template("appeal.status_changed", "email", "v1 {{ number }}", "a")
    second = template_services.save_template("appeal.status_changed", "email", "v2 {{ number }}", "b")
    assert (first.version, second.version) == (1, 2)
    subject, _body, used = template_services.render("appeal.status_changed", "email", {"number": "7"})
    assert used == second and subject == "v2 7"


@pytest.mark.django_db(transaction=True)
def test_html_in_a_template_or_a_value_is_escaped_in_the_html_part(lift_appeal):
    from clientcentric.subscriptions import services

    template_services.save_template(
        "appeal.status_changed", "email", "<b>{{ number }}</b>", "<b>Статус</b>: {{ note }}"
    )
    appeal, operator, _author = lift_appeal
    with transaction.atomic():
        services.notify_appeal_followers(appeal, note="<script>alert(1)</script>")
    (message,) = mail.outbox
    html, _mime = message.alternatives[0]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Статус&lt;/b&gt;" in html
    assert "<script>alert(1)</script>" in message.body  # the text part is text


@pytest.mark.django_db(transaction=True)
def test_the_notification_records_the_template_version_it_was_rendered_from(lift_appeal):
    from clientcentric.subscriptions import services

    appeal, _operator, _author = lift_appeal
    template_services.save_template("appeal.status_changed", "email", "A {{ number }}", "one")
    services.notify_appeal_followers(appeal)
    template_services.save_template("appeal.status_changed", "email", "B {{ number }}", "two")
    services.notify_appeal_followers(appeal)
    versions = list(
        Notification.objects.filter(channel="email").order_by("pk").values_list("template_version", "event")
    )
    assert versions == [(1, "appeal.status_changed"), (2, "appeal.status_changed")]
    assert [m.subject for m in mail.outbox] == [f"A {appeal.number}", f"B {appeal.number}"]


@pytest.mark.django_db
def test_default_templates_are_created_as_version_one_in_russian():
    subject, body, template = template_services.render(
        "appeal.status_changed", "email", {"number": "П-1", "status": "в работе", "note": "", "url": "u"}
    )
    assert template.version == 1 and subject == "Обращение П-1: в работе" and "в работе" in body


def test_outbox_hash_covers_address_subject_and_text():
    assert notifications.content_hash("a", "b", "c") != notifications.content_hash("a", "b", "d")


@pytest.mark.django_db
def test_a_methodologist_adds_a_version_in_the_back_office_and_a_typo_is_refused(client, people):
    client.force_login(people["methodologist"])
    url = "/admin/core/notificationtemplate/add/"
    form = {
        "event": "appeal.status_changed",
        "channel": "sms",
        "subject": "",
        "body": "{{ numbr }} {{ status }}",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "Неизвестная переменная «numbr»" in refused.text
    assert client.post(url, {**form, "body": "{{ number }}: {{ status }}"}).status_code == 302
    client.post(url, {**form, "body": "Обращение {{ number }}: {{ status }}"})
    versions = NotificationTemplate.objects.filter(event="appeal.status_changed", channel="sms")
    assert sorted(versions.values_list("version", flat=True)) == [1, 2]
    assert versions.get(version=2).created_by == people["methodologist"]


@pytest.mark.django_db(transaction=True)
def test_the_back_office_shows_a_sent_notification_without_its_personal_data(client, people):
    client.force_login(people["admin"])
    note = notifications.notify_email("ivanov@example.ru", "Тема", "Текст")
    page = client.get(f"/admin/core/notification/{note.pk}/change/")
    assert page.status_code == 200 and "ivanov@example.ru" not in page.text and "smtp" in page.text

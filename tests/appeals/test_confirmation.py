"""Every appeal ends on a confirmation page, is acknowledged on the author's contact and can be followed by its
number and confirmation code without an account."""

import re

from django.utils import timezone

from clientcentric.appeals import acknowledgement, services
from clientcentric.appeals.models import Appeal, Status
from clientcentric.core.models import Notification

from .conftest import written

TEXT = "Во дворе дома 5 по улице Лесной третью неделю не работает фонарь у подъезда"


def acknowledgement_of(appeal) -> Notification:
    return Notification.objects.get(event="appeal.received", object_id=str(appeal.pk))


def code_in(body: str) -> str:
    return re.search(r"(\d{4} \d{4})", body).group(1)


def test_an_anonymous_appeal_ends_on_a_russian_confirmation_with_number_and_deadline(client, db):
    response = client.post("/appeals/new/", {"text": TEXT, "contact_email": "Resident@Example.ru"})
    appeal = Appeal.objects.get()
    assert appeal.status == Status.NEEDS_ROUTING
    assert response.status_code == 302 and response["Location"] == f"/appeals/{appeal.number}/sent/"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Обращение отправлено" in html and appeal.number in html
    assert "Что будет дальше" in html and "Мы определим, какой орган рассмотрит" in html
    assert f"{timezone.localtime(appeal.due_shown):%Y, %H:%M}" in html
    # The address the person gave, masked on the screen; never the whole of it.
    assert "R***@Example.ru" in html and "Resident@Example.ru" not in html


def test_the_acknowledgement_carries_number_link_and_a_code_kept_only_as_a_hash(client, db):
    client.post("/appeals/new/", {"text": TEXT, "contact_email": "resident@example.ru"})
    appeal = Appeal.objects.get()
    message = acknowledgement_of(appeal)
    assert message.channel == "email" and message.address == "resident@example.ru"
    assert appeal.number in message.subject and "зарегистрировано" in message.subject
    assert f"/appeals/status/?number={appeal.number}" in message.body
    code = code_in(message.body)
    assert code.replace(" ", "") not in appeal.tracking_code_hash
    assert acknowledgement.code_matches(appeal, code)
    assert not acknowledgement.code_matches(appeal, "0000 0000" if code != "0000 0000" else "1111 1111")


def test_another_browser_cannot_open_the_confirmation_and_is_sent_to_the_status_check(client, db):
    appeal = services.receive_appeal(written(contact_email="a@b.ru")).appeal
    response = client.get(f"/appeals/{appeal.number}/sent/")
    assert response.status_code == 302
    assert response["Location"] == f"/appeals/status/?number={appeal.number}"
    assert "a@b.ru" not in client.get(response["Location"]).content.decode()


def test_number_and_code_show_the_status_history_and_answer_of_an_unpublished_appeal(
    client, lift_rule, housing_operator
):
    intake = services.receive_appeal(written(district="Невский", contact_email="a@b.ru", publish=False))
    appeal = intake.appeal
    services.take(appeal, operator=housing_operator)
    services.answer(
        appeal,
        operator=housing_operator,
        text="Фонарь заменили. Спасибо, что написали нам.",
        override_reason="короткий ответ",
    )
    # The public tracker does not show it …
    assert client.get(f"/appeals/{appeal.number}/").status_code == 404
    # … the number and the code do.
    page = client.post("/appeals/status/", {"number": appeal.number, "code": intake.tracking_code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Фонарь заменили" in html and "Принято в работу." in html and "Ответ отправлен." in html
    assert "a@b.ru" not in html and housing_operator.username not in html


def test_a_wrong_code_shows_a_russian_error_and_nothing_of_the_appeal(client, db):
    intake = services.receive_appeal(written(contact_email="a@b.ru"))
    wrong = "12345678" if intake.tracking_code != "12345678" else "87654321"
    page = client.post("/appeals/status/", {"number": intake.appeal.number, "code": wrong})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Обращение с таким номером и кодом не найдено" in html
    assert "фонарь" not in html.lower()


def test_a_malformed_number_or_code_is_named_in_russian(client, db):
    page = client.post("/appeals/status/", {"number": "сто", "code": "12"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Введите номер так, как он написан в подтверждении" in html
    assert "Код — восемь цифр" in html


def test_guessing_codes_is_stopped_by_the_rate_limit_even_for_the_right_code(client, db, settings):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"appeal_status_number": (3, 3600)}
    intake = services.receive_appeal(written(contact_email="a@b.ru"))
    number = intake.appeal.number
    for guess in ("00000001", "00000002", "00000003"):
        if guess != intake.tracking_code:
            assert client.post("/appeals/status/", {"number": number, "code": guess}).status_code == 400
    refused = client.post("/appeals/status/", {"number": number, "code": intake.tracking_code})
    assert refused.status_code == 429 and "Retry-After" in refused


def test_the_acknowledgement_goes_by_sms_where_a_gateway_is_configured(db, settings):
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        **settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS,
        "sms": "log",
    }
    appeal = services.receive_appeal(written(contact_phone="8 (912) 345-67-89")).appeal
    message = acknowledgement_of(appeal)
    assert message.channel == "sms" and message.address == "+79123456789"
    assert appeal.number in message.body and re.search(r"\d{4} \d{4}", message.body)


def test_a_phone_nobody_can_text_gets_the_code_on_the_confirmation_page(client, db, settings):
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        **settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS,
        "sms": "",
    }
    response = client.post("/appeals/new/", {"text": TEXT, "contact_phone": "+7 912 345-67-89"})
    appeal = Appeal.objects.get()
    assert not Notification.objects.filter(event="appeal.received").exists()
    html = client.get(response["Location"]).content.decode()
    code = re.search(r'class="tracking-code">(\d{4} \d{4})<', html).group(1)
    assert acknowledgement.code_matches(appeal, code)


def test_a_signed_in_author_without_a_contact_gets_the_code_on_the_page_not_an_unchosen_e_mail(
    client, people
):
    author = people["client"]
    author.email = "client@example.ru"
    author.save()
    client.force_login(author)
    response = client.post("/appeals/new/", {"text": TEXT})
    appeal = Appeal.objects.get()
    assert not Notification.objects.filter(event="appeal.received").exists()
    html = client.get(response["Location"]).content.decode()
    assert "Мои обращения" in html
    code = re.search(r'class="tracking-code">(\d{4} \d{4})<', html).group(1)
    assert acknowledgement.code_matches(appeal, code)


def test_a_replayed_appeal_is_not_acknowledged_twice(db):
    first = services.receive_appeal(written(contact_email="a@b.ru", external_id="mail:1", channel="email"))
    again = services.receive_appeal(written(contact_email="a@b.ru", external_id="mail:1", channel="email"))
    assert not again.created and again.tracking_code == ""
    assert Notification.objects.filter(event="appeal.received").count() == 1
    assert first.acknowledged == 1


def test_a_guest_author_hears_of_each_change_with_a_link_to_the_status_check(lift_rule, housing_operator):
    appeal = services.receive_appeal(written(district="Невский", contact_email="guest@example.ru")).appeal
    services.take(appeal, operator=housing_operator)
    change = Notification.objects.get(event="appeal.status_changed", address="guest@example.ru")
    assert f"/appeals/status/?number={appeal.number}" in change.body

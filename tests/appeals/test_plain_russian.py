"""The plain-Russian check where answers are written and sent: services, the operator's form, API and CLI."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from clientcentric.appeals import services
from clientcentric.appeals.models import Answer, Status
from clientcentric.core.models import AuditEvent
from clientcentric.engines.text.readability import MAX_TEXT_CHARS

from .conftest import written

PLAIN = (
    "Анна Петровна, мы заменили лампу у вашего подъезда 12 ноября. "
    "Если снова будет темно, позвоните нам: 8 812 123-45-67."
)
BUREAUCRATIC = (
    "Настоящим сообщаем, что в соответствии с действующим законодательством Российской Федерации "
    "осуществление мероприятий по обеспечению надлежащего функционирования вышеуказанного "
    "осветительного оборудования производится в рамках утверждённого плана-графика проведения работ."
)


@pytest.fixture
def appeal(lift_rule, housing_operator):
    appeal = services.receive_appeal(written(district="Невский", contact_email="a@b.ru")).appeal
    services.take(appeal, operator=housing_operator)
    return appeal


# --- services -------------------------------------------------------------------------------------------


def test_a_plain_answer_is_sent_with_its_scores(appeal, housing_operator):
    reply = services.answer(appeal, operator=housing_operator, text=PLAIN)
    reply.refresh_from_db()
    assert reply.reading_ease > 30 and reply.reading_grade < 12
    assert reply.plain_override_reason == ""


def test_an_answer_over_the_limit_needs_a_reason(appeal, housing_operator):
    with pytest.raises(ValidationError) as refused:
        services.answer(appeal, operator=housing_operator, text=BUREAUCRATIC)
    assert "override_reason" in refused.value.message_dict
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS
    assert not Answer.objects.exists()


def test_an_answer_over_the_limit_goes_with_a_reason_kept_and_audited(appeal, housing_operator):
    reason = "Цитата из постановления, менять нельзя."
    reply = services.answer(appeal, operator=housing_operator, text=BUREAUCRATIC, override_reason=reason)
    reply.refresh_from_db()
    assert reply.plain_override_reason == reason
    assert reply.reading_ease < 30 and reply.reading_grade > 12
    event = AuditEvent.objects.get(action="appeals.plain_check_overridden")
    assert event.data["reason"] == reason


def test_the_agency_sets_the_limits(appeal, housing_operator, housing):
    housing.plain_min_reading_ease = -200
    housing.plain_max_grade = 40
    housing.save()
    appeal.refresh_from_db()
    reply = services.answer(appeal, operator=housing_operator, text=BUREAUCRATIC)
    assert reply.plain_override_reason == ""


def test_the_agency_sets_the_length_of_a_long_sentence(operator_client, housing):
    text = "Мы заменили лампу в вашем подъезде вчера утром, и теперь там светло."
    assert (
        "Длинные предложения"
        not in operator_client.post("/operator/plain-check/", {"text": text}).content.decode()
    )
    housing.plain_long_sentence_words = 5
    housing.save()
    page = operator_client.post(
        "/operator/plain-check/", {"text": text}, HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "Длинные предложения (1)" in page and "12 слов" in page


def test_a_reason_for_a_plain_answer_is_not_stored(appeal, housing_operator):
    reply = services.answer(appeal, operator=housing_operator, text=PLAIN, override_reason="на всякий случай")
    assert reply.plain_override_reason == ""


def test_a_social_public_reply_is_checked_too(lift_rule, housing_operator):
    appeal = services.receive_appeal(
        written(channel="social", kind="comment", district="Невский", contact_email="a@b.ru")
    ).appeal
    services.take(appeal, operator=housing_operator)
    short_bureaucratic = BUREAUCRATIC[:480].rsplit(" ", 1)[0] + "."
    with pytest.raises(ValidationError) as refused:
        services.public_reply(appeal, operator=housing_operator, text=short_bureaucratic)
    assert "override_reason" in refused.value.message_dict
    reply = services.public_reply(appeal, operator=housing_operator, text=PLAIN)
    assert reply.reading_grade is not None


# --- the operator's form --------------------------------------------------------------------------------


@pytest.fixture
def operator_client(client, housing_operator):
    client.force_login(housing_operator)
    return client


def test_the_form_refuses_an_answer_over_the_limit_in_russian_and_keeps_the_text(appeal, operator_client):
    response = operator_client.post(
        f"/operator/appeals/{appeal.number}/",
        {"action": "answer", "text": BUREAUCRATIC},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ответ читается труднее, чем допускает ваш орган" in page
    assert "осуществление мероприятий" in page
    appeal.refresh_from_db()
    assert appeal.status == Status.IN_PROGRESS


def test_the_form_sends_an_answer_over_the_limit_with_a_reason(appeal, operator_client):
    response = operator_client.post(
        f"/operator/appeals/{appeal.number}/",
        {"action": "answer", "text": BUREAUCRATIC, "override_reason": "Текст согласован юристом."},
    )
    assert response.status_code == 302
    assert Answer.objects.get().plain_override_reason == "Текст согласован юристом."


def test_the_live_check_fragment_shows_figures_and_stop_phrases(appeal, operator_client):
    response = operator_client.post(
        "/operator/plain-check/", {"text": BUREAUCRATIC}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-verdict="hard"' in page
    assert "<mark" in page and "в соответствии с" in page
    assert "по; согласно" in page
    assert 'data-check="personal-address">✘' in page


def test_the_live_check_escapes_html(operator_client):
    response = operator_client.post(
        "/operator/plain-check/", {"text": "<script>alert(1)</script> в целях теста."}
    )
    page = response.content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_live_check_of_a_text_without_words_says_so(operator_client):
    response = operator_client.post("/operator/plain-check/", {"text": "!!! ???"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert "нет ни одного слова" in response.content.decode()


def test_the_work_page_has_the_live_check(appeal, operator_client):
    page = operator_client.get(f"/operator/appeals/{appeal.number}/").content.decode()
    assert 'hx-post="/operator/plain-check/"' in page and 'name="override_reason"' in page


# --- API ------------------------------------------------------------------------------------------------


def test_api_answers_the_figures(client, housing_operator):
    client.force_login(housing_operator)
    response = client.post(
        "/api/v1/text/readability", {"text": BUREAUCRATIC}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert {
        "words",
        "sentences",
        "syllables",
        "flesch_reading_ease",
        "fk_grade",
        "long_sentences",
        "stop_phrases",
    } <= set(body)
    assert body["over_limit"] is True and body["verdict"] == "hard"
    found = {p["phrase"]: p for p in body["stop_phrases"]}
    match = found["в соответствии с"]
    assert BUREAUCRATIC[match["start"] : match["end"]] == match["text"] == "в соответствии с"


def test_api_takes_an_integration_token(client, integration):
    _client, token = integration
    response = client.post(
        "/api/v1/text/readability",
        {"text": PLAIN},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200 and response.json()["verdict"] == "plain"


def test_api_is_closed_to_anonymous_callers(client, db):
    response = client.post("/api/v1/text/readability", {"text": PLAIN}, content_type="application/json")
    assert response.status_code == 401 and response.json()["error"] == "unauthenticated"


@pytest.mark.parametrize("text", ["", "   ", "?!"])
def test_api_refuses_an_empty_text_with_the_error_shape(client, housing_operator, text):
    client.force_login(housing_operator)
    response = client.post("/api/v1/text/readability", {"text": text}, content_type="application/json")
    assert response.status_code == 422
    assert set(response.json()) == {"error", "message", "details"}


@pytest.mark.parametrize(("ascii_only", "status"), [(False, 422), (True, 413)])
def test_api_refuses_more_than_a_megabyte(client, housing_operator, ascii_only, status):
    # As UTF-8 the body fits Django's upload limit and the schema refuses the text; \u-escaped it is
    # six times larger and Django refuses the body itself. Either way the answer has the error shape.
    client.force_login(housing_operator)
    body = json.dumps({"text": "а" * (MAX_TEXT_CHARS + 1)}, ensure_ascii=ascii_only)
    response = client.post("/api/v1/text/readability", body, content_type="application/json")
    assert response.status_code == status
    assert set(response.json()) == {"error", "message", "details"}


def test_api_checks_a_whole_megabyte(client, housing_operator):
    client.force_login(housing_operator)
    sentence = "Мы заменили лампу в вашем подъезде. "
    text = (sentence * (MAX_TEXT_CHARS // len(sentence)))[:MAX_TEXT_CHARS]
    body = json.dumps({"text": text}, ensure_ascii=False)
    response = client.post("/api/v1/text/readability", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["sentences"] > 25_000


# --- CLI ------------------------------------------------------------------------------------------------


def test_cli_prints_the_check(tmp_path, capsys, db):
    path = tmp_path / "answer.txt"
    path.write_text(BUREAUCRATIC, encoding="utf-8")
    with translation.override("ru"):
        call_command("text", "readability", str(path))
    out = capsys.readouterr().out
    assert "Класс по Флешу–Кинкейду: 36.2" in out and "«в соответствии с» → по; согласно" in out


def test_cli_prints_json(tmp_path, capsys, db):
    path = tmp_path / "answer.txt"
    path.write_text(PLAIN, encoding="utf-8")
    call_command("text", "readability", str(path), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "plain" and data["words"] == 19


def test_cli_refuses_an_empty_or_missing_or_binary_file(tmp_path, db):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "answer.bin"
    binary.write_bytes(b"\xff\xfe\x00")
    with translation.override("ru"):
        with pytest.raises(CommandError, match="нет ни одного слова"):
            call_command("text", "readability", str(empty))
        with pytest.raises(CommandError, match="Нет такого файла"):
            call_command("text", "readability", str(tmp_path / "missing.txt"))
        with pytest.raises(CommandError, match="не текст в UTF-8"):
            call_command("text", "readability", str(binary))


def test_the_back_office_shows_answers_with_their_figures_and_reason(
    appeal, housing_operator, django_user_model
):
    reason = "Цитата из постановления, менять нельзя."
    services.answer(appeal, operator=housing_operator, text=BUREAUCRATIC, override_reason=reason)
    admin = django_user_model.objects.create_superuser("root", "root@example.ru", "x" * 12)
    from tests.conftest import SignedInClient as Client

    browser = Client()
    browser.force_login(admin)
    page = browser.get(f"/admin/appeals/appeal/{appeal.pk}/change/").content.decode()
    assert reason in page and "осуществление мероприятий" in page


def test_the_agency_limits_are_edited_in_the_back_office(housing, django_user_model):
    from tests.conftest import SignedInClient as Client

    admin = django_user_model.objects.create_superuser("root", "root@example.ru", "x" * 12)
    browser = Client()
    browser.force_login(admin)
    page = browser.get(f"/admin/accounts/agency/{housing.pk}/change/").content.decode()
    assert 'name="plain_min_reading_ease"' in page and 'name="plain_max_grade"' in page
    form = {
        "code": housing.code,
        "name": housing.name,
        "level": housing.level,
        "kind": housing.kind,
        "time_zone": housing.time_zone,
        "is_active": "on",
        "plain_min_reading_ease": "45",
        "plain_max_grade": "9",
        "plain_long_sentence_words": "15",
    }
    response = browser.post(f"/admin/accounts/agency/{housing.pk}/change/", form)
    assert response.status_code == 302
    housing.refresh_from_db()
    assert (housing.plain_min_reading_ease, housing.plain_max_grade, housing.plain_long_sentence_words) == (
        45,
        9,
        15,
    )


def test_the_live_check_uses_the_limits_of_the_appeals_executor(appeal, operator_client, housing):
    housing.plain_max_grade = 40
    housing.plain_min_reading_ease = -200
    housing.save()
    response = operator_client.post("/operator/plain-check/", {"text": BUREAUCRATIC, "appeal": appeal.number})
    assert 'data-verdict="needs_work"' in response.content.decode()


def test_the_live_check_of_another_agencys_appeal_is_refused(appeal, client, people):
    client.force_login(people["operator"])
    response = client.post("/operator/plain-check/", {"text": PLAIN, "appeal": appeal.number})
    assert response.status_code == 403


def test_cli_uses_an_agencys_limits(tmp_path, capsys, housing):
    housing.plain_long_sentence_words = 5
    housing.save()
    path = tmp_path / "answer.txt"
    path.write_text(PLAIN, encoding="utf-8")
    call_command("text", "readability", str(path), "--json", "--agency", housing.code)
    data = json.loads(capsys.readouterr().out)
    assert len(data["long_sentences"]) == 2 and data["verdict"] == "needs_work"
    with pytest.raises(CommandError):
        call_command("text", "readability", str(path), "--agency", "no-such-agency")


def test_a_refusal_is_checked_as_the_operator_types_its_explanation_and_next_steps(operator_client):
    response = operator_client.post(
        "/operator/plain-check/",
        {
            "fields": "explanation,next_steps",
            "explanation": "В соответствии с регламентом в предоставлении услуги отказано.",
            "next_steps": "Вы можете обратиться в МФЦ.",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    page = response.content.decode()
    assert "<mark" in page and "В соответствии с" in page  # the explanation is checked
    assert 'data-check="next-step">✔' in page  # and the next steps count as the clear next step

"""The office form's rate limit and the audit of staff reading clients' comments."""

import re

import pytest

from clientcentric.core.models import AuditEvent
from clientcentric.feedback import services
from clientcentric.feedback.models import Response


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    # Counters are a namespace per test already (tests/conftest.py).
    settings.CLIENTCENTRIC_FEEDBACK_OFFICE_LIMITS = {"session": (2, 600), "ip": (3, 600)}


def _rate(client, agency, **fields):
    return client.post(f"/feedback/office/{agency.code}/", {"satisfaction": "4", **fields})


def test_the_office_form_limits_one_session_and_keeps_the_answers(client, agency):
    assert _rate(client, agency).status_code == 200
    assert _rate(client, agency).status_code == 200
    refused = _rate(client, agency, comment="Окно №3 работало быстро", effort="6")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    body = refused.content.decode()
    assert "Слишком много оценок с этого устройства" in body and "Ваши ответы сохранены в форме" in body
    assert "Окно №3 работало быстро" in body  # the comment is still in the form
    assert re.search(r'name="effort" value="6"[^>]*checked', body)  # and the chosen level
    assert Response.objects.count() == 2


def test_the_ip_limit_catches_a_script_that_drops_its_cookies(client, agency):
    from django.test import Client

    for _ in range(3):
        assert _rate(Client(), agency).status_code == 200  # a fresh session each time, one address
    assert _rate(Client(), agency).status_code == 429
    assert Response.objects.count() == 3


def test_invalid_answers_do_not_use_up_the_limit(client, agency):
    for _ in range(4):
        assert client.post(f"/feedback/office/{agency.code}/", {"satisfaction": "9"}).status_code == 400
    assert _rate(client, agency).status_code == 200


def test_operators_reading_comments_is_audited(client, agency, people):
    services.answer_at_office(agency, services.Rating(satisfaction=1, comment="Меня зовут Иван, долго ждал"))
    services.answer_at_office(agency, services.Rating(satisfaction=2, comment="Грубый охранник"))
    client.force_login(people["operator"])
    assert client.get("/operator/feedback/").status_code == 200
    event = AuditEvent.objects.get(action="feedback.comments_read")
    assert event.actor_id == people["operator"].pk
    assert sorted(event.data["responses"]) == sorted(Response.objects.values_list("pk", flat=True))
    assert event.data["where"] == "operator_follow_ups"


def test_an_admin_opening_a_response_is_audited(client, agency, people):
    response = services.answer_at_office(
        agency, services.Rating(satisfaction=1, comment="Телефон 8 900 000-00-00")
    )
    client.force_login(people["admin"])
    page = client.get(f"/admin/feedback/response/{response.pk}/change/")
    assert page.status_code == 200
    event = AuditEvent.objects.get(action="feedback.comment_read")
    assert event.object_id == str(response.pk) and event.actor_id == people["admin"].pk


def test_no_audit_entry_when_no_comment_is_shown(client, agency, people):
    client.force_login(people["operator"])
    client.get("/operator/feedback/")
    assert not AuditEvent.objects.filter(action__startswith="feedback.comment").exists()

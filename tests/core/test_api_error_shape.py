"""Under /api/ every error is the JSON error shape, and no input makes a 500; pages answer in Russian."""

import pytest
from django.test import Client

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope

SHAPE = {"error", "message", "details"}


def _shaped(reply, status):
    assert reply.status_code == status, reply.content[:300]
    assert reply["Content-Type"].startswith("application/json")
    assert set(reply.json()) == SHAPE
    return reply.json()


def test_unknown_route_and_wrong_method_are_json(client, db):
    assert _shaped(client.get("/api/v1/nothing-here"), 404)["error"] == "not_found"
    body = _shaped(client.delete("/api/v1/registry/faq"), 405)
    assert body["error"] == "method_not_allowed"


def test_an_unhandled_error_is_a_json_500(client, db, monkeypatch):
    from clientcentric.registry import api as registry_api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry_api, "get_object_or_404", broken)
    quiet = Client(raise_request_exception=False)
    assert _shaped(quiet.get("/api/v1/registry/faq/x"), 500)["error"] == "server_error"


def test_a_too_long_url_is_414(client, db):
    assert _shaped(client.get("/api/v1/registry/faq?q=" + "я" * 5000), 414)["error"] == "uri_too_long"
    page = client.get("/kb/?q=" + "я" * 5000)
    assert page.status_code == 414 and "Слишком длинный адрес" in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/registry/faq?q=%00",
        "/api/v1/registry/faq/a%00b",
        "/api/v1/kb/search?q=%D0%B0%00",
    ],
)
def test_nul_in_the_query_or_path_is_422(client, db, path):
    assert _shaped(client.get(path), 422)["error"] == "invalid_request"


def test_nul_and_lone_surrogates_in_a_json_body_are_422(client, agency):
    _token, plain = accounts_services.issue_token(name="ЗАГС", agency=agency, scopes=[ApiScope.TEXT_CHECK])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    for raw in ('{"text": "a\\u0000b"}', '{"text": "a\\ud800b"}', '{"text": "\\udc00"}'):
        reply = client.post("/api/v1/text/readability", raw, "application/json", **auth)
        assert _shaped(reply, 422)["details"][0]["location"] == "body"
    pair = client.post(
        "/api/v1/text/readability", '{"text": "Смайлик \\ud83d\\ude00"}', "application/json", **auth
    )
    assert pair.status_code == 200  # a proper surrogate pair is just an emoji


def test_numbers_past_64_bits_and_years_past_the_calendar_are_422(client, agency, db):
    huge = client.get("/api/v1/kb/articles/99999999999999999999999")
    assert _shaped(huge, huge.status_code) and huge.status_code in (404, 422)
    assert _shaped(client.get("/api/v1/registry/faq?offset=99999999999999999999999"), 422)
    _token, plain = accounts_services.issue_token(
        name="ЗАГС", agency=agency, scopes=[ApiScope.LIFE_EVENTS_WRITE]
    )
    body = {
        "event_id": "e1",
        "kind": "job_lost",
        "snils": "112-233-445 95",
        "occurred_at": "9999-12-31T23:59:59-12:00",
    }
    reply = client.post("/api/v1/life-events", body, "application/json", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert reply.status_code in (202, 422), reply.content
    too_far = {**body, "occurred_at": "10000-01-01T00:00:00Z"}
    reply = client.post(
        "/api/v1/life-events", too_far, "application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert _shaped(reply, 422)["error"] == "invalid_request"


def test_nul_on_a_page_is_a_russian_400(client, db):
    page = client.get("/kb/?q=%00")
    assert page.status_code == 400 and "символы, которые нельзя обработать" in page.content.decode()


def test_no_session_no_token_is_401_not_a_csrf_failure(db):
    strict = Client(enforce_csrf_checks=True)
    for path in ("/api/v1/appeals", "/api/v1/text/readability"):
        reply = strict.post(path, {"text": "Сломан лифт"}, "application/json")
        assert _shaped(reply, 401)["error"] == "unauthenticated"


def test_a_signed_in_session_still_needs_the_csrf_token(people):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["client"])
    reply = strict.post("/api/v1/text/readability", {"text": "Сломан лифт"}, "application/json")
    assert _shaped(reply, 403)["error"] == "forbidden" and "CSRF" in reply.json()["message"]


def test_letters_without_a_unicode_name_are_searched_and_checked(client, agency):
    tangut = "\U00017000"
    assert client.get("/api/v1/kb/search", {"q": f"пенсия a{tangut}"}).status_code == 200
    assert client.get("/api/v1/registry/faq", {"q": f"a{tangut}"}).status_code == 200
    _token, plain = accounts_services.issue_token(name="ЗАГС", agency=agency, scopes=[ApiScope.TEXT_CHECK])
    reply = client.post(
        "/api/v1/text/readability",
        {"text": f"Вы получите ответ a{tangut}."},
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert reply.status_code == 200

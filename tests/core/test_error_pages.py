"""Every error a page request can meet is a Russian page in the site's layout with a way back; under /api/ the
same errors keep the JSON error shape."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory, override_settings

from clientcentric.core import views as core_views

SHAPE = {"error", "message", "details"}


def _russian_page(response, status: int, heading: str) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<html lang="ru">' in page
    assert 'class="site-header"' in page and 'class="site-footer"' in page  # the site's layout
    assert f'<h1 id="error-title">{heading}</h1>' in page
    # A way back: home, the search, an appeal and the chat-bot.
    assert 'href="/"' in page and 'action="/search/"' in page
    assert 'href="/appeals/new/"' in page and 'href="/chat/"' in page
    # Nothing of Django's own English pages.
    for english in ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification failed"):
        assert english not in page
    return page


def _json_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == SHAPE and body["error"] == code
    return body


# ---- 400 ---------------------------------------------------------------------------------------------------------


def test_a_disallowed_host_is_a_russian_400_page(db):
    page = _russian_page(Client().get("/", HTTP_HOST="evil.example"), 400, "Запрос не может быть обработан")
    assert "данные формы повреждены" in page


def test_a_disallowed_host_under_the_api_is_a_json_400(db):
    _json_error(Client().get("/api/v1/registry/faq", HTTP_HOST="evil.example"), 400, "bad_request")


def test_text_no_database_can_store_is_a_russian_400_page(client, db):
    page = _russian_page(client.get("/kb/?q=%00"), 400, "Запрос не может быть обработан")
    assert "символы, которые нельзя обработать" in page


# ---- 403 ---------------------------------------------------------------------------------------------------------


def test_a_page_of_another_role_is_a_russian_403_page_with_the_own_menu(client, people):
    client.force_login(people["client"])
    page = _russian_page(client.get("/operator/"), 403, "Доступ закрыт")
    assert "недоступна вашей учётной записи" in page
    assert "Выйти" in page  # rendered with the request: the signed-in menu stays


def test_a_back_office_screen_refused_is_a_russian_403_page(client, people):
    client.force_login(people["inspector"])
    _russian_page(client.get("/operator/"), 403, "Доступ закрыт")


def test_an_api_route_of_another_role_is_a_json_403(client, people):
    client.force_login(people["client"])
    _json_error(client.get("/api/v1/research/segments"), 403, "forbidden")


# ---- 404 ---------------------------------------------------------------------------------------------------------


def test_an_unknown_address_is_a_russian_404_page(client, db):
    page = _russian_page(client.get("/no-such-page/"), 404, "Страница не найдена")
    assert "Ошибка 404" in page


def test_a_missing_object_is_a_russian_404_page(client, registry):
    _russian_page(client.get("/situations/no-such-situation/"), 404, "Страница не найдена")


def test_the_404_page_links_back_only_to_this_site(client, db):
    came_from = client.get("/no-such-page/", HTTP_REFERER="http://testserver/faq/?q=1").content.decode()
    assert 'href="/faq/?q=1"' in came_from and "Вернуться на предыдущую страницу" in came_from
    foreign = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/faq/").content.decode()
    assert "evil.example" not in foreign and "Вернуться на предыдущую страницу" not in foreign


def test_an_unknown_api_route_is_a_json_404(client, db):
    _json_error(client.get("/api/v1/nothing-here"), 404, "not_found")


# ---- 405 ---------------------------------------------------------------------------------------------------------


def test_a_form_address_opened_as_a_link_is_a_russian_405_page_that_keeps_allow(client, db):
    response = client.get("/account/logout/")
    page = _russian_page(response, 405, "Эту страницу нельзя открыть таким способом")
    assert "POST" in response["Allow"]
    assert "Вернитесь к форме" in page


def test_a_wrong_method_on_the_api_is_a_json_405(client, db):
    response = client.delete("/api/v1/registry/faq")
    _json_error(response, 405, "method_not_allowed")


# ---- 429 ---------------------------------------------------------------------------------------------------------


def test_the_project_rate_limit_is_a_russian_429_page_with_retry_after(client, settings, db):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"chatbot": (1, 600)}
    client.post("/chat/send/", {"text": "Как получить пенсию?"})
    response = client.post("/chat/send/", {"text": "Как получить пенсию?"})
    page = _russian_page(response, 429, "Слишком много запросов")
    assert int(response["Retry-After"]) > 0 and "Попробуйте ещё раз через" in page


def test_the_rate_limit_on_the_api_is_a_json_429(client, settings, agency):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import ApiScope

    settings.CLIENTCENTRIC_RATE_LIMITS = {"api_token": (1, 60)}
    _token, plain = accounts_services.issue_token(name="ЗАГС", agency=agency, scopes=[ApiScope.TEXT_CHECK])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    client.post("/api/v1/text/readability", {"text": "Ответ."}, "application/json", **auth)
    refused = client.post("/api/v1/text/readability", {"text": "Ещё"}, "application/json", **auth)
    _json_error(refused, 429, "too_many_requests")
    assert int(refused["Retry-After"]) > 0


def test_a_sign_in_lockout_is_a_russian_429_page(people, settings):
    settings.AXES_FAILURE_LIMIT = 2
    browser = Client(REMOTE_ADDR="10.0.0.9")
    browser.post("/account/login/", {"username": people["operator"].username, "password": "x"})
    locked = browser.post("/account/login/", {"username": people["operator"].username, "password": "x"})
    assert locked.status_code == 429
    page = locked.content.decode()
    assert '<html lang="ru">' in page and "Вход заблокирован" in page and 'href="/"' in page


# ---- 500 and 503 -------------------------------------------------------------------------------------------------


def _broken_home(monkeypatch, error: Exception):
    from clientcentric.registry import views as registry_views

    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(registry_views, "render", broken)


def test_an_unhandled_error_is_a_russian_500_page(db, monkeypatch):
    _broken_home(monkeypatch, RuntimeError("bug"))
    page = _russian_page(Client(raise_request_exception=False).get("/"), 500, "У нас что-то сломалось")
    assert "Попробуйте ещё раз через несколько минут" in page
    assert "bug" not in page  # nothing of the error itself


def test_an_unhandled_error_under_the_api_is_a_json_500(db, monkeypatch):
    from clientcentric.registry import api as registry_api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry_api, "get_object_or_404", broken)
    _json_error(Client(raise_request_exception=False).get("/api/v1/registry/faq/x"), 500, "server_error")


@pytest.fixture
def failing_context_processor():
    """Every context processor of the site plus one that fails, as a broken database would make them fail."""
    from django.conf import settings

    engine = {**settings.TEMPLATES[0]}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "context_processors": [
            *engine["OPTIONS"]["context_processors"],
            "tests.core.test_error_pages.exploding_context_processor",
        ],
    }
    with override_settings(TEMPLATES=[engine]):
        yield


def exploding_context_processor(request):
    raise OperationalError("the database is gone")


@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        (RuntimeError("bug"), 500, "У нас что-то сломалось"),
        (OperationalError("gone"), 503, "Сервис временно недоступен"),
    ],
)
def test_the_500_and_503_pages_need_neither_the_database_nor_context_processors(
    django_db_blocker, failing_context_processor, error, status, heading
):
    request = RequestFactory().get("/services/")
    with django_db_blocker.block():  # any query raises here
        try:
            raise error
        except type(error):
            response = core_views.server_error(request)
    page = _russian_page(response, status, heading)
    assert "Войти" in page  # the anonymous menu: the session was not read


def test_a_failing_database_is_a_russian_503_page_in_the_layout(db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("closed")):
        response = Client(raise_request_exception=False).get("/faq/")
    page = _russian_page(response, 503, "Сервис временно недоступен")
    assert int(response["Retry-After"]) > 0 and 'href="/faq/"' in page  # try again


def test_a_failing_database_under_the_api_is_a_json_503(db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("closed")):
        response = Client(raise_request_exception=False).get("/api/v1/registry/life-situations")
    _json_error(response, 503, "unavailable")


# ---- CSRF --------------------------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_a_russian_page(db):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/appeals/new/", {"text": "Не работает лифт"})
    page = _russian_page(response, 403, "Форму не удалось отправить")
    assert "пока ничего не сохранено" in page
    assert not re.search(r"CSRF|Referer|cookie not set", page)


def test_a_signed_in_api_call_without_its_csrf_token_is_json(people):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["client"])
    reply = strict.post("/api/v1/text/readability", {"text": "Сломан лифт"}, "application/json")
    _json_error(reply, 403, "forbidden")

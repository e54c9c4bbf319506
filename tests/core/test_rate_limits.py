"""Rate limits shared by every worker: counted in a table without Redis, in the cache with it; over the limit
a 429 with Retry-After — JSON on the API, a Russian page elsewhere."""

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.core.models import RateCounter
from clientcentric.core.services import rate_limit

NOW = 1_800_000_000.0  # a window boundary for 60-second windows


@pytest.fixture(params=["database", "cache"])
def store(request, settings, db):
    settings.CLIENTCENTRIC_RATE_LIMIT_STORE = request.param
    settings.CLIENTCENTRIC_RATE_LIMITS = {"chatbot": (3, 60)}
    return request.param


def test_the_fourth_request_in_a_window_is_refused_until_the_window_ends(store):
    for _ in range(3):
        rate_limit.enforce("chatbot", "10.0.0.1", now=NOW + 10)
    with pytest.raises(rate_limit.RateLimited) as refused:
        rate_limit.enforce("chatbot", "10.0.0.1", now=NOW + 15)
    assert refused.value.retry_after == 45
    assert rate_limit.wait_seconds("chatbot", "10.0.0.1", now=NOW + 20) == 40
    rate_limit.enforce("chatbot", "10.0.0.2", now=NOW + 20)  # another caller has its own count
    rate_limit.enforce("chatbot", "10.0.0.1", now=NOW + 61)  # the next window starts afresh


def test_the_database_store_keeps_one_row_per_window_and_no_raw_identity(store):
    rate_limit.count("chatbot", "10.0.0.1", now=NOW)
    rate_limit.count("chatbot", "10.0.0.1", now=NOW + 1)
    if store == "database":
        row = RateCounter.objects.get()
        assert row.count == 2 and "10.0.0.1" not in row.key
    else:
        assert not RateCounter.objects.exists()


def test_a_limit_set_to_none_is_off(settings, db):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"chatbot": None}
    for _ in range(50):
        rate_limit.enforce("chatbot", "10.0.0.1")
    assert not RateCounter.objects.exists()


def test_the_rating_widget_answers_a_russian_page_with_retry_after(client, settings, db):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"rating": (2, 600)}
    for _ in range(2):
        assert client.post("/feedback/widget/", {"satisfaction": "5", "page": "/"}).status_code == 302
    refused = client.post("/feedback/widget/", {"satisfaction": "5", "page": "/"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Слишком много запросов" in refused.content.decode()


def test_anonymous_appeals_and_sign_in_are_limited_per_address(client, settings, db):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"appeal": (1, 3600), "sign_in": (2, 600)}
    client.post("/appeals/new/", {"text": ""})
    assert client.post("/appeals/new/", {"text": ""}).status_code == 429
    for _ in range(2):
        assert client.post("/account/login/", {"username": "x", "password": "y"}).status_code == 200
    assert client.post("/account/login/", {"username": "x", "password": "y"}).status_code == 429


def test_chat_bot_messages_are_limited(client, settings, db):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"chatbot": (1, 60)}
    client.post("/chat/send/", {"text": "Как получить пенсию?"})
    assert client.post("/chat/send/", {"text": "Как получить пенсию?"}).status_code == 429


def test_each_token_is_limited_on_the_api_in_the_error_shape(client, settings, agency):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"api_token": (2, 60)}
    _token, plain = accounts_services.issue_token(name="ЗАГС", agency=agency, scopes=[ApiScope.TEXT_CHECK])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    for _ in range(2):
        ok = client.post(
            "/api/v1/text/readability", {"text": "Вы получите ответ."}, "application/json", **auth
        )
        assert ok.status_code == 200
    refused = client.post("/api/v1/text/readability", {"text": "Ещё"}, "application/json", **auth)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"] == "too_many_requests"


def test_behind_a_proxy_the_client_address_is_the_hop_the_proxy_saw(settings, rf):
    from clientcentric.core.services.rate_limit import client_address

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_address(request) == "10.0.0.2"
    settings.CLIENTCENTRIC_CLIENT_IP_HEADERS = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    # The first address was written by the client itself; the last one by our proxy.
    assert client_address(request) == "203.0.113.7"
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"

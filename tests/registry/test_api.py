import pytest

API = "/api/v1/registry"


def test_needs_list_is_paginated_with_a_count(client, registry):
    body = client.get(f"{API}/needs?limit=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    assert client.get(f"{API}/needs?limit=2&offset=2").json()["items"][0]["code"]


def test_needs_filter_by_status(client, registry):
    body = client.get(f"{API}/needs?status=cannot_meet").json()
    assert [n["code"] for n in body["items"]] == ["early-pension"]
    need = body["items"][0]
    assert need["faq"]["code"] == "faq-pension-early"
    assert need["status_reason"]


def test_need_detail_by_code(client, registry):
    need = client.get(f"{API}/needs/get-pension").json()
    assert need["status"] == "met"
    assert need["services"] == ["pension-assign"]
    assert need["segments"] == ["seg-2-2"]
    assert need["life_situations"] == ["retirement"]


def test_services_filters(client, registry):
    assert client.get(f"{API}/services?touchpoint=portal").json()["count"] == 1
    assert client.get(f"{API}/services?touchpoint=social").json()["count"] == 0
    assert client.get(f"{API}/services?effort_class=one_click&kind=digital").json()["count"] == 1
    assert client.get(f"{API}/services?life_situation=retirement").json()["count"] == 1
    assert client.get(f"{API}/services?agency=sfr").json()["items"][0]["agency"]["code"] == "sfr"


def test_search_parameter_matches_word_forms(client, registry):
    body = client.get(f"{API}/life-situations", {"q": "пенсии"}).json()
    assert [s["code"] for s in body["items"]] == ["retirement"]


def test_segments_and_faq(client, registry):
    segment = client.get(f"{API}/segments?is_potential=true").json()["items"][0]
    assert segment["code"] == "seg-2-2" and segment["needs"] == ["get-pension"]
    assert client.get(f"{API}/faq/faq-pension-early").json()["topic"] == "Выход на пенсию"


def test_unknown_code_answers_404_in_the_error_shape(client, registry):
    response = client.get(f"{API}/needs/no-such-need")
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "Not found.", "details": []}


@pytest.mark.parametrize("query", ["status=bogus", "limit=-1", "limit=abc", "is_potential=maybe"])
def test_bad_parameters_answer_422_with_details(client, registry, query):
    path = "segments" if "is_potential" in query else "needs"
    response = client.get(f"{API}/{path}?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request" and body["details"][0]["location"]


def test_openapi_document_lists_the_registry(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for name in ("life-situations", "segments", "needs", "services", "faq"):
        assert f"{API}/{name}" in paths


def test_docs_page_is_served(client, db):
    assert client.get("/api/docs", follow=True).status_code == 200

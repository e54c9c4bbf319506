def test_search_api_is_public_and_ranked(client, articles):
    response = client.get("/api/v1/kb/search", {"q": "как подключить монетезацию", "top": 2})
    assert response.status_code == 200
    body = response.json()
    assert len(body) <= 2
    assert body[0]["article"]["question"] == "Как подключить монетизацию на канале?"
    assert body[0]["article"]["url"] == f"/kb/{body[0]['article']['id']}/"
    assert 0 < body[0]["coverage"] <= 1


def test_search_api_refuses_a_bad_top_in_the_error_shape(client, articles):
    response = client.get("/api/v1/kb/search", {"q": "видео", "top": 100})
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


def test_search_api_needs_a_query(client, db):
    assert client.get("/api/v1/kb/search").status_code == 422


def test_a_draft_article_is_not_served(client, db):
    from clientcentric.knowledge import services

    draft, _ = services.save_article(services.ArticleInput("Черновик?", "Текст.", "", status="draft"))
    assert client.get(f"/api/v1/kb/articles/{draft.pk}").status_code == 404
    assert client.get(f"/kb/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/kb/search", {"q": "черновик"}).json() == []


def test_kb_page_searches_without_javascript_and_with_htmx(client, articles):
    page = client.get("/kb/", {"q": "удалить канал"})
    assert page.status_code == 200
    assert "Как удалить канал?" in page.content.decode()
    fragment = client.get("/kb/", {"q": "удалить канал"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "Как удалить канал?" in fragment.content.decode()


def test_article_page_shows_the_answer(client, articles):
    response = client.get(f"/kb/{articles[0].pk}/")
    assert "Подайте заявку" in response.content.decode()

import re

from django.utils import timezone

from clientcentric.knowledge import services
from clientcentric.knowledge.models import AnswerTemplate, Article
from clientcentric.knowledge.services import ArticleInput


def inline_fields(client, url: str) -> dict[str, str]:
    """The hidden formset fields the back-office page carries for its read-only version history."""
    page = client.get(url).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(versions-[^"]+)" value="([^"]*)"', page))


def test_methodologist_adds_and_edits_an_article_with_its_history(client, people):
    client.force_login(people["methodologist"])
    form = {
        "question": "Как удалить канал?",
        "answer": "В настройках.",
        "topic": "Канал",
        "status": "published",
        "review_by": "2027-06-01",
    }
    response = client.post(
        "/admin/knowledge/article/add/", {**form, **inline_fields(client, "/admin/knowledge/article/add/")}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.current_version.created_by == people["methodologist"]
    url = f"/admin/knowledge/article/{article.pk}/change/"
    client.post(url, {**form, **inline_fields(client, url), "answer": "Откройте настройки канала."})
    assert article.versions.count() == 2
    page = client.get(f"/admin/knowledge/article/{article.pk}/change/").content.decode()
    assert "В настройках." in page  # the first version is listed in the history


def test_a_template_with_an_unknown_variable_is_refused_in_the_back_office(client, people):
    client.force_login(people["methodologist"])
    response = client.post(
        "/admin/knowledge/answertemplate/add/",
        {"name": "Ответ", "body": "Здравствуйте, {{ fio }}!", "review_by": "2027-01-01", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Неизвестная переменная «{{ fio }}»" in response.content.decode()
    assert not AnswerTemplate.objects.exists()


def test_template_added_in_the_back_office_has_a_first_version(client, people):
    client.force_login(people["methodologist"])
    url = "/admin/knowledge/answertemplate/add/"
    fields = {"name": "Ответ", "body": "№ {{ appeal_number }}", "review_by": "2027-01-01", "is_active": "on"}
    response = client.post(url, {**fields, **inline_fields(client, url)})
    assert response.status_code == 302
    assert AnswerTemplate.objects.get().current_version.number == 1


def test_overdue_reviews_are_listed_and_marked_reviewed(client, people):
    past = timezone.localdate() - timezone.timedelta(days=10)
    old, _ = services.save_article(ArticleInput("Старый?", "Ответ.", "", review_by=past))
    services.save_article(ArticleInput("Свежий?", "Ответ.", ""))
    client.force_login(people["methodologist"])
    page = client.get("/admin/knowledge/overduearticle/").content.decode()
    assert "Старый?" in page and "Свежий?" not in page
    client.post("/admin/knowledge/overduearticle/", {"action": "mark_reviewed", "_selected_action": [old.pk]})
    old.refresh_from_db()
    assert old.review_by > timezone.localdate()


def test_an_operator_reads_but_cannot_edit_articles(client, people):
    article, _ = services.save_article(ArticleInput("Вопрос?", "Ответ.", ""))
    client.force_login(people["operator"])
    assert client.get(f"/admin/knowledge/article/{article.pk}/change/").status_code == 200
    client.post(f"/admin/knowledge/article/{article.pk}/change/", {"question": "Другой?", "answer": "x"})
    article.refresh_from_db()
    assert article.question == "Вопрос?"


def test_a_registry_faq_article_is_linked_here_but_edited_in_the_registry(client, people, registry):
    services.sync_registry_faq()
    article = Article.objects.get(faq_entry=registry["faq"])
    client.force_login(people["methodologist"])
    url = f"/admin/knowledge/article/{article.pk}/change/"
    fields = {"life_situations": [registry["pension"].pk], "needs": [registry["cannot"].pk]}
    response = client.post(url, {**fields, **inline_fields(client, url), "question": "Подмена?"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.question == registry["faq"].question
    assert list(article.life_situations.all()) == [registry["pension"]]


def test_templates_past_their_review_date_are_filtered(client, people):
    past = timezone.localdate() - timezone.timedelta(days=1)
    services.save_template(name="Старый шаблон", body="Текст", review_by=past)
    services.save_template(name="Свежий шаблон", body="Текст")
    client.force_login(people["methodologist"])
    page = client.get("/admin/knowledge/answertemplate/", {"review": "overdue"}).content.decode()
    assert "Старый шаблон" in page and "Свежий шаблон" not in page

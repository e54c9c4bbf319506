import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.core.models import AppendOnlyError
from clientcentric.knowledge import services
from clientcentric.knowledge.models import Article, ArticleSource, ArticleStatus
from clientcentric.knowledge.services import ArticleInput


def test_each_edit_of_an_article_adds_a_version(db, people):
    article, _ = services.save_article(ArticleInput("Как удалить канал?", "В настройках.", "Канал"))
    article, changed = services.save_article(
        ArticleInput("Как удалить канал?", "Откройте настройки и нажмите «Удалить».", "Канал"),
        article=article,
        actor=people["methodologist"],
    )
    assert changed
    versions = list(article.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].answer == "В настройках."
    assert article.current_version == versions[1]
    assert versions[1].created_by == people["methodologist"]


def test_saving_an_article_unchanged_adds_no_version(db):
    article, _ = services.save_article(ArticleInput("Вопрос?", "Ответ.", ""))
    again, changed = services.save_article(ArticleInput(" Вопрос? ", "Ответ. ", ""), article=article)
    assert not changed
    assert again.versions.count() == 1


def test_a_version_is_never_edited(db):
    article, _ = services.save_article(ArticleInput("Вопрос?", "Ответ.", ""))
    version = article.current_version
    version.answer = "Другое"
    with pytest.raises(AppendOnlyError):
        version.save()


def test_an_empty_answer_is_refused_by_field(db):
    with pytest.raises(ValidationError) as error:
        services.save_article(ArticleInput("Вопрос?", "  ", ""))
    assert "answer" in error.value.message_dict
    assert not Article.objects.exists()


def test_overdue_articles_are_listed_and_a_review_moves_the_date(db):
    from clientcentric.knowledge.selectors import overdue_articles

    past = timezone.localdate() - timezone.timedelta(days=3)
    old, _ = services.save_article(ArticleInput("Старый вопрос?", "Ответ.", "", review_by=past))
    services.save_article(ArticleInput("Новый вопрос?", "Ответ.", ""))
    assert list(overdue_articles()) == [old]
    services.mark_reviewed(old)
    assert not overdue_articles().exists()
    assert old.versions.count() == 2


def test_a_template_with_an_unknown_variable_is_refused_naming_it(db):
    with pytest.raises(ValidationError) as error:
        services.save_template(name="Ответ", body="Уважаемый {{ author_name }}! Ваш {{ passport }} принят.")
    message = " ".join(error.value.message_dict["body"])
    assert "{{ passport }}" in message
    assert "{{ author_name }}" not in message  # a known variable is not reported


def test_unknown_variable_message_is_in_russian(db):
    from django.utils import translation

    with translation.override("ru"), pytest.raises(ValidationError) as error:
        services.save_template(name="Ответ", body="{{ passport }}")
    assert "Неизвестная переменная" in " ".join(error.value.messages)


def test_unpaired_braces_are_refused(db):
    with pytest.raises(ValidationError):
        services.save_template(name="Ответ", body="Номер {{ appeal_number")


def test_templates_are_versioned_and_rendered_with_the_appeal(db, people):
    template, _ = services.save_template(
        name="Ответ", body="Здравствуйте, {{ author_name }}! № {{appeal_number}}."
    )
    template, changed = services.save_template(
        name="Ответ",
        body="Добрый день, {{ author_name }}! Обращение № {{ appeal_number }}.",
        template=template,
    )
    assert changed and template.current_version.number == 2
    assert template.versions.count() == 2
    text = services.render_template(
        template.current_version.body, {"author_name": "Анна", "appeal_number": "1"}
    )
    assert text == "Добрый день, Анна! Обращение № 1."


def test_changing_only_the_topic_adds_no_text_version(db):
    template, _ = services.save_template(name="Ответ", body="Текст")
    template, changed = services.save_template(name="Ответ", body="Текст", topic="Лифты", template=template)
    assert changed and template.topic == "Лифты"
    assert template.versions.count() == 1


def test_registry_faq_of_a_need_that_cannot_be_met_becomes_a_published_article(registry):
    from clientcentric.registry import services as registry_services
    from clientcentric.registry.models import NeedStatus

    counts = services.sync_registry_faq()
    assert counts["created"] == 1
    article = Article.objects.get(faq_entry=registry["faq"])
    assert article.source == ArticleSource.REGISTRY and article.status == ArticleStatus.PUBLISHED
    assert list(article.needs.all()) == [registry["cannot"]]
    assert services.sync_registry_faq() == {"created": 0, "changed": 0, "unpublished": 0}

    need = registry["cannot"]
    need.status = NeedStatus.IN_PROGRESS
    registry_services.save_need(need, life_situations=[registry["pension"]])
    assert services.sync_registry_faq()["unpublished"] == 1
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_registry_changes_sync_after_commit(db, django_capture_on_commit_callbacks):
    from clientcentric.registry import services as registry_services
    from clientcentric.registry.models import FaqEntry, LifeSituation, Need, NeedStatus

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        situation = registry_services.save_life_situation(LifeSituation(code="move", name="Переезд"))
        faq = registry_services.save_faq_entry(
            FaqEntry(code="faq-move", question="Почему нельзя?", answer="Закон.", topic="Переезд")
        )
        registry_services.save_need(
            Need(code="n", name="Нужда", status=NeedStatus.CANNOT_MEET, status_reason="Закон", faq=faq),
            life_situations=[situation],
        )
    # One sync for the whole transaction, however many registry rows it saved (besides the process caches' own).
    assert [callback.__name__ for callback in callbacks].count("_sync") == 1
    assert Article.objects.get(faq_entry=faq).answer == "Закон."


def test_publishing_and_withdrawing_an_article_is_versioned_with_its_status(db):
    article, _ = services.save_article(
        ArticleInput("Как удалить канал?", "В настройках.", "Канал", ArticleStatus.DRAFT)
    )
    for status in (ArticleStatus.PUBLISHED, ArticleStatus.DRAFT):
        article, _ = services.save_article(
            ArticleInput(article.question, article.answer, article.topic, status), article=article
        )
    assert list(article.versions.order_by("number").values_list("status", flat=True)) == [
        ArticleStatus.DRAFT,
        ArticleStatus.PUBLISHED,
        ArticleStatus.DRAFT,
    ]

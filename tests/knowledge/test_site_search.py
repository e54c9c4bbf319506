"""The site search: situations, needs, services, FAQ and articles ranked together by the one engine."""

import pytest
from django.core.exceptions import ValidationError

from clientcentric.knowledge import selectors
from clientcentric.knowledge import services as kb_services
from clientcentric.knowledge.services import ArticleInput
from clientcentric.registry import services as registry_services
from clientcentric.registry.models import SearchSynonym


def _found(query):
    return [
        (hit.kind, getattr(hit.item, "code", None) or hit.item.pk) for hit in selectors.site_search(query)
    ]


def test_word_forms_find_every_kind_of_record(registry):
    found = _found("пенсии")
    assert ("life_situation", "retirement") in found
    assert ("service", "pension-assign") in found
    assert ("faq", "faq-pension-early") in found


def test_a_query_is_ranked_not_filtered_by_every_word(registry):
    # The old search required both words and found nothing; each situation matches one of them.
    found = _found("пенсия переезд")
    assert ("life_situation", "retirement") in found and ("life_situation", "moving") in found


def test_the_agency_name_finds_its_services(registry):
    assert ("service", "pension-assign") in _found("социального фонда")


def test_only_function_words_find_nothing(registry):
    assert selectors.site_search("и в на") == []


def test_a_typo_still_finds(registry):
    assert ("life_situation", "retirement") in _found("пинсия")


def test_the_order_is_the_same_on_every_database(registry):
    # The index is built in Python from rows in a fixed order: SQLite and PostgreSQL give this same list.
    assert _found("пенсия по старости") == [
        ("service", "pension-assign"),
        ("life_situation", "retirement"),
        ("need", "get-pension"),
        ("faq", "faq-pension-early"),
        ("need", "pension-certificate"),
        ("need", "early-pension"),  # cannot be met: last, though it names «выход на пенсию»
    ]


def test_a_synonym_from_the_back_office_takes_effect_at_once(registry):
    assert _found("пенсионка") == []
    registry_services.save_search_synonym(SearchSynonym(phrase="пенсионка", means="пенсия"))
    assert _found("пенсионка")[0] == ("life_situation", "retirement")


def test_a_synonym_needs_words_a_search_can_match(db):
    with pytest.raises(ValidationError) as error:
        registry_services.save_search_synonym(SearchSynonym(phrase="и в на", means="пенсия"))
    assert "phrase" in error.value.message_dict


def test_the_seed_migration_fills_the_synonym_table(db):
    # Run here rather than read from the migrated database: a transactional test on the same worker empties it.
    import importlib

    from django.apps import apps

    seeding = importlib.import_module("clientcentric.registry.migrations.0003_seed_search_synonyms")
    SearchSynonym.objects.all().delete()
    seeding.seed(apps, None)
    assert SearchSynonym.objects.get(phrase="детсад").means
    assert SearchSynonym.objects.count() == len(seeding._pairs())


def test_knowledge_base_articles_are_found_and_an_faq_entry_only_once(registry):
    kb_services.sync_registry_faq()
    article, _created = kb_services.save_article(
        ArticleInput("Как получить справку о пенсии?", "Закажите справку на портале.", "Пенсия")
    )
    found = _found("справка о пенсии")
    assert ("article", article.pk) in found
    assert sum(1 for kind, _key in found if kind == "article") == 1  # the FAQ entry is not an article twice


def test_the_page_and_its_htmx_fragment(client, registry):
    page = client.get("/search/", {"q": "пенсии"}).content.decode()
    assert "/situations/retirement/" in page and "<html" in page
    fragment = client.get("/search/", {"q": "пенсии"}, HTTP_HX_REQUEST="true").content.decode()
    assert "/situations/retirement/" in fragment and "<html" not in fragment


def test_no_result_page_is_empty_handed(client, registry):
    page = client.get("/search/", {"q": "квантовая хромодинамика"}).content.decode()
    assert "Ничего не найдено" in page
    assert "/appeals/new/?text=" in page  # report a problem, with the query as its text
    assert 'href="/chat/"' in page and 'action="/chat/handover/"' in page

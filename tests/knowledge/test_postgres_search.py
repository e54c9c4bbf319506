"""The PostgreSQL path of knowledge-base search: the `russian` configuration over the GIN-indexed vector."""

import pytest
from django.db import connection

from clientcentric.knowledge import selectors

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL full-text search only")


def test_articles_carry_a_russian_search_vector_and_a_gin_index(articles):
    from clientcentric.knowledge.models import Article

    assert not Article.objects.filter(search_vector__isnull=True).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'knowledge_article'")
        assert any("gin" in row[0].lower() and "search_vector" in row[0] for row in cursor.fetchall())


def test_word_forms_are_found_through_russian_stemming(articles):
    assert selectors.search("удалить каналы", 3)[0].article == articles[3]


def test_a_typo_is_corrected_before_the_full_text_query(articles):
    assert selectors.search("как подключить монетезацию", 3)[0].article == articles[0]


def test_the_question_outweighs_the_answer(articles):
    # «канал» is in the question of one article and in the answers of others.
    assert selectors.search("верификация канала", 3)[0].article == articles[2]

"""The learned re-ranker in the product: trained by `kb train`, used by the KB search, the chat-bot and the site
search; the same order on SQLite and PostgreSQL (the suite runs on both), the same as the pure engine's."""

import csv

import pytest
from django.core.management import CommandError, call_command

from clientcentric.engines.text.kb_learned import LearnedIndex, RankerModel
from clientcentric.engines.text.kb_ranking import document, query_terms, question_kinds, stored_lemmas
from clientcentric.knowledge import chatbot, selectors, services
from clientcentric.knowledge.services import ArticleInput

from .conftest import ARTICLES

MORE = [
    (
        "Что нельзя публиковать на платформе?",
        "Чужой контент, рекламу казино, насилие и оскорбления.",
        "Правила",
    ),
    (
        "Почему удаляются комментарии под видео?",
        "Комментарии удаляет автор канала или модератор.",
        "Комментарии",
    ),
]
QUESTIONS = [
    ("за что удалили мой ролик", "Что нельзя публиковать на платформе?"),
    ("ролик удалили без объяснения", "Что нельзя публиковать на платформе?"),
    ("почему удаляют ролики с канала", "Что нельзя публиковать на платформе?"),
    ("ролик заблокировали, что я нарушил", "Что нельзя публиковать на платформе?"),
    ("какие ролики запрещены", "Что нельзя публиковать на платформе?"),
    ("кто удаляет комментарии у меня под роликом", "Почему удаляются комментарии под видео?"),
    ("пропадают комментарии", "Почему удаляются комментарии под видео?"),
    ("хочу зарабатывать на канале", "Как подключить монетизацию на канале?"),
    ("деньги за просмотры когда начислят", "Как подключить монетизацию на канале?"),
    ("ролик не грузится", "Почему видео не загружается?"),
    ("видос не загружается уже час", "Почему видео не загружается?"),
    ("стереть канал навсегда", "Как удалить канал?"),
    ("закрыть канал совсем", "Как удалить канал?"),
    ("синяя галочка у канала", "Как пройти верификацию канала?"),
]
PROBES = [
    "почему удалили ролики",
    "не грузится видос",
    "закрыть канал",
    "как закрыть канал",
    "монетизация",
    "галочка",
]


@pytest.fixture
def base(db):
    return [services.save_article(ArticleInput(q, a, t))[0] for q, a, t in [*ARTICLES, *MORE]]


@pytest.fixture
def trained(base, tmp_path, settings):
    settings.CLIENTCENTRIC_KB_MODEL = str(tmp_path / "kb_ranker.json")
    path = tmp_path / "questions.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Вопрос пользователя", "Вопрос из БЗ"])
        writer.writerows(QUESTIONS)
    call_command("kb", "train", str(path))
    selectors._kb_index.clear()
    selectors._site.clear()
    return base


def _engine_order(query):
    """The pure engine's order on the same texts, without any database: what both backends must give."""
    texts = [*ARTICLES, *MORE]
    docs = [document(n, stored_lemmas(q, a), t, q) for n, (q, a, t) in enumerate(texts)]
    from django.conf import settings

    index = LearnedIndex(docs, RankerModel.load(settings.CLIENTCENTRIC_KB_MODEL))
    return [texts[hit.key][0] for hit in index.search(query_terms(query), 3, kinds=question_kinds(query))]


def test_the_trained_ranker_answers_a_paraphrase(trained):
    assert (
        selectors.search("почему удалили ролики", 1)[0].article.question
        == "Что нельзя публиковать на платформе?"
    )


@pytest.mark.parametrize("query", PROBES)
def test_the_database_gives_the_engines_order(trained, query):
    # Rows come from SQLite or PostgreSQL (the suite runs on both); the ranking is the same Python engine's.
    assert [hit.article.question for hit in selectors.search(query, 3)] == _engine_order(query)


@pytest.mark.parametrize("query", PROBES)
def test_without_a_model_the_database_gives_the_bm25f_order(base, query):
    assert [hit.article.question for hit in selectors.search(query, 3)] == _engine_order(query)


def test_the_site_search_and_the_chat_bot_use_the_same_ranker(trained):
    first = selectors.site_search("почему удалили ролики")[0]
    assert first.kind == "article" and first.item.question == "Что нельзя публиковать на платформе?"
    [reply] = chatbot.receive(chatbot.start(), "почему удалили ролики")
    offered = reply.payload.get("article") or reply.payload["articles"][0]
    assert offered["question"] == "Что нельзя публиковать на платформе?"


def test_a_mapped_question_that_names_no_article_is_refused_with_its_row(base, tmp_path, settings):
    settings.CLIENTCENTRIC_KB_MODEL = str(tmp_path / "kb_ranker.json")
    path = tmp_path / "questions.csv"
    path.write_text(
        "Вопрос пользователя,Вопрос из БЗ\nгалочка,Как пройти верификацию канала?\nчто-то,Нет такой статьи\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="2.*Нет такой статьи"):
        call_command("kb", "train", str(path))
    assert not (tmp_path / "kb_ranker.json").exists()


def test_a_missing_column_is_named(base, tmp_path):
    path = tmp_path / "questions.csv"
    path.write_text("вопрос,статья\nа,б\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Вопрос пользователя"):
        call_command("kb", "train", str(path))


@pytest.mark.parametrize("query", PROBES[:2])
def test_a_model_file_of_an_older_engine_falls_back_to_bm25f(base, tmp_path, settings, caplog, query):
    settings.CLIENTCENTRIC_KB_MODEL = str(tmp_path / "kb_ranker.json")
    (tmp_path / "kb_ranker.json").write_text('{"version": 0, "features": ["bm25f"]}', encoding="utf-8")
    selectors._kb_index.clear()
    hits = selectors.search(query, 3)
    assert [hit.article.question for hit in hits] == _engine_order_without_model(query)
    assert "kb train" in caplog.text


def _engine_order_without_model(query):
    texts = [*ARTICLES, *MORE]
    docs = [document(n, stored_lemmas(q, a), t, q) for n, (q, a, t) in enumerate(texts)]
    return [texts[hit.key][0] for hit in LearnedIndex(docs, None).search(query_terms(query), 3)]

""" "Why not now, and when" (issue 20): a need the agency does not meet today says why and, when it has one, the date
it expects to — on the registry's pages and in the chat-bot's answer about that need."""

from datetime import date

from clientcentric.knowledge import chatbot
from clientcentric.knowledge import services as kb_services
from clientcentric.knowledge.services import ArticleInput
from clientcentric.registry import selectors
from clientcentric.registry import services as registry_services


def _expect(need, on, registry):
    need.expected_on = on
    return registry_services.save_need(need, life_situations=[registry["pension"]])


def test_need_page_says_why_not_now_and_the_expected_date(client, registry):
    _expect(registry["in_progress"], date(2027, 3, 1), registry)
    page = client.get(registry["in_progress"].get_absolute_url()).content.decode()
    assert "Почему не сейчас и когда" in page
    assert "Сервис разрабатывается" in page and "ожидается к 1 марта 2027" in page


def test_a_need_that_cannot_be_met_says_there_is_no_date(client, registry):
    page = client.get(registry["cannot"].get_absolute_url()).content.decode()
    assert "срока нет" in page and "установлен федеральным законом" in page


def test_a_met_need_has_no_why_not_now(client, registry):
    assert selectors.why_not_now(registry["met"]) is None
    assert "Почему не сейчас" not in client.get(registry["met"].get_absolute_url()).content.decode()


def test_life_situation_page_shows_the_expected_date(client, registry):
    _expect(registry["in_progress"], date(2027, 3, 1), registry)
    page = client.get(registry["pension"].get_absolute_url()).content.decode()
    assert "ожидается к 1 марта 2027" in page


def test_chat_bot_answer_about_an_unmet_need_says_why_not_now_and_when(registry):
    _expect(registry["in_progress"], date(2027, 3, 1), registry)
    article, _created = kb_services.save_article(
        ArticleInput("Как получить справку о размере пенсии?", "Справку выдаёт Социальный фонд.", "Пенсия")
    )
    kb_services.link_article(article, needs=[registry["in_progress"]])
    [reply] = chatbot.receive(chatbot.start(), "Как получить справку о размере пенсии?")
    assert reply.intent == "answer"
    (item,) = reply.payload["not_now"]
    assert item["name"] == registry["in_progress"].name
    assert item["why"] == "Сервис разрабатывается, запуск в 2027 году"
    assert item["when"] == "ожидается к 1 марта 2027"

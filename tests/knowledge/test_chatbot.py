import pytest
from django.core.exceptions import ValidationError

from clientcentric.appeals.models import Appeal
from clientcentric.knowledge import chatbot, selectors, services
from clientcentric.knowledge.models import Conversation, Message


@pytest.fixture
def conversation(db):
    return chatbot.start()


def test_a_clear_question_is_answered_from_the_knowledge_base(conversation, articles):
    [reply] = chatbot.receive(conversation, "Как удалить канал?")
    assert reply.intent == "answer"
    assert reply.text == articles[3].answer
    assert reply.payload["article"]["id"] == articles[3].pk


def test_an_unsure_match_offers_the_top_three_and_a_person(conversation, articles, settings):
    settings.CLIENTCENTRIC_CHATBOT_CONFIDENCE = 1.01
    [reply] = chatbot.receive(conversation, "видео канал")
    assert reply.intent == "suggest"
    assert 1 <= len(reply.payload["articles"]) <= 3
    assert "handover" in reply.payload["actions"]


def test_nothing_found_offers_a_person(conversation, articles):
    [reply] = chatbot.receive(conversation, "прогноз погоды на завтра")
    assert reply.intent == "not_found" and "handover" in reply.payload["actions"]


def test_the_dialogue_is_stored(conversation, articles):
    chatbot.receive(conversation, "Как удалить канал?")
    senders = list(conversation.messages.values_list("sender", flat=True))
    assert senders == ["bot", "client", "bot"]


def test_the_status_of_the_clients_own_appeals(conversation, people, registry):
    from clientcentric.appeals import services

    client = people["client"]
    appeal = services.receive_appeal(
        services.AppealInput(channel="portal", text="Не работает лифт в подъезде"), author=client
    ).appeal
    [reply] = chatbot.receive(conversation, "какой статус моего обращения?", user=client)
    assert reply.payload["appeals"][0]["number"] == appeal.number


def test_an_anonymous_client_is_asked_for_the_number(conversation):
    [reply] = chatbot.receive(conversation, "статус обращения")
    assert reply.intent == "status" and "sign_in" in reply.payload["actions"]


def test_an_appeal_number_is_looked_up(conversation):
    [reply] = chatbot.receive(conversation, "что с 2026-999999?")
    assert "2026-999999" in reply.text and not reply.payload.get("appeals")


def test_starting_an_appeal_links_the_prefilled_form(conversation, articles):
    chatbot.receive(conversation, "Во дворе сломали качели")
    [reply] = chatbot.receive(conversation, "хочу подать жалобу")
    assert reply.payload["link"].startswith("/appeals/new/?text=")
    assert "%D0%BA%D0%B0%D1%87%D0%B5%D0%BB%D0%B8" in reply.payload["link"]  # «качели»


def test_asking_for_a_person_puts_the_conversation_in_the_operators_queue_not_an_appeal(
    conversation, people, articles
):
    chatbot.receive(conversation, "Как удалить канал?")
    [reply] = chatbot.receive(conversation, "позовите оператора", user=people["client"])
    conversation.refresh_from_db()
    assert reply.intent == "handover" and conversation.with_operator
    assert conversation.handover_due_at > conversation.handover_requested_at
    assert list(selectors.chats_waiting()) == [conversation]
    assert not Appeal.objects.exists()


def test_while_with_an_operator_the_bot_stays_silent(conversation, people, articles):
    chatbot.receive(conversation, "оператор")
    assert chatbot.receive(conversation, "Как удалить канал?") == []
    assert conversation.messages.last().sender == Message.Sender.CLIENT


def test_an_operator_picks_up_answers_and_finishes(conversation, people, articles):
    chatbot.hand_over(conversation)
    operator = people["operator"]
    # Nothing named an agency: a coordinator passes the conversation to the operator's.
    services.pass_conversation(conversation, operator.agency, actor=people["admin"])
    services.operator_reply(conversation, "Здравствуйте, чем помочь?", operator=operator)
    conversation.refresh_from_db()
    assert conversation.operator == operator and conversation.picked_up_at is not None
    assert conversation.messages.filter(sender=Message.Sender.OPERATOR).count() == 2  # joined + the answer
    with pytest.raises(ValidationError):
        services.take_conversation(conversation, operator=people["admin"])
    services.finish_handover(conversation, operator=operator)
    assert not selectors.chats_waiting().exists()
    [reply] = chatbot.receive(conversation, "Как удалить канал?")
    assert reply.intent == "answer"


def test_the_hand_over_deadline_is_minutes_of_working_time(settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moscow = ZoneInfo("Europe/Moscow")
    settings.CLIENTCENTRIC_CHAT_HANDOVER_MINUTES = 15
    assert services.handover_due(datetime(2026, 12, 7, 10, 0, tzinfo=moscow)) == datetime(
        2026, 12, 7, 10, 15, tzinfo=moscow
    )  # a Monday morning
    # Saturday evening: the clock starts on Monday at nine.
    assert services.handover_due(datetime(2026, 12, 5, 20, 0, tzinfo=moscow)) == datetime(
        2026, 12, 7, 9, 15, tzinfo=moscow
    )


def test_a_problem_report_offers_the_report_form_with_only_the_relevant_messages(conversation, articles):
    chatbot.receive(conversation, "Здравствуйте")
    [reply] = chatbot.receive(conversation, "На дороге у дома огромная яма")
    assert reply.intent == "problem_report"
    assert "монетизац" not in reply.text.lower()  # no knowledge-base article is pushed at a pothole
    chatbot.receive(conversation, "улица Ленина, дом 5")
    assert chatbot.client_text(conversation) == "На дороге у дома огромная яма\nулица Ленина, дом 5"
    link = chatbot.appeal_form_url(conversation)
    assert link.startswith("/appeals/new/?text=") and "%D0%97%D0%B4%D1%80" not in link  # no «Здр…»


def test_every_dialogue_ends_with_a_rating(conversation):
    [reply] = chatbot.receive(conversation, "спасибо")
    assert reply.intent == "feedback"
    with pytest.raises(ValidationError):
        chatbot.rate(conversation, 7)
    chatbot.rate(conversation, 4)
    conversation.refresh_from_db()
    assert conversation.rating == 4 and conversation.ended_at is not None
    with pytest.raises(ValidationError):
        chatbot.receive(conversation, "ещё вопрос")


def test_chat_page_round_trip_with_htmx(client, articles):
    assert client.get("/chat/").status_code == 200
    response = client.post("/chat/send/", {"text": "Как удалить канал?"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Откройте настройки канала" in page and "<html" not in page
    conversation = Conversation.objects.get()
    assert conversation.messages.filter(sender=Message.Sender.CLIENT).count() == 1


def test_chat_works_without_javascript(client, articles):
    response = client.post("/chat/send/", {"text": "Как удалить канал?"})
    assert response.status_code == 302 and response["Location"] == "/chat/"
    assert "Откройте настройки канала" in client.get("/chat/").content.decode()


def test_chat_rating_through_the_page(client, articles):
    client.post("/chat/end/")
    client.post("/chat/rate/", {"rating": "5"})
    assert Conversation.objects.get().rating == 5


def test_handover_through_the_page_needs_no_contact_and_creates_no_appeal(client, articles):
    client.post("/chat/send/", {"text": "Как удалить канал?"})
    page = client.post("/chat/handover/", {}, headers={"HX-Request": "true"}).content.decode()
    assert "оператор" in page.lower() and not Appeal.objects.exists()
    assert Conversation.objects.get().with_operator

import pytest
from django.core.exceptions import ValidationError

from clientcentric.appeals.models import Appeal
from clientcentric.knowledge import chatbot
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


def test_hand_over_creates_a_chatbot_appeal_with_the_whole_conversation(conversation, people, articles):
    chatbot.receive(conversation, "Как удалить канал?")
    [offer] = chatbot.receive(conversation, "позовите оператора", user=people["client"])
    assert offer.intent == "handover" and "confirm_handover" in offer.payload["actions"]
    appeal = chatbot.hand_over(conversation, user=people["client"])
    assert appeal.channel == "chatbot" and appeal.author == people["client"]
    assert "Как удалить канал?" in appeal.text and articles[3].answer in appeal.text
    assert chatbot.hand_over(conversation, user=people["client"]) == appeal
    assert Appeal.objects.count() == 1
    assert conversation.messages.last().intent == "feedback"


def test_an_anonymous_hand_over_needs_a_contact(conversation):
    with pytest.raises(ValidationError):
        chatbot.hand_over(conversation)
    appeal = chatbot.hand_over(conversation, contact_email="anna@example.ru")
    assert appeal.contact_email == "anna@example.ru"


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


def test_anonymous_handover_through_the_page_reports_a_missing_contact(client, articles):
    client.post("/chat/send/", {"text": "оператор"})
    page = client.post("/chat/handover/", {}, headers={"HX-Request": "true"}).content.decode()
    assert "errorlist" in page and not Appeal.objects.exists()
    client.post("/chat/handover/", {"contact_email": "a@b.ru"})
    assert Appeal.objects.get().channel == "chatbot"

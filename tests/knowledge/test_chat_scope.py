"""The operators' chat queue is scoped by agency: a hand-over goes to the agency the client asked about, an
operator of another agency neither sees nor takes it, and one routed to none waits for the coordinators."""

import pytest
from django.core.exceptions import PermissionDenied

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.accounts.roles import Role
from clientcentric.appeals import services as appeal_services
from clientcentric.appeals.models import RoutingRule
from clientcentric.core.models import AuditEvent
from clientcentric.knowledge import chatbot, selectors, services
from tests.conftest import PASSWORD


@pytest.fixture
def other_operator(db):
    other = accounts_services.save_agency(
        Agency(code="gzhi", name="Жилищная инспекция", level="regional", kind="supervisory")
    )
    return accounts_services.create_person(
        username="operator-gzhi", password=PASSWORD, role=Role.OPERATOR, agency=other
    )


@pytest.fixture
def routed_chat(people, registry, articles):
    """A client asked about an article whose need a service of the operator's agency meets, then for a person."""
    services.link_article(articles[3], needs=[registry["met"]])
    conversation = chatbot.start()
    chatbot.receive(conversation, "Как удалить канал?")
    chatbot.receive(conversation, "позовите оператора")
    conversation.refresh_from_db()
    return conversation


def test_a_hand_over_goes_to_the_agency_of_the_service_asked_about(routed_chat, agency):
    assert routed_chat.agency == agency


def test_a_problem_topic_goes_to_the_agency_the_routing_rules_name(db, other_operator):
    appeal_services.save_routing_rule(
        RoutingRule(position=1, name="лифты", conditions={"topic": "Лифты"}, executor=other_operator.agency)
    )
    conversation = chatbot.start()
    services.post_message(conversation, "bot", "Похоже на проблему", "problem_report", {"topic": "Лифты"})
    chatbot.hand_over(conversation)
    conversation.refresh_from_db()
    assert conversation.agency == other_operator.agency


def test_an_operator_of_another_agency_cannot_see_or_take_the_conversation(
    client, people, routed_chat, other_operator
):
    assert list(selectors.chats_waiting(people["operator"])) == [routed_chat]
    assert not selectors.chats_waiting(other_operator).exists()
    with pytest.raises(PermissionDenied):
        services.take_conversation(routed_chat, operator=other_operator)
    with pytest.raises(PermissionDenied):
        services.operator_reply(routed_chat, "Здравствуйте", operator=other_operator)
    with pytest.raises(PermissionDenied):
        services.finish_handover(routed_chat, operator=other_operator)
    client.force_login(other_operator)
    queue = client.get("/operator/chats/").content.decode()
    assert f"/operator/chats/{routed_chat.pk}/" not in queue
    assert client.get(f"/operator/chats/{routed_chat.pk}/").status_code == 404
    assert client.post(f"/operator/chats/{routed_chat.pk}/", {"action": "take"}).status_code == 404
    routed_chat.refresh_from_db()
    assert routed_chat.operator is None
    assert not AuditEvent.objects.filter(action="knowledge.chat_read", actor=other_operator).exists()
    client.force_login(people["operator"])
    assert f"/operator/chats/{routed_chat.pk}/" in client.get("/operator/chats/").content.decode()
    client.post(f"/operator/chats/{routed_chat.pk}/", {"action": "take"})
    routed_chat.refresh_from_db()
    assert routed_chat.operator == people["operator"]


def test_an_unrouted_conversation_waits_for_the_coordinators_who_pass_it_on(client, people, other_operator):
    conversation = chatbot.start()
    chatbot.hand_over(conversation)
    conversation.refresh_from_db()
    assert conversation.agency is None
    assert not selectors.chats_waiting(people["operator"]).exists()
    assert list(selectors.chats_waiting(people["admin"])) == [conversation]
    with pytest.raises(PermissionDenied):
        services.take_conversation(conversation, operator=people["operator"])
    with pytest.raises(PermissionDenied):
        services.pass_conversation(conversation, other_operator.agency, actor=people["operator"])
    client.force_login(people["admin"])
    queue = client.get("/operator/chats/").content.decode()
    assert "не распределён" in queue
    page = client.get(f"/operator/chats/{conversation.pk}/").content.decode()
    assert "Передать операторам" in page
    client.post(f"/operator/chats/{conversation.pk}/", {"action": "pass", "agency": other_operator.agency_id})
    conversation.refresh_from_db()
    assert conversation.agency == other_operator.agency
    assert list(selectors.chats_waiting(other_operator)) == [conversation]
    assert AuditEvent.objects.filter(action="knowledge.chat_passed").exists()

"""A citizen searches the knowledge base in their own words, then asks the chat-bot and is handed to a person."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).with_name("screenshots")
REAL = Path(__file__).resolve().parents[2] / "data" / "faq" / "knowledge_base.csv"


@pytest.fixture
def knowledge_site(demo_site):
    from clientcentric.knowledge import demo

    assert demo.load_knowledge_base(REAL).ok
    return demo_site


def test_citizen_searches_the_knowledge_base_and_talks_to_the_chatbot(page, knowledge_site):
    from clientcentric.appeals.models import Appeal
    from clientcentric.knowledge.models import Conversation

    page.goto(knowledge_site + "/kb/")
    page.get_by_label(re.compile("Ваш вопрос|Your question")).fill("как подключить монетезацию")
    page.get_by_role("button", name=re.compile("Найти|Find")).click()
    results = page.locator("#kb-results")
    expect(results.get_by_role("link").first).to_contain_text(re.compile("монетизац", re.I))
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "knowledge_base_search.png"), full_page=True)
    results.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile("монетизац", re.I))

    page.goto(knowledge_site + "/chat/")
    box = page.get_by_label(re.compile("Ваше сообщение|Your message"))
    box.fill("Как удалить канал?")
    page.get_by_role("button", name=re.compile("^(Спросить|Ask a question)$")).click()
    log = page.locator(".chat-log")
    expect(log.locator(".chat-client")).to_contain_text("Как удалить канал?")
    expect(log.locator(".chat-bot").nth(1)).to_be_visible()

    page.get_by_label(re.compile("Ваше сообщение|Your message")).fill("оператор")
    page.get_by_role("button", name=re.compile("^(Спросить|Ask a question)$")).click()
    expect(log).to_contain_text(re.compile("ответит здесь|will answer here"))
    page.get_by_role("button", name=re.compile("^(Закончить разговор|End the conversation)$")).click()
    page.get_by_role("button", name=re.compile("^(Оценка 5 из 5|Rate 5 of 5)$")).click()
    expect(
        page.get_by_role("button", name=re.compile("новый разговор|new conversation", re.I))
    ).to_be_visible()

    # A hand-over is a conversation for an operator, not a written appeal.
    assert not Appeal.objects.filter(channel="chatbot").exists()
    conversation = Conversation.objects.get(handover_requested_at__isnull=False)
    assert conversation.rating == 5 and conversation.handover_due_at is not None


def test_operator_inserts_a_template_and_the_answer_records_its_version(page, demo_site):
    from clientcentric.accounts.models import User
    from clientcentric.appeals import services
    from clientcentric.appeals.models import Answer, RoutingRule
    from clientcentric.knowledge.models import AnswerTemplate
    from clientcentric.registry.demo import DEMO_PASSWORD

    operator = User.objects.get(username="operator")
    services.save_routing_rule(
        RoutingRule(
            position=1, name="Невский район", conditions={"district": "Невский"}, executor=operator.agency
        )
    )
    appeal = services.receive_appeal(
        services.AppealInput(
            channel="portal", text="В парадной не горит свет", district="Невский", contact_email="a@b.ru"
        )
    ).appeal
    services.take(appeal, operator=operator)
    template = AnswerTemplate.objects.get(name="Нужны подробности")

    page.goto(demo_site + "/account/login/")
    page.locator("#id_username").fill("operator")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(demo_site + f"/operator/appeals/{appeal.number}/")
    panel = page.locator("#kb-operator-panel")
    panel.locator("li", has_text="Нужны подробности").get_by_role("button").click()
    expect(page.locator("#id_text")).to_have_value(re.compile(f"№ {appeal.number}"))
    expect(page.locator("#plain-check")).to_contain_text(re.compile("Флеш|Flesch|чтени", re.I))
    page.screenshot(path=str(SCREENSHOTS / "operator_template_inserted.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Отправить ответ|Send the answer")).click()
    expect(page.locator("main")).to_contain_text(re.compile("дан ответ|answered", re.I))
    assert Answer.objects.get(appeal=appeal).template_version == template.current_version

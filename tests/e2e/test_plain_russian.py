"""The operator writes an answer and sees the plain-Russian check live; over the limit it needs a reason."""

import re

from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .test_appeals import sign_in

BUREAUCRATIC = (
    "Уважаемый пользователь! Настоящим сообщаем, что в соответствии с действующим законодательством "
    "Российской Федерации осуществление мероприятий по обеспечению надлежащего функционирования "
    "вышеуказанного осветительного оборудования производится в рамках утверждённого плана-графика "
    "проведения работ."
)
PLAIN = "Мы заменим фонарь до 30 ноября. Если он снова погаснет, позвоните нам: 8 812 123-45-67."


def test_operator_sees_the_plain_russian_check_while_typing(page, demo_site):
    from clientcentric.accounts.models import Agency
    from clientcentric.appeals import services
    from clientcentric.registry.demo import DEMO_PASSWORD

    appeal = services.receive_appeal(
        services.AppealInput(
            channel="portal",
            text="Во дворе дома 7 по улице Седова не горит фонарь у детской площадки уже неделю",
            district="Невский",
            contact_email="n@example.ru",
        ),
        default_executor=Agency.objects.get(code="ja-nevsky"),
    ).appeal

    sign_in(page, demo_site, "operator", DEMO_PASSWORD)
    page.goto(f"{demo_site}/operator/appeals/{appeal.number}/")
    page.get_by_role("button", name=re.compile("Взять|Take")).click()

    answer = page.locator("#id_text")
    answer.fill(BUREAUCRATIC[:-1])
    answer.press_sequentially(".")
    panel = page.locator("#plain-check")
    expect(panel.locator("[data-verdict]")).to_have_attribute("data-verdict", "hard")
    expect(panel.locator("mark").first).to_be_visible()
    expect(panel).to_contain_text("в соответствии с")
    expect(panel).to_contain_text("по; согласно")
    expect(panel.locator("[data-check=next-step]")).to_contain_text("✘")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.locator(".plain-check").screenshot(path=str(SCREENSHOTS / "plain_russian_live_check.png"))

    page.get_by_role("button", name=re.compile("Отправить ответ|Send the answer")).click()
    expect(page.locator("main")).to_contain_text("Ответ читается труднее, чем допускает ваш орган")
    expect(page.locator("#id_text")).to_have_value(BUREAUCRATIC)
    page.locator("#answer-form").screenshot(path=str(SCREENSHOTS / "plain_russian_reason_needed.png"))

    answer = page.locator("#id_text")
    answer.fill(PLAIN[:-1])
    answer.press_sequentially(".")
    expect(panel.locator("[data-verdict]")).to_have_attribute("data-verdict", "plain")
    expect(panel.locator("[data-check=next-step]")).to_contain_text("✔")
    page.get_by_role("button", name=re.compile("Отправить ответ|Send the answer")).click()
    expect(page.locator(".appeal-status-answered")).to_be_visible()

    appeal.refresh_from_db()
    reply = appeal.answers.get()
    assert reply.reading_grade is not None and reply.plain_override_reason == ""

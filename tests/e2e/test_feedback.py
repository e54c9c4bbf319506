"""A client rates an answered appeal through the invitation link; anyone reads the public dashboard."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from .conftest import SCREENSHOTS


def test_client_rates_an_answered_appeal_and_reads_the_dashboard(page, demo_site):
    from clientcentric.accounts.models import Agency, User
    from clientcentric.appeals import services as appeal_services
    from clientcentric.feedback import aggregation, publication, services
    from clientcentric.feedback.models import FollowUp, Invitation
    from clientcentric.registry.models import Service

    housing = Agency.objects.get(code="ja-nevsky")
    client = User.objects.get(username="client")
    data = appeal_services.AppealInput(
        channel="portal", text="Во дворе дома 7 по Народной улице не вывезли мусор"
    )
    appeal = appeal_services.receive_appeal(data, author=client, default_executor=housing).appeal
    operator = User.objects.get(username="operator")
    appeal_services.take(appeal, operator=operator)
    appeal_services.answer(appeal, operator=operator, text="Мусор вывезен 25 ноября.")
    invitation = Invitation.objects.get(appeal=appeal)
    link = f"{demo_site}/feedback/r/{services.token_for(invitation)}/"

    page.goto(link)
    expect(page.locator("main")).to_contain_text(appeal.number)
    page.locator("fieldset", has_text="Насколько вы довольны").get_by_role(
        "radio", name="2", exact=True
    ).click()
    page.locator("fieldset", has_text="Получить услугу было легко").get_by_role(
        "radio", name="3", exact=True
    ).click()
    page.get_by_label("Быстро").last.check()
    page.get_by_label(re.compile("Что ещё вы хотите сказать")).fill(
        "Мусор вывезли только после второго обращения."
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "feedback_rating_form.png"), full_page=True)
    page.get_by_role("button", name="Отправить оценку").click()
    expect(page.get_by_role("heading", name="Спасибо за оценку")).to_be_visible()
    expect(page.get_by_role("link", name="Переоткрыть обращение")).to_be_visible()
    assert FollowUp.objects.filter(response__appeal=appeal, agency=housing).exists()

    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("Эта оценка уже получена")

    zags = Agency.objects.get(code="zags")
    birth = Service.objects.get(code="birth-registration")
    when = datetime(2026, 5, 12, 9, tzinfo=UTC)
    for level in [5] * 26 + [4] * 10 + [3] * 4 + [1] * 2:
        services.answer_at_office(
            zags, services.Rating(satisfaction=level, effort=6), service=birth, now=when
        )
    aggregation.aggregate_full()
    report = publication.publish("2026Q2")

    page.goto(demo_site + "/")
    page.get_by_role("link", name="Удовлетворённость").first.click()
    expect(page.get_by_role("heading", name="Удовлетворённость клиентов")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Государственная регистрация рождения"))
    expect(row).to_contain_text("86 %")
    expect(page.locator("main")).to_contain_text(report.integrity_hash)
    expect(page.locator("figure.chart img")).to_have_attribute(
        "alt", re.compile("Государственная регистрация рождения: 86")
    )
    expect(page.locator("main")).not_to_contain_text("второго обращения")

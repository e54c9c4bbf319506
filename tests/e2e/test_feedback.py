"""A client rates an answered appeal through the invitation link; anyone reads the public dashboard."""

import re
from datetime import UTC, datetime

from playwright.sync_api import expect

from .conftest import SCREENSHOTS


def test_client_rates_an_answered_appeal_and_reads_the_dashboard(page, demo_site):
    from clientcentric.accounts.models import Agency, User
    from clientcentric.appeals import services as appeal_services
    from clientcentric.feedback import services
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
    # A low score asks what got in the way, with the negative options only.
    expect(page.get_by_label("Быстро", exact=True)).to_be_hidden()
    page.get_by_label("Долго", exact=True).check()
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
    from clientcentric.delivery.models import ServiceRequest

    for seconds, typed, steps in [(40, 0, 1)] * 30 + [(420, 3, 2)] * 10:
        ServiceRequest.objects.create(
            client=client, service=birth, seconds=seconds, fields_typed=typed, steps=steps, submitted_at=when
        )
    services.aggregate_full()
    report = services.publish_quarter("2026Q2")

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
    expect(row).to_contain_text("в один клик: 75 %")  # 30 of 40 requests, measured not asked
    expect(row).to_contain_text("за 5 минут: 75 %")
    page.screenshot(path=str(SCREENSHOTS / "feedback_dashboard.png"), full_page=True)


def test_the_analyst_compares_services_on_a_funnel_plot_next_to_objective_measures(page, demo_site):
    from clientcentric.accounts.models import User
    from clientcentric.delivery.models import ServiceRequest
    from clientcentric.feedback import services
    from clientcentric.registry.demo import DEMO_PASSWORD
    from clientcentric.registry.models import Service

    from .test_subscriptions import sign_in

    birth = Service.objects.get(code="birth-registration")
    client = User.objects.get(username="client")
    when = datetime(2026, 5, 14, 10, tzinfo=UTC)
    for seconds, typed, steps in [(40, 0, 1)] * 6 + [(420, 3, 2)] * 2:
        ServiceRequest.objects.create(
            client=client, service=birth, seconds=seconds, fields_typed=typed, steps=steps, submitted_at=when
        )

    others = list(Service.objects.exclude(pk=birth.pk).select_related("agency").order_by("code")[:2])
    for service, levels in (
        (birth, [5] * 26 + [4] * 10 + [3] * 4 + [1] * 2),
        (others[0], [5] * 10 + [2] * 20),
        (others[1], [4] * 50 + [3] * 10),
    ):
        for level in levels:
            services.answer_at_office(
                service.agency, services.Rating(satisfaction=level), service=service, now=when
            )
    services.aggregate_full()

    sign_in(page, demo_site, "analyst", DEMO_PASSWORD)
    page.goto(demo_site + "/analytics/satisfaction/?period=quarter&value=2026Q2&by=service_id")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="Воронкообразный график: сравнение строк")).to_be_visible()
    expect(main.locator("figure.funnel svg")).to_be_visible()
    expect(main.locator("figure.funnel")).to_have_attribute("aria-label", re.compile("общая доля"))
    row = main.get_by_role("row", name=re.compile("Государственная регистрация рождения")).first
    expect(row).to_contain_text("0 мин 40 с")  # median time to submit
    expect(row).to_contain_text("75 %")  # 6 of 8 requests in one click
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "feedback_analyst_funnel.png"), full_page=True)

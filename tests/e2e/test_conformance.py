"""The self-assessment walked in Chromium: a methodologist attests a requirement with evidence, a deviation
request is proposed by an analyst and approved by the methodologist, and the public report is read, at 320 px
and at desktop width."""

import re

from playwright.sync_api import expect

from .test_appeals import sign_in

SHOTS = "tests/e2e/screenshots/"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _both_widths(page, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SHOTS + f"{name}_desktop.png", full_page=True)
    assert _fits(page), name
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=SHOTS + f"{name}_320.png", full_page=True)
    assert _fits(page), name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_methodologist_attests_a_requirement_with_evidence(page, demo_site):
    from clientcentric.conformance import services
    from clientcentric.conformance.models import Assessment
    from clientcentric.registry.demo import DEMO_PASSWORD

    services.load_requirements()
    sign_in(page, demo_site, "methodologist", DEMO_PASSWORD)
    page.locator("nav").get_by_role("link", name="Самооценка").first.click()
    expect(page.locator("h1")).to_have_text("Самооценка по стандарту")
    _both_widths(page, "conformance_overview")
    page.locator("main").get_by_role("link", name="TP-5").click()
    form = page.locator("#attest-form")
    form.get_by_label("Результат").select_option("conforms")
    form.get_by_label("Как орган соответствует требованию").fill(
        "Приёмная оборудована пандусом и табличками Брайля."
    )
    form.get_by_role("button", name="Сохранить заключение").click()  # no evidence: refused
    expect(page.locator(".error-summary")).to_contain_text("хотя бы одно подтверждение")
    page.screenshot(path=SHOTS + "conformance_attest_error.png", full_page=True)
    form = page.locator("#attest-form")
    form.get_by_label("Вид подтверждения").select_option("document")
    form.get_by_label("Название подтверждения").fill("Паспорт доступности приёмной")
    form.get_by_label("Ссылка на подтверждение").fill("https://example.gov.ru/passport.pdf")
    form.get_by_role("button", name="Сохранить заключение").click()
    expect(page.locator(".messages")).to_contain_text("ждёт проверки")
    expect(page.locator("#evidence")).to_contain_text("Паспорт доступности приёмной")
    _both_widths(page, "conformance_requirement")
    assessment = Assessment.objects.get(requirement__code="TP-5", agency__code="mineco")
    assert assessment.result == "conforms" and assessment.evidence.count() == 1


def test_a_deviation_request_is_proposed_and_approved(browser, demo_site):
    from clientcentric.conformance.models import DeviationRequest
    from clientcentric.registry.demo import DEMO_PASSWORD

    analyst = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    sign_in(analyst, demo_site, "analyst", DEMO_PASSWORD)
    analyst.goto(demo_site + "/staff/deviations/")
    analyst.get_by_role("link", name="Предложить отступление от регламента").click()
    main = analyst.locator("main")
    main.get_by_role("button", name="Отправить на решение").click()  # empty: refused with every field named
    expect(analyst.locator(".error-summary")).to_contain_text("Опишите случай")
    main.get_by_label("Случай").fill("Предприниматель на больничном, срок подачи отчёта истекает завтра.")
    main.get_by_label("Потребность клиента").fill(
        "Сдать отчёт через представителя без нотариальной доверенности."
    )
    main.get_by_label("Норма регламента, от которой отступаем").fill(
        "Пункт 8: представитель действует по нотариальной доверенности."
    )
    main.get_by_label("Обоснование").fill(
        "Доверенность подписана электронной подписью, личность подтверждена."
    )
    main.get_by_role("button", name="Отправить на решение").click()
    expect(analyst).to_have_url(re.compile(r"/staff/deviations/\d+/$"))
    expect(analyst.locator("#deviation-status")).to_have_text("предложен")
    url = analyst.url
    analyst.context.close()

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    sign_in(page, demo_site, "methodologist", DEMO_PASSWORD)
    page.goto(url)
    main = page.locator("main")
    main.locator("#id_d-decision").select_option("approve")
    main.get_by_label("Основание решения").fill("Электронная доверенность равнозначна, риск мал.")
    main.get_by_role("button", name="Записать решение").click()
    expect(page.locator("#deviation-status")).to_have_text("одобрен")
    main.get_by_label("Результат для клиента").fill("Отчёт принят вовремя.")
    main.get_by_label("Стоит сделать правилом").check()
    main.get_by_role("button", name="Записать результат").click()
    expect(page.locator("#deviation-status")).to_have_text("завершён")
    _both_widths(page, "conformance_deviation")
    page.goto(demo_site + "/staff/deviations/")
    expect(page.locator("#rule-proposals")).to_contain_text("Пункт 8")
    _both_widths(page, "conformance_deviations")
    deviation = DeviationRequest.objects.get(case__startswith="Предприниматель на больничном")
    assert deviation.status == "completed" and deviation.decided_by.username == "methodologist"
    page.context.close()


def test_the_public_report_is_read_after_the_quarter_is_frozen(page, demo_site):
    from clientcentric.conformance import demo
    from clientcentric.conformance.models import Snapshot

    demo.load()
    snapshot = Snapshot.objects.filter(agency__code="osfr").order_by("-quarter").first()
    page.goto(demo_site + "/conformance/")
    page.get_by_role("link", name=re.compile("Отделение Фонда пенсионного.*")).first.click()
    expect(page.locator("h1")).to_contain_text("самооценка по стандарту")
    expect(page.locator("main")).to_contain_text("Что орган сделает")
    expect(page.locator("main")).to_contain_text("Директор центра обработки вызовов")
    expect(page.locator("main")).to_contain_text(snapshot.integrity_hash)
    expect(page.locator("main svg").first).to_be_visible()
    _both_widths(page, "conformance_public_report")
    # WeasyPrint lays out several pages: on a busy machine that outlasts the default 30 s.
    pdf = page.request.get(demo_site + f"/conformance/osfr/{snapshot.quarter}/report.pdf", timeout=180_000)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    data = page.request.get(demo_site + f"/conformance/osfr/{snapshot.quarter}/data.json").json()
    assert data["integrity_hash"] == snapshot.integrity_hash


def test_analyst_reads_the_indicators_and_the_records_behind_one(page, demo_site):
    from clientcentric.registry.demo import DEMO_PASSWORD

    sign_in(page, demo_site, "analyst", DEMO_PASSWORD)
    page.goto(demo_site + "/staff/conformance/indicators/")
    main = page.locator("main")
    expect(main).to_contain_text("Обращения, на которые ответили в срок")
    expect(main).to_contain_text("Лояльность (NPS)")
    expect(main).not_to_contain_text("appeals_on_time")
    _both_widths(page, "conformance_indicators")
    main.get_by_role("link", name="Обращения, на которые ответили в срок").first.click()
    expect(page).to_have_url(re.compile(r"/staff/conformance/indicators/appeals_on_time/"))
    # The demo ministry has answered few appeals this quarter: the value is withheld, the definition is shown.
    expect(page.locator("main")).to_contain_text("слишком мало для показа")
    expect(page.locator("main")).to_contain_text("Определение")
    _both_widths(page, "conformance_indicator_detail")

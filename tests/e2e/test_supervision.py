"""A business reads its risk profile and its control event; the inspector accepts the data it sent."""

import re

import pytest
from playwright.sync_api import expect

SHOTS = "tests/e2e/screenshots"


@pytest.fixture
def supervision_site(demo_site):
    from clientcentric.business import demo
    from clientcentric.registry.demo import DEMO_PASSWORD
    from clientcentric.supervision import demo as supervision_demo

    directory = demo.requirements_dir()
    assert directory is not None, "the five acts ship in the repository's data/requirements"
    # Fire safety and the labour acts are enough for the three types of control of the demo.
    demo.load_requirements(directory, pattern="p*_items.csv")
    demo.load_businesses()
    supervision_demo.load(DEMO_PASSWORD)
    return demo_site


def _sign_in(page, site, username, path):
    from clientcentric.registry.demo import DEMO_PASSWORD

    page.goto(site + path)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Войти|Sign in")).click()


def test_business_sees_its_risk_and_event_and_the_inspector_accepts_its_data(page, browser, supervision_site):
    from clientcentric.supervision.models import FactCorrection, RiskProfile

    _sign_in(page, supervision_site, "business", "/supervision/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Контроль и профилактика")
    expect(main).to_contain_text("Значительный риск")
    main.get_by_role("link", name="Федеральный государственный пожарный надзор").click()
    expect(page.locator("#category")).to_have_text("Значительный риск")
    expect(main).to_contain_text("Общественные здания на 100 человек и более")
    expect(main).to_contain_text("принятые инспектором")  # where the café's capacity came from
    page.screenshot(path=f"{SHOTS}/supervision_risk_profile.png", full_page=True)

    page.goto(supervision_site + "/supervision/")
    main.get_by_role("row", name=re.compile("Документарная проверка", re.I)).get_by_role("link").click()
    expect(page.locator("#event-status")).to_have_text("выдано предписание")
    expect(page.locator("#act")).to_contain_text("не назначен ответственный")
    documents = main.locator("form[action$='/document/']")
    documents.locator("input[type=file]").set_input_files(
        {"name": "программа.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ"}
    )
    documents.get_by_role("button", name="Отправить").click()
    expect(main.locator(".errorlist")).to_contain_text("программа.exe")
    page.screenshot(path=f"{SHOTS}/supervision_event.png", full_page=True)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    inspector = context.new_page()
    _sign_in(inspector, supervision_site, "inspector-mchs", "/supervision/desk/")
    desk = inspector.locator("main")
    expect(desk).to_contain_text("Пожаров на объекте не было")
    card = desk.locator("section.card", has_text="Пожаров на объекте не было")
    card.get_by_role("button", name="Принять").click()
    expect(inspector.locator(".messages")).to_contain_text("Готово")
    inspector.screenshot(path=f"{SHOTS}/supervision_desk.png", full_page=True)
    assert not FactCorrection.objects.filter(status="pending").exists()
    assert (
        RiskProfile.objects.get(
            profile__business__name="ООО «Северный пекарь»", control_type__code="fire_safety"
        ).facts["fires_3y"]
        == 0
    )
    context.close()


def test_programmes_practice_incentives_and_complaints(page, browser, supervision_site):
    from clientcentric.supervision.models import Incentive

    # Anyone: the published programme and practice summary.
    page.goto(supervision_site + "/supervision/programmes/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Программы профилактики и обобщения практики")
    main.get_by_role("table").first.get_by_role("link").first.click()
    expect(main.get_by_role("heading", level=1)).to_contain_text("Программа профилактики")
    expect(main).to_contain_text("Целевые показатели")
    expect(main).to_contain_text("Доля профилактических мероприятий")
    page.screenshot(path=f"{SHOTS}/supervision_programme.png", full_page=True)
    page.goto(supervision_site + "/supervision/programmes/")
    main.get_by_role("table").nth(1).get_by_role("link").first.click()
    expect(main).to_contain_text("Чаще всего нарушаемые требования")
    expect(main).to_contain_text("не назначают ответственного")
    page.screenshot(path=f"{SHOTS}/supervision_practice.png", full_page=True)

    # The business: its incentives (why, until when) and where its complaints figure comes from.
    _sign_in(page, supervision_site, "business", "/supervision/")
    expect(main).to_contain_text("публичная отметка «добросовестный контролируемый»")
    main.get_by_role("link", name="Федеральный государственный пожарный надзор").click()
    expect(page.locator("#complaints")).to_contain_text("из 1 обращения на портале за последние 12 месяцев")
    page.screenshot(path=f"{SHOTS}/supervision_incentives_business.png", full_page=True)

    # The inspector: withdraws the mark of the other demo business with a reason; the desk suggests an appeal.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    inspector = context.new_page()
    _sign_in(inspector, supervision_site, "inspector-mchs", "/supervision/desk/incentives/")
    desk = inspector.locator("main")
    expect(desk.get_by_role("heading", level=1)).to_have_text("Меры стимулирования добросовестности")
    row = desk.get_by_role("row").filter(has_text="публичная отметка").first
    row.get_by_label("Причина отмены").fill("Выявлено нарушение при наблюдении")
    row.get_by_role("button", name="Отменить").click()
    expect(inspector.locator(".messages")).to_contain_text("Готово")
    expect(desk).to_contain_text("Выявлено нарушение при наблюдении")
    inspector.screenshot(path=f"{SHOTS}/supervision_desk_incentives.png", full_page=True)
    assert Incentive.objects.filter(withdrawn_reason="Выявлено нарушение при наблюдении").count() == 1
    inspector.goto(supervision_site + "/supervision/desk/appeal-links/")
    expect(desk).to_contain_text("баллоны с газом")  # the suggestion: its text names the café's INN
    inspector.screenshot(path=f"{SHOTS}/supervision_desk_appeal_links.png", full_page=True)
    context.close()

"""The demo bakery's representative books a consultation in a slot, objects to a warning, files a late pre-trial
appeal (the inspector restores the deadline, then reviews it) and asks the business ombudsman (the office answers) —
at 320 px and at 1280 px, with screenshots."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_supervision import SHOTS, _sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def journeys_site(demo_site):
    from clientcentric.business import demo
    from clientcentric.registry.demo import DEMO_PASSWORD
    from clientcentric.supervision import demo as supervision_demo

    directory = demo.requirements_dir()
    assert directory is not None, "the five acts ship in the repository's data/requirements"
    demo.load_requirements(directory, pattern="p*_items.csv")
    demo.load_businesses()
    supervision_demo.load(DEMO_PASSWORD)
    return demo_site


def _new_page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        "page scrolls sideways"
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_the_bakery_consults_objects_appeals_late_and_asks_the_ombudsman(browser, journeys_site, width):
    from django.utils import timezone

    from clientcentric.supervision.models import (
        Consultation,
        ControlEvent,
        Objection,
        OmbudsmanRequest,
        PretrialAppeal,
    )

    site = journeys_site
    context, page = _new_page(browser, width)
    main = page.locator("main")

    # A consultation in one of the body's free slots, not a free-text time.
    _sign_in(page, site, "business", "/supervision/types/fire_safety/")
    form = main.locator("form[action$='/consult/']")
    form.get_by_label("Требование").select_option(index=0)
    form.get_by_label("Ваш вопрос").fill("Нужно ли назначать ответственного приказом?")
    form.get_by_label(re.compile("Время")).select_option(index=1)
    form.get_by_label("по телефону").check()
    form.get_by_role("button", name="Записаться").click()
    expect(page.locator(".messages")).to_contain_text("записаны на консультацию")
    _fits(page)
    page.screenshot(path=f"{SHOTS}/journey_{width}_consultation.png", full_page=True)
    booked = Consultation.objects.get(question="Нужно ли назначать ответственного приказом?")
    assert booked.mode == "phone"
    # The number to quote, not the row's id, and on one line even at 320 px.
    number = page.locator(".messages .nowrap")
    expect(number).to_have_text(booked.reference)
    assert number.evaluate("e => e.getClientRects().length") == 1

    # An objection to the demo warning.
    page.goto(site + "/supervision/")
    main.get_by_role("link", name=re.compile(r"^ПР-")).first.click()
    expect(main.get_by_role("heading", level=1)).to_contain_text("Предостережение")
    main.get_by_label("Ваше возражение").fill(
        "Тара убрана с пути эвакуации в день получения предостережения."
    )
    main.get_by_role("button", name="Подать возражение").click()
    expect(page.locator(".messages")).to_contain_text("Возражение подано")
    expect(page.locator(".messages")).to_contain_text(Objection.objects.get().reference)
    _fits(page)
    page.screenshot(path=f"{SHOTS}/journey_{width}_objection.png", full_page=True)

    # A late appeal: without the reason it is refused naming the field; with it, a request to restore the deadline.
    event = ControlEvent.objects.filter(
        profile__business__name__contains="Северный пекарь", status="order_issued"
    ).get()
    page.goto(site + f"/supervision/events/{event.pk}/")
    appeal_form = main.locator("form[action$='/appeal/']")
    appeal_form.get_by_label("Что вы обжалуете").select_option("decision")
    learned = (timezone.localdate() - timedelta(days=45)).isoformat()
    appeal_form.get_by_label("Когда вы узнали о нарушении своих прав").fill(learned)
    appeal_form.get_by_label("Текст жалобы").fill("Решение о проверке принято без оснований.")
    appeal_form.get_by_role("button", name="Подать жалобу").click()
    expect(main.locator(".errorlist")).to_contain_text("Укажите, почему срок пропущен")
    appeal_form = main.locator("form[action$='/appeal/']")
    appeal_form.get_by_label(re.compile("Если срок пропущен")).fill(
        "Руководитель был в больнице, справка есть."
    )
    appeal_form.get_by_role("button", name="Подать жалобу").click()
    expect(page.locator(".messages")).to_contain_text("ходатайство о его восстановлении")
    late = PretrialAppeal.objects.get(late=True)
    expect(main.locator(f"#appeal-{late.pk}")).to_contain_text("Сначала орган решает")
    _fits(page)
    page.screenshot(path=f"{SHOTS}/journey_{width}_late_appeal.png", full_page=True)

    # The ombudsman: the request reaches the office with its deadline.
    ombudsman_form = main.locator("form[action$='/ombudsman/']")
    ombudsman_form.get_by_label("На что следует обратить внимание уполномоченному").fill(
        "Прошу проверить обоснованность проверки."
    )
    ombudsman_form.get_by_role("button", name="Обратиться к уполномоченному").click()
    expect(page.locator(".messages")).to_contain_text("ответ — до")
    asked = OmbudsmanRequest.objects.get(text="Прошу проверить обоснованность проверки.")
    expect(page.locator(".messages")).to_contain_text(f"Обращение № {asked.reference}")
    expect(main.locator(".ombudsman-status").first).to_have_text("поступило")

    # The inspector: the review is refused until the deadline is restored; the grant, then the review.
    staff_context, inspector = _new_page(browser, width)
    _sign_in(inspector, site, "inspector-mchs", "/supervision/desk/")
    desk = inspector.locator("main")
    card = desk.locator("section.card", has_text=late.number)
    expect(card.get_by_role("button", name="Удовлетворить частично")).to_have_count(0)
    card.get_by_label("Основания решения о восстановлении срока").fill(
        "Болезнь руководителя подтверждена справкой."
    )
    _fits(inspector)
    inspector.screenshot(path=f"{SHOTS}/journey_{width}_desk_restoration.png", full_page=True)
    card.get_by_role("button", name="Восстановить срок").click()
    expect(inspector.locator(".messages")).to_contain_text("Готово")
    card = desk.locator("section.card", has_text=late.number)
    expect(card).to_contain_text("Срок восстановлен")
    card.get_by_label("Мотивированное решение").fill("Решение о проверке принято при наличии оснований.")
    card.get_by_role("button", name="Удовлетворить частично").click()
    expect(inspector.locator(".messages")).to_contain_text("Готово")
    late.refresh_from_db()
    assert late.status == "partly" and late.restoration_granted
    assert late.restoration_decided_by.username == "inspector-mchs"
    staff_context.close()

    # The ombudsman's office: the queue with the deadline, taken into work, answered.
    office_context, office = _new_page(browser, width)
    _sign_in(office, site, "ombudsman", "/supervision/ombudsman/")
    queue = office.locator("main")
    expect(queue.get_by_role("heading", level=1)).to_have_text(
        "Очередь уполномоченного по защите прав предпринимателей"
    )
    request = OmbudsmanRequest.objects.get(text="Прошу проверить обоснованность проверки.")
    item = queue.locator(f"#ombudsman-{request.pk}")
    expect(item).to_contain_text(request.due_on.strftime("%d.%m.%Y"))
    item.get_by_role("button", name="Взять в работу").click()
    expect(queue.locator(f"#ombudsman-{request.pk} .status")).to_have_text("в работе")
    queue.locator(f"#ombudsman-{request.pk}").get_by_label("Ответ предпринимателю").fill(
        "Запросили у органа обоснование проверки; ответ органа направим вам."
    )
    _fits(office)
    office.screenshot(path=f"{SHOTS}/journey_{width}_ombudsman_queue.png", full_page=True)
    queue.locator(f"#ombudsman-{request.pk}").get_by_role("button", name="Отправить ответ").click()
    expect(office.locator(".messages")).to_contain_text("Ответ направлен")
    office_context.close()

    # The business reads both decisions on its event page.
    page.goto(site + f"/supervision/events/{event.pk}/")
    expect(main.locator(f"#appeal-{late.pk}")).to_contain_text("Срок восстановлен")
    expect(main.locator(f"#appeal-{late.pk}")).to_contain_text("Орлов Павел")
    expect(main.locator(".ombudsman-answer").first).to_contain_text("Запросили у органа обоснование")
    _fits(page)
    page.screenshot(path=f"{SHOTS}/journey_{width}_business_reads_answers.png", full_page=True)
    context.close()

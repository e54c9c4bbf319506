"""Issue 18 in Chromium, in Russian, at 320 px and at desktop width: a service page that leads somewhere, the
appeal form that keeps a photo across an error, and the rating form's conditional questions."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from .conftest import SCREENSHOTS

WIDTHS = {"320": {"width": 320, "height": 800}, "desktop": {"width": 1280, "height": 900}}


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, format="JPEG")
    return out.getvalue()


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def catalogue_site(live_server, transactional_db):
    from clientcentric.registry.demo import load_registry

    assert load_registry().ok
    return live_server.url


@pytest.mark.parametrize("width", WIDTHS)
def test_service_page_says_who_what_where_and_how_to_apply(page, catalogue_site, width):
    page.set_viewport_size(WIDTHS[width])
    page.goto(catalogue_site + "/services/passport-issue/")
    expect(page.get_by_role("heading", name="Как подать заявление")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Подать заявление онлайн"))).to_have_attribute(
        "href", re.compile(r"^https://www\.gosuslugi\.ru/")
    )
    main = page.locator("main")
    expect(main).to_contain_text("Кто может получить")
    expect(main).to_contain_text("Госпошлина 300 ₽")
    expect(main).to_contain_text("Суворовский пр., 52")
    expect(main.get_by_role("link", name="Записаться на приём")).to_be_visible()
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"forms-service-page-{width}.png"), full_page=True)


def test_need_that_cannot_be_met_lists_alternatives_not_services_that_meet_it(page, catalogue_site):
    page.goto(catalogue_site + "/needs/docs-passport-same-day/")
    expect(page.get_by_role("heading", name="Что можно сделать вместо этого")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Услуги, которые удовлетворяют эту потребность")


@pytest.mark.parametrize("width", WIDTHS)
def test_appeal_without_an_account_keeps_its_photo_after_an_error(page, live_server, transactional_db, width):
    from clientcentric.appeals.models import Appeal

    page.set_viewport_size(WIDTHS[width])
    page.goto(live_server.url + "/appeals/new/")
    expect(page.locator("#contact-notice")).to_contain_text("Понадобится e-mail или номер телефона")
    expect(page.get_by_label(re.compile("Широта|Долгота|Latitude|Longitude"))).to_have_count(0)
    expect(page.get_by_label("Адрес", exact=True)).to_be_visible()
    page.get_by_label(re.compile("проблем", re.I)).fill("Во дворе дома 3 на Народной улице сломаны качели")
    page.get_by_label("Где это?").select_option("Двор")
    page.get_by_label("Адрес", exact=True).fill("Народная ул., 3")
    page.locator("input[name=photos]").set_input_files(
        files=[{"name": "качели.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    page.get_by_role("button", name="Отправить").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.locator(".kept-photos")).to_contain_text("качели.jpg")
    expect(page.get_by_label("Где это?")).to_have_value("Двор")  # nothing chosen is lost with the error
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"forms-appeal-error-{width}.png"), full_page=True)

    summary.get_by_role("link").first.click()
    expect(page.locator("#id_contact_email")).to_be_focused()
    page.locator("#id_contact_email").fill("kacheli@example.ru")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url(re.compile(r"/appeals/\d{4}-\d{6}/"))
    appeal = Appeal.objects.get()
    assert appeal.address == "Народная ул., 3" and appeal.object_kind == "Двор"
    assert [a.name for a in appeal.attachments.all()] == ["качели.jpg"]


@pytest.fixture
def rating_link(live_server, transactional_db, django_capture_on_commit_callbacks):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role
    from clientcentric.appeals import services as appeal_services
    from clientcentric.appeals.models import RoutingRule
    from clientcentric.feedback import services
    from clientcentric.feedback.models import Invitation

    agency = accounts_services.save_agency(
        Agency(code="ja", name="Жилищное агентство", level="municipal", kind="institution")
    )
    operator = accounts_services.create_person(
        username="op", password="x-very-long-password-1", role=Role.OPERATOR, agency=agency
    )
    appeal_services.save_routing_rule(
        RoutingRule(position=1, name="all", conditions={"channel": "portal"}, executor=agency)
    )
    data = appeal_services.AppealInput(
        channel="portal", text="Не работает лифт", contact_email="l@example.ru"
    )
    appeal = appeal_services.receive_appeal(data).appeal
    appeal_services.take(appeal, operator=operator)
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.answer(appeal, operator=operator, text="Лифт отремонтирован.")
    return f"{live_server.url}/feedback/r/{services.token_for(Invitation.objects.get(appeal=appeal))}/"


@pytest.mark.parametrize("width", WIDTHS)
def test_rating_asks_what_got_in_the_way_only_when_it_applies(page, rating_link, width):
    page.set_viewport_size(WIDTHS[width])
    page.goto(rating_link)
    in_the_way = page.locator("fieldset", has=page.get_by_text("Что мешало?", exact=True))
    went_well = page.locator("fieldset", has=page.get_by_text("Что было хорошо?", exact=True))
    expect(in_the_way).to_be_hidden()
    expect(went_well).to_be_hidden()
    page.locator("form.rating input[name=satisfaction][value='2']").check(force=True)
    expect(in_the_way).to_be_visible()
    expect(in_the_way).to_contain_text("Долго")
    expect(in_the_way).not_to_contain_text("Быстро")
    expect(went_well).to_be_hidden()
    page.locator("form.rating input[name=need_met][value='no']").check(force=True)
    no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / f"forms-rating-{width}.png"), full_page=True)
    page.get_by_role("button", name="Отправить оценку").click()
    expect(page.get_by_role("link", name="Написать ещё раз об этой проблеме")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / f"forms-rating-thanks-{width}.png"), full_page=True)

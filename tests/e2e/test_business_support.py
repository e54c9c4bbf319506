"""The bakery's representative and support measures (issue 19, BIZ-7): gives the business's consent, sees the
measures that may suit the bakery with the reasons in words (and the one fact still missing), applies for one —
on a phone (320 px) and on a desktop (1280 px)."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS


@pytest.fixture
def bakery_site(demo_site):
    from clientcentric.business import demo

    directory = demo.requirements_dir()
    assert directory is not None, "the five acts ship in the repository's data/requirements"
    demo.load_requirements(directory, pattern="[ph]*_items.csv")
    demo.load_businesses()
    return demo_site


def _sign_in(page, site):
    from clientcentric.registry.demo import DEMO_PASSWORD

    page.goto(site + "/business/")
    page.locator("#id_username").fill("business")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Войти|Sign in")).click()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_bakery_consents_sees_measures_with_reasons_and_applies(page, bakery_site, width):
    from clientcentric.delivery.models import BusinessOffer

    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, bakery_site)
    home = page.locator("main")
    section = home.locator("section[aria-labelledby=support-heading]")
    expect(section).to_contain_text("Меры поддержки")
    expect(section).to_contain_text("Дайте согласие от имени бизнеса")
    section.get_by_role("link", name="Меры поддержки").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Меры поддержки")
    page.get_by_label("На что даётся согласие").select_option(label="все меры поддержки бизнеса")
    page.get_by_role("button", name="Дать согласие от имени бизнеса").click()
    expect(page.locator(".messages")).to_contain_text("Согласие бизнеса записано")

    offers = page.locator(".support-offer")
    bakery = offers.filter(has_text="хлебопекарных")
    expect(bakery).to_contain_text("Вы печёте хлеб")
    expect(bakery).to_contain_text("Почему мы так считаем")
    expect(bakery).to_contain_text("10.71")
    grant = offers.filter(has_text="Грант начинающему бизнесу")
    expect(grant).to_contain_text("нужен ещё один факт: дата государственной регистрации бизнеса")
    # Not for a small bakery: the export measure is for medium enterprises.
    expect(page.locator("#offers-heading + .req-list")).not_to_contain_text(
        "Компенсация затрат на сертификацию"
    )
    for raw in ("any_prefix", "registered_on", "premises_purposes"):
        expect(page.locator("main")).not_to_contain_text(raw)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"business_support_offers_{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"

    bakery.get_by_role("button", name="Подать заявление").click()
    expect(page.locator("main")).to_contain_text("Заявление бизнеса отправлено")
    page.screenshot(path=str(SCREENSHOTS / f"business_support_applied_{width}.png"), full_page=True)
    offer = BusinessOffer.objects.get(service__code="biz-bakery-programme")
    assert offer.status == "accepted" and offer.request is not None

    page.goto(bakery_site + "/business/support/")
    expect(page.locator("main")).to_contain_text("Предложения, на которые вы ответили")


@pytest.mark.parametrize("width", [320, 1280])
def test_the_registration_date_turns_the_waiting_grant_into_an_offer_and_the_receipt_downloads(
    page, bakery_site, width
):
    from clientcentric.delivery.models import BusinessOffer
    from tests.pdf_layout import pdf_text

    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, bakery_site)
    page.goto(bakery_site + "/business/support/")
    page.get_by_label("На что даётся согласие").select_option(label="все меры поддержки бизнеса")
    page.get_by_role("button", name="Дать согласие от имени бизнеса").click()
    grant = page.locator(".support-offer").filter(has_text="Грант начинающему бизнесу")
    expect(grant).to_contain_text("нужен ещё один факт: дата государственной регистрации бизнеса")

    # The owner follows the offer's link and enters the date of state registration: the bakery is two years old.
    grant.get_by_role("link", name=re.compile("Добавить недостающий факт")).click()
    page.get_by_label("Дата государственной регистрации").fill("2024-05-14")
    page.get_by_role("button", name="Сохранить профиль").click()
    expect(page.locator(".messages")).to_contain_text("Профиль сохранён")

    page.goto(bakery_site + "/business/support/")
    grant = page.locator(".support-offer").filter(has_text="Грант начинающему бизнесу")
    expect(grant).to_contain_text("подходит вам")
    expect(grant).to_contain_text("ему ещё нет трёх лет")
    expect(grant).to_contain_text("14.05.2024")
    expect(grant).not_to_contain_text("нужен ещё один факт")
    offer = BusinessOffer.objects.get(service__code="biz-grant-young-business")
    assert offer.status == "open" and offer.outcome == "eligible"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"business_support_rechecked_{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"

    # The consent's receipt, printable and in Russian.
    with page.expect_download() as download:
        page.get_by_role("link", name="Квитанция (PDF)").first.click()
    path = download.value.path()
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(open(path, "rb").read())
    assert "Квитанция о согласии" in text and "все меры поддержки бизнеса" in text

"""The bakery's representative reads its cost of compliance and changes an assumption; the developing agency
reads the act's burden over the businesses it touches. Screenshots at 320 px and desktop width."""

import re

from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .test_business import business_site  # noqa: F401  (the fixture)


def _sign_in(page, site, username):
    from clientcentric.registry.demo import DEMO_PASSWORD

    page.goto(site + "/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Войти|Sign in")).click()


def test_the_bakery_reads_its_cost_and_the_developer_reads_the_burden(page, business_site):  # noqa: F811
    from clientcentric.business import demo
    from clientcentric.registry.demo import DEMO_PASSWORD

    _sign_in(page, business_site, "business")
    page.goto(business_site + "/business/cost/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("издержки на соблюдение")
    expect(page.locator("main")).to_contain_text("однократно, в начале")
    page.get_by_label(re.compile("Горизонт")).fill("5")
    page.get_by_role("button", name="Пересчитать").click()
    expect(page.locator("main")).to_contain_text("За 5 лет с единовременными")
    page.screenshot(path=str(SCREENSHOTS / "business_cost_desktop.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "business_cost_320.png"), full_page=False)

    demo.ensure_developer_account(DEMO_PASSWORD)
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, business_site, "mchs")
    page.goto(business_site + "/business/developer/")
    page.get_by_role("link", name="нагрузка на бизнес").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Нагрузка на бизнес")
    page.get_by_label(re.compile("Число субъектов")).fill("25000")
    page.get_by_role("button", name="Пересчитать").click()
    expect(page.locator("main")).to_contain_text("25 000 субъектов")
    page.screenshot(path=str(SCREENSHOTS / "business_burden_desktop.png"), full_page=False)
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "business_burden_320.png"), full_page=False)

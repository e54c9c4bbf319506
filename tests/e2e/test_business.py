"""A business representative reads the personal list of mandatory requirements and rates one of them."""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def business_site(demo_site):
    from clientcentric.business import demo

    directory = demo.requirements_dir()
    assert directory is not None, "the five acts ship in the repository's data/requirements"
    # Four of the five acts (116-ФЗ, the slowest to match, left out) keep the test short; the candidates search still runs across acts.
    demo.load_requirements(directory, pattern="[ph]*_items.csv")
    demo.load_businesses()
    return demo_site


def test_the_developing_agency_reads_what_businesses_say(page, business_site):
    from clientcentric.business import demo
    from clientcentric.registry.demo import DEMO_PASSWORD

    from .conftest import SCREENSHOTS

    demo.load_drafts()
    demo.ensure_developer_account(DEMO_PASSWORD)
    page.goto(business_site + "/account/login/")
    page.locator("#id_username").fill("mchs")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Войти|Sign in")).click()
    page.get_by_role("link", name="Результаты для разработчиков").click()
    expect(page.locator("main")).to_contain_text("МЧС России")
    expect(page.locator("main")).not_to_contain_text("Правила по охране труда")  # Минтруд's act, not theirs
    page.locator("main").get_by_role("link", name=re.compile("^Правила противопожарного режима")).click()
    chart = page.locator("main figure.chart svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("desc")).to_contain_text("ясность")
    page.screenshot(path=str(SCREENSHOTS / "business_developer_act_results.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="результаты по пунктам (CSV)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("акт;пункт;бизнесов")

    page.goto(business_site + "/business/developer/")
    # The draft's own link (its summary report has a link of its own, named after it too).
    page.get_by_role("link", name=re.compile("^Проект.*хранение пожароопасных веществ")).first.click()
    expect(page.locator("main figure.chart svg desc")).to_contain_text("Отзывов: 12")
    page.screenshot(path=str(SCREENSHOTS / "business_developer_consultation.png"), full_page=True)

"""The bakery owner reads the personal list (issue 19): finds what applies and why, confirms one item, disputes
another, rates clarity; the page is looked at on a phone (320 px) and on a desktop."""

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


def _assess(page, applies: str, clarity: str):
    page.locator(f"input[name=applies][value={applies}]").check()
    page.get_by_label(re.compile("Ясность")).select_option(clarity)
    page.get_by_role("button", name=re.compile("Сохранить оценку")).click()
    expect(page.locator(".messages")).to_contain_text("оценка сохранена")


def test_the_bakery_finds_what_applies_and_why_confirms_and_disputes(page, bakery_site):
    from clientcentric.business.models import Assessment

    _sign_in(page, bakery_site)
    expect(page.get_by_role("heading", level=1)).to_contain_text("перечень обязательных требований")
    body = page.locator("main")
    expect(body).to_contain_text("ООО «Северный пекарь»")
    expect(body).to_contain_text("Самое важное")
    expect(body).to_contain_text("По объектам")
    # Full names of the acts, never internal codes or rule syntax.
    expect(body).to_contain_text("Правила противопожарного режима в Российской Федерации")
    for raw in ("ПП_1479_ППР", "has_employees", "premises_purposes"):
        expect(body).not_to_contain_text(raw)

    page.get_by_label("Поиск").fill("огнетушител")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("[role=status]")).to_contain_text("Найдено")
    first = page.locator(".req-item").first
    first.locator("summary").click()
    expect(first).to_contain_text("Вы пользуетесь помещениями")
    page.set_viewport_size({"width": 320, "height": 800})
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "business_list_320.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "business_list_desktop.png"), full_page=True)

    first.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/business/requirements/\d+/"))
    expect(page.locator("main")).to_contain_text("Почему применяется к вам")
    expect(page.locator("main")).not_to_contain_text("has_premises")
    _assess(page, "confirmed", "2")
    page.screenshot(path=str(SCREENSHOTS / "business_requirement_desktop.png"), full_page=True)

    page.goto(bakery_site + "/business/?q=электроустановок")
    page.locator(".req-item a").first.click()
    _assess(page, "disputed", "4")

    page.goto(bakery_site + "/business/?status=disputed")
    expect(page.locator(".req-item")).to_have_count(1)
    saved = Assessment.objects.filter(profile__business__name="ООО «Северный пекарь»")
    assert sorted((a.applies, a.clarity) for a in saved) == [("confirmed", 2), ("disputed", 4)]

"""A citizen browses the catalogue; a methodologist signs in to the back office."""

import re

from playwright.sync_api import expect


def test_catalogue_lists_life_situations(page, demo_site):
    page.goto(demo_site + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    cards = page.locator(".cards > li")
    assert cards.count() >= 12
    expect(page.get_by_role("link", name="Проблема в доме или во дворе")).to_be_visible()


def test_citizen_follows_a_situation_to_a_need_and_its_services(page, demo_site):
    page.goto(demo_site + "/")
    page.get_by_role("link", name="Выход на пенсию").click()
    expect(page).to_have_url(re.compile(r"/situations/"))
    page.locator(".need-list h3 a").first.click()
    expect(page).to_have_url(re.compile(r"/needs/"))
    expect(page.locator(".status")).to_be_visible()


def test_need_that_cannot_be_met_shows_why_and_the_faq(page, demo_site):
    from clientcentric.registry.models import Need

    need = Need.objects.filter(status="cannot_meet").select_related("faq").first()
    page.goto(f"{demo_site}/needs/{need.code}/")
    expect(page.locator(".status-cannot_meet")).to_be_visible()
    expect(page.locator(".faq-box")).to_contain_text(need.faq.question)


def test_search_finds_word_forms(page, demo_site):
    page.goto(demo_site + "/")
    page.get_by_label(re.compile("Поиск|Search")).fill("пенсии")
    page.get_by_role("button", name=re.compile("Найти|Find")).click()
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Выход на пенсию")).to_be_visible()


def test_keyboard_user_can_skip_to_content(page, demo_site):
    page.goto(demo_site + "/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()


def test_catalogue_is_usable_at_320_pixels(page, demo_site):
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(demo_site + "/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320


def test_methodologist_signs_in_to_the_back_office(page, demo_site):
    from clientcentric.registry.demo import DEMO_PASSWORD

    page.goto(demo_site + "/admin/")
    page.locator("#id_username").fill("methodologist")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    expect(page.locator("#content h1")).to_be_visible()
    page.locator("a[href$='/admin/registry/need/']").first.click()
    expect(page.locator("#result_list")).to_be_visible()
    assert page.locator("#result_list tbody tr").count() >= 20


def test_methodologist_imports_a_bad_file_and_reads_the_report(page, demo_site, tmp_path):
    from clientcentric.registry.demo import DEMO_PASSWORD

    bad = tmp_path / "life_situations.csv"
    bad.write_bytes("code,name,audience\nbirth-2,,citizen\n".encode("cp1251"))
    page.goto(demo_site + "/admin/registry/import/")
    page.locator("#id_username").fill("methodologist")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    page.locator("#id_file").set_input_files(str(bad))
    page.get_by_role("button", name="Проверить и загрузить").click()
    report = page.locator("#import-report")
    expect(report.get_by_role("alert")).to_contain_text("Ничего не загружено")
    expect(report.locator("tbody tr").first).to_contain_text("life_situations")

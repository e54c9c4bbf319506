"""A methodologist uploads an act with its items in the back office: a bad file gets the row-level report, a
good one a preview, and the import happens only on confirmation."""

import re

from playwright.sync_api import expect

from .conftest import SCREENSHOTS

ACTS = (
    "code,title,supervisory_body,published_on,effective_from\n"
    "ПР_СКЛАД,Правила хранения на складах,МЧС России,2026-01-15,2026-09-01\n"
)
ITEMS_HEADER = "act,item_no,chapter_num,chapter_name,text,applicability_rule,cost_hours,cost_frequency\n"
BAD_ITEMS = ITEMS_HEADER + (
    'ПР_СКЛАД,1,,Глава 1,"Назначить ответственного за склад",,1,1\n'
    "ПР_СКЛАД,2,,Глава 1,,,1,1\n"
    'ПР_СКЛАД,3,,Глава 1,"Проверять стеллажи",has_premises and floors > 2,1,1\n'
)
GOOD_ITEMS = ITEMS_HEADER + (
    'ПР_СКЛАД,1,,Глава 1,"Назначить ответственного за склад",,1,1\n'
    "ПР_СКЛАД,2,,Глава 1,\"Проверять стеллажи ежемесячно\",'warehouse' in premises_purposes,1,12\n"
)


def _files(tmp_path, items):
    (tmp_path / "acts.csv").write_text(ACTS, encoding="utf-8")
    (tmp_path / "items.csv").write_text(items, encoding="utf-8")
    return [str(tmp_path / "acts.csv"), str(tmp_path / "items.csv")]


def test_methodologist_checks_then_imports_an_act(page, demo_site, tmp_path, settings):
    from clientcentric.business.models import Act
    from clientcentric.registry.demo import DEMO_PASSWORD

    settings.MEDIA_ROOT = tmp_path / "media"
    page.goto(demo_site + "/account/login/?next=/admin/business/act/")
    page.locator("#id_username").fill("methodologist")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Войти|Sign in")).click()
    page.get_by_role("link", name="Загрузить акты и пункты (CSV/XLSX)").click()
    expect(page.locator("h1")).to_contain_text("Загрузка актов и обязательных требований")

    page.get_by_label("Файлы актов и пунктов").set_input_files(_files(tmp_path / "..", BAD_ITEMS))
    page.get_by_role("button", name="Проверить файлы").click()
    report = page.locator("#import-report")
    expect(report.get_by_role("alert")).to_contain_text("Ничего не загружено")
    expect(report.locator("tbody tr").nth(0)).to_contain_text("items.csv")
    expect(report.locator("tbody tr").nth(0)).to_contain_text("текст требования")
    expect(report.locator("tbody tr").nth(1)).to_contain_text("floors")
    expect(page.get_by_role("button", name="Подтвердить загрузку")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "business_import_errors.png"), full_page=True)
    assert not Act.objects.filter(code="ПР_СКЛАД").exists()

    page.get_by_label("Файлы актов и пунктов").set_input_files(_files(tmp_path / "..", GOOD_ITEMS))
    page.get_by_role("button", name="Проверить файлы").click()
    expect(report.get_by_role("status")).to_contain_text("Ничего ещё не записано")
    expect(report.locator("tbody tr").first).to_contain_text("ПР_СКЛАД")
    page.screenshot(path=str(SCREENSHOTS / "business_import_preview.png"), full_page=True)
    assert not Act.objects.filter(code="ПР_СКЛАД").exists()

    page.get_by_role("button", name="Подтвердить загрузку").click()
    expect(page.locator(".messagelist")).to_contain_text("пунктов новых — 2")
    assert Act.objects.get(code="ПР_СКЛАД").requirements.count() == 2

"""The developer reads and answers a draft's summary report; an independent expert registers, is verified and
files a conclusion. Screenshots at 320 px and at desktop width."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS

PASSWORD = "Пароль-для-теста-42"


@pytest.fixture
def procedures_site(live_server, transactional_db):
    from django.utils import timezone

    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency, BusinessClient
    from clientcentric.business import services
    from clientcentric.business.models import BusinessProfile, Draft

    agency = accounts_services.save_agency(
        Agency(code="mchs", name="МЧС России", level="federal", kind="supervisory")
    )
    accounts_services.create_person(
        username="mchs", password=PASSWORD, role="methodologist", agency=agency, last_name="Орлова"
    )
    accounts_services.create_person(username="expert", password=PASSWORD, role="client", last_name="Назарова")
    today = timezone.localdate()
    ria = services.save_draft(
        Draft(
            title="Проект изменений в Правила противопожарного режима: хранение пожароопасных веществ",
            developer=agency,
            procedure=Draft.Procedure.RIA,
            degree=Draft.Degree.HIGH,
            summary="Вводится журнал хранения пожароопасных веществ с ежеквартальной проверкой.",
            scope_explanation="Организации со складскими помещениями.",
            opens_on=today - timedelta(days=5),
            closes_on=today + timedelta(days=20),
        )
    )
    for inn, ogrn, rating, text in (
        (
            "7707083893",
            "1027700132195",
            2,
            "Ежеквартальная проверка журнала — слишком часто для малого склада.",
        ),
        ("7736050003", "1027700070518", 4, "Поддерживаем, но нужен образец журнала."),
    ):
        business = accounts_services.save_business(
            BusinessClient(name=f"ООО «Склад {inn[-2:]}»", kind="legal_entity", inn=inn)
        )
        profile = services.save_profile(
            BusinessProfile(business=business, ogrn=ogrn, okved=["52.10"], size="small", region="78")
        )
        services.comment_on_draft(ria, profile, rating=rating, text=text)
    return {"url": live_server.url, "draft": ria}


def _sign_in(page, site, username):
    page.goto(site + "/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Войти|Sign in")).click()


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_developer_reads_the_summary_report_answers_and_prints_it(page, procedures_site):
    site, draft = procedures_site["url"], procedures_site["draft"]
    _sign_in(page, site, "mchs")
    page.goto(site + "/business/developer/")
    page.get_by_role("link", name=re.compile("^сводный отчёт")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Сводный отчёт")
    expect(page.locator("main")).to_contain_text("предварительный")
    first = page.locator("main li[id^=comment-]").first
    first.get_by_label("Позиция разработчика").select_option("partly")
    first.get_by_label("Причина").fill("Периодичность снижена до раза в полгода.")
    first.get_by_role("button", name="Сохранить ответ").click()
    expect(page.locator(".messages")).to_contain_text("Ответ сохранён")
    expect(page.locator("main")).to_contain_text("Учтено частично. Периодичность снижена")
    page.screenshot(path=str(SCREENSHOTS / "procedures_summary_report_desktop.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "procedures_summary_report_320.png"), full_page=True)
    response = page.request.get(site + f"/business/consultations/{draft.pk}/report.pdf")
    assert response.headers["content-type"] == "application/pdf" and response.body()[:4] == b"%PDF"


def test_an_expert_registers_is_verified_and_files_a_conclusion(page, browser, procedures_site):
    from clientcentric.business.models import Expert

    site, draft = procedures_site["url"], procedures_site["draft"]
    _sign_in(page, site, "expert")
    page.goto(site + "/business/expertise/")
    page.get_by_label("ФИО или наименование организации").fill("Назарова Ирина Сергеевна")
    page.get_by_label("Номер распоряжения об аккредитации").fill("1287-р")
    page.get_by_label("Дата аккредитации").fill("2025-01-15")
    page.get_by_label("Аккредитация действует до").fill("2030-01-15")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.locator("main")).to_contain_text("Заявка на регистрацию эксперта отправлена")

    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU").new_page()
    _sign_in(staff, site, "mchs")
    staff.goto(site + "/business/experts/")
    staff.get_by_label("аккредитация есть в реестре Минюста России").check()
    staff.get_by_role("button", name="Сохранить решение").click()
    expect(staff.locator(".messages")).to_contain_text("Решение сохранено")
    staff.context.close()
    assert Expert.objects.get().status == "verified"

    page.goto(site + "/business/expertise/")
    page.get_by_role("link", name=re.compile("хранение пожароопасных веществ")).click()
    page.get_by_label("широта дискреционных полномочий").check()
    page.get_by_label(re.compile("^Заключение")).fill("Срок проверки журнала инспектором не установлен.")
    page.get_by_role("button", name="Направить заключение").click()
    expect(page.locator("main")).to_contain_text("Если факторы выявлены, укажите, как их устранить")
    page.get_by_label("Как устранить факторы").fill("Установить срок проверки — 10 рабочих дней.")
    page.get_by_role("button", name="Направить заключение").click()
    expect(page.locator("main")).to_contain_text("Заключение направлено")
    assert draft.expert_conclusions.get().factors == ["discretion"]
    page.goto(site + f"/business/expertise/{draft.pk}/")
    page.screenshot(path=str(SCREENSHOTS / "procedures_expert_conclusion_desktop.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page)
    page.screenshot(path=str(SCREENSHOTS / "procedures_expert_conclusion_320.png"), full_page=True)

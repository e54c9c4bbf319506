"""The developer of requirements adopts a draft act (issue 19, OT-2): refused while article 10's elements are
missing, each named; accepted once the act states them — on a phone (320 px) and on a desktop (1280 px)."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS


@pytest.fixture
def draft_act(demo_site):
    from clientcentric.accounts.models import Agency
    from clientcentric.business import demo, services
    from clientcentric.business.models import Act, Requirement
    from clientcentric.registry.demo import DEMO_PASSWORD

    demo._ensure_agencies()
    developer = demo.ensure_developer_account(DEMO_PASSWORD)
    act = services.save_act(
        Act(
            code="ПРОЕКТ-МУКА",
            title="Правила хранения муки на предприятиях общественного питания (проект)",
            developer=Agency.objects.get(pk=developer.agency_id),
            stage=Act.Stage.DRAFT,
            scope_rule="has_premises",
        )
    )
    services.save_requirement(Requirement(act=act, item_no="1", text="Хранить муку на поддонах."))
    return {"site": demo_site, "act": act, "username": developer.username}


def _sign_in(page, site, username):
    from clientcentric.registry.demo import DEMO_PASSWORD

    page.goto(site + "/business/developer/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Войти|Sign in")).click()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_developer_adopts_a_draft_act_only_once_article_10_is_met(page, draft_act, width):
    from clientcentric.business.models import Act

    site, act = draft_act["site"], draft_act["act"]
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, site, draft_act["username"])
    row = page.locator("#validity ~ .table-wrap tr").filter(has_text="Правила хранения муки")
    expect(row).to_contain_text("проект акта")
    row.get_by_role("button", name=re.compile("Принять акт")).click()

    messages = page.locator(".messages")
    expect(messages).to_contain_text("пока нельзя принять")
    expect(messages).to_contain_text("кто обязан соблюдать")
    expect(messages).to_contain_text("формы оценки соблюдения")
    expect(messages).to_contain_text("орган")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"act_adoption_refused_{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    assert Act.objects.get(pk=act.pk).stage == "draft"

    # The developer states the missing elements in the back office and adopts again.
    page.goto(f"{site}/admin/business/act/{act.pk}/change/")
    page.locator("#id_scope_explanation").fill(
        "Организации общественного питания, у которых есть склад муки."
    )
    page.locator("#id_assessment_forms").fill("выездная проверка, самообследование")
    page.locator("#id_supervisory_body").fill("Роспотребнадзор")
    page.locator("input[name=_save]").click()
    page.goto(site + "/business/developer/")
    row = page.locator("#validity ~ .table-wrap tr").filter(has_text="Правила хранения муки")
    expect(row).to_contain_text("все элементы указаны")
    row.get_by_role("button", name=re.compile("Принять акт")).click()
    expect(page.locator(".messages")).to_contain_text("принят: все элементы статьи 10 указаны")
    page.screenshot(path=str(SCREENSHOTS / f"act_adoption_accepted_{width}.png"), full_page=True)
    assert Act.objects.get(pk=act.pk).stage == "adopted"

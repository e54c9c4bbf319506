"""The administrator's walk: a stricter response deadline for comments on the agency's posts, a routing rule that
first fails with a Russian explanation and is then saved, and the audit log that shows who changed what."""

import re

from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .test_appeals import sign_in


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _fits_a_phone(page, name: str) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
    _shoot(page, f"{name}_320")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_admin_tightens_a_deadline_adds_a_routing_rule_and_reads_the_audit_log(page, demo_site):
    from datetime import timedelta

    from clientcentric.accounts.models import Agency
    from clientcentric.appeals import services
    from clientcentric.appeals.models import Appeal, DeadlinePolicy, RoutingRule
    from clientcentric.registry.demo import DEMO_PASSWORD

    sign_in(page, demo_site, "admin", DEMO_PASSWORD)

    # 1. A new version of the promise for comments under the agency's posts: one calendar hour.
    page.goto(demo_site + "/admin/appeals/deadlinepolicy/add/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.locator("#id_channel").select_option("social")
    page.locator("#id_kind").select_option("comment")
    page.locator("#id_clock").select_option("calendar_time")
    page.locator("#id_answer_within_hours").fill("1")
    page.locator("#id_note").fill("Приказ о работе с комментариями в социальных сетях")
    _shoot(page, "admin_deadline_policy_form")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Добавлено")
    _shoot(page, "admin_deadline_policy_saved")
    _fits_a_phone(page, "admin_deadline_policy_saved")
    policy = (
        DeadlinePolicy.objects.filter(channel="social", kind="comment").order_by("-created_at", "-id").first()
    )
    assert policy.answer_within_hours == 1 and policy.created_by.username == "admin"

    # The next comment that arrives carries the new promise; older appeals keep theirs.
    intake = services.receive_appeal(
        services.AppealInput(
            channel="social",
            kind="comment",
            text="Когда во дворе на Искровском проспекте уберут сломанные качели?",
            external_id="vk-wall-e2e-1",
        )
    )
    appeal = Appeal.objects.get(pk=intake.appeal.pk)
    assert appeal.policy_id == policy.pk
    assert appeal.deadline_at - appeal.registered_at == timedelta(hours=1)

    # 2. A routing rule: a condition the router does not know is refused in Russian, naming the allowed keys.
    housing = Agency.objects.get(code="ja-nevsky")
    page.goto(demo_site + "/admin/appeals/routingrule/add/")
    page.locator("#id_position").fill("5")
    page.locator("#id_name").fill("Детские площадки Невского района")
    page.locator("#id_conditions").fill('{"raion": "Невский"}')
    # The executor is an autocomplete field: type a part of the name and pick the agency.
    page.locator(".field-executor .select2-selection").click()
    page.locator(".select2-search__field").fill("Невск")
    page.locator(".select2-results__option", has_text=str(housing)).first.click()
    page.locator("input[name=_save]").click()
    error = page.locator(".errorlist")
    expect(error).to_contain_text("Неизвестные условия: raion")
    expect(error).to_contain_text("district")
    _shoot(page, "admin_routing_rule_error")
    _fits_a_phone(page, "admin_routing_rule_error")
    page.locator("#id_conditions").fill('{"district": "Невский", "address_contains": "площадк"}')
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Добавлено")
    rule = RoutingRule.objects.get(name="Детские площадки Невского района")
    assert rule.executor == housing and rule.conditions["district"] == "Невский"

    # 3. The audit log says who changed the promise, in Russian, newest first.
    page.goto(demo_site + "/admin/core/auditevent/?q=deadline_policy_created")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_contain_text("создано правило сроков")  # the action in words, not its code
    expect(rows.first).to_contain_text(re.compile("admin|Васильев"))
    _shoot(page, "admin_audit_log")
    _fits_a_phone(page, "admin_audit_log")

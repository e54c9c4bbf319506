"""A client consents, a registry reports a life event, the offer appears in the cabinet, one click applies."""

import json
import re
import urllib.request
from datetime import date

from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .test_appeals import sign_in


def test_client_consents_gets_an_offer_after_a_life_event_and_applies_in_one_click(page, demo_site):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import ApiScope
    from clientcentric.accounts.roles import Role
    from clientcentric.delivery.demo import demo_snils
    from clientcentric.delivery.models import ServiceRequest
    from clientcentric.delivery.services import profiles as profile_services
    from clientcentric.registry.demo import DEMO_PASSWORD

    person = accounts_services.create_person(
        username="orlov", password=DEMO_PASSWORD, role=Role.CLIENT, last_name="Орлов", first_name="Виктор"
    )
    profile = profile_services.profile_of(person)
    profile.birth_date, profile.snils, profile.income_monthly = date(1961, 5, 5), demo_snils(246813579), 14000
    profile_services.save_profile(profile)
    _source, token = accounts_services.issue_token(
        name="Социальный фонд (e2e)", scopes=[ApiScope.LIFE_EVENTS_WRITE]
    )

    sign_in(page, demo_site, "orlov", DEMO_PASSWORD)
    page.goto(demo_site + "/me/consents/")
    page.get_by_label(re.compile("Все услуги жизненной ситуации")).select_option(label="Выход на пенсию")
    page.get_by_role("button", name="Даю согласие").click()
    expect(page.locator(".confirmation-panel")).to_contain_text("Согласие дано")
    page.screenshot(path=str(SCREENSHOTS / "delivery_consent_confirmation.png"), full_page=True)
    page.locator("main .actions").get_by_role("link", name="Мои согласия").click()
    expect(page.locator("table")).to_contain_text("Выход на пенсию")
    pdf_link = page.locator("main").get_by_role("link", name="Квитанция (PDF)")
    expect(pdf_link).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "delivery_consents_receipts.png"), full_page=True)
    receipt = page.request.get(demo_site + pdf_link.get_attribute("href"))
    assert (
        receipt.ok and receipt.headers["content-type"] == "application/pdf" and receipt.body()[:5] == b"%PDF-"
    )

    body = json.dumps(
        {
            "event_id": "sfr-e2e-1",
            "kind": "pension_age_reached",
            "snils": profile.snils,
            "occurred_at": "2026-11-20T09:00:00+03:00",
        }
    ).encode()
    request = urllib.request.Request(
        demo_site + "/api/v1/life-events",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 202  # accepted: the same answer whether or not the SNILS is a client's

    page.goto(demo_site + "/me/")
    offers = page.locator("#offers")
    expect(offers).to_contain_text("Назначение страховой пенсии по старости")
    expect(offers).to_contain_text("Федеральная социальная доплата")
    page.screenshot(path=str(SCREENSHOTS / "delivery_cabinet_offers.png"), full_page=True)
    offers.get_by_role("link", name=re.compile("Назначение страховой пенсии")).click()
    expect(page.locator("main")).to_contain_text("246-813-579")
    page.get_by_role("button", name="Подать заявление в один клик").click()
    expect(page.locator(".confirmation-panel")).to_contain_text("Заявление отправлено")
    expect(page.locator("main")).to_contain_text("Назначение страховой пенсии по старости")
    page.screenshot(path=str(SCREENSHOTS / "delivery_request_confirmation.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "delivery_request_confirmation_320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    submitted = ServiceRequest.objects.get(client=person)
    assert submitted.fields_typed == 0 and submitted.steps == 1
    page.goto(demo_site + "/me/")
    expect(page.locator("main")).to_contain_text("ждёт решения")

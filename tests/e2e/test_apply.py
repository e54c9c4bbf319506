"""A client asks first: from the service's page to a decision, the verdict following what they type."""

import re
from datetime import date

from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .test_appeals import sign_in


def test_client_applies_for_a_service_they_asked_about_and_gets_a_decision(page, demo_site):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.roles import Role
    from clientcentric.delivery.demo import demo_snils
    from clientcentric.delivery.models import ServiceRequest
    from clientcentric.delivery.services import profiles as profile_services
    from clientcentric.registry.demo import DEMO_PASSWORD

    person = accounts_services.create_person(
        username="belova", password=DEMO_PASSWORD, role=Role.CLIENT, last_name="Белова", first_name="Нина"
    )
    profile = profile_services.profile_of(person)
    profile.birth_date, profile.snils, profile.income_monthly = date(1958, 2, 2), demo_snils(864209753), 31000
    profile_services.save_profile(profile)

    sign_in(page, demo_site, "belova", DEMO_PASSWORD)
    page.goto(demo_site + "/services/federal-social-supplement/")
    page.get_by_role("link", name="Подать заявление на портале").click()
    expect(page.locator("h1")).to_contain_text("Федеральная социальная доплата")
    verdict = page.locator("#verdict")
    # The profile says 31 000 roubles: by the rule no supplement, and the reason in plain Russian.
    expect(verdict).to_contain_text("По правилам услуга вам не положена")
    expect(verdict).to_contain_text("Ваш доход не ниже прожиточного минимума пенсионера.")
    income = page.get_by_label(re.compile("доход"))
    expect(income).to_have_value("31000.00")
    page.screenshot(path=str(SCREENSHOTS / "apply_form_not_eligible.png"), full_page=True)
    # The pension is lower than the profile says: the client corrects it and the verdict follows as they type.
    income.fill("14500")
    expect(verdict).to_contain_text("Услуга вам положена")
    expect(verdict).to_contain_text("Вам положена доплата до этой суммы")
    page.screenshot(path=str(SCREENSHOTS / "apply_form_eligible.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "apply_form_eligible_320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Отправить заявление").click()
    # The rule decides «положена» and the service is decided automatically: the client reads the decision at
    # once — what is granted, from which date, how much and what happens next (16 288 − 14 500 = 1 788 ₽).
    panel = page.locator(".confirmation-panel")
    expect(panel).to_contain_text("Заявление одобрено")
    expect(page.locator("main")).to_contain_text("Доплата назначена с 1 ")
    expect(page.locator("main")).to_contain_text(re.compile(r"Вы будете получать 1\s788\s₽ в месяц"))
    expect(page.locator("main")).to_contain_text("Деньги придут вместе с пенсией")
    page.screenshot(path=str(SCREENSHOTS / "apply_decision.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "apply_decision_320.png"), full_page=True)
    # The request page keeps the decision.
    page.get_by_role("link", name="Следить за заявлением").click()
    expect(page.locator("main")).to_contain_text("Доплата назначена с 1 ")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "apply_request_decided_320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / "apply_request_decided.png"), full_page=True)

    from clientcentric.core.models import Notification

    request = ServiceRequest.objects.get(client=person)
    assert request.status == "approved" and request.decided_by is None and request.fields_typed == 1
    assert request.explanation.startswith("Доплата назначена с 1 ")
    assert request.data["answers"] == {"income_monthly": "14500"} and request.seconds > 0
    # …and by the client's channel.
    told = Notification.objects.filter(object_type="delivery.servicerequest", object_id=str(request.pk))
    assert "cabinet" in set(told.values_list("channel", flat=True))
    profile.refresh_from_db()
    assert profile.income_monthly == 14500

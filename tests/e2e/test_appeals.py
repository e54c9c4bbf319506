"""A citizen reports a problem on the portal; the executor's operator takes it and answers; anyone follows it."""

import re

from playwright.sync_api import expect

from .conftest import SCREENSHOTS, fill_answer


def sign_in(page, site, username, password):
    page.goto(site + "/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()


def test_citizen_reports_a_problem_and_the_operator_answers(page, demo_site):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role
    from clientcentric.appeals import services
    from clientcentric.appeals.models import RoutingRule
    from clientcentric.registry.demo import DEMO_PASSWORD

    housing = Agency.objects.get(code="ja-nevsky")
    services.save_routing_rule(
        RoutingRule(position=1, name="Невский район", conditions={"district": "Невский"}, executor=housing)
    )
    accounts_services.create_person(
        username="ja-operator",
        password=DEMO_PASSWORD,
        role=Role.OPERATOR,
        agency=housing,
        last_name="Орлова",
        first_name="Нина",
    )

    sign_in(page, demo_site, "client", DEMO_PASSWORD)
    page.goto(demo_site + "/appeals/new/")
    page.get_by_label(re.compile("проблем|problem", re.I)).fill(
        "Во дворе дома 12 по Народной улице третью неделю не горит фонарь у детской площадки"
    )
    page.get_by_label(re.compile("^Район|^District")).fill("Невский")
    page.get_by_label(re.compile("^Где это|^Where is it")).select_option("Двор")
    page.get_by_role("button", name=re.compile("Отправить|Send")).click()
    expect(page).to_have_url(re.compile(r"/appeals/\d{4}-\d{6}/sent/$"))
    expect(page.locator(".confirmation-panel")).to_contain_text("Обращение отправлено")
    page.get_by_role("link", name="Открыть страницу обращения").click()
    expect(page.locator(".appeal-status-registered")).to_be_visible()
    number = page.url.rstrip("/").split("/")[-1]

    page.context.clear_cookies()
    sign_in(page, demo_site, "ja-operator", DEMO_PASSWORD)
    page.goto(demo_site + "/operator/")
    page.get_by_role("link", name=number).click()
    # The kind of place the citizen chose, on its own row of the card.
    expect(page.locator("dt:has-text('Объект') + dd")).to_have_text("Двор")
    page.screenshot(path=str(SCREENSHOTS / "operator-appeal-card.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Взять|Take")).click()
    fill_answer(page, "Фонарь заменён 26 ноября. Спасибо, что сообщили.")
    page.get_by_role("button", name=re.compile("Отправить ответ|Send the answer")).click()
    expect(page.locator(".appeal-status-answered")).to_be_visible()

    page.context.clear_cookies()
    page.goto(f"{demo_site}/appeals/{number}/")
    expect(page.locator("main")).to_contain_text("Фонарь заменён 26 ноября")
    expect(page.locator("main")).not_to_contain_text("Орлова")


def test_citizen_finds_a_similar_appeal_and_supports_it(page, demo_site):
    from clientcentric.accounts.models import Agency
    from clientcentric.appeals import services
    from clientcentric.registry.demo import DEMO_PASSWORD

    text = "У дома 14 по проспекту Большевиков третий день не убран снег на тротуаре, люди падают"
    services.receive_appeal(
        services.AppealInput(channel="portal", text=text, district="Невский", contact_email="n@example.ru"),
        default_executor=Agency.objects.get(code="ja-nevsky"),
    )
    sign_in(page, demo_site, "client", DEMO_PASSWORD)
    page.goto(demo_site + "/appeals/new/")
    page.get_by_label(re.compile("^Район|^District")).fill("Невский")
    page.get_by_label(re.compile("проблем|problem", re.I)).fill(
        "Третий день не убран снег на тротуаре у дома 14 по проспекту Большевиков"
    )
    similar = page.locator("#similar")
    expect(similar.get_by_role("heading")).to_be_visible()
    similar.get_by_role("link").first.click()
    page.get_by_role("button", name=re.compile(r"\+1")).click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"(Поддержали|Supporters)[^0-9]*1"))


def test_citizen_points_at_the_place_on_the_map(page, demo_site):
    from clientcentric.appeals.models import Appeal
    from clientcentric.registry.demo import DEMO_PASSWORD

    sign_in(page, demo_site, "client", DEMO_PASSWORD)
    page.goto(demo_site + "/appeals/new/")
    page.get_by_label(re.compile("проблем|problem", re.I)).fill(
        "На перекрёстке у сквера сломан светофор, машины едут на красный"
    )
    area = page.locator("#appeal-map")
    expect(area.locator(".leaflet-tile").first).to_be_attached()
    area.click(position={"x": 200, "y": 120})
    expect(area.locator(".leaflet-marker-icon")).to_be_visible()
    latitude = float(page.locator("#id_latitude").input_value())
    longitude = float(page.locator("#id_longitude").input_value())
    assert 59.7 < latitude < 60.2 and 30.0 < longitude < 30.6  # the demo map opens on St Petersburg
    page.screenshot(path=str(SCREENSHOTS / "appeal-map-picked.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Отправить|Send")).click()
    expect(page).to_have_url(re.compile(r"/appeals/\d{4}-\d{6}/sent/$"))
    page.get_by_role("link", name="Открыть страницу обращения").click()
    expect(page).to_have_url(re.compile(r"/appeals/\d{4}-\d{6}/$"))
    appeal = Appeal.objects.with_number(page.url.rstrip("/").split("/")[-1]).get()
    assert float(appeal.latitude) == latitude and float(appeal.longitude) == longitude
    expect(page.locator("#appeal-map .leaflet-marker-icon")).to_be_visible()

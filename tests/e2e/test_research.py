"""An analyst opens the house-and-yard journey map built from the real appeals: SVG with its emotion curve."""

import re

from playwright.sync_api import expect

from .test_appeals import sign_in


def test_analyst_opens_the_house_and_yard_journey_map(page, demo_site):
    from clientcentric.accounts.models import User
    from clientcentric.appeals import demo as appeals_demo
    from clientcentric.demo import research as demo
    from clientcentric.registry.demo import DEMO_PASSWORD
    from clientcentric.research.models import JourneyMap

    path = appeals_demo.find_data_file()
    assert path is not None, "the real appeals ship in the repository's data/appeals"
    appeals_demo.load_demo_appeals(path, count=40, operator=User.objects.get(username="operator"))
    demo.load(path)
    journey = JourneyMap.objects.get(version="as_is", life_situation__code="home-and-yard")

    sign_in(page, demo_site, "analyst", DEMO_PASSWORD)
    page.goto(demo_site + "/research/")
    page.get_by_role("link", name=re.compile("Проблема в доме или во дворе")).first.click()
    expect(page).to_have_url(re.compile(rf"/research/maps/{journey.pk}/"))
    maps = page.locator(".journey-svg svg")
    expect(maps).to_have_count(2)  # AS IS and TO BE side by side
    expect(maps.first.locator("path").first).to_be_visible()  # the emotion curve
    expect(maps.first).to_contain_text("Ждал ответа")
    expect(page.locator("#pain-points li").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PNG").first.click()
    assert download.value.suggested_filename.endswith(".png")

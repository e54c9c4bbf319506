"""An analyst opens the house-and-yard journey map built from the real appeals: SVG with its emotion curve."""

import re
from pathlib import Path

from playwright.sync_api import expect

from .test_appeals import sign_in


def _real_appeals() -> Path | None:
    from clientcentric.appeals import demo as appeals_demo

    found = appeals_demo.find_data_file()
    if found is not None:
        return found
    # A worktree sits deeper than the main checkout: look for ../shared beside any parent.
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / appeals_demo.DATA_FILE
        if candidate.is_file():
            return candidate
    return None


def test_analyst_opens_the_house_and_yard_journey_map(page, demo_site):
    from clientcentric.accounts.models import User
    from clientcentric.appeals import demo as appeals_demo
    from clientcentric.demo import research as demo
    from clientcentric.registry.demo import DEMO_PASSWORD
    from clientcentric.research.models import JourneyMap

    path = _real_appeals()
    assert path is not None, "the shared real appeals (../shared/data/appeals) are needed for this demo"
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

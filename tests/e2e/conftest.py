"""Browser tests: Playwright for Python driving Debian's chromium against a live test server."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CLIENTCENTRIC_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).with_name("screenshots")
# Playwright's sync API keeps an event loop in this thread; the ORM calls of the fixtures are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import expect, sync_playwright

    # An assertion waits as long as an action does (pages' default, below): on a busy machine the chat-bot's
    # reply or a chart can take longer than Playwright's 5 s, and a slow answer is not a wrong one.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _local_map_tiles(settings):
    """No network beyond loopback: every map tile is a small image the live server itself serves."""
    settings.CLIENTCENTRIC_MAP_TILES = "/static/vendor/leaflet/images/layers.png?{z}/{x}/{y}"


@pytest.fixture(autouse=True)
def _password_only_sign_in(settings):
    """The journeys here sign staff in with the password alone; the second factor's own journey is tested in
    tests/accounts/test_second_factor.py (the demo enrols a published TOTP key, docs/security-staff.md)."""
    settings.CLIENTCENTRIC_REQUIRE_2FA = False


@pytest.fixture
def demo_site(live_server, transactional_db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    return live_server.url


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def fill_answer(page, text: str) -> None:
    """Type an operator's answer and wait for the live plain-Russian panel to read it: the panel grows when its check
    arrives, and a button clicked while it swaps can be missed (seen under load in CI)."""
    import re

    from playwright.sync_api import expect

    page.locator("#id_text").fill(text)
    page.locator("#id_text").blur()  # the panel checks on change
    expect(page.locator("#plain-check")).to_contain_text(re.compile("Флеш|Flesch"))

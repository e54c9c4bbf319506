"""The 404 and 500 pages in real Chromium: Russian, in the site's layout, readable at 320 px and at desktop width."""

import pytest

from .conftest import SCREENSHOTS

WIDTHS = {"320": {"width": 320, "height": 720}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def broken_home(monkeypatch):
    """The home page fails with a bug the server did not expect."""
    from clientcentric.registry import views as registry_views

    def broken(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(registry_views, "render", broken)


def _look(browser, url: str, width: str, name: str):
    context = browser.new_context(viewport=WIDTHS[width], locale="ru-RU")
    page = context.new_page()
    try:
        response = page.goto(url)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"error-{name}-{width}.png"), full_page=True)
        # Nothing runs wider than the window at either width.
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        return response.status, page.locator("html").get_attribute("lang"), page, overflow, context
    except Exception:
        context.close()
        raise


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_404_page_is_russian_with_a_way_back(browser, live_server, db, width):
    status, lang, page, overflow, context = _look(browser, f"{live_server.url}/no-such-page/", width, "404")
    try:
        assert status == 404 and lang == "ru"
        assert page.get_by_role("heading", level=1).inner_text() == "Страница не найдена"
        assert page.get_by_role("link", name="На главную страницу").is_visible()
        assert page.get_by_role("searchbox").is_visible()
        assert overflow <= 0
        page.get_by_role("searchbox").fill("пенсия")
        page.get_by_role("button", name="Поиск").first.click()
        page.wait_for_url("**/search/?q=*")
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_500_page_is_russian_with_a_way_back(browser, live_server, db, broken_home, width):
    status, lang, page, overflow, context = _look(browser, f"{live_server.url}/", width, "500")
    try:
        assert status == 500 and lang == "ru"
        assert page.get_by_role("heading", level=1).inner_text() == "У нас что-то сломалось"
        assert page.get_by_role("link", name="Написать нам").is_visible()
        assert "unexpected" not in page.content()
        assert overflow <= 0
    finally:
        context.close()

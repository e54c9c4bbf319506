"""Every page fits the window, at a phone's 320 px and at desktop width.

The test crawls the demo as each person would see it (links only, never a form: nothing is written), one page per
view and role, and checks each page at both widths: the document is no wider than the window (nothing scrolls
sideways) and the chat-bot's button covers no link, button or field. Every failure is collected, so one run lists
them all. Screenshots: tests/e2e/screenshots/fit-<width>-<role>-<view>.png.
"""

from collections import deque
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from .conftest import SCREENSHOTS

WIDTHS = {"phone": (320, 640), "desktop": (1280, 900)}
PASSWORD = "demo-2026"
# (who, username): anonymous first, so the views a citizen sees are checked without a signed-in header's menu.
PEOPLE = [
    ("anonymous", None),
    ("client", "client"),
    ("business", "business"),
    ("operator", "operator"),
    ("analyst", "analyst"),
    ("methodologist", "methodologist"),
    ("inspector", "inspector"),
]
# Django's own back office, seen by the admin: the index, a list, a change form and the project's import screen.
BACK_OFFICE = [
    "/admin/",
    "/admin/appeals/appeal/",
    "/admin/registry/need/",
    "/admin/registry/need/add/",
    "/admin/registry/import/",
]
# Where each person's crawl starts besides the home page: pages no link of theirs leads to in the demo's state
# (the business's home asks for its profile first; the public supervision pages are linked from business pages).
SEEDS = {
    "anonymous": [
        "/search/?q=пенсия",
        "/kb/?q=пенсия",
        "/supervision/declarations/",
        "/supervision/programmes/",
    ],
    "business": ["/business/cost/", "/business/consultations/", "/supervision/good-faith/"],
}
PAGES_PER_PERSON = 70
FILES = (".csv", ".json", ".pdf", ".svg", ".xlsx", ".png", ".gz", ".txt", ".xml", ".zip")
NOT_PAGES = {"accounts:logout", "set_language", "kb:chat_log", "metrics", "healthz"}
# Views the issue found too wide; the crawl must reach each, or the test proves nothing about them.
MUST_VISIT = {
    "appeals:work",
    "appeals:public_detail",
    "delivery:consents",
    "delivery:appointments",
    "feedback:dashboard",
    "feedback:analyst",
    "supervision:home",
    "business:cost",
    "appeals:queue",
    "research:home",
    "design_system",
}

PAGE_IS_WIDER = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  // The outermost elements that stick out: their parent still fits.
  const culprits = [];
  for (const element of document.body.querySelectorAll("*")) {
    const right = element.getBoundingClientRect().right;
    const parent = element.parentElement;
    if (right > width + 1 && parent && parent.getBoundingClientRect().right <= width + 1) {
      const name = element.tagName.toLowerCase() + (element.className && typeof element.className === "string"
        ? "." + element.className.trim().split(/\\s+/).join(".") : "");
      culprits.push(name + " → " + Math.round(right) + " px");
      if (culprits.length === 5) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: width, culprits: culprits};
}"""

CHAT_BUTTON_COVERS = """() => {
  const launcher = document.querySelector(".chat-panel summary");
  if (!launcher) return [];
  const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const covered = new Set();
  const height = document.documentElement.scrollHeight;
  for (const y of [0, height / 2, height]) {
    window.scrollTo(0, y);
    const box = launcher.getBoundingClientRect();
    for (const element of document.querySelectorAll(focusable)) {
      if (element.closest(".chat-panel")) continue;
      const r = element.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      if (r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top) {
        covered.add(element.tagName.toLowerCase() + " «" + (element.textContent || element.name || "").trim().slice(0, 40) + "»");
      }
    }
  }
  window.scrollTo(0, 0);
  return Array.from(covered);
}"""


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _crawlable(url: str, origin: str) -> str | None:
    """The path to visit for a link, or None when it leads off the site, to a file, the API or the back office."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path
    if path.startswith(("/admin/", "/api/", "/static/", "/media/")) or path.endswith(FILES):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _sign_in(page, site, username):
    page.goto(site + "/account/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _check(page, site, path, label, problems):
    """Open one page at each width; record what does not fit. False when the path is no HTML page."""
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        try:
            response = page.goto(site + path)
        except Exception:  # a link that starts a download is no page to check
            return False
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            return False
        wider = page.evaluate(PAGE_IS_WIDER)
        if wider:
            problems.append(
                f"{label} {path} at {width} px: the page is {wider['scrollWidth']} px wide "
                f"({', '.join(wider['culprits'])})"
            )
        covered = page.evaluate(CHAT_BUTTON_COVERS)
        if covered:
            problems.append(f"{label} {path} at {width} px: the chat-bot button covers {', '.join(covered)}")
        slug = path.strip("/").replace("/", "_").replace("?", "_")[:60] or "home"
        page.screenshot(
            path=str(SCREENSHOTS / f"fit-{width_name}-{label}-{slug}.png"),
            full_page=True,
            clip={
                "x": 0,
                "y": 0,
                "width": width,
                "height": min(page.evaluate("document.documentElement.scrollHeight"), 4000),
            },
        )
    return True


def _crawl(page, site, label, already_seen, problems) -> set[str]:
    """Breadth-first from the home page and the seeds; one page per view not checked before."""
    visited: set[str] = set()
    queue = deque(["/", *SEEDS.get(label, [])])
    queued = set(queue)
    while queue and len(visited) < PAGES_PER_PERSON:
        path = queue.popleft()
        view = _view_name(urlsplit(path).path)
        if view is None or view in NOT_PAGES or view in visited or (view in already_seen and path != "/"):
            continue
        if not _check(page, site, path, label, problems):
            continue
        visited.add(view)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)"):
            target = _crawlable(href.split("#")[0], site)
            if target and target not in queued:
                queued.add(target)
                queue.append(target)
    return visited


def _an_appeal_in_the_queue():
    """An appeal waiting for the operator, so that the queue, the client's appeals and the public list show one."""
    from clientcentric.accounts.models import Agency, User
    from clientcentric.appeals import services

    data = services.AppealInput(
        channel="portal",
        text="Во дворе дома 7 по Народной улице третью неделю не вывозят мусор, контейнеры переполнены",
    )
    services.receive_appeal(
        data,
        author=User.objects.get(username="client"),
        default_executor=Agency.objects.get(code="ja-nevsky"),
    )


def test_every_page_fits_at_320_px_and_at_desktop_width(browser, demo_site):
    SCREENSHOTS.mkdir(exist_ok=True)
    _an_appeal_in_the_queue()
    problems: list[str] = []
    seen: set[str] = set()
    for label, username in PEOPLE:
        context = browser.new_context(locale="ru-RU")
        page = context.new_page()
        page.set_default_timeout(15_000)
        if username:
            _sign_in(page, demo_site, username)
        seen |= _crawl(page, demo_site, label, seen, problems)
        context.close()

    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    _sign_in(page, demo_site, "admin")
    for path in BACK_OFFICE:
        assert _check(page, demo_site, path, "admin", problems), path
    context.close()

    if not MUST_VISIT <= seen:
        problems.append(f"the crawl never reached {sorted(MUST_VISIT - seen)}")
    assert not problems, f"{len(problems)} problems in {len(seen)} views:\n" + "\n".join(problems)


def test_header_folds_behind_the_menu_button_on_a_phone(page, live_server):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/design-system/")
    menu = page.get_by_role("button", name="Меню")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Жизненные ситуации")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "fit-phone-menu-open.png"))
    page.keyboard.press("Escape")
    expect(page.get_by_role("navigation", name="Главное меню")).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 900})
    expect(menu).to_be_hidden()
    expect(page.get_by_role("link", name="Жизненные ситуации")).to_be_visible()


def test_page_widget_is_styled_on_a_page_that_is_not_about_ratings(page, live_server):
    page.goto(live_server.url + "/design-system/")
    star = page.locator(".widget .scale label").first
    assert star.evaluate("label => getComputedStyle(label).display") == "inline-flex"
    assert star.evaluate("label => getComputedStyle(label).borderTopStyle") == "solid"
    assert star.locator("input").evaluate("input => getComputedStyle(input).opacity") == "0"


def test_a_wide_table_scrolls_in_its_own_named_region(page, live_server):
    """The analyst's table was 1,830 px wide: a table wider than the page gets a box of its own."""
    page.goto(live_server.url + "/design-system/")
    page.locator("table.responsive-table").evaluate(
        """table => { const row = table.tBodies[0].rows[0];
                      for (let i = 0; i < 12; i++) row.insertCell().textContent = "12345678901234567"; }"""
    )
    page.evaluate("window.dispatchEvent(new Event('resize'))")
    region = page.get_by_role("region", name="Обращения, ожидающие ответа")
    expect(region).to_have_attribute("tabindex", "0")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

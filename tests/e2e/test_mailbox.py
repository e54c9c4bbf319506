"""An operator opens the outgoing mail the demo kept instead of sending, as its recipient would read it."""

from pathlib import Path

from playwright.sync_api import expect

from .test_appeals import sign_in

SCREENSHOTS = Path(__file__).with_name("screenshots")


def test_operator_reads_a_kept_letter_at_desktop_and_phone_width(page, demo_site, settings, tmp_path):
    from django.core import mail

    from clientcentric.core import local_mailbox
    from clientcentric.registry.demo import DEMO_PASSWORD

    settings.EMAIL_BACKEND = local_mailbox.BACKEND
    settings.CLIENTCENTRIC_MAILBOX_DIR = str(tmp_path / "mailbox")
    mail.send_mail(
        "Ответ на ваше обращение № 1024",
        "Здравствуйте!\n\nНа ваше обращение дан ответ: снег во дворе убран.\n\n"
        "Оцените ответ: http://127.0.0.1:8000/appeals/1024/",
        "noreply@demo.clientcentric.local",
        ["citizen@demo.clientcentric.local"],
    )

    sign_in(page, demo_site, "operator", DEMO_PASSWORD)
    page.get_by_role("link", name="Исходящая почта").click()
    expect(page.get_by_role("heading", name="Исходящая почта")).to_be_visible()
    page.get_by_role("link", name="Ответ на ваше обращение № 1024").click()
    expect(page.get_by_role("heading", name="Ответ на ваше обращение № 1024")).to_be_visible()
    expect(page.get_by_text("снег во дворе убран")).to_be_visible()
    expect(page.get_by_role("link", name="http://127.0.0.1:8000/appeals/1024/")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "mailbox_letter_desktop.png"), full_page=True)

    page.set_viewport_size({"width": 320, "height": 640})
    page.go_back()
    expect(page.get_by_role("link", name="Ответ на ваше обращение № 1024")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "mailbox_list_320.png"), full_page=True)

"""A citizen who is not signed in sends an appeal, lands on its confirmation, gets the acknowledgement in the mail
and follows the status by number and code; the operator routes the appeal with the classifier's suggestion."""

import re

from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .test_appeals import sign_in

TEXT = "В подъезде дома 7 по Товарищескому проспекту третий день не работает лифт, пожилые соседи не выходят"


def _train_a_small_classifier(executor_name: str) -> None:
    """Both models, taught on a few dozen labelled appeals (the demo's real file is too slow for a browser test)."""
    from datetime import timedelta

    from django.utils import timezone

    from clientcentric.appeals import services, training
    from clientcentric.appeals.models import TrainingExample

    phrases = {
        ("Неисправный лифт", executor_name): [
            "не работает лифт",
            "застрял лифт",
            "лифт стоит",
            "двери лифта",
        ],
        ("Мусор во дворе", "Центр благоустройства"): ["мусор во дворе", "не вывозят мусор", "баки полны"],
        ("Не убран снег", "Центр благоустройства"): ["снег не убран", "сугробы на тротуаре", "наледь"],
    }
    start = timezone.now() - timedelta(days=400)
    examples = [
        TrainingExample(
            text=f"{phrase} в доме {n}, просим принять меры",
            category=topic,
            executor=executor,
            district="Невский",
            created_at=start + timedelta(days=n * 10 + i),
            source="e2e",
        )
        for n in range(8)
        for (topic, executor), texts in phrases.items()
        for i, phrase in enumerate(texts)
    ]
    services.store_training_examples(examples, source_file="e2e", batch_size=100)
    training.train_models()


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_anonymous_appeal_is_confirmed_mailed_followed_and_routed_with_a_suggestion(
    page, demo_site, settings, tmp_path
):
    from clientcentric.accounts.models import Agency
    from clientcentric.appeals.models import Appeal, Status
    from clientcentric.core import local_mailbox
    from clientcentric.core.models import AuditEvent
    from clientcentric.core.services import notifications
    from clientcentric.registry.demo import DEMO_PASSWORD

    settings.EMAIL_BACKEND = local_mailbox.BACKEND
    settings.CLIENTCENTRIC_MAILBOX_DIR = str(tmp_path / "mailbox")
    # Nothing is confident enough to route by itself: the appeal waits for the router, as in the walk.
    settings.CLIENTCENTRIC_ROUTING_THRESHOLD = 1.01
    housing = Agency.objects.get(code="ja-nevsky")
    _train_a_small_classifier(housing.name)

    # 1. The citizen, not signed in, sends the appeal.
    page.goto(demo_site + "/appeals/new/")
    page.get_by_label(re.compile("проблем", re.I)).fill(TEXT)
    page.get_by_label("Электронная почта для ответа").fill("zhitel@example.ru")
    page.get_by_role("button", name="Отправить").click()

    # 2. The confirmation: the number big, where the acknowledgement went, what happens next and by when.
    expect(page).to_have_url(re.compile(r"/appeals/\d{4}-\d{6}/sent/$"))
    panel = page.locator(".confirmation-panel")
    expect(panel).to_contain_text("Обращение отправлено")
    number = panel.locator(".confirmation-number").inner_text()
    appeal = Appeal.objects.with_number(number).get()
    assert appeal.status == Status.NEEDS_ROUTING
    main = page.locator("main")
    expect(main).to_contain_text("z***@example.ru")
    expect(main).to_contain_text("Что будет дальше")
    expect(main).to_contain_text("Ответ — не позднее")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    _shoot(page, "appeal_confirmation_desktop")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    _shoot(page, "appeal_confirmation_320")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 3. The acknowledgement is in the (local) mailbox: number, link and code. Without a Celery worker (the
    # PostgreSQL + Redis run) the periodic scan is what sends it; with in-process tasks it is already sent.
    notifications.send_due()
    letters = [m for m in local_mailbox.messages() if number in m.subject]
    assert len(letters) == 1 and letters[0].to == "zhitel@example.ru"
    letter = local_mailbox.message(letters[0].key)
    assert f"/appeals/status/?number={number}" in letter.text
    code = re.search(r"Код подтверждения: (\d{4} \d{4})", letter.text).group(1)

    # 4. In another browser session (no cookies), the status by number and code.
    page.context.clear_cookies()
    page.goto(demo_site + f"/appeals/status/?number={number}")
    expect(page.get_by_label("Номер обращения")).to_have_value(number)
    page.get_by_label("Код подтверждения").fill("0000 0000" if code != "0000 0000" else "1111 1111")
    page.get_by_role("button", name="Показать статус").click()
    expect(page.get_by_role("alert")).to_contain_text("Обращение с таким номером и кодом не найдено")
    page.get_by_label("Номер обращения").fill(number)
    page.get_by_label("Код подтверждения").fill(code)
    page.get_by_role("button", name="Показать статус").click()
    expect(page.get_by_role("heading", name=f"Обращение № {number}")).to_be_visible()
    expect(page.locator(".appeal-status-needs_routing")).to_be_visible()
    expect(main).not_to_contain_text("zhitel@example.ru")
    _shoot(page, "appeal_status_check_desktop")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    _shoot(page, "appeal_status_check_320")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 5. The operator sees it waiting, and routes it with one click on the suggestion.
    sign_in(page, demo_site, "operator", DEMO_PASSWORD)
    page.goto(demo_site + "/operator/")
    waiting = page.locator(".waiting-for-routing")
    expect(waiting).to_contain_text("ждёт распределения")
    _shoot(page, "operator_queue_waiting_for_routing")
    waiting.get_by_role("link", name=f"№ {number}").click()
    card = page.locator(f"#r-{number}")
    expect(card.locator(".suggested-topics li")).to_have_count(3)
    expect(card.locator(".suggested-topics li").first).to_contain_text("Неисправный лифт")
    expect(card.locator(".suggested-executors li").first).to_contain_text(housing.name)
    expect(card.locator(".suggested-executors")).to_contain_text("%")
    _shoot(page, "routing_desk_suggestion_desktop")
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    _shoot(page, "routing_desk_suggestion_320")
    page.set_viewport_size({"width": 1280, "height": 900})
    card.get_by_role("button", name=re.compile("^Принять")).click()
    expect(page.locator(".messages")).to_contain_text(f"Обращение {number} передано: {housing.name}")
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED and appeal.executor == housing
    routed = AuditEvent.objects.get(action="appeals.routed", object_id=str(appeal.pk))
    assert routed.data["topic_rank"] == 1 and routed.data["executor_rank"] == 1

    # 6. The citizen's status page now names the executor.
    page.context.clear_cookies()
    page.goto(demo_site + f"/appeals/status/?number={number}")
    page.get_by_label("Код подтверждения").fill(code)
    page.get_by_role("button", name="Показать статус").click()
    expect(page.locator(".appeal-status-registered")).to_be_visible()
    expect(main).to_contain_text(housing.name)

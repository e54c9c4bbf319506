"""A methodologist builds a design project on its own pages: criteria, a scored variant, an audience test."""

import re

from playwright.sync_api import expect

from .test_appeals import sign_in

SHOTS = "tests/e2e/screenshots/"


def test_methodologist_edits_a_design_project_outside_the_back_office(page, demo_site):
    from clientcentric.design.models import AudienceTest, DesignProject
    from clientcentric.registry.demo import DEMO_PASSWORD

    sign_in(page, demo_site, "methodologist", DEMO_PASSWORD)
    page.goto(demo_site + "/design/")
    page.locator("main").get_by_role("link", name="Новый проект").click()
    main = page.locator("main")
    main.locator("#id_name").fill("Запись к врачу по телефону с напоминанием")
    main.locator("#id_kind").select_option("new")
    main.locator("#id_segment").select_option(index=1)
    main.locator("#id_best_practices").fill("Москва: SMS-напоминание за сутки до приёма.")
    main.locator("#id_criteria-0-name").fill("Польза для пациентов")
    main.locator("#id_criteria-0-weight").fill("3")
    main.locator("#id_criteria-1-name").fill("Польза для пациентов")  # twice: refused
    main.locator("#id_criteria-1-weight").fill("1")
    main.get_by_role("button", name="Сохранить").click()
    expect(main.get_by_role("alert").filter(has_text="указан дважды")).to_be_visible()
    page.screenshot(path=SHOTS + "design_project_form_error.png", full_page=True)

    main.locator("#id_criteria-1-name").fill("Стоимость")
    main.get_by_role("button", name="Сохранить").click()
    expect(page).to_have_url(re.compile(r"/design/projects/\d+/$"))
    project = DesignProject.objects.get(name="Запись к врачу по телефону с напоминанием")
    assert [c["name"] for c in project.criteria] == ["Польза для пациентов", "Стоимость"]

    main.get_by_role("link", name="Добавить вариант").click()
    main.locator("#id_name").fill("SMS за сутки")
    main.get_by_label("Оценка: Польза для пациентов (×3)").select_option("5")
    main.get_by_label("Оценка: Стоимость (×1)").select_option("3")
    main.locator("#id_is_chosen").check()
    main.get_by_role("button", name="Сохранить").click()
    expect(main.locator("#matrix")).to_contain_text("SMS за сутки")
    expect(main.locator("#matrix")).to_contain_text("4,50")
    page.screenshot(path=SHOTS + "design_project_matrix.png", full_page=True)

    main.get_by_role("link", name="Новый тест на аудитории").click()
    main.locator("#id_title").fill("Альфа-тест напоминаний")
    main.locator("#id_phase").select_option("alpha")
    main.locator("#id_tasks").fill("Записаться к терапевту\nОтменить запись")
    main.get_by_role("button", name="Сохранить").click()  # no criterion yet: refused
    expect(main.get_by_role("alert").filter(has_text="хотя бы один критерий")).to_be_visible()
    page.screenshot(path=SHOTS + "design_test_form_error.png", full_page=True)
    main.locator("#id_min_sus").fill("70")
    main.get_by_role("button", name="Сохранить").click()
    expect(page).to_have_url(re.compile(r"/design/tests/\d+/$"))
    test = AudienceTest.objects.get(project=project)
    assert test.min_sus == 70 and test.tasks.count() == 2


def test_methodologist_accepts_a_need_status_proposal(page, demo_site, settings):
    from clientcentric.appeals import services as appeals
    from clientcentric.appeals.models import NeedTopic
    from clientcentric.registry.demo import DEMO_PASSWORD
    from clientcentric.registry.models import Need, NeedStatus
    from clientcentric.research import services as research_services

    settings.CLIENTCENTRIC_NEED_PROPOSAL_THRESHOLDS = {"appeals": 3}
    need = Need.objects.filter(status=NeedStatus.MET).exclude(appeals__isnull=False).first()
    NeedTopic.objects.update_or_create(topic="Проверка предложений", defaults={"need": need})
    for index in range(3):
        appeals.receive_appeal(
            appeals.AppealInput(
                channel="portal",
                text=f"Не получается воспользоваться услугой, случай {index + 1}",
                topic="Проверка предложений",
                contact_email=f"e2e{index}@example.ru",
            )
        )
    research_services.propose_need_statuses()

    sign_in(page, demo_site, "methodologist", DEMO_PASSWORD)
    page.goto(demo_site + "/research/need-proposals/")
    card = page.locator("main section.proposal").filter(has_text=need.name)
    expect(card).to_contain_text("обращений по этой потребности — 3")
    card.scroll_into_view_if_needed()
    page.screenshot(path=SHOTS + "need_proposals_pending.png", full_page=True)
    card.get_by_role("button", name="Принять изменение").click()  # the reason is left as drafted
    expect(page.locator("main")).to_contain_text("Статус потребности и его публичная причина сохранены")
    page.screenshot(path=SHOTS + "need_proposals_decided.png", full_page=True)
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROGRESS and "90 дней" in need.status_reason

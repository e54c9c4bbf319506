"""A parent acts for a child: switches, gives a consent for her, and the child's history names the parent; the
personal scenario page at a phone's width and at desktop width."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import SCREENSHOTS
from .test_appeals import sign_in

PASSWORD = "family-pass-2026"


@pytest.fixture
def family_site(live_server, transactional_db):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role
    from clientcentric.delivery.models import ConsentText, SegmentRule
    from clientcentric.delivery.services import life_events as life_event_services
    from clientcentric.delivery.services import profiles as profile_services
    from clientcentric.delivery.services import segments as segment_services
    from clientcentric.registry import services as registry_services
    from clientcentric.registry.models import FaqEntry, LifeSituation, Need, NeedStatus, Segment

    ConsentText.objects.create(
        version=1, text="Я согласен на проверку права на услуги.", valid_from=date(2020, 1, 1)
    )
    accounts_services.save_agency(
        Agency(code="mon", name="Министерство образования", level="regional", kind="executive")
    )
    school = registry_services.save_life_situation(LifeSituation(code="school", name="Ребёнок идёт в школу"))
    families = registry_services.save_segment(
        Segment(code="families", name="Семьи с детьми"), life_situations=[school]
    )
    segment_services.save_segment_rule(
        SegmentRule(segment=families, text="n_under_18 >= 1", explanation="В вашей семье есть дети до 18 лет")
    )
    registry_services.save_need(
        Need(
            code="school-near-home",
            name="Записать ребёнка в школу рядом с домом",
            status=NeedStatus.IN_PROGRESS,
            status_reason="Электронная запись в первый класс запускается в регионе.",
            expected_on=date(2027, 2, 1),
        ),
        life_situations=[school],
    )
    faq = registry_services.save_faq_entry(
        FaqEntry(
            code="faq-school", question="Почему нельзя выбрать любую школу?", answer="Закреплённые школы."
        )
    )
    registry_services.save_need(
        Need(
            code="any-school",
            name="Выбрать любую школу без очереди",
            status=NeedStatus.CANNOT_MEET,
            status_reason="Сначала принимают детей, живущих на закреплённой территории.",
            faq=faq,
        ),
        life_situations=[school],
    )
    mother = accounts_services.create_person(
        username="mother", password=PASSWORD, role=Role.CLIENT, last_name="Петрова", first_name="Анна"
    )
    daughter = accounts_services.create_person(
        username="daughter", password=PASSWORD, role=Role.CLIENT, last_name="Петрова", first_name="Вера"
    )
    profile = profile_services.profile_of(mother)
    profile.birth_date = date(1990, 3, 3)
    profile_services.save_profile(profile)
    from clientcentric.delivery.models import HouseholdMember

    profile_services.save_household_member(
        HouseholdMember(profile=profile, name="Петрова Вера", relation="child", birth_date=date(2019, 9, 1)),
        actor=mother,
    )
    accounts_services.appoint_representative(
        person=mother,
        client=daughter,
        basis="Свидетельство о рождении (мать)",
        valid_from=date(2019, 9, 1),
        valid_to=timezone.localdate() + timedelta(days=3650),
    )
    life_event_services.open_life_situation(mother, school, actor=mother)
    return {"url": live_server.url, "mother": mother, "daughter": daughter, "school": school}


def test_a_parent_acts_for_a_child_and_the_childs_history_shows_the_parent(page, family_site):
    from clientcentric.delivery.models import Consent

    site = family_site["url"]
    sign_in(page, site, "mother", PASSWORD)
    page.goto(site + "/me/acting/")
    page.get_by_label("Петрова Вера").check()
    page.get_by_role("button", name="Действовать за выбранного").click()
    expect(page.locator(".acting-banner")).to_contain_text("Петрова Вера")

    page.goto(site + "/me/consents/")
    page.get_by_label(re.compile("Все услуги жизненной ситуации")).select_option(label="Ребёнок идёт в школу")
    page.get_by_role("button", name="Даю согласие").click()
    expect(page.locator(".confirmation-panel")).to_contain_text("Согласие дано")
    consent = Consent.objects.get()
    assert consent.client == family_site["daughter"]

    page.goto(site + "/me/scenario/")
    entry = page.locator("#timeline .entry-consent").first
    expect(entry).to_contain_text("Дано согласие")
    expect(entry).to_contain_text("Сделал(а) представитель: Петрова Анна")
    page.screenshot(path=str(SCREENSHOTS / "scenario_child_history_desktop.png"), full_page=True)

    page.locator(".acting-banner").get_by_role("button", name="Действовать за себя").click()
    expect(page.locator(".acting-banner")).to_have_count(0)


def test_the_scenario_page_shows_segments_needs_and_why_not_now(page, family_site):
    site = family_site["url"]
    sign_in(page, site, "mother", PASSWORD)
    page.goto(site + "/me/scenario/")
    expect(page.locator("#segments")).to_contain_text("Семьи с детьми")
    expect(page.locator("#segments")).to_contain_text("В вашей семье есть дети до 18 лет")
    needs = page.locator(".personal-needs")
    expect(needs).to_contain_text("Записать ребёнка в школу рядом с домом")
    expect(needs).to_contain_text("ожидается к 1 февраля 2027")
    expect(needs).to_contain_text("срока нет")
    page.screenshot(path=str(SCREENSHOTS / "scenario_desktop.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SCREENSHOTS / "scenario_320.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#segments").get_by_role("button", name="Это не про меня").click()
    expect(page.locator("main")).to_contain_text("Группы, которые, по вашим словам, не про вас")

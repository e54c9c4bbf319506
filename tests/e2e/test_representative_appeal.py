"""A parent acts for a child and files an appeal; the call centre attaches the recorded call; the operator sees
that a representative filed it and plays the recording — at a phone's width and at desktop width."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.appeals.media import wav

from .conftest import SCREENSHOTS
from .test_appeals import sign_in

PASSWORD = "family-pass-2026"
TEXT = "У школы № 5 на Лесной улице нет пешеходного перехода, дети перебегают дорогу"


@pytest.fixture
def family_site(live_server, transactional_db, tmp_path, settings):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role
    from clientcentric.appeals import services
    from clientcentric.appeals.models import RoutingRule

    settings.MEDIA_ROOT = tmp_path
    roads = accounts_services.save_agency(
        Agency(code="roads", name="Комитет по дорогам", level="regional", kind="executive")
    )
    services.save_routing_rule(
        RoutingRule(position=1, name="Невский район", conditions={"district": "Невский"}, executor=roads)
    )
    accounts_services.create_person(
        username="operator", password=PASSWORD, role=Role.OPERATOR, agency=roads, last_name="Орлова"
    )
    mother = accounts_services.create_person(
        username="mother", password=PASSWORD, role=Role.CLIENT, last_name="Петрова", first_name="Анна"
    )
    daughter = accounts_services.create_person(
        username="daughter", password=PASSWORD, role=Role.CLIENT, last_name="Петрова", first_name="Вера"
    )
    accounts_services.appoint_representative(
        person=mother,
        client=daughter,
        basis="Свидетельство о рождении (мать)",
        valid_from=date(2019, 9, 1),
        valid_to=timezone.localdate() + timedelta(days=3650),
    )
    return {"url": live_server.url, "roads": roads, "daughter": daughter}


def attach_call(appeal_number, agency):
    """What the call centre's telephony does after the parent called about the same appeal."""
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import ApiScope
    from clientcentric.appeals.calls import services as call_services

    telephony, _token = accounts_services.issue_token(
        name="Телефония", agency=agency, scopes=[ApiScope.CALLS_WRITE]
    )
    started = timezone.now() - timedelta(minutes=5)
    call_services.receive_call(
        call_services.CallInput(
            call_id="c-2026-1",
            caller_number="+7 916 123-45-67",
            started_at=started,
            ended_at=started + timedelta(seconds=2),
            file_name="c-2026-1.wav",
            data=wav(2.0),
            operator="Смирнова О.",
            appeal_number=appeal_number,
        ),
        source=telephony,
        idempotency_key="c-2026-1",
    )


def fits(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_parent_files_for_a_child_and_the_operator_plays_the_call(page, family_site):
    from clientcentric.appeals.models import Appeal

    site = family_site["url"]
    sign_in(page, site, "mother", PASSWORD)
    page.goto(site + "/me/acting/")
    page.get_by_label("Петрова Вера").check()
    page.get_by_role("button", name="Действовать за выбранного").click()

    page.goto(site + "/appeals/new/")
    expect(page.locator("#acting-notice")).to_contain_text("как представитель: Петрова Вера")
    page.get_by_label(re.compile("проблем", re.I)).fill(TEXT)
    page.get_by_label(re.compile("^Район")).fill("Невский")
    page.screenshot(path=str(SCREENSHOTS / "representative_appeal_form_desktop.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Отправить")).click()
    expect(page).to_have_url(re.compile(r"/appeals/\d{4}-\d{6}/sent/$"))
    appeal = Appeal.objects.get()
    assert appeal.author == family_site["daughter"] and appeal.representative.username == "mother"
    attach_call(appeal.number, family_site["roads"])

    page.context.clear_cookies()
    sign_in(page, site, "operator", PASSWORD)
    page.goto(f"{site}/operator/appeals/{appeal.number}/")
    expect(page.locator(".filed-by-representative")).to_contain_text(
        "Подано представителем Петрова Анна за Петрова Вера"
    )
    expect(page.locator("main")).to_contain_text("Подано представителем Петрова Анна за Петрова Вера.")
    call = page.locator(".attachment[data-origin=call_centre]")
    expect(call).to_contain_text("запись звонка колл-центра")
    expect(call).to_contain_text("0:02")
    expect(call.locator(".caller-number")).to_have_text("+7••••••••67")
    player = call.locator("audio")
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 1.5", arg=player.element_handle())
    assert player.evaluate("a => { a.muted = true; return a.play().then(() => !a.paused) }")
    page.screenshot(path=str(SCREENSHOTS / "representative_appeal_operator_desktop.png"), full_page=True)

    fits(page, 320)
    expect(page.locator(".filed-by-representative")).to_be_visible()
    page.locator(".attachment[data-origin=call_centre]").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "representative_appeal_operator_320.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, site, "mother", PASSWORD)
    page.goto(site + "/me/acting/")
    page.get_by_label("Петрова Вера").check()
    page.get_by_role("button", name="Действовать за выбранного").click()
    page.goto(site + "/appeals/new/")
    fits(page, 320)
    expect(page.locator("#acting-notice")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "representative_appeal_form_320.png"), full_page=True)


def test_a_parent_files_a_voice_message_for_a_child_and_the_operator_plays_it(page, family_site):
    """Segment 1.2: by voice, not text — on the portal's own form; the operator's player seeks by ranges."""
    from clientcentric.appeals.models import Appeal

    site = family_site["url"]
    sign_in(page, site, "mother", PASSWORD)
    page.goto(site + "/me/acting/")
    page.get_by_label("Петрова Вера").check()
    page.get_by_role("button", name="Действовать за выбранного").click()

    page.goto(site + "/appeals/new/")
    expect(page.locator("#recordings-hint")).to_contain_text("до 3 записей")
    page.get_by_label(re.compile("^Район")).fill("Невский")
    # A file that is not a recording, whatever its name says, is refused naming it.
    page.get_by_label("Голосовое или видеосообщение").set_input_files(
        [{"name": "голос.mp3", "mimeType": "audio/mpeg", "buffer": b"MZ\x90\x00 not a sound"}]
    )
    page.get_by_role("button", name=re.compile("Отправить")).click()
    expect(page.locator("main")).to_contain_text("«голос.mp3» — не голосовая и не видеозапись")
    page.screenshot(path=str(SCREENSHOTS / "voice_appeal_refused_desktop.png"), full_page=True)
    # No text: the voice message says it.
    page.get_by_label("Голосовое или видеосообщение").set_input_files(
        [{"name": "голос Веры.wav", "mimeType": "audio/wav", "buffer": wav(4.0)}]
    )
    page.get_by_label(re.compile("^Район")).fill("Невский")
    page.screenshot(path=str(SCREENSHOTS / "voice_appeal_form_desktop.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Отправить")).click()
    expect(page).to_have_url(re.compile(r"/appeals/\d{4}-\d{6}/sent/$"))
    appeal = Appeal.objects.get()
    assert appeal.author == family_site["daughter"] and appeal.representative.username == "mother"
    assert appeal.attachments.get().media == "audio"

    page.context.clear_cookies()
    sign_in(page, site, "operator", PASSWORD)
    statuses = []
    page.on("response", lambda r: statuses.append(r.status) if "/files/" in r.url else None)
    page.goto(f"{site}/operator/appeals/{appeal.number}/")
    expect(page.locator("main")).to_contain_text("прослушайте приложенную запись")
    voice = page.locator(".attachment[data-origin=author]")
    expect(voice).to_contain_text("от заявителя")
    expect(voice).to_contain_text("0:04")
    player = voice.locator("audio")
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 3.5", arg=player.element_handle())
    assert player.evaluate("a => { a.muted = true; return a.play().then(() => !a.paused) }")
    # The browser seeks: it asks for a range and gets 206 Partial Content.
    player.evaluate("a => { a.currentTime = 3; }")
    page.wait_for_function("a => a.currentTime >= 3", arg=player.element_handle())
    assert 206 in statuses, statuses
    page.screenshot(path=str(SCREENSHOTS / "voice_appeal_operator_desktop.png"), full_page=True)
    fits(page, 320)
    page.locator(".attachment[data-origin=author]").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "voice_appeal_operator_320.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, site, "mother", PASSWORD)
    page.goto(site + "/appeals/new/")
    fits(page, 320)
    page.locator("#recordings-hint").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "voice_appeal_form_320.png"), full_page=True)


def test_an_attorney_without_the_apply_power_is_refused_in_russian(page, family_site):
    """A son holds his father's power of attorney for appeals only: he files an appeal, not an application."""
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Power
    from clientcentric.accounts.roles import Role

    son = accounts_services.create_person(
        username="son", password=PASSWORD, role=Role.CLIENT, last_name="Орлов", first_name="Павел"
    )
    father = accounts_services.create_person(
        username="father", password=PASSWORD, role=Role.CLIENT, last_name="Орлов", first_name="Николай"
    )
    accounts_services.appoint_representative(
        person=son,
        client=father,
        basis="Доверенность 78 АБ 1234567",
        valid_from=timezone.localdate() - timedelta(days=1),
        valid_to=timezone.localdate() + timedelta(days=365),
        powers=[Power.APPEALS],
    )
    site = family_site["url"]
    sign_in(page, site, "son", PASSWORD)
    page.goto(site + "/me/acting/")
    powers = page.locator("#my-powers")
    expect(powers).to_contain_text("Доверенность 78 АБ 1234567")
    expect(powers).to_contain_text(re.compile(r"с \d{1,2} \S+ \d{4} по \d{1,2} \S+ \d{4}"))
    expect(powers).to_contain_text("подавать обращения и следить за ними")
    page.get_by_label("Орлов Николай").check()
    page.get_by_role("button", name="Действовать за выбранного").click()
    # Without the power to see his data the cabinet is closed: the powers page says what is allowed.
    expect(page).to_have_url(re.compile(r"/me/acting/$"))
    page.screenshot(path=str(SCREENSHOTS / "attorney_powers_desktop.png"), full_page=True)
    fits(page, 320)
    page.screenshot(path=str(SCREENSHOTS / "attorney_powers_320.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site + "/me/consents/")
    main = page.locator("main")
    expect(main).to_contain_text("Доступ закрыт")
    expect(main).to_contain_text("Вы действуете за: Орлов Николай")
    expect(main).to_contain_text("не включает полномочие «давать и отзывать согласия»")
    response = page.goto(site + "/me/offers/1/")
    assert response.status == 403
    expect(main).to_contain_text(
        "не включает полномочие «подавать заявления на услуги и принимать предложения»"
    )
    expect(page.get_by_role("link", name=re.compile("Мои полномочия"))).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "attorney_refused_apply_desktop.png"), full_page=True)
    fits(page, 320)
    page.screenshot(path=str(SCREENSHOTS / "attorney_refused_apply_320.png"), full_page=True)

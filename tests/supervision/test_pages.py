"""The pages: what the business sees (only its own), what the inspector does, the public registries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.supervision import selectors
from clientcentric.supervision.models import ControlEvent, FactCorrection, RiskProfile, SupervisionTask
from clientcentric.supervision.services import events, prevention


@pytest.fixture
def event_of(fire_type):
    def make(profile, **overrides):
        today = timezone.localdate()
        values = {
            "kind": "documentary",
            "starts_on": today + timedelta(days=10),
            "ends_on": today + timedelta(days=20),
            "basis": "Решение о проверке",
        } | overrides
        return events.create_event(fire_type, profile, **values)

    return make


@pytest.fixture
def business_client(client, people, bakery):
    client.force_login(people["business_representative"])
    return client


def test_the_business_sees_its_categories_and_events(business_client, bakery, event_of):
    event = event_of(bakery)
    page = business_client.get("/supervision/").content.decode()
    assert "Федеральный государственный пожарный надзор" in page
    assert event.number in page


def test_the_risk_profile_shows_criteria_needing_data_and_the_correction_form(business_client, bakery):
    page = business_client.get("/supervision/types/fire_safety/").content.decode()
    assert RiskProfile.objects.filter(profile=bakery).exists()  # first visit assesses
    assert "Класс функциональной пожарной опасности" in page  # a fact the criteria need
    assert 'name="explanation"' in page


def test_a_correction_is_sent_and_a_bad_value_is_shown_next_to_its_field(business_client, bakery):
    url = "/supervision/types/fire_safety/correct/"
    bad = business_client.post(url, {"fact": "people_capacity", "value": "много", "explanation": "паспорт"})
    assert bad.status_code == 422 and "Введите целое число" in bad.content.decode()
    assert not FactCorrection.objects.exists()
    good = business_client.post(url, {"fact": "people_capacity", "value": "120", "explanation": "паспорт"})
    assert good.status_code == 302 and FactCorrection.objects.get().value == "120"


def test_a_business_never_sees_another_business_s_event(business_client, other_business, event_of):
    theirs = event_of(other_business)
    assert business_client.get(f"/supervision/events/{theirs.pk}/").status_code == 404
    response = business_client.post(
        f"/supervision/events/{theirs.pk}/representative/", {"name": "Я", "basis": "никакой"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.representative_name == ""


def test_an_oversized_document_gets_a_clear_error_and_nothing_is_stored(business_client, bakery, event_of):
    event = event_of(bakery)
    big = SimpleUploadedFile(
        "отчёт.pdf", b"0" * (events.MAX_DOCUMENT_BYTES + 1), content_type="application/pdf"
    )
    response = business_client.post(f"/supervision/events/{event.pk}/document/", {"file": big})
    assert response.status_code == 422
    assert "отчёт.pdf" in response.content.decode() and "10 МБ" in response.content.decode()
    assert event.documents.count() == 0


def test_a_late_appeal_from_the_page_is_registered_as_a_restoration_request(
    business_client, bakery, event_of
):
    event = event_of(bakery)
    learned = (timezone.localdate() - timedelta(days=40)).isoformat()
    response = business_client.post(
        f"/supervision/events/{event.pk}/appeal/",
        {
            "subject": "decision",
            "learned_on": learned,
            "text": "Не согласны",
            "restoration_reason": "болезнь",
        },
        follow=True,
    )
    assert "ходатайство о его восстановлении" in response.content.decode()
    assert event.appeals.get().late


def test_the_inspector_accepts_a_correction_from_the_desk(client, people, bakery, fire_type):
    FactCorrection.objects.all().delete()
    from clientcentric.supervision.services import risk

    correction = risk.submit_correction(
        bakery, fire_type, fact="fires_3y", value="1", explanation="пожар в 2025", actor=None
    )
    client.force_login(people["inspector"])
    desk = client.get("/supervision/desk/").content.decode()
    assert "пожар в 2025" in desk
    client.post(
        f"/supervision/desk/correction/{correction.pk}/decide/", {"accept": "1", "note": "Подтверждено"}
    )
    assert RiskProfile.objects.get(profile=bakery).category == "significant"


def test_an_inspector_of_another_agency_does_not_see_the_event(client, bakery, event_of):
    other = accounts_services.save_agency(
        Agency(code="gzhi", name="ГЖИ", level="regional", kind="supervisory")
    )
    stranger = accounts_services.create_person(
        username="insp2", password="x-pass-2026", role="inspector", agency=other
    )
    event = event_of(bakery)
    client.force_login(stranger)
    assert client.get(f"/supervision/desk/events/{event.pk}/").status_code == 404
    assert event.number not in client.get("/supervision/desk/").content.decode()


def test_the_inspector_works_an_event_through_to_the_act(client, people, bakery, event_of):
    event = event_of(bakery)
    client.force_login(people["inspector"])
    url = f"/supervision/desk/events/{event.pk}/"
    client.post(url, {"step": "notify"})
    client.post(url, {"step": "start"})
    data = {"step": "checklist"} | {f"o{c.requirement_id}": "complies" for c in event.checks.all()}
    client.post(url, data)
    client.post(url, {"step": "act", "text": "Нарушений не выявлено."})
    event.refresh_from_db()
    assert event.status == "act_issued" and event.violations_found is False
    wrong = client.post(url, {"step": "notify"})
    assert wrong.status_code == 422


def test_public_registries_list_declarations_and_warnings(client, people, bakery, fire_type):
    answers = {r.pk: "yes" for r in selectors.my_requirements(bakery, fire_type)}
    _exam, declaration = prevention.self_examine(bakery, fire_type, answers)
    requirement = selectors.my_requirements(bakery, fire_type)[0]
    warning = prevention.issue_warning(
        bakery,
        fire_type,
        requirement,
        information="Жалоба",
        information_received_on=timezone.localdate(),
        risky_actions="Нет ответственного",
        proposal="Назначить ответственного",
        actor=people["inspector"],
    )
    assert declaration.number in client.get("/supervision/declarations/").content.decode()
    assert warning.number in client.get("/supervision/warnings/").content.decode()


def test_the_dashboard_counts_prevention_and_control(client, people, bakery, event_of):
    event_of(bakery)
    event_of(bakery, kind="preventive_visit")
    data = selectors.dashboard()
    assert data["control"] == 1 and data["preventive"] == 1 and data["preventive_share"] == 50
    client.force_login(people["analyst"])
    assert client.get("/supervision/dashboard/").status_code == 200


def test_the_plan_page_adds_the_year(client, people, bakery, fire_type):
    client.force_login(people["inspector"])
    response = client.post("/supervision/plan/", {"control_type": fire_type.pk, "year": 2027})
    assert response.status_code == 302
    assert (
        SupervisionTask.objects.count() == 0 and ControlEvent.objects.count() == 0
    )  # low risk: nothing planned


def test_pages_name_the_act_in_words_never_by_its_internal_code(client, people, bakery, fire_type, event_of):
    requirement = selectors.my_requirements(bakery, fire_type)[0]
    assert str(requirement) == f"Правила противопожарного режима, {requirement.label}"
    warning = prevention.issue_warning(
        bakery,
        fire_type,
        requirement,
        information="Жалоба",
        information_received_on=timezone.localdate(),
        risky_actions="Нет ответственного",
        proposal="Назначить ответственного",
        actor=people["inspector"],
    )
    registry = client.get("/supervision/warnings/").content.decode()
    assert warning.number in registry
    assert f"Правила противопожарного режима, {requirement.label}" in registry
    assert "ППР," not in registry
    event = event_of(bakery)
    client.force_login(people["inspector"])
    desk = client.get(f"/supervision/desk/events/{event.pk}/").content.decode()
    assert "Правила противопожарного режима, п." in desk and "ППР," not in desk


def test_an_appeal_sent_empty_comes_back_with_a_summary_that_names_each_field(
    business_client, bakery, event_of
):
    event = event_of(bakery)
    page = business_client.post(
        f"/supervision/events/{event.pk}/appeal/", {"subject": "decision"}
    ).content.decode()
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "data-error-summary" in page  # the focus moves to it, far down a long page at 320 px
    assert "Текст жалобы: Обязательное поле." in summary
    assert "Когда вы узнали о нарушении своих прав: Обязательное поле." in summary

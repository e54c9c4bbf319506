"""Good-faith incentives, the prevention programme, the practice summary, appeals about a business, the
dashboard's aggregate queries."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clientcentric.appeals import services as appeal_services
from clientcentric.supervision import selectors
from clientcentric.supervision.models import (
    AppealLink,
    ControlEvent,
    EventKind,
    Incentive,
    IncentiveKind,
    PublicationStatus,
    RiskProfile,
)
from clientcentric.supervision.services import complaints, events, incentives, prevention, programmes, risk

from .test_events import _event, _through_act


@pytest.fixture
def configured(fire_type):
    fire_type.incentives = [
        IncentiveKind.LOWER_FOR_DECLARATION,
        IncentiveKind.LOWER_FOR_CLEAN_RECORD,
        IncentiveKind.GOOD_FAITH_MARK,
    ]
    fire_type.full_clean()
    fire_type.save()
    return fire_type


def _raise_to_high(profile, control_type):
    c = risk.submit_correction(
        profile, control_type, fact="hazard_class", value="Ф1.1", explanation="детский сад", actor=None
    )
    risk.decide_correction(c, accept=True, note="", actor=None)
    return RiskProfile.objects.get(profile=profile, control_type=control_type)


# --- incentives -----------------------------------------------------------------------------------------


def test_the_configuration_names_known_incentives_only(fire_type):
    fire_type.incentives = ["lower_for_declaration", "free_lunch"]
    with pytest.raises(ValidationError) as error:
        fire_type.full_clean()
    assert "free_lunch" in str(error.value)


def test_an_incentive_the_type_does_not_provide_is_refused(bakery, fire_type):
    with pytest.raises(ValidationError) as error:
        incentives.grant(
            bakery, fire_type, IncentiveKind.GOOD_FAITH_MARK, reason="чисто", valid_to=date(2099, 1, 1)
        )
    assert "kind" in error.value.message_dict


def test_a_reason_and_an_end_are_required(bakery, configured):
    for reason, valid_to, field in (("", date(2099, 1, 1), "reason"), ("Без нарушений", None, "valid_to")):
        with pytest.raises(ValidationError) as error:
            incentives.grant(
                bakery, configured, IncentiveKind.GOOD_FAITH_MARK, reason=reason, valid_to=valid_to
            )
        assert field in error.value.message_dict


def test_a_lowering_incentive_puts_the_business_one_category_lower_and_withdrawing_restores_it(
    bakery, configured, people
):
    model = risk.risk_model(configured)
    before = _raise_to_high(bakery, configured)
    assert before.category == "high"
    item = incentives.grant(
        bakery,
        configured,
        IncentiveKind.LOWER_FOR_CLEAN_RECORD,
        reason="Три года без нарушений",
        valid_to=timezone.localdate() + timedelta(days=365),
        actor=people["inspector"],
    )
    after = RiskProfile.objects.get(pk=before.pk)
    assert after.category == model.categories[model.rank("high") + 1].code
    assert after.incentive["category_before"] == "high"
    assert after.incentive["kind"] == IncentiveKind.LOWER_FOR_CLEAN_RECORD
    # The population path gives the same answer: nothing to change.
    assert risk.assess_all(configured)["changed"] == 0
    with pytest.raises(ValidationError):
        incentives.withdraw(item, reason="", actor=people["inspector"])
    incentives.withdraw(item, reason="Выявлено нарушение", actor=people["inspector"])
    restored = RiskProfile.objects.get(pk=before.pk)
    assert restored.category == "high" and restored.incentive == {}


def test_a_clean_record_incentive_is_refused_after_violations(bakery, configured):
    event = _event(bakery, configured)
    _through_act(event, violated=True)
    with pytest.raises(ValidationError) as error:
        incentives.grant(
            bakery, configured, IncentiveKind.LOWER_FOR_CLEAN_RECORD, reason="x", valid_to=date(2099, 1, 1)
        )
    assert "kind" in error.value.message_dict


def test_a_declaration_grants_its_incentive_and_its_annulment_withdraws_it(bakery, configured):
    answers = {r.pk: "yes" for r in selectors.my_requirements(bakery, configured)}
    _exam, declaration = prevention.self_examine(bakery, configured, answers, actor=None)
    granted = Incentive.objects.get(profile=bakery, kind=IncentiveKind.LOWER_FOR_DECLARATION)
    assert granted.declaration == declaration and granted.valid_to == declaration.valid_to
    assert declaration.number in granted.reason
    assert list(selectors.of_business(bakery)) == [granted]
    prevention.annul_declarations(bakery, configured, reason="Акт КНМ-1: нарушения")
    granted.refresh_from_db()
    assert granted.withdrawn_at is not None and "КНМ-1" in granted.withdrawn_reason
    assert not selectors.of_business(bakery).exists()


def test_the_business_sees_its_incentives_why_and_until_when(client, people, bakery, configured):
    incentives.grant(
        bakery,
        configured,
        IncentiveKind.GOOD_FAITH_MARK,
        reason="Пять лет без нарушений",
        valid_to=date(2030, 6, 1),
    )
    client.force_login(people["business_representative"])
    page = client.get("/supervision/types/fire_safety/").content.decode()
    assert "Пять лет без нарушений" in page and "01.06.2030" in page
    assert "Пять лет без нарушений" in client.get("/supervision/").content.decode()
    api = client.get("/api/v1/supervision/me/incentives").json()
    assert api == [
        {
            "control_type": "fire_safety",
            "kind": "good_faith_mark",
            "title": api[0]["title"],
            "reason": "Пять лет без нарушений",
            "valid_from": timezone.localdate().isoformat(),
            "valid_to": "2030-06-01",
        }
    ]
    public = client.get("/supervision/good-faith/").content.decode()
    assert bakery.business.name in public


def test_the_inspector_grants_and_withdraws_on_the_desk(client, people, bakery, configured):
    client.force_login(people["inspector"])
    answer = client.post(
        "/supervision/desk/incentives/",
        {
            "control_type": configured.pk,
            "inn": bakery.business.inn,
            "kind": "good_faith_mark",
            "reason": "",
            "valid_to": "2030-01-01",
        },
    )
    assert answer.status_code == 422 and not Incentive.objects.exists()
    data = {"control_type": configured.pk, "inn": bakery.business.inn, "kind": "good_faith_mark"}
    data |= {"reason": "Без нарушений", "valid_to": "2030-01-01"}
    assert client.post("/supervision/desk/incentives/", data).status_code == 302
    item = Incentive.objects.get()
    refused = client.post(f"/supervision/desk/incentive/{item.pk}/decide/", {"note": ""})
    assert refused["Location"] == "/supervision/desk/incentives/"
    item.refresh_from_db()
    assert item.withdrawn_at is None
    client.post(f"/supervision/desk/incentive/{item.pk}/decide/", {"note": "Нарушение"})
    item.refresh_from_db()
    assert item.withdrawn_reason == "Нарушение"


# --- the prevention programme ---------------------------------------------------------------------------


def test_the_programme_is_drafted_from_the_plan_approved_with_the_deadline_and_published(
    client, bakery, other_business, fire_type, people
):
    _raise_to_high(other_business, fire_type)
    risk.assess_profile(bakery, fire_type)
    events.plan_year(fire_type, 2027)
    programme = programmes.draft_programme(fire_type, 2027, actor=people["inspector"])
    visits = ControlEvent.objects.filter(kind=EventKind.PREVENTIVE_VISIT, starts_on__year=2027).count()
    assert visits >= 1
    assert sum(m["preventive_visits"] for m in programme.measures) == visits
    by_category = {m["category"]: m for m in programme.measures}
    high = RiskProfile.objects.get(profile=other_business).category_title
    assert by_category[high]["businesses"] == 1
    assert programme.approval_deadline == date(2026, 12, 20)
    assert programme.target_list
    assert client.get(f"/supervision/programmes/{programme.pk}/").status_code == 404  # not published
    programmes.approve_programme(programme, on=date(2026, 12, 20))
    assert programme.status == PublicationStatus.APPROVED and not programme.approved_late
    with pytest.raises(ValidationError):
        programmes.draft_programme(fire_type, 2027)
    programmes.publish_programme(programme)
    page = client.get("/supervision/programmes/").content.decode()
    assert f"/supervision/programmes/{programme.pk}/" in page
    assert client.get(f"/supervision/programmes/{programme.pk}/").status_code == 200


def test_a_late_approval_is_allowed_and_flagged(fire_type):
    programme = programmes.draft_programme(fire_type, 2027)
    programmes.approve_programme(programme, on=date(2027, 1, 15))
    assert programme.approved_late
    fire_type.programme_deadline_month, fire_type.programme_deadline_day = 2, 31
    assert programmes.approval_deadline(fire_type, 2025) == date(2024, 2, 29)


def test_the_desk_drafts_edits_and_approves(client, people, fire_type):
    client.force_login(people["inspector"])
    answer = client.post(
        "/supervision/desk/programmes/", {"document": "programme", "control_type": fire_type.pk, "year": 2027}
    )
    programme = fire_type.programmes.get()
    assert answer["Location"] == f"/supervision/desk/programmes/{programme.pk}/"
    bad = client.post(answer["Location"], {"step": "edit", "text": "", "targets": ""})
    assert bad.status_code == 422
    client.post(answer["Location"], {"step": "edit", "text": "Анализ", "targets": "Визиты — 100 %"})
    client.post(answer["Location"], {"step": "approve"})
    programme.refresh_from_db()
    assert programme.targets == "Визиты — 100 %" and programme.status == "approved"


# --- the practice summary -------------------------------------------------------------------------------


def test_the_practice_summary_counts_events_violations_warnings_and_appeals(bakery, fire_type, client):
    year = timezone.localdate().year
    first = _event(bakery, fire_type, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    _through_act(first, violated=True)
    second = _event(bakery, fire_type, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    _through_act(second, violated=True)
    third = _event(bakery, fire_type, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    _through_act(third, violated=False)
    summary = programmes.generate_summary(fire_type, year)
    figures = summary.figures
    assert figures["events_total"] == 3
    row = next(r for r in figures["events_by_kind"] if r["kind"] == EventKind.DOCUMENTARY)
    assert (row["total"], row["violations"], row["no_violations"]) == (3, 2, 1)
    assert figures["top_violations"][0]["count"] == 2
    with pytest.raises(ValidationError):
        programmes.publish_summary(summary)  # no conclusions yet
    programmes.edit_summary(summary, text="Чаще всего не назначен ответственный.")
    programmes.publish_summary(summary)
    page = client.get(f"/supervision/practice/{summary.pk}/").content.decode()
    assert "Чаще всего не назначен ответственный." in page
    assert f"/supervision/practice/{summary.pk}/" in client.get("/supervision/programmes/").content.decode()


# --- appeals on the portal about a business: complaints_12m ---------------------------------------------


def _appeal(text, registered_at=None):
    return appeal_services.receive_appeal(
        appeal_services.AppealInput(channel="portal", text=text, contact_email="a@example.ru"),
        registered_at=registered_at,
    ).appeal


def test_complaints_come_from_linked_appeals_of_the_last_12_months(bakery, fire_type, people, client):
    recent = _appeal("Пекарня на Лесной загораживает эвакуационный выход ящиками, ИНН 7707083893")
    old = _appeal("Пекарня захламила двор", registered_at=timezone.now() - timedelta(days=400))
    assert [s["appeal"] for s in selectors.suggestions([fire_type])] == []  # no risk profile yet
    risk.assess_profile(bakery, fire_type)
    assert [s["appeal"].pk for s in selectors.suggestions([fire_type])] == [recent.pk]
    facts = risk.facts_for(bakery, fire_type, on=timezone.localdate())
    assert facts.values["complaints_12m"] == 0 and facts.sources["complaints_12m"] == risk.SOURCE_APPEALS
    complaints.link(
        recent.number, bakery.business.inn, note="Названа пекарня и ИНН", actor=people["inspector"]
    )
    complaints.link(old.number, bakery.business.inn, note="Адрес пекарни", actor=people["inspector"])
    assert RiskProfile.objects.get(profile=bakery).facts["complaints_12m"] == 1
    assert selectors.suggestions([fire_type]) == []
    with pytest.raises(ValidationError) as error:
        complaints.link("2020-999999", bakery.business.inn, note="x")
    assert "number" in error.value.message_dict
    with pytest.raises(ValidationError):
        complaints.link(recent.number, bakery.business.inn, note="ещё раз")
    client.force_login(people["business_representative"])
    page = client.get("/supervision/types/fire_safety/").content.decode()
    assert 'id="complaints"' in page and "<strong>1</strong>" in page
    complaints.unlink(AppealLink.objects.get(appeal=recent), actor=None)
    assert RiskProfile.objects.get(profile=bakery).facts["complaints_12m"] == 0


def test_two_complaints_fire_the_indicator(bakery, fire_type):
    risk.assess_profile(bakery, fire_type)
    for text in ("Загромождён выход", "Курят у склада"):
        complaints.link(_appeal(text).number, bakery.business.inn, note="о пекарне")
    fired = [i["code"] for i in RiskProfile.objects.get(profile=bakery).indicators_fired]
    assert "complaints_about_violations" in fired


def test_the_desk_links_an_appeal(client, people, bakery, fire_type):
    risk.assess_profile(bakery, fire_type)
    appeal = _appeal("Жалоба на пекарню")
    client.force_login(people["inspector"])
    bad = client.post("/supervision/desk/appeal-links/", {"number": appeal.number, "inn": "000", "note": "x"})
    assert bad.status_code == 422
    ok = client.post(
        "/supervision/desk/appeal-links/",
        {"number": appeal.number, "inn": bakery.business.inn, "note": "о ней"},
    )
    assert ok.status_code == 302 and AppealLink.objects.filter(appeal=appeal, profile=bakery).exists()
    # «Кто связал» names the inspector, not their sign-in name.
    inspector = people["inspector"]
    inspector.last_name, inspector.first_name = "Орлов", "Павел"
    inspector.save(update_fields=["last_name", "first_name"])
    page = client.get("/supervision/desk/appeal-links/").content.decode()
    assert "<td>Орлов Павел</td>" in page and f"<td>{inspector.username}</td>" not in page


# --- the dashboard: aggregate queries -------------------------------------------------------------------


def _bulk_events(profiles, control_type, n):
    today = timezone.localdate()
    kinds = [EventKind.ON_SITE, EventKind.DOCUMENTARY, EventKind.OBSERVATION, EventKind.PREVENTIVE_VISIT]
    ControlEvent.objects.bulk_create(
        ControlEvent(
            number=f"T-{control_type.pk}-{len(profiles)}-{i}",
            control_type=control_type,
            profile=profiles[i % len(profiles)],
            kind=kinds[i % len(kinds)],
            basis="тест",
            starts_on=today,
            ends_on=today,
        )
        for i in range(n)
    )


def test_the_dashboard_uses_the_same_number_of_queries_for_10_or_400_events(
    bakery, other_business, fire_type
):
    _bulk_events([bakery, other_business], fire_type, 10)
    with CaptureQueriesContext(connection) as few:
        small = selectors.dashboard()
    _bulk_events([bakery, other_business, bakery], fire_type, 390)
    with CaptureQueriesContext(connection) as many:
        large = selectors.dashboard()
    assert len(many.captured_queries) == len(few.captured_queries) <= 12
    assert (large["control"], large["preventive_parts"]["visits"]) == (301, 99)
    assert small["control"] + small["preventive_parts"]["visits"] == 10
    # The database's Standard Cost Model equals the per-event one.
    expected = sum(
        selectors.event_cost(e)["total"]
        for e in ControlEvent.objects.exclude(kind=EventKind.PREVENTIVE_VISIT).select_related(
            "control_type", "profile"
        )
    )
    hours = sum(
        selectors.event_cost(e)["hours"]
        for e in ControlEvent.objects.exclude(kind=EventKind.PREVENTIVE_VISIT).select_related(
            "control_type", "profile"
        )
    )
    assert large["cost"] == expected and large["hours"] == hours


def test_incentives_count_among_preventive_measures(bakery, other_business, configured):
    before = selectors.dashboard()
    incentives.grant(
        bakery, configured, IncentiveKind.GOOD_FAITH_MARK, reason="чисто", valid_to=date(2099, 1, 1)
    )
    after = selectors.dashboard()
    assert after["preventive"] == before["preventive"] + 1
    assert after["preventive_parts"]["incentives"] == 1
    assert [r["kind"] for r in after["incentives_by_kind"]] == ["good_faith_mark"]


def test_the_command_drafts_the_programme_and_the_summary(fire_type):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("supervision", "programme", "--year", "2027", "--control-type", "fire_safety", stdout=out)
    assert "fire_safety 2027: programme" in out.getvalue() and "2026-12-20" in out.getvalue()
    call_command("supervision", "practice", "--year", "2026", stdout=out)
    assert "fire_safety 2026: 0 events" in out.getvalue()
    programmes.approve_programme(fire_type.programmes.get(), on=date(2026, 12, 1))
    with pytest.raises(CommandError, match="fire_safety: "):
        call_command("supervision", "programme", "--year", "2027", stdout=out)
    with pytest.raises(ValidationError):
        programmes.approve_programme(programmes.draft_programme(fire_type, 2025), on=date(2026, 1, 10))


def test_suggestions_read_the_years_appeals_once_and_match_whole_numbers(
    bakery, fire_type, django_assert_max_num_queries
):
    risk.assess_profile(bakery, fire_type)
    inn = bakery.business.inn
    named = _appeal(f"Пекарня (ИНН {inn}) снова загородила выход")
    _appeal(f"Номер заявки 9{inn}1, вопрос о вывозе мусора")  # the INN's digits inside a longer number
    _appeal("Без номеров: шумят соседи")
    with django_assert_max_num_queries(3):  # the businesses, their links, the year's appeals
        found = selectors.suggestions([fire_type])
    assert [(s["appeal"].pk, s["profile"].pk) for s in found] == [(named.pk, bakery.pk)]

"""Prevention: consultations, self-examination → declaration, warnings and objections, deadlines."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.business.models import Requirement
from clientcentric.core.models import Notification
from clientcentric.supervision import deadlines, selectors
from clientcentric.supervision.models import ComplianceDeclaration, SupervisionTask
from clientcentric.supervision.selectors.consultations import free_slots
from clientcentric.supervision.services import prevention


def _my(bakery, fire_type):
    return selectors.my_requirements(bakery, fire_type)


def test_the_business_is_under_the_type_of_control_its_requirements_name(bakery, fire_type):
    rows = selectors.overview(bakery)
    assert [r.control_type for r in rows] == [fire_type]
    # Two of the three items apply: the warehouse item does not (a production hall only).
    assert rows[0].requirement_count == 2


def test_full_self_examination_gives_a_declaration_for_one_calendar_year(bakery, fire_type, people):
    answers = {r.pk: "yes" for r in _my(bakery, fire_type)}
    exam, declaration = prevention.self_examine(
        bakery, fire_type, answers, actor=people["business_representative"]
    )
    assert exam.score == 100
    today = timezone.localdate()
    assert declaration.valid_from == today
    assert declaration.valid_to == deadlines.one_calendar_year(today)
    assert declaration.valid_to.year == today.year + 1 and declaration.valid_to < today.replace(
        year=today.year + 1
    )
    assert declaration.number.startswith("ДС-")
    # The declaration is a fact of the risk model; the profile is re-assessed with it.
    assert bakery.risk_profiles.get().facts["declaration_in_force"] is True


def test_a_lower_score_gives_no_declaration(bakery, fire_type):
    mine = _my(bakery, fire_type)
    answers = {r.pk: "yes" for r in mine} | {mine[0].pk: "no"}
    exam, declaration = prevention.self_examine(bakery, fire_type, answers)
    assert exam.score == 50 and declaration is None


def test_an_incomplete_self_examination_is_refused(bakery, fire_type):
    mine = _my(bakery, fire_type)
    with pytest.raises(ValidationError, match="1"):
        prevention.self_examine(bakery, fire_type, {mine[0].pk: "yes"})


def test_one_calendar_year_handles_29_february():
    assert deadlines.one_calendar_year(date(2028, 2, 29)) == date(2029, 2, 28)
    assert deadlines.one_calendar_year(date(2026, 3, 1)) == date(2027, 2, 28)


def test_working_days_skip_holidays_and_a_year_the_calendar_does_not_know_is_refused():
    # 30 April 2026 (Thu) + 3 working days: 1 May is a holiday, 2–3 May a weekend, then 4, 5, 6 May.
    assert deadlines.add_working_days(date(2026, 4, 30), 3) == date(2026, 5, 6)
    with pytest.raises(ValidationError) as error:
        deadlines.add_working_days(date(2031, 12, 30), 3, field="information_received_on")
    assert "2031" in str(error.value.message_dict["information_received_on"])


def _warning(bakery, fire_type, people, **overrides):
    values = {
        "information": "Жалоба соседей: эвакуационный выход загромождён тарой.",
        "information_received_on": timezone.localdate() - timedelta(days=2),
        "risky_actions": "Хранение тары на путях эвакуации.",
        "proposal": "Освободить пути эвакуации и назначить ответственного за их содержание.",
    } | overrides
    requirement = Requirement.objects.get(text__startswith="Содержать")
    return prevention.issue_warning(bakery, fire_type, requirement, actor=people["inspector"], **values)


def test_a_warning_has_the_content_the_law_requires_and_an_objection_window(bakery, fire_type, people):
    warning = _warning(bakery, fire_type, people)
    assert warning.number.startswith("ПР-")
    expected = deadlines.add_working_days(timezone.localdate(warning.issued_at), 3)
    assert warning.objection_due == expected
    assert Notification.objects.filter(
        object_type="supervision.preventivewarning", object_id=str(warning.pk)
    ).exists()
    assert warning in selectors.warnings_registry()


def test_a_warning_that_demands_documents_is_refused(bakery, fire_type, people):
    with pytest.raises(ValidationError) as error:
        _warning(
            bakery,
            fire_type,
            people,
            proposal="Представить в орган копии документов о назначении ответственного.",
        )
    assert "proposal" in error.value.message_dict


def test_a_warning_without_the_risky_actions_is_refused(bakery, fire_type, people):
    with pytest.raises(ValidationError) as error:
        _warning(bakery, fire_type, people, risky_actions="  ")
    assert "risky_actions" in error.value.message_dict


def test_objection_within_the_window_opens_a_task_and_after_it_is_refused(bakery, fire_type, people):
    warning = _warning(bakery, fire_type, people)
    objection = prevention.file_objection(warning, text="Тара убрана в день жалобы.", actor=None)
    assert SupervisionTask.objects.filter(kind="objection", is_open=True).count() == 1
    prevention.answer_objection(
        objection, accept=True, answer="Принято, предостережение учтено.", actor=people["inspector"]
    )
    assert not SupervisionTask.objects.filter(kind="objection", is_open=True).exists()

    late = _warning(bakery, fire_type, people)
    late.objection_due = timezone.localdate() - timedelta(days=1)
    late.save()
    with pytest.raises(ValidationError, match="pre-trial appeal|досудеб"):
        prevention.file_objection(late, text="Поздно", actor=None)


def test_consultation_is_booked_by_requirement_and_answered_in_writing(bakery, fire_type, people):
    requirement = _my(bakery, fire_type)[0]
    slot = free_slots(fire_type)[0]
    consultation = prevention.book_consultation(
        bakery, fire_type, requirement, question="Кого назначить?", slot=slot
    )
    with pytest.raises(ValidationError) as error:
        prevention.book_consultation(bakery, fire_type, requirement, question="Ещё", slot=slot)
    assert "slot" in error.value.message_dict
    prevention.answer_consultation(
        consultation, answer="Приказом руководителя — любого обученного работника.", actor=people["inspector"]
    )
    consultation.refresh_from_db()
    assert consultation.answered_at is not None
    assert not SupervisionTask.objects.filter(kind="consultation", is_open=True).exists()


def test_consultation_in_the_past_is_refused(bakery, fire_type):
    requirement = _my(bakery, fire_type)[0]
    with pytest.raises(ValidationError) as error:
        prevention.book_consultation(
            bakery, fire_type, requirement, question="?", slot=timezone.make_aware(datetime(2020, 1, 1, 10))
        )
    assert "slot" in error.value.message_dict


def test_materials_follow_the_business_s_own_requirements(bakery, fire_type):
    from clientcentric.supervision.models import Material

    mine = _my(bakery, fire_type)[0]
    warehouse = Requirement.objects.get(text__startswith="На складах")
    Material.objects.create(
        control_type=fire_type, requirement=mine, title="Как назначить ответственного", body="…"
    )
    Material.objects.create(control_type=fire_type, requirement=warehouse, title="Склады", body="…")
    Material.objects.create(control_type=fire_type, title="Общие правила", body="…")
    assert {m.title for m in selectors.materials_for(bakery)} == {
        "Как назначить ответственного",
        "Общие правила",
    }


def test_declaration_is_annulled_by_a_later_finding(bakery, fire_type):
    answers = {r.pk: "yes" for r in _my(bakery, fire_type)}
    _exam, declaration = prevention.self_examine(bakery, fire_type, answers)
    assert prevention.annul_declarations(bakery, fire_type, reason="Нарушения по КНМ-1") == 1
    declaration.refresh_from_db()
    assert declaration.annulled_at is not None and not declaration.in_force(timezone.localdate())
    assert ComplianceDeclaration.objects.filter(annulled_at__isnull=True).count() == 0

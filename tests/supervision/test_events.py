"""Control events: the plan by risk category, the workflow and its history, the business's services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clientcentric.core.workflow import TransitionNotAllowed
from clientcentric.feedback.models import Invitation
from clientcentric.supervision import deadlines, selectors
from clientcentric.supervision.models import (
    ControlEvent,
    EventHistory,
    EventKind,
    PretrialAppeal,
    RiskProfile,
    SupervisionTask,
)
from clientcentric.supervision.services import events, pretrial_appeals, prevention, risk


def _event(profile, fire_type, **overrides):
    today = timezone.localdate()
    values = {
        "kind": EventKind.DOCUMENTARY,
        "starts_on": today + timedelta(days=10),
        "ends_on": today + timedelta(days=20),
        "basis": "Решение о проведении документарной проверки",
    } | overrides
    return events.create_event(fire_type, profile, **values)


def _through_act(event, violated: bool, actor=None):
    events.notify(event, actor=actor)
    events.start(event, actor=actor)
    event.refresh_from_db()
    outcomes = {c.requirement_id: ("complies", "") for c in event.checks.all()}
    if violated:
        first = next(iter(outcomes))
        outcomes[first] = ("violated", "Ответственный не назначен")
    events.record_checks(event, outcomes, actor=actor)
    return events.issue_act(event, text="Акт документарной проверки.", actor=actor)


def test_the_plan_follows_the_risk_category_and_its_frequency(bakery, other_business, fire_type):
    risk.assess_profile(bakery, fire_type)  # low: never planned
    c = risk.submit_correction(
        other_business, fire_type, fact="hazard_class", value="Ф1.1", explanation="детский сад", actor=None
    )
    risk.decide_correction(c, accept=True, note="", actor=None)
    assert RiskProfile.objects.get(profile=other_business).category == "high"  # (1, 2) and 1 visit a year
    planned = []
    for year in (2027, 2028):
        events.plan_year(fire_type, year)
        planned.append(
            set(
                ControlEvent.objects.filter(
                    profile=other_business, planned=True, starts_on__year=year
                ).values_list("kind", flat=True)
            )
        )
    # One inspection in one of the two years, a preventive visit in each.
    assert [EventKind.ON_SITE in kinds for kinds in planned].count(True) == 1
    assert all(EventKind.PREVENTIVE_VISIT in kinds for kinds in planned)
    assert not ControlEvent.objects.filter(profile=bakery).exists()
    before = ControlEvent.objects.count()
    events.plan_year(fire_type, 2027)
    assert ControlEvent.objects.count() == before  # running again adds nothing


def test_the_checklist_is_built_from_the_business_s_requirements_of_the_type(bakery, fire_type):
    event = _event(bakery, fire_type)
    assert {c.requirement_id for c in event.checks.all()} == {
        r.pk for r in selectors.my_requirements(bakery, fire_type)
    }


def test_workflow_moves_only_along_its_transitions_and_history_is_appended(bakery, fire_type, people):
    event = _event(bakery, fire_type)
    with pytest.raises(ValidationError):
        events.issue_act(event, text="рано", actor=people["inspector"])
    with pytest.raises(ValidationError):
        events.close(event, actor=people["inspector"])
    _through_act(event, violated=False, actor=people["inspector"])
    event.refresh_from_db()
    assert event.status == "act_issued" and event.violations_found is False
    with pytest.raises(ValidationError):
        events.issue_order(event, text="x", due_on=timezone.localdate() + timedelta(days=30), actor=None)
    moves = list(
        EventHistory.objects.filter(event=event)
        .exclude(from_status="")
        .values_list("from_status", "to_status")
    )
    assert moves == [("planned", "notified"), ("notified", "in_progress"), ("in_progress", "act_issued")]


def test_status_cannot_be_written_around_the_workflow(bakery, fire_type):
    event = _event(bakery, fire_type)
    event.status = "closed"
    with pytest.raises(TransitionNotAllowed):
        event.save()
    event.refresh_from_db()
    assert event.status == "planned"


def test_an_act_with_violations_annuls_the_declaration_and_an_order_follows(bakery, fire_type, people):
    answers = {r.pk: "yes" for r in selectors.my_requirements(bakery, fire_type)}
    _exam, declaration = prevention.self_examine(bakery, fire_type, answers)
    event = _event(bakery, fire_type)
    _through_act(event, violated=True)
    declaration.refresh_from_db()
    assert declaration.annulled_at is not None and event.number in declaration.annulled_reason
    order = events.issue_order(
        event, text="Назначить ответственного.", due_on=timezone.localdate() + timedelta(days=30)
    )
    event.refresh_from_db()
    assert event.status == "order_issued" and order.event == event
    # Violations found within 3 years are a fact of the risk model from the body's own records.
    assert risk.facts_for(bakery, fire_type, on=timezone.localdate()).values["violations_3y"] == 1


def test_closing_invites_the_business_to_rate_the_event(
    bakery, fire_type, people, django_capture_on_commit_callbacks
):
    event = _event(bakery, fire_type)
    _through_act(event, violated=False)
    with django_capture_on_commit_callbacks(execute=True):
        events.close(event, actor=people["inspector"])
    invitation = Invitation.objects.get(transaction_kind="control_event", transaction_ref=event.number)
    assert invitation.person == people["business_representative"]
    assert invitation.agency == fire_type.agency
    assert selectors.feedback_link(event)


def test_a_preventive_visit_closes_without_an_act(bakery, fire_type):
    visit = _event(
        bakery, fire_type, kind=EventKind.PREVENTIVE_VISIT, ends_on=timezone.localdate() + timedelta(days=10)
    )
    events.start(visit)
    with pytest.raises(ValidationError):
        events.issue_act(visit, text="акт")
    events.close(visit)
    visit.refresh_from_db()
    assert visit.status == "closed"


def test_appeal_within_30_calendar_days_is_reviewed_within_20_working_days(bakery, fire_type):
    event = _event(bakery, fire_type)
    _through_act(event, violated=False)
    today = timezone.localdate()
    appeal = pretrial_appeals.file_appeal(
        event, subject="act", text="Не согласны с актом.", learned_on=today - timedelta(days=5), actor=None
    )
    assert appeal.status == "registered" and not appeal.late
    assert appeal.filing_deadline == today - timedelta(days=5) + timedelta(days=30)
    assert appeal.review_due == deadlines.add_working_days(today, 20)
    assert SupervisionTask.objects.filter(kind="appeal", is_open=True).count() == 1
    pretrial_appeals.extend_review(appeal, actor=None)
    assert appeal.review_due == deadlines.add_working_days(deadlines.add_working_days(today, 20), 20)
    pretrial_appeals.decide_appeal(appeal, status="dismissed", decision="Акт составлен верно.", actor=None)
    assert not SupervisionTask.objects.filter(kind="appeal", is_open=True).exists()


def test_a_late_appeal_is_kept_as_a_request_to_restore_the_deadline(bakery, fire_type):
    event = _event(bakery, fire_type)
    appeal = pretrial_appeals.file_appeal(
        event,
        subject="decision",
        text="Не согласны с решением о проверке.",
        learned_on=timezone.localdate() - timedelta(days=45),
        restoration_reason="Болезнь руководителя",
        actor=None,
    )
    assert appeal.late and appeal.status == PretrialAppeal.Status.RESTORATION
    assert PretrialAppeal.objects.filter(pk=appeal.pk).exists()
    assert "пропуском срока" in SupervisionTask.objects.get(kind="appeal").title


def test_an_appeal_against_an_order_needs_an_order(bakery, fire_type):
    event = _event(bakery, fire_type)
    with pytest.raises(ValidationError) as error:
        pretrial_appeals.file_appeal(
            event, subject="order", text="x", learned_on=timezone.localdate(), actor=None
        )
    assert "subject" in error.value.message_dict


def test_documents_over_the_limit_or_of_a_forbidden_type_are_refused(bakery, fire_type):
    event = _event(bakery, fire_type)
    big = SimpleUploadedFile(
        "акт.pdf", b"0" * (events.MAX_DOCUMENT_BYTES + 1), content_type="application/pdf"
    )
    with pytest.raises(ValidationError, match="10 МБ"):
        events.add_document(event, big, direction="from_business", actor=None)
    exe = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/x-msdownload")
    with pytest.raises(ValidationError, match="virus.exe"):
        events.add_document(event, exe, direction="from_business", actor=None)
    ok = SimpleUploadedFile("устав.pdf", b"%PDF-1.4", content_type="application/pdf")
    document = events.add_document(event, ok, direction="from_business", actor=None)
    assert document.size == 8 and event.documents.count() == 1


def test_reschedule_needs_a_reason_and_moves_the_event_when_accepted(bakery, fire_type):
    event = _event(bakery, fire_type)
    with pytest.raises(ValidationError) as error:
        events.request_reschedule(
            event, reason=" ", proposed_on=event.starts_on + timedelta(days=7), actor=None
        )
    assert "reason" in error.value.message_dict
    request = events.request_reschedule(
        event,
        reason="Руководитель в командировке",
        proposed_on=event.starts_on + timedelta(days=7),
        actor=None,
    )
    events.decide_reschedule(request, accept=True, note="Перенесено", actor=None)
    event.refresh_from_db()
    assert event.starts_on == request.proposed_on and (event.ends_on - event.starts_on).days == 10


def test_representative_and_ombudsman_are_recorded_in_the_history(bakery, fire_type):
    event = _event(bakery, fire_type)
    events.appoint_representative(event, name="Иванов И. И.", basis="доверенность № 5", actor=None)
    appeal = pretrial_appeals.file_appeal(
        event, subject="decision", text="x", learned_on=timezone.localdate(), actor=None
    )
    events.involve_ombudsman(event, text="Прошу принять участие", actor=None)
    appeal.refresh_from_db()
    assert appeal.ombudsman_involved
    assert {"representative", "ombudsman"} <= set(event.history.values_list("action", flat=True))


def test_cost_of_the_event_follows_the_standard_cost_model(bakery, fire_type):
    on_site = _event(bakery, fire_type, kind=EventKind.ON_SITE)
    cost = selectors.event_cost(on_site)
    assert cost["total"] == fire_type.event_hours * bakery.hourly_rate + fire_type.event_out_of_pocket
    assert selectors.event_cost(_event(bakery, fire_type, kind=EventKind.OBSERVATION))["total"] == 0

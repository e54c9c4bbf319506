"""Supervision's statuses follow registered transitions tables: allowed moves, refused moves, the close guard."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.core.services import status as status_service
from clientcentric.core.workflow import REGISTRY
from clientcentric.supervision import workflow
from clientcentric.supervision.models import EventKind, EventStatus, PublicationStatus
from clientcentric.supervision.services import events, programmes


def _event(profile, fire_type, **overrides):
    today = timezone.localdate()
    values = {
        "kind": EventKind.DOCUMENTARY,
        "starts_on": today + timedelta(days=10),
        "ends_on": today + timedelta(days=20),
        "basis": "Решение о проведении документарной проверки",
    } | overrides
    return events.create_event(fire_type, profile, **values)


def test_every_supervision_workflow_is_registered():
    names = {name for name in REGISTRY if name.startswith("supervision.")}
    assert names == {
        "supervision.control_event",
        "supervision.pretrial_appeal",
        "supervision.ombudsman_request",
        "supervision.fact_correction",
        "supervision.objection",
        "supervision.reschedule_request",
        "supervision.prevention_programme",
        "supervision.practice_summary",
    }


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (EventStatus.PLANNED, EventStatus.NOTIFIED),
        (EventStatus.PLANNED, EventStatus.IN_PROGRESS),
        (EventStatus.NOTIFIED, EventStatus.CANCELLED),
        (EventStatus.IN_PROGRESS, EventStatus.ACT_ISSUED),
        (EventStatus.ACT_ISSUED, EventStatus.ORDER_ISSUED),
    ],
)
def test_the_control_event_table_allows_the_steps_of_the_law(current, target):
    assert workflow.CONTROL_EVENT.can(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (EventStatus.PLANNED, EventStatus.CLOSED),
        (EventStatus.PLANNED, EventStatus.ACT_ISSUED),
        (EventStatus.IN_PROGRESS, EventStatus.CANCELLED),
        (EventStatus.ORDER_ISSUED, EventStatus.ACT_ISSUED),
        (EventStatus.CLOSED, EventStatus.IN_PROGRESS),
        (EventStatus.CANCELLED, EventStatus.PLANNED),
    ],
)
def test_the_control_event_table_refuses_other_moves(current, target):
    assert not workflow.CONTROL_EVENT.can(current, target)


def test_closing_needs_an_act_unless_the_event_is_preventive():
    without_act = SimpleNamespace(is_preventive=False, act_issued_at=None)
    with_act = SimpleNamespace(is_preventive=False, act_issued_at=timezone.now())
    visit = SimpleNamespace(is_preventive=True, act_issued_at=None)
    close = (EventStatus.IN_PROGRESS, EventStatus.CLOSED)
    assert not workflow.CONTROL_EVENT.can(*close, without_act)
    assert workflow.CONTROL_EVENT.can(*close, with_act)
    assert workflow.CONTROL_EVENT.can(*close, visit)


def test_the_close_guard_refuses_an_inspection_in_progress_without_its_act(bakery, fire_type):
    event = _event(bakery, fire_type)
    events.start(event)
    with pytest.raises(ValidationError):
        events.close(event)
    event.refresh_from_db()
    assert event.status == EventStatus.IN_PROGRESS and event.closed_at is None


def test_every_move_of_an_event_appends_the_common_status_history(bakery, fire_type):
    event = _event(
        bakery, fire_type, kind=EventKind.PREVENTIVE_VISIT, ends_on=timezone.localdate() + timedelta(days=10)
    )
    events.notify(event)
    events.start(event)
    events.close(event)
    moves = list(
        status_service.history(event).order_by("pk").values_list("workflow", "from_status", "to_status")
    )
    assert moves == [
        ("supervision.control_event", "", "planned"),
        ("supervision.control_event", "planned", "notified"),
        ("supervision.control_event", "notified", "in_progress"),
        ("supervision.control_event", "in_progress", "closed"),
    ]


def test_a_decided_appeal_is_terminal_and_extended_once():
    appeal = workflow.PRETRIAL_APPEAL
    assert appeal.can("registered", "extended") and not appeal.can("restoration", "extended")
    assert not appeal.can("extended", "extended")
    assert appeal.terminal == {"upheld", "partly", "dismissed", "refused"}


def test_a_late_appeal_is_reviewed_only_after_the_deadline_is_restored():
    appeal = workflow.PRETRIAL_APPEAL
    assert appeal.can("restoration", "registered") and appeal.can("restoration", "refused")
    assert not any(appeal.can("restoration", status) for status in ("upheld", "partly", "dismissed"))


def test_an_ombudsman_request_is_received_taken_and_answered():
    table = workflow.OMBUDSMAN_REQUEST
    assert table.can("received", "in_work") and table.can("in_work", "answered")
    assert table.can("received", "answered") and table.terminal == {"answered"}
    assert not table.can("answered", "in_work")


def test_a_practice_summary_is_published_without_an_approval_step(fire_type):
    assert not workflow.PRACTICE_SUMMARY.can(PublicationStatus.DRAFT, PublicationStatus.APPROVED)
    summary = programmes.generate_summary(fire_type, 2026)
    programmes.edit_summary(summary, text="Выводы органа.")
    programmes.publish_summary(summary)
    with pytest.raises(ValidationError):
        programmes.publish_summary(summary)
    moves = list(status_service.history(summary).order_by("pk").values_list("from_status", "to_status"))
    assert moves == [("", "draft"), ("draft", "published")]


@pytest.mark.parametrize(
    "name", ["supervision.fact_correction", "supervision.objection", "supervision.reschedule_request"]
)
def test_a_decision_is_taken_once(name):
    table = REGISTRY[name]
    assert table.can("pending", "accepted") and table.can("pending", "rejected")
    assert not table.can("accepted", "rejected") and not table.can("rejected", "accepted")

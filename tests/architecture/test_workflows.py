"""Every status that changes is on one registered transitions table (``core.workflow``); this walks every table.

For each registered workflow the test knows the model field it governs: the field's choices are exactly the table's
statuses, every status is reachable from a status an object is created in, terminal statuses have no way out, and
every move the table does not list raises ``TransitionNotAllowed``.
"""

from collections import deque
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db.models.fields import NOT_PROVIDED

from clientcentric.core.workflow import REGISTRY, TransitionNotAllowed


@dataclass(frozen=True)
class Subject:
    model: str  # app_label.ModelName
    field: str
    # Statuses an object may be created in besides the field's default.
    also_created_in: frozenset[str] = frozenset()
    terminal: frozenset[str] = frozenset()
    # Choices the field shares with other workflows (one TextChoices) that this workflow never uses.
    unused: frozenset[str] = frozenset()


SUBJECTS = {
    "appeals.appeal": Subject(
        "appeals.Appeal", "status", frozenset({"needs_routing"}), terminal=frozenset({"closed"})
    ),
    "design.project": Subject("design.DesignProject", "stage", terminal=frozenset({"monitoring"})),
    # An article is written as a draft or published straight away; either may follow the other.
    "knowledge.article": Subject("knowledge.Article", "status", frozenset({"published"})),
    "feedback.follow_up": Subject("feedback.FollowUp", "state", terminal=frozenset({"closed"})),
    "feedback.quarter_report": Subject("feedback.QuarterReport", "state", terminal=frozenset({"published"})),
    "research.need_status_proposal": Subject(
        "research.NeedStatusProposal", "state", terminal=frozenset({"accepted", "rejected", "withdrawn"})
    ),
    "registry.need": Subject("registry.Need", "status", frozenset({"met", "cannot_meet"})),
    # A copy further down a client's channel order waits as a fallback (standby) and is skipped once an earlier
    # channel delivered.
    "core.notification": Subject(
        "core.Notification",
        "state",
        frozenset({"held", "standby"}),
        terminal=frozenset({"sent", "digested", "skipped"}),
    ),
    "appeals.social_message": Subject(
        "appeals.SocialMessage",
        "status",
        frozenset({"pending", "received"}),
        terminal=frozenset({"sent", "received"}),
    ),
    "business.expert": Subject("business.Expert", "status"),
    # An act imported as in force is created adopted; one the developer writes starts as a draft.
    "business.act": Subject("business.Act", "stage", frozenset({"draft"}), terminal=frozenset({"adopted"})),
    "conformance.deviation": Subject(
        "conformance.DeviationRequest", "status", terminal=frozenset({"refused", "completed"})
    ),
    "delivery.offer": Subject("delivery.Offer", "status", terminal=frozenset({"accepted", "withdrawn"})),
    "delivery.business_offer": Subject(
        "delivery.BusinessOffer", "status", terminal=frozenset({"accepted", "declined", "withdrawn"})
    ),
    "delivery.service_request": Subject(
        "delivery.ServiceRequest", "status", terminal=frozenset({"approved", "refused"})
    ),
    "delivery.appointment": Subject("delivery.Appointment", "status", terminal=frozenset({"cancelled"})),
    "delivery.life_event": Subject(
        "delivery.LifeEvent", "state", terminal=frozenset({"applied", "no_client"})
    ),
    "delivery.eligibility_rule": Subject(
        "delivery.EligibilityRule", "status", frozenset({"published"}), terminal=frozenset({"retired"})
    ),
    "supervision.control_event": Subject(
        "supervision.ControlEvent", "status", terminal=frozenset({"closed", "cancelled"})
    ),
    # A late appeal is registered as a request to restore the deadline; the field has no default.
    "supervision.pretrial_appeal": Subject(
        "supervision.PretrialAppeal",
        "status",
        frozenset({"registered", "restoration"}),
        terminal=frozenset({"upheld", "partly", "dismissed", "refused"}),
    ),
    "supervision.ombudsman_request": Subject(
        "supervision.OmbudsmanRequest", "status", frozenset({"received"}), terminal=frozenset({"answered"})
    ),
    "supervision.fact_correction": Subject(
        "supervision.FactCorrection", "status", terminal=frozenset({"accepted", "rejected"})
    ),
    "supervision.objection": Subject(
        "supervision.Objection", "status", terminal=frozenset({"accepted", "rejected"})
    ),
    "supervision.reschedule_request": Subject(
        "supervision.RescheduleRequest", "status", terminal=frozenset({"accepted", "rejected"})
    ),
    "supervision.prevention_programme": Subject(
        "supervision.PreventionProgramme", "status", terminal=frozenset({"published"})
    ),
    # The practice summary has no approval step of its own (PublicationStatus is shared with the programme).
    "supervision.practice_summary": Subject(
        "supervision.PracticeSummary",
        "status",
        terminal=frozenset({"published"}),
        unused=frozenset({"approved"}),
    ),
}

# Fields with status choices that are not a status of their own object: histories and filters.
NOT_A_WORKFLOW = {
    ("appeals.AppealEvent", "from_status"),
    ("appeals.AppealEvent", "to_status"),
    ("design.StageChange", "from_stage"),
    ("design.StageChange", "to_stage"),
    ("knowledge.ArticleVersion", "status"),
    ("knowledge.AnswerTemplate", "appeal_status"),  # which appeals a template suits
    ("registry.HistoricalNeed", "status"),
    # A client's place in a segment: any state may follow any other (a rule run or the client's correction);
    # every correction is in the audit log (delivery.segment_corrected) with who made it.
    ("delivery.ClientSegment", "state"),
}

STATUS_WORDS = ("status", "state", "stage")


def _field(subject: Subject):
    return apps.get_model(subject.model)._meta.get_field(subject.field)


def _reachable(workflow, starts) -> set[str]:
    seen, queue = set(starts), deque(starts)
    while queue:
        for target in workflow.transitions[queue.popleft()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


WORKFLOWS = sorted(REGISTRY)


def test_every_registered_workflow_names_the_field_it_governs():
    assert set(REGISTRY) - set(SUBJECTS) == set(), "add the workflow's model and field to SUBJECTS"
    assert set(SUBJECTS) - set(REGISTRY) == set(), "a workflow in SUBJECTS is no longer registered"


def test_every_status_field_is_on_a_registered_table():
    governed = {(s.model, s.field) for s in SUBJECTS.values()}
    loose = []
    for model in apps.get_models():
        meta = model._meta
        if not model.__module__.startswith("clientcentric.") or meta.proxy:
            continue
        for field in meta.concrete_fields:
            key = (meta.label, field.name)
            if field.choices and any(word in field.name for word in STATUS_WORDS):
                if key not in governed and key not in NOT_A_WORKFLOW:
                    loose.append(key)
    assert loose == []


@pytest.mark.parametrize("name", WORKFLOWS)
def test_the_table_has_exactly_the_fields_choices(name):
    choices = {value for value, _label in _field(SUBJECTS[name]).choices}
    assert set(REGISTRY[name].statuses) == choices - SUBJECTS[name].unused


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_status_is_reachable_from_creation(name):
    subject, workflow = SUBJECTS[name], REGISTRY[name]
    default = _field(subject).default
    starts = {*([default] if default is not NOT_PROVIDED else []), *subject.also_created_in}
    assert starts <= workflow.statuses
    assert _reachable(workflow, starts) == set(workflow.statuses)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_terminal_statuses_have_no_way_out(name):
    workflow = REGISTRY[name]
    assert workflow.terminal == SUBJECTS[name].terminal
    for status in workflow.terminal:
        for target in workflow.statuses:
            with pytest.raises(TransitionNotAllowed):
                workflow.check(status, target)


@pytest.mark.parametrize("name", WORKFLOWS)
def test_a_move_the_table_does_not_list_is_refused(name):
    workflow = REGISTRY[name]
    refused = 0
    for current in workflow.statuses:
        for target in workflow.statuses:
            if target in workflow.transitions[current]:
                workflow.check(current, target)  # guards need an object; without one the table decides
            else:
                with pytest.raises(TransitionNotAllowed):
                    workflow.check(current, target)
                refused += 1
    assert refused > 0
    with pytest.raises(TransitionNotAllowed):
        workflow.check(next(iter(workflow.statuses)), "no-such-status")


@pytest.mark.parametrize("name", WORKFLOWS)
def test_system_only_statuses_are_on_the_table(name):
    workflow = REGISTRY[name]
    assert workflow.system_only <= workflow.statuses

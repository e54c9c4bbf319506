"""The status workflows of supervision as transitions tables; the services check them before every change.

Statuses that follow a decision of the body (a correction, an objection, a request to reschedule) share one table
shape but keep their own names, so an object's history names the workflow it belongs to.
"""

from __future__ import annotations

from clientcentric.core.workflow import Workflow, register, table

from .models import Decision, EventStatus, OmbudsmanRequest, PretrialAppeal, PublicationStatus


def _act_issued_unless_preventive(event) -> bool:
    # A preventive visit ends without an act (art. 52); every other event closes only on its act.
    return event.is_preventive or event.act_issued_at is not None


CONTROL_EVENT = register(
    Workflow(
        name="supervision.control_event",
        transitions=table(
            {
                EventStatus.PLANNED: [EventStatus.NOTIFIED, EventStatus.IN_PROGRESS, EventStatus.CANCELLED],
                EventStatus.NOTIFIED: [EventStatus.IN_PROGRESS, EventStatus.CANCELLED],
                EventStatus.IN_PROGRESS: [EventStatus.ACT_ISSUED, EventStatus.CLOSED],
                EventStatus.ACT_ISSUED: [EventStatus.ORDER_ISSUED, EventStatus.CLOSED],
                EventStatus.ORDER_ISSUED: [EventStatus.CLOSED],
                EventStatus.CLOSED: [],
                EventStatus.CANCELLED: [],
            }
        ),
        guards={
            (str(source), str(EventStatus.CLOSED)): _act_issued_unless_preventive
            for source in (EventStatus.IN_PROGRESS, EventStatus.ACT_ISSUED, EventStatus.ORDER_ISSUED)
        },
    )
)

# The step that moves a control event to a status, as its own history (HISTORY_ACTIONS) and the audit name it.
EVENT_STEPS = {
    EventStatus.NOTIFIED: "notify",
    EventStatus.IN_PROGRESS: "start",
    EventStatus.ACT_ISSUED: "issue_act",
    EventStatus.ORDER_ISSUED: "issue_order",
    EventStatus.CLOSED: "close",
    EventStatus.CANCELLED: "cancel",
}

_APPEAL = PretrialAppeal.Status
_APPEAL_DECISIONS = [_APPEAL.UPHELD, _APPEAL.PARTLY, _APPEAL.DISMISSED]
PRETRIAL_APPEAL = register(
    Workflow(
        name="supervision.pretrial_appeal",
        transitions=table(
            {
                _APPEAL.REGISTERED: [_APPEAL.EXTENDED, *_APPEAL_DECISIONS],
                # A late appeal is first a request to restore the deadline, decided explicitly: granted, it is
                # registered and reviewed like any other; refused, it ends there. No review before the grant.
                _APPEAL.RESTORATION: [_APPEAL.REGISTERED, _APPEAL.REFUSED],
                _APPEAL.REFUSED: [],
                # The review is extended once.
                _APPEAL.EXTENDED: _APPEAL_DECISIONS,
                _APPEAL.UPHELD: [],
                _APPEAL.PARTLY: [],
                _APPEAL.DISMISSED: [],
            }
        ),
    )
)
APPEAL_DECISIONS = frozenset(str(status) for status in _APPEAL_DECISIONS)

_OMBUDSMAN = OmbudsmanRequest.Status
OMBUDSMAN_REQUEST = register(
    Workflow(
        name="supervision.ombudsman_request",
        transitions=table(
            {
                _OMBUDSMAN.RECEIVED: [_OMBUDSMAN.IN_WORK, _OMBUDSMAN.ANSWERED],
                _OMBUDSMAN.IN_WORK: [_OMBUDSMAN.ANSWERED],
                _OMBUDSMAN.ANSWERED: [],
            }
        ),
    )
)


def _decision(name: str) -> Workflow:
    return register(
        Workflow(
            name=name,
            transitions=table(
                {
                    Decision.PENDING: [Decision.ACCEPTED, Decision.REJECTED],
                    Decision.ACCEPTED: [],
                    Decision.REJECTED: [],
                }
            ),
        )
    )


FACT_CORRECTION = _decision("supervision.fact_correction")
OBJECTION = _decision("supervision.objection")
RESCHEDULE_REQUEST = _decision("supervision.reschedule_request")

PREVENTION_PROGRAMME = register(
    Workflow(
        name="supervision.prevention_programme",
        transitions=table(
            {
                PublicationStatus.DRAFT: [PublicationStatus.APPROVED],
                PublicationStatus.APPROVED: [PublicationStatus.PUBLISHED],
                PublicationStatus.PUBLISHED: [],
            }
        ),
    )
)
# The practice summary has no approval of its own: the body publishes its conclusions.
PRACTICE_SUMMARY = register(
    Workflow(
        name="supervision.practice_summary",
        transitions=table(
            {
                PublicationStatus.DRAFT: [PublicationStatus.PUBLISHED],
                PublicationStatus.PUBLISHED: [],
            }
        ),
    )
)

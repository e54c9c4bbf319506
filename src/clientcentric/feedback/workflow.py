"""The workflows of feedback: a follow-up is closed once; a quarter report is published once and then frozen.

Neither model has a history table of its own: both append ``core.StatusChange`` rows through
``core.services.status``.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import FollowUp, QuarterReport

FOLLOW_UP = register(
    Workflow(
        "feedback.follow_up",
        table({FollowUp.State.OPEN: [FollowUp.State.CLOSED], FollowUp.State.CLOSED: []}),
    )
)

QUARTER_REPORT = register(
    Workflow(
        "feedback.quarter_report",
        table(
            {QuarterReport.State.DRAFT: [QuarterReport.State.PUBLISHED], QuarterReport.State.PUBLISHED: []}
        ),
    )
)

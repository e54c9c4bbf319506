"""The deviation request's workflow (weak spot 4): every allowed status change, in one place.

A proposal is approved or refused by a named role (the agency's methodologist or administrator, never the proposer:
checked in services); an approved one is completed with its outcome. History rows go to core's ``StatusChange``.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import DeviationStatus

DEVIATION = register(
    Workflow(
        "conformance.deviation",
        table(
            {
                DeviationStatus.PROPOSED: [DeviationStatus.APPROVED, DeviationStatus.REFUSED],
                DeviationStatus.APPROVED: [DeviationStatus.COMPLETED],
                DeviationStatus.REFUSED: [],
                DeviationStatus.COMPLETED: [],
            }
        ),
    )
)

"""The workflow of a need-status proposal: the evidence proposes, a methodologist decides, the evidence withdraws.

A proposal has no history table of its own: its decisions append ``core.StatusChange`` rows.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import NeedStatusProposal

State = NeedStatusProposal.State

NEED_STATUS_PROPOSAL = register(
    Workflow(
        "research.need_status_proposal",
        table(
            {
                State.PENDING: [State.ACCEPTED, State.REJECTED, State.WITHDRAWN],
                State.ACCEPTED: [],
                State.REJECTED: [],
                State.WITHDRAWN: [],
            }
        ),
        # Only the nightly recomputation withdraws a proposal the evidence no longer supports.
        system_only=frozenset({State.WITHDRAWN}),
    )
)

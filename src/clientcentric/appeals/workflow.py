"""The one workflow of an appeal: every allowed status change, in one place.

Its append-only history is ``AppealEvent`` (it also carries the public notes), so services check this table and
write that row rather than ``core.StatusChange``.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import SocialMessage, Status

APPEAL = register(
    Workflow(
        "appeals.appeal",
        table(
            {
                Status.NEEDS_ROUTING: [Status.REGISTERED],
                Status.REGISTERED: [Status.IN_PROGRESS, Status.NEEDS_ROUTING],
                Status.IN_PROGRESS: [Status.AWAITING_DETAILS, Status.ANSWERED, Status.REGISTERED],
                Status.AWAITING_DETAILS: [Status.IN_PROGRESS],
                Status.ANSWERED: [Status.REOPENED, Status.CLOSED],
                # A reopened appeal may be handed over to another executor (services.reassign).
                Status.REOPENED: [Status.IN_PROGRESS, Status.REGISTERED],
                Status.CLOSED: [],
            }
        ),
    )
)

OPEN_STATUSES = frozenset(
    {Status.NEEDS_ROUTING, Status.REGISTERED, Status.IN_PROGRESS, Status.AWAITING_DETAILS, Status.REOPENED}
)

# An outgoing message on a social network: sent or failed by the network's answer; the operator sends a failed one
# again. A message received from the network is created received and stays so.
_M = SocialMessage.Status
SOCIAL_MESSAGE = register(
    Workflow(
        "appeals.social_message",
        table({_M.PENDING: [_M.SENT, _M.FAILED], _M.FAILED: [_M.PENDING], _M.SENT: [], _M.RECEIVED: []}),
    )
)

"""The workflow of an outbox notification: held for a digest or pending, claimed, sent, retried or failed.

The outbox moves a row with conditional UPDATEs (``state=… → state=…``) so that two workers never send one message
twice; each of those moves is checked against this table. No ``StatusChange`` row is written per move: the
append-only ``DeliveryAttempt`` already records every try with its outcome, and a second row per send would add a
write to the hot path that bench/notify.py measures.
"""

from .models import Notification
from .workflow import Workflow, register, table

State = Notification.State

NOTIFICATION = register(
    Workflow(
        "core.notification",
        table(
            {
                State.HELD: [State.DIGESTED],
                # A revoked consent fails what was still waiting (delivery.services.revoke_consent).
                State.PENDING: [State.SENDING, State.FAILED],
                State.SENDING: [State.SENT, State.PENDING, State.FAILED],
                # The back office gives a failed message a fresh set of attempts.
                State.FAILED: [State.PENDING],
                State.SENT: [],
                State.DIGESTED: [],
                # A fallback row: due once every earlier channel of its chain failed, not needed once one delivered;
                # a revoked consent fails it like a pending one.
                State.STANDBY: [State.PENDING, State.SKIPPED, State.FAILED],
                State.SKIPPED: [],
            }
        ),
        system_only=frozenset(
            {State.SENDING, State.SENT, State.FAILED, State.DIGESTED, State.STANDBY, State.SKIPPED}
        ),
    )
)

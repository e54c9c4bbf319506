"""The one workflow of an appeal: every allowed status change, in one place."""

from .models import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEEDS_ROUTING: frozenset({Status.REGISTERED}),
    Status.REGISTERED: frozenset({Status.IN_PROGRESS, Status.NEEDS_ROUTING}),
    Status.IN_PROGRESS: frozenset({Status.AWAITING_DETAILS, Status.ANSWERED, Status.REGISTERED}),
    Status.AWAITING_DETAILS: frozenset({Status.IN_PROGRESS}),
    Status.ANSWERED: frozenset({Status.REOPENED, Status.CLOSED}),
    Status.REOPENED: frozenset({Status.IN_PROGRESS}),
    Status.CLOSED: frozenset(),
}

OPEN_STATUSES = frozenset(
    {Status.NEEDS_ROUTING, Status.REGISTERED, Status.IN_PROGRESS, Status.AWAITING_DETAILS, Status.REOPENED}
)


class TransitionNotAllowed(ValueError):
    def __init__(self, current: str, target: str):
        super().__init__(f"an appeal cannot go from {current} to {target}")
        self.current, self.target = current, target


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        raise TransitionNotAllowed(current, target)

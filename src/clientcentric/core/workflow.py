"""The one idiom for a status that changes: a table of allowed transitions per workflow, checked in one place.

Every domain declares its workflow here-style (a ``Workflow`` with its transitions table) next to its models and
registers it, so one test can walk every table. Services call ``workflow.check(current, target, obj)`` before they
change a status and append a row to the object's history in the same transaction.

Guards are conditions on the object itself ("an act must be issued before the event closes"); checks that need
other data stay in the service that performs the transition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

Guard = Callable[[object], bool]

REGISTRY: dict[str, Workflow] = {}


class TransitionNotAllowed(ValueError):
    """A status change the workflow's table does not allow (or whose guard does not hold)."""

    def __init__(self, workflow: str, current: str, target: str):
        super().__init__(f"{workflow}: cannot go from {current} to {target}")
        self.workflow, self.current, self.target = workflow, current, target


@dataclass(frozen=True)
class Workflow:
    """Allowed transitions of one status field: ``{current: {target, …}}``; terminal statuses map to nothing."""

    name: str
    transitions: Mapping[str, frozenset[str]]
    # (current, target) → a condition on the object that must also hold.
    guards: Mapping[tuple[str, str], Guard] = field(default_factory=dict)
    # Targets only the system sets (an API or a person may not ask for them).
    system_only: frozenset[str] = frozenset()

    def __post_init__(self):
        statuses = set(self.transitions)
        for current, targets in self.transitions.items():
            unknown = set(targets) - statuses
            if unknown:
                raise ValueError(f"{self.name}: {current} leads to undeclared statuses {sorted(unknown)}")
        for pair in self.guards:
            if pair[1] not in self.transitions.get(pair[0], ()):
                raise ValueError(f"{self.name}: a guard on {pair} which is not a transition")

    @property
    def statuses(self) -> frozenset[str]:
        return frozenset(self.transitions)

    @property
    def terminal(self) -> frozenset[str]:
        return frozenset(status for status, targets in self.transitions.items() if not targets)

    def can(self, current: str, target: str, obj: object | None = None) -> bool:
        if target not in self.transitions.get(current, ()):
            return False
        guard = self.guards.get((current, target))
        return guard is None or obj is None or bool(guard(obj))

    def check(self, current: str, target: str, obj: object | None = None) -> None:
        if not self.can(current, target, obj):
            raise TransitionNotAllowed(self.name, current, target)

    def allowed(
        self, current: str, obj: object | None = None, order: Iterable[str] | None = None
    ) -> list[str]:
        """The targets reachable from ``current`` (in ``order`` when given, e.g. the choices' order)."""
        targets = [t for t in self.transitions.get(current, ()) if self.can(current, t, obj)]
        ordering = list(order) if order is not None else list(self.transitions)
        return sorted(targets, key=lambda t: ordering.index(t) if t in ordering else len(ordering))


def register(workflow: Workflow) -> Workflow:
    """Keep the workflow where the parametrised test (and the docs) find every table."""
    existing = REGISTRY.get(workflow.name)
    if existing is not None and existing is not workflow:
        raise ValueError(f"a workflow named {workflow.name} is already registered")
    REGISTRY[workflow.name] = workflow
    return workflow


def table(transitions: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """``{"a": ["b"]}`` → ``{"a": frozenset({"b"})}``, so a workflow's table reads as a plain mapping."""
    return {str(current): frozenset(str(t) for t in targets) for current, targets in transitions.items()}

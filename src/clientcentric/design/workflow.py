"""The one workflow of a design project (§4.4): every allowed stage change, in one place.

Which way a project may go also depends on its kind: only a new service builds an alpha prototype; an existing
service goes from preparation straight to a beta prototype (DES-2). The gates that need data (a test that met its
criteria) are checked in services.advance, not here.
"""

from .models import ProjectKind, Stage

TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.PREPARATION: frozenset({Stage.ALPHA, Stage.BETA}),
    Stage.ALPHA: frozenset({Stage.ALPHA_TEST}),
    Stage.ALPHA_TEST: frozenset({Stage.BETA, Stage.ALPHA}),
    Stage.BETA: frozenset({Stage.BETA_TEST}),
    Stage.BETA_TEST: frozenset({Stage.REFINEMENT, Stage.BETA}),
    Stage.REFINEMENT: frozenset({Stage.PILOT, Stage.BETA_TEST}),
    Stage.PILOT: frozenset({Stage.PRODUCTION, Stage.REFINEMENT}),
    Stage.PRODUCTION: frozenset({Stage.MONITORING}),
    Stage.MONITORING: frozenset(),
}

# Preparation leads to the first prototype the kind of project builds.
FIRST_PROTOTYPE = {ProjectKind.NEW: Stage.ALPHA, ProjectKind.REENGINEERING: Stage.BETA}

ORDER = list(Stage.values)


class TransitionNotAllowed(ValueError):
    def __init__(self, current: str, target: str):
        super().__init__(f"a design project cannot go from {current} to {target}")
        self.current, self.target = current, target


def allowed_next(kind: str, current: str) -> list[str]:
    targets = set(TRANSITIONS[current])
    if current == Stage.PREPARATION:
        targets = {FIRST_PROTOTYPE[kind]}
    return [stage for stage in ORDER if stage in targets]


def check_transition(kind: str, current: str, target: str) -> None:
    if target not in allowed_next(kind, current):
        raise TransitionNotAllowed(current, target)

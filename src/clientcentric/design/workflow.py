"""The one workflow of a design project (§4.4): every allowed stage change, in one place.

Which way a project may go also depends on its kind: only a new service builds an alpha prototype; an existing
service goes from preparation straight to a beta prototype (DES-2) — the guards below. The gates that need data (a
test that met its criteria) are checked in services.advance, not here. The project's append-only history is
``StageChange``.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import ProjectKind, Stage

# Preparation leads to the first prototype the kind of project builds.
FIRST_PROTOTYPE = {ProjectKind.NEW: Stage.ALPHA, ProjectKind.REENGINEERING: Stage.BETA}

PROJECT = register(
    Workflow(
        "design.project",
        table(
            {
                Stage.PREPARATION: [Stage.ALPHA, Stage.BETA],
                Stage.ALPHA: [Stage.ALPHA_TEST],
                Stage.ALPHA_TEST: [Stage.BETA, Stage.ALPHA],
                Stage.BETA: [Stage.BETA_TEST],
                Stage.BETA_TEST: [Stage.REFINEMENT, Stage.BETA],
                Stage.REFINEMENT: [Stage.PILOT, Stage.BETA_TEST],
                Stage.PILOT: [Stage.PRODUCTION, Stage.REFINEMENT],
                Stage.PRODUCTION: [Stage.MONITORING],
                Stage.MONITORING: [],
            }
        ),
        guards={
            (Stage.PREPARATION, Stage.ALPHA): lambda project: FIRST_PROTOTYPE[project.kind] == Stage.ALPHA,
            (Stage.PREPARATION, Stage.BETA): lambda project: FIRST_PROTOTYPE[project.kind] == Stage.BETA,
        },
    )
)

ORDER = list(Stage.values)


def allowed_next(project) -> list[str]:
    """The stages the project may go to next, in the stages' order."""
    return PROJECT.allowed(project.stage, project, order=ORDER)

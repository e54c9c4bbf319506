"""The business app's status changes, each in one place: the accreditation of an anti-corruption expert as staff
verify it, and the adoption of an act of mandatory requirements.

A registration waits for staff; verified or not confirmed, it may be registered again (corrected), which puts it
back in the queue (business/procedures/services.py).
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import Act
from .models_procedures import Expert

_S = Expert.Status
EXPERT = register(
    Workflow(
        "business.expert",
        table(
            {
                _S.PENDING: [_S.VERIFIED, _S.REJECTED],
                _S.VERIFIED: [_S.PENDING],
                _S.REJECTED: [_S.PENDING],
            }
        ),
    )
)

# An act of mandatory requirements: a draft is adopted by its developer once article 10's elements are all stated
# (services.adopt_act); an adopted act is not turned back into a draft.
ACT = register(
    Workflow(
        "business.act",
        table({Act.Stage.DRAFT: [Act.Stage.ADOPTED], Act.Stage.ADOPTED: []}),
    )
)

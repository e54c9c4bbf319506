"""The accreditation of an anti-corruption expert as staff verify it: every allowed status change, in one place.

A registration waits for staff; verified or not confirmed, it may be registered again (corrected), which puts it
back in the queue (business/procedures/services.py).
"""

from clientcentric.core.workflow import Workflow, register, table

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

"""The workflow of a need's public status: any status may follow any other, each with its public reason.

What a status requires (a reason, an FAQ entry, a service) is checked in ``services.need_status_problems``. The
need's history is django-simple-history's (``Need.history``), so no second history is kept.
"""

from clientcentric.core.workflow import Workflow, register, table

from .models import NeedStatus

NEED = register(
    Workflow(
        "registry.need",
        table(
            {
                NeedStatus.MET: [NeedStatus.IN_PROGRESS, NeedStatus.CANNOT_MEET],
                NeedStatus.IN_PROGRESS: [NeedStatus.MET, NeedStatus.CANNOT_MEET],
                NeedStatus.CANNOT_MEET: [NeedStatus.MET, NeedStatus.IN_PROGRESS],
            }
        ),
    )
)

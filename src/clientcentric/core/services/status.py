"""The one way a status changes: check the workflow's table, set the field, append the history row, audit."""

from django.db import models, transaction

from clientcentric.core.models import StatusChange
from clientcentric.core.services import audit
from clientcentric.core.workflow import Workflow


def history_entry(
    obj: models.Model, workflow: Workflow, previous: str, target: str, *, actor, note: str = ""
):
    """The history row ``transition`` writes, not yet saved (for callers that write it with other rows)."""
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return StatusChange(
        workflow=workflow.name,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        from_status=previous or "",
        to_status=target,
        actor_id=actor_id,
        note=note,
    )


@transaction.atomic
def transition(
    obj: models.Model,
    workflow: Workflow,
    target: str,
    *,
    actor=None,
    note: str = "",
    field: str = "status",
    update_fields: tuple[str, ...] = (),
    audit_action: str = "",
    **audit_data,
):
    """Move ``obj.<field>`` to ``target`` if the workflow allows it; raise ``TransitionNotAllowed`` otherwise.

    The caller may set other fields on ``obj`` first and name them in ``update_fields`` so that one UPDATE writes
    them with the status. The caller is expected to hold the row (``select_for_update``) when races matter.
    """
    previous = getattr(obj, field)
    workflow.check(previous, target, obj)
    setattr(obj, field, target)
    obj.save(update_fields=[field, *update_fields])
    history_entry(obj, workflow, previous, target, actor=actor, note=note).save()
    if audit_action:
        audit.record(actor, audit_action, obj, before=previous, after=target, **audit_data)
    return obj


def record_creation(
    obj: models.Model, workflow: Workflow, *, actor=None, note: str = "", field: str = "status"
):
    """The first history row of an object created in its initial status."""
    return history_entry(obj, workflow, "", getattr(obj, field), actor=actor, note=note).save()


def history(obj: models.Model):
    return StatusChange.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

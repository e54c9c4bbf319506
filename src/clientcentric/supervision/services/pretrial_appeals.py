"""Pre-trial appeals (248-ФЗ arts. 39–43, KND-10): filing in or after the window, the review, its extension, the
decision sent to the business."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.core import references
from clientcentric.core.services import audit
from clientcentric.core.services import status as status_service

from .. import deadlines
from ..models import ControlEvent, PretrialAppeal, SupervisionTask, TaskKind
from ..workflow import APPEAL_DECISIONS, PRETRIAL_APPEAL
from .events import append_history
from .prevention import notify_business
from .risk import close_task


@transaction.atomic
def file_appeal(
    event: ControlEvent, *, subject: str, text: str, learned_on: date, restoration_reason: str = "", actor
) -> PretrialAppeal:
    """Register a pre-trial appeal. One filed after the window is kept as a request to restore the deadline."""
    problems = {}
    if subject not in PretrialAppeal.Subject.values:
        problems["subject"] = _("Choose what you appeal.")
    if not text.strip():
        problems["text"] = _("Write the appeal.")
    today = timezone.localdate()
    if learned_on > today:
        problems["learned_on"] = _("The date cannot be in the future.")
    if subject == PretrialAppeal.Subject.ORDER and not hasattr(event, "order"):
        problems["subject"] = _("No compliance order was issued in this event.")
    if problems:
        raise ValidationError(problems)
    ct = event.control_type
    # The terms are the type of control's own (248-ФЗ art. 40: 30 calendar days; 10 working days for an order).
    if subject == PretrialAppeal.Subject.ORDER:
        window_end = deadlines.add_working_days(learned_on, ct.order_appeal_working_days, field="learned_on")
    else:
        window_end = deadlines.add_calendar_days(learned_on, ct.appeal_filing_days)
    late = today > window_end
    if late and not restoration_reason.strip():
        raise ValidationError(
            {
                "restoration_reason": _(
                    "The last day to file was %(day)s. Say why the deadline was missed: the appeal becomes a "
                    "request to restore it."
                )
                % {"day": window_end.strftime("%d.%m.%Y")}
            }
        )
    review_due = deadlines.add_working_days(today, ct.appeal_review_working_days, field="learned_on")
    appeal = PretrialAppeal.objects.create(
        number=references.new(PretrialAppeal, field="number", prefix="ДО-", year=today.year),
        event=event,
        subject=subject,
        text=text.strip(),
        learned_on=learned_on,
        filed_at=timezone.now(),
        filed_by=actor,
        filing_deadline=window_end,
        late=late,
        restoration_reason=restoration_reason.strip(),
        review_due=review_due,
        status=PretrialAppeal.Status.RESTORATION if late else PretrialAppeal.Status.REGISTERED,
    )
    status_service.record_creation(appeal, PRETRIAL_APPEAL, actor=actor)
    SupervisionTask.objects.create(
        control_type=ct,
        profile=event.profile,
        kind=TaskKind.APPEAL,
        key=f"appeal:{appeal.pk}",
        title=(
            _("Pre-trial appeal %(number)s, filed late: decide on restoring the deadline")
            if late
            else _("Pre-trial appeal %(number)s")
        )
        % {"number": appeal.number},
        detail=appeal.text,
    )
    append_history(event, "appeal_filed", actor, appeal.number)
    audit.record(actor, "supervision.appeal_filed", appeal, late=late)
    return appeal


@transaction.atomic
def decide_restoration(appeal: PretrialAppeal, *, grant: bool, reason: str, actor) -> PretrialAppeal:
    """The body's explicit decision on a late appeal's request to restore the deadline (248-ФЗ art. 40 part 7),
    taken by a named official with reasons in words, before any review. Granted, the appeal is registered and its
    review term runs from today; refused, the appeal ends and the business is told why."""
    appeal = (
        PretrialAppeal.objects.select_for_update()
        .select_related("event__profile", "event__control_type")
        .get(pk=appeal.pk)
    )
    if appeal.status != PretrialAppeal.Status.RESTORATION:
        raise ValidationError(_("This appeal does not wait for a decision on restoring the deadline."))
    if not reason.strip():
        raise ValidationError({"reason": _("Write the reasons for the decision on restoring the deadline.")})
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValidationError(_("The decision on restoring the deadline is taken by a named official."))
    appeal.restoration_granted = grant
    appeal.restoration_decision = reason.strip()
    appeal.restoration_decided_at = timezone.now()
    appeal.restoration_decided_by = actor
    fields = [
        "restoration_granted",
        "restoration_decision",
        "restoration_decided_at",
        "restoration_decided_by",
    ]
    event = appeal.event
    if grant:
        appeal.review_due = deadlines.add_working_days(
            timezone.localdate(), event.control_type.appeal_review_working_days
        )
        target = PretrialAppeal.Status.REGISTERED
        fields.append("review_due")
        subject = _("The deadline for your pre-trial appeal %(number)s is restored")
    else:
        appeal.decision, appeal.decided_at = appeal.restoration_decision, appeal.restoration_decided_at
        target = PretrialAppeal.Status.REFUSED
        fields += ["decision", "decided_at"]
        subject = _("The deadline for your pre-trial appeal %(number)s is not restored")
        close_task(event.control_type, event.profile, TaskKind.APPEAL, f"appeal:{appeal.pk}", actor)
    status_service.transition(
        appeal,
        PRETRIAL_APPEAL,
        target,
        actor=actor,
        note=appeal.restoration_decision,
        update_fields=tuple(fields),
    )
    official = actor.full_name
    append_history(event, "appeal_restoration", actor, f"{appeal.number}: {appeal.get_status_display()}")
    notify_business(
        event.profile,
        subject % {"number": appeal.number},
        _("%(reason)s\n\nDecided by %(official)s.")
        % {"reason": appeal.restoration_decision, "official": official},
        about=appeal,
    )
    audit.record(actor, "supervision.appeal_restoration_decided", appeal, granted=grant)
    return appeal


@transaction.atomic
def extend_review(appeal: PretrialAppeal, *, actor) -> PretrialAppeal:
    if appeal.awaits_restoration:
        raise ValidationError(
            _("The appeal was filed late: decide first whether to restore the deadline, then review it.")
        )
    if not PRETRIAL_APPEAL.can(appeal.status, PretrialAppeal.Status.EXTENDED):
        raise ValidationError(_("The review cannot be extended now."))
    appeal.review_due = deadlines.add_working_days(
        appeal.review_due, appeal.event.control_type.appeal_extension_working_days
    )
    status_service.transition(
        appeal, PRETRIAL_APPEAL, PretrialAppeal.Status.EXTENDED, actor=actor, update_fields=("review_due",)
    )
    audit.record(actor, "supervision.appeal_extended", appeal)
    return appeal


@transaction.atomic
def decide_appeal(appeal: PretrialAppeal, *, status: str, decision: str, actor) -> PretrialAppeal:
    if appeal.decided:
        raise ValidationError(_("This appeal is already decided."))
    if appeal.awaits_restoration:
        raise ValidationError(
            _("The appeal was filed late: decide first whether to restore the deadline, then review it.")
        )
    if status not in APPEAL_DECISIONS:
        raise ValidationError({"status": _("Choose the decision.")})
    if not decision.strip():
        raise ValidationError({"decision": _("Write the reasoned decision.")})
    appeal.decision, appeal.decided_at = decision.strip(), timezone.now()
    status_service.transition(
        appeal, PRETRIAL_APPEAL, status, actor=actor, update_fields=("decision", "decided_at")
    )
    event = appeal.event
    close_task(event.control_type, event.profile, TaskKind.APPEAL, f"appeal:{appeal.pk}", actor)
    append_history(event, "appeal_decided", actor, f"{appeal.number}: {appeal.get_status_display()}")
    notify_business(
        event.profile,
        _("Decision on your pre-trial appeal %(number)s") % {"number": appeal.number},
        appeal.decision,
        about=appeal,
    )
    audit.record(actor, "supervision.appeal_decided", appeal, status=status)
    return appeal

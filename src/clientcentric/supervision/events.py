"""Control events: the yearly plan, the workflow, and the business's services around an event (BIZ-6)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from clientcentric.business.models import BusinessProfile
from clientcentric.core.logging import get_logger
from clientcentric.core.services import audit

from . import deadlines, selectors
from .models import (
    ComplianceOrder,
    ControlEvent,
    ControlType,
    EventCheck,
    EventDocument,
    EventHistory,
    EventKind,
    EventStatus,
    OmbudsmanRequest,
    PretrialAppeal,
    RescheduleRequest,
    RiskProfile,
    SupervisionTask,
    TaskKind,
)
from .prevention import _notify_business, annul_declarations
from .risk import close_task, risk_model

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
}
ALLOWED_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".zip", ".sig")


def _log(event: ControlEvent, action: str, actor=None, note: str = "", before: str = "") -> None:
    EventHistory.objects.create(
        event=event,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=before,
        to_status=event.status if before else "",
        note=note,
    )


def _move(event: ControlEvent, transition: str, actor, note: str = "") -> ControlEvent:
    method = getattr(event, transition)
    before = event.status
    if not can_proceed(method):
        raise ValidationError(
            _("The event is «%(status)s»: this step is not possible now.")
            % {"status": event.get_status_display()}
        )
    try:
        method()
    except TransitionNotAllowed:
        raise ValidationError(_("This step is not possible now.")) from None
    event.save()
    _log(event, transition, actor, note, before)
    audit.record(actor, f"supervision.event_{transition}", event, before=before, after=event.status)
    return event


# --- planning ------------------------------------------------------------------------------------------


def _due_this_year(category, year: int, profile_pk: int) -> bool:
    """(events, years) = (1, 2): one event every two years; the year is chosen by the business's id so the
    population spreads evenly over the cycle instead of all landing in the same year."""
    if category is None or category.planned_events_per_years is None:
        return False
    events, years = category.planned_events_per_years
    return events > 0 and (year + profile_pk) % max(years, 1) == 0


@transaction.atomic
def plan_year(control_type: ControlType, year: int, *, actor=None) -> dict:
    """Planned control events and mandatory preventive visits for the year, by risk category and frequency.

    Running it again adds only what is missing.
    """
    model = risk_model(control_type)
    start, end = date(year, 1, 15), date(year, 12, 15)
    span = (end - start).days
    created = {"events": 0, "visits": 0}
    risks = RiskProfile.objects.filter(control_type=control_type).select_related("profile__business")
    for n, risk in enumerate(risks.order_by("profile_id")):
        try:
            category = model.category(risk.category)
        except KeyError:
            continue
        planned = ControlEvent.objects.filter(
            control_type=control_type, profile=risk.profile, planned=True, starts_on__year=year
        )
        day = start + timedelta(days=(n * 37) % span)
        if (
            _due_this_year(category, year, risk.profile_id)
            and not planned.exclude(kind=EventKind.PREVENTIVE_VISIT).exists()
        ):
            create_event(
                control_type,
                risk.profile,
                kind=EventKind.ON_SITE,
                starts_on=day,
                ends_on=day + timedelta(days=9),
                basis=_("Yearly plan %(year)s: risk category «%(category)s»")
                % {"year": year, "category": category.title},
                planned=True,
                risk_category=category.title,
                actor=actor,
            )
            created["events"] += 1
        visits = category.preventive_visits_per_year
        have = planned.filter(kind=EventKind.PREVENTIVE_VISIT).count()
        for k in range(have, visits):
            visit_day = day + timedelta(days=60 + 30 * k)
            create_event(
                control_type,
                risk.profile,
                kind=EventKind.PREVENTIVE_VISIT,
                starts_on=visit_day,
                ends_on=visit_day,
                basis=_("Mandatory preventive visit %(year)s: risk category «%(category)s»")
                % {"year": year, "category": category.title},
                planned=True,
                risk_category=category.title,
                actor=actor,
            )
            created["visits"] += 1
    return created


@transaction.atomic
def create_event(
    control_type: ControlType,
    profile: BusinessProfile,
    *,
    kind: str,
    starts_on: date,
    ends_on: date,
    basis: str,
    planned: bool = False,
    risk_category: str = "",
    inspector=None,
    actor=None,
) -> ControlEvent:
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Unknown kind of event.")})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The event cannot end before it starts.")})
    if not basis.strip():
        raise ValidationError({"basis": _("State the basis of the event.")})
    event = ControlEvent.objects.create(
        number=f"tmp-{timezone.now().timestamp()}-{profile.pk}",
        control_type=control_type,
        profile=profile,
        kind=kind,
        planned=planned,
        basis=basis,
        risk_category=risk_category,
        starts_on=starts_on,
        ends_on=ends_on,
        inspector=inspector,
    )
    event.number = f"КНМ-{starts_on.year}-{event.pk:06d}"
    event.save(update_fields=["number"])
    mine = {r.pk for r in selectors.my_requirements(profile, control_type)}
    event.requirements.set(mine)
    EventCheck.objects.bulk_create([EventCheck(event=event, requirement_id=pk) for pk in sorted(mine)])
    _log(event, "created", actor, basis)
    audit.record(actor, "supervision.event_created", event)
    return event


# --- the workflow --------------------------------------------------------------------------------------


@transaction.atomic
def notify(event: ControlEvent, *, actor=None) -> ControlEvent:
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    _move(event, "notify", actor)
    _notify_business(
        event.profile,
        _("Notice of a %(kind)s %(number)s") % {"kind": event.get_kind_display(), "number": event.number},
        _(
            "From %(start)s to %(end)s the supervisory body holds a %(kind)s under «%(type)s». In your account "
            "you can book a consultation on the requirements checked, appoint a representative, ask to "
            "reschedule and send documents."
        )
        % {
            "start": event.starts_on.strftime("%d.%m.%Y"),
            "end": event.ends_on.strftime("%d.%m.%Y"),
            "kind": event.get_kind_display(),
            "type": event.control_type.title,
        },
        about=event,
    )
    return event


@transaction.atomic
def start(event: ControlEvent, *, actor=None) -> ControlEvent:
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    return _move(event, "start", actor)


@transaction.atomic
def record_checks(event: ControlEvent, outcomes: dict[int, tuple[str, str]], *, actor=None) -> None:
    """The inspector fills the checklist: requirement id -> (outcome, note)."""
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.IN_PROGRESS:
        raise ValidationError(_("The checklist is filled while the event is in progress."))
    valid = set(EventCheck.Outcome.values) | {""}
    for check in event.checks.select_for_update():
        outcome, note = outcomes.get(check.requirement_id, (check.outcome, check.note))
        if outcome not in valid:
            raise ValidationError({"outcome": _("Unknown outcome «%(value)s».") % {"value": outcome}})
        check.outcome, check.note = outcome, note[:500]
        check.save(update_fields=["outcome", "note"])
    _log(event, "checklist", actor)


@transaction.atomic
def issue_act(event: ControlEvent, *, text: str, actor=None) -> ControlEvent:
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    if event.is_preventive:
        raise ValidationError(_("A preventive visit ends without an act."))
    checks = list(event.checks.select_related("requirement__act"))
    if any(not c.outcome for c in checks):
        raise ValidationError({"text": _("Fill every line of the checklist before the act.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the act.")})
    event.act_text, event.act_issued_at = text.strip(), timezone.now()
    event.violations_found = any(c.outcome == EventCheck.Outcome.VIOLATED for c in checks)
    _move(event, "issue_act", actor)
    if event.violations_found:
        annul_declarations(
            event.profile,
            event.control_type,
            reason=_("Violations found by %(number)s") % {"number": event.number},
            actor=actor,
        )
    _notify_business(
        event.profile,
        _("The act of %(number)s") % {"number": event.number},
        _("The act of the event is in your account. You can appeal it within %(days)s calendar days.")
        % {"days": event.control_type.appeal_filing_days},
        about=event,
    )
    return event


@transaction.atomic
def issue_order(event: ControlEvent, *, text: str, due_on: date, actor=None) -> ComplianceOrder:
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    if not event.violations_found:
        raise ValidationError(_("A compliance order follows only an act that found violations."))
    if not text.strip():
        raise ValidationError({"text": _("Write what the business must do.")})
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": _("The date must be in the future.")})
    _move(event, "issue_order", actor)
    order = ComplianceOrder.objects.create(
        event=event, text=text.strip(), due_on=due_on, issued_at=timezone.now()
    )
    _notify_business(
        event.profile,
        _("Compliance order after %(number)s") % {"number": event.number},
        _("Comply by %(due)s. The order, the steps to compliance and the way to appeal are in your account.")
        % {"due": due_on.strftime("%d.%m.%Y")},
        about=event,
    )
    return order


@transaction.atomic
def close(event: ControlEvent, *, actor=None) -> ControlEvent:
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    _move(event, "close", actor)
    event.closed_at = timezone.now()
    event.save(update_fields=["closed_at"])
    transaction.on_commit(lambda: _ask_for_feedback(event.pk))
    return event


@transaction.atomic
def cancel(event: ControlEvent, *, reason: str, actor=None) -> ControlEvent:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the event is cancelled.")})
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    return _move(event, "cancel", actor, reason)


def _ask_for_feedback(event_id: int) -> None:
    """After the close commits: the common feedback instrument rates the event; a failure never undoes it."""
    try:
        from clientcentric.feedback.models import EndPoint
        from clientcentric.feedback.services import invite

        event = ControlEvent.objects.select_related("control_type__agency", "profile__business").get(
            pk=event_id
        )
        rep = event.profile.business.representatives.select_related("person").first()
        invite(
            end_point=EndPoint.SERVICE_COMPLETED,
            transaction_kind="control_event",
            transaction_ref=event.number,
            shown_as=event.number,
            touchpoint="portal",
            agency=event.control_type.agency,
            person=rep.person if rep else None,
        )
    except Exception:  # the event is closed; only the rating request is lost, and the log says so
        get_logger(__name__).exception("feedback_invitation_failed", event_id=event_id)


def feedback_link(event: ControlEvent) -> str | None:
    from clientcentric.feedback.models import Invitation
    from clientcentric.feedback.services import link_for

    invitation = Invitation.objects.filter(
        transaction_kind="control_event", transaction_ref=event.number
    ).first()
    if invitation is None or invitation.used_at is not None:
        return None
    return link_for(invitation)


# --- the business's services around an event -----------------------------------------------------------


def _open_for_business(event: ControlEvent) -> None:
    if event.status in (EventStatus.CLOSED, EventStatus.CANCELLED):
        raise ValidationError(_("The event is over."))


@transaction.atomic
def appoint_representative(event: ControlEvent, *, name: str, basis: str, actor) -> ControlEvent:
    _open_for_business(event)
    problems = {}
    if not name.strip():
        problems["name"] = _("Write the representative's name.")
    if not basis.strip():
        problems["basis"] = _("Name the power of attorney or other authority.")
    if problems:
        raise ValidationError(problems)
    event.representative_name, event.representative_basis = name.strip(), basis.strip()
    event.save(update_fields=["representative_name", "representative_basis"])
    _log(event, "representative", actor, f"{event.representative_name} ({event.representative_basis})")
    audit.record(actor, "supervision.representative_appointed", event)
    return event


@transaction.atomic
def request_reschedule(event: ControlEvent, *, reason: str, proposed_on: date, actor) -> RescheduleRequest:
    if event.status not in (EventStatus.PLANNED, EventStatus.NOTIFIED):
        raise ValidationError(_("An event can be rescheduled only before it starts."))
    if not reason.strip():
        raise ValidationError({"reason": _("State the reason: illness, a business trip, force majeure…")})
    if proposed_on <= event.starts_on:
        raise ValidationError({"proposed_on": _("Propose a date after the planned start.")})
    request = RescheduleRequest.objects.create(event=event, reason=reason.strip(), proposed_on=proposed_on)
    SupervisionTask.objects.create(
        control_type=event.control_type,
        profile=event.profile,
        kind=TaskKind.RESCHEDULE,
        key=f"reschedule:{request.pk}",
        title=_("Request to reschedule %(number)s") % {"number": event.number},
        detail=reason,
    )
    _log(event, "reschedule_requested", actor, reason)
    return request


@transaction.atomic
def decide_reschedule(request: RescheduleRequest, *, accept: bool, note: str, actor) -> RescheduleRequest:
    if request.status != "pending":
        raise ValidationError(_("This request is already decided."))
    event = ControlEvent.objects.select_for_update().get(pk=request.event_id)
    request.status = "accepted" if accept else "rejected"
    request.decision_note = note
    request.save()
    if accept:
        length = event.ends_on - event.starts_on
        event.starts_on, event.ends_on = request.proposed_on, request.proposed_on + length
        event.save(update_fields=["starts_on", "ends_on"])
    close_task(event.control_type, event.profile, TaskKind.RESCHEDULE, f"reschedule:{request.pk}", actor)
    _log(event, "reschedule_" + request.status, actor, note)
    _notify_business(
        event.profile,
        _("Your request to reschedule %(number)s is decided") % {"number": event.number},
        note or request.get_status_display(),
        about=event,
    )
    return request


def check_document(name: str, content_type: str, size: int) -> None:
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {
                "file": _("«%(name)s» is larger than %(mb)s MB; split it or compress it.")
                % {"name": name, "mb": MAX_DOCUMENT_BYTES // 2**20}
            }
        )
    if size == 0:
        raise ValidationError({"file": _("«%(name)s» is empty.") % {"name": name}})
    if not name.lower().endswith(ALLOWED_EXTENSIONS) or (
        content_type not in ALLOWED_DOCUMENT_TYPES and not name.lower().endswith(".sig")
    ):
        raise ValidationError(
            {
                "file": _(
                    "«%(name)s»: this type of file is not accepted. Send PDF, JPEG, PNG, DOCX, XLSX, ZIP or a signature (.sig)."
                )
                % {"name": name}
            }
        )


@transaction.atomic
def add_document(event: ControlEvent, uploaded, *, direction: str, actor) -> EventDocument:
    _open_for_business(event)
    check_document(uploaded.name, getattr(uploaded, "content_type", "") or "", uploaded.size)
    document = EventDocument(
        event=event,
        direction=direction,
        name=uploaded.name[:255],
        content_type=(getattr(uploaded, "content_type", "") or "")[:100],
        size=uploaded.size,
        uploaded_by=actor,
    )
    document.file.save(uploaded.name, uploaded, save=False)
    document.save()
    _log(event, "document", actor, document.name)
    audit.record(actor, "supervision.document_added", document, event=event.number)
    return document


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
    if subject == PretrialAppeal.Subject.ORDER:
        window_end = deadlines.add_working_days(learned_on, ct.order_appeal_working_days, field="learned_on")
    else:
        window_end = deadlines.add_calendar_days(learned_on, ct.appeal_filing_days)
    late = today > window_end
    review_due = deadlines.add_working_days(today, ct.appeal_review_working_days, field="learned_on")
    appeal = PretrialAppeal.objects.create(
        number=f"tmp-{timezone.now().timestamp()}",
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
    appeal.number = f"ДО-{today.year}-{appeal.pk:06d}"
    appeal.save(update_fields=["number"])
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
    _log(event, "appeal_filed", actor, appeal.number)
    audit.record(actor, "supervision.appeal_filed", appeal, late=late)
    return appeal


@transaction.atomic
def extend_review(appeal: PretrialAppeal, *, actor) -> PretrialAppeal:
    if appeal.decided or appeal.status == PretrialAppeal.Status.EXTENDED:
        raise ValidationError(_("The review cannot be extended now."))
    appeal.review_due = deadlines.add_working_days(
        appeal.review_due, appeal.event.control_type.appeal_extension_working_days
    )
    appeal.status = PretrialAppeal.Status.EXTENDED
    appeal.save(update_fields=["review_due", "status"])
    audit.record(actor, "supervision.appeal_extended", appeal)
    return appeal


@transaction.atomic
def decide_appeal(appeal: PretrialAppeal, *, status: str, decision: str, actor) -> PretrialAppeal:
    if appeal.decided:
        raise ValidationError(_("This appeal is already decided."))
    if status not in (
        PretrialAppeal.Status.UPHELD,
        PretrialAppeal.Status.PARTLY,
        PretrialAppeal.Status.DISMISSED,
    ):
        raise ValidationError({"status": _("Choose the decision.")})
    if not decision.strip():
        raise ValidationError({"decision": _("Write the reasoned decision.")})
    appeal.status, appeal.decision, appeal.decided_at = status, decision.strip(), timezone.now()
    appeal.save(update_fields=["status", "decision", "decided_at"])
    event = appeal.event
    close_task(event.control_type, event.profile, TaskKind.APPEAL, f"appeal:{appeal.pk}", actor)
    _log(event, "appeal_decided", actor, f"{appeal.number}: {appeal.get_status_display()}")
    _notify_business(
        event.profile,
        _("Decision on your pre-trial appeal %(number)s") % {"number": appeal.number},
        appeal.decision,
        about=appeal,
    )
    audit.record(actor, "supervision.appeal_decided", appeal, status=status)
    return appeal


@transaction.atomic
def involve_ombudsman(event: ControlEvent, *, text: str, actor) -> OmbudsmanRequest:
    if not text.strip():
        raise ValidationError({"text": _("Say what the ombudsman should look at.")})
    request = OmbudsmanRequest.objects.create(event=event, text=text.strip(), created_by=actor)
    event.appeals.filter(decided_at__isnull=True).update(ombudsman_involved=True)
    _log(event, "ombudsman", actor, request.text)
    audit.record(actor, "supervision.ombudsman_involved", request)
    return request

"""Control events: the yearly plan, the workflow, and the business's services around an event (BIZ-6)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.business.models import BusinessProfile
from clientcentric.core import references
from clientcentric.core.logging import get_logger
from clientcentric.core.services import audit
from clientcentric.core.services import status as status_service
from clientcentric.core.workflow import TransitionNotAllowed

from .. import deadlines, selectors
from ..models import (
    ComplianceOrder,
    ControlEvent,
    ControlType,
    Decision,
    EventCheck,
    EventDocument,
    EventHistory,
    EventKind,
    EventStatus,
    OmbudsmanRequest,
    RescheduleRequest,
    RiskProfile,
    SupervisionTask,
    TaskKind,
)
from ..workflow import (
    CONTROL_EVENT,
    EVENT_STEPS,
    OMBUDSMAN_REQUEST,
    RESCHEDULE_REQUEST,
)
from .prevention import annul_declarations, notify_business
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


def append_history(event: ControlEvent, action: str, actor=None, note: str = "", before: str = "") -> None:
    """A row of the event's own history (HISTORY_ACTIONS), read by both sides on the event's pages."""
    EventHistory.objects.create(
        event=event,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=before,
        to_status=event.status if before else "",
        note=note,
    )


def _move(
    event: ControlEvent, target: str, actor, note: str = "", update_fields: tuple[str, ...] = ()
) -> ControlEvent:
    """The control event's workflow step to ``target``: the table and its guard, the status history, the event's
    own history and the audit, in one transaction."""
    before = event.status
    step = EVENT_STEPS[target]
    try:
        status_service.transition(
            event, CONTROL_EVENT, target, actor=actor, note=note, update_fields=update_fields
        )
    except TransitionNotAllowed:
        raise ValidationError(
            _("The event is «%(status)s»: this step is not possible now.")
            % {"status": event.get_status_display()}
        ) from None
    append_history(event, step, actor, note, before)
    audit.record(actor, f"supervision.event_{step}", event, before=before, after=event.status)
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
        number=references.new(ControlEvent, field="number", prefix="КНМ-", year=starts_on.year),
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
    mine = {r.pk for r in selectors.my_requirements(profile, control_type)}
    event.requirements.set(mine)
    EventCheck.objects.bulk_create([EventCheck(event=event, requirement_id=pk) for pk in sorted(mine)])
    status_service.record_creation(event, CONTROL_EVENT, actor=actor, note=basis)
    append_history(event, "created", actor, basis)
    audit.record(actor, "supervision.event_created", event)
    return event


# --- the workflow --------------------------------------------------------------------------------------


@transaction.atomic
def notify(event: ControlEvent, *, actor=None) -> ControlEvent:
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    _move(event, EventStatus.NOTIFIED, actor)
    notify_business(
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
    return _move(event, EventStatus.IN_PROGRESS, actor)


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
    append_history(event, "checklist", actor)


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
    _move(
        event, EventStatus.ACT_ISSUED, actor, update_fields=("act_text", "act_issued_at", "violations_found")
    )
    if event.violations_found:
        annul_declarations(
            event.profile,
            event.control_type,
            reason=_("Violations found by %(number)s") % {"number": event.number},
            actor=actor,
        )
    notify_business(
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
    _move(event, EventStatus.ORDER_ISSUED, actor)
    order = ComplianceOrder.objects.create(
        event=event, text=text.strip(), due_on=due_on, issued_at=timezone.now()
    )
    notify_business(
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
    event.closed_at = timezone.now()
    _move(event, EventStatus.CLOSED, actor, update_fields=("closed_at",))
    transaction.on_commit(lambda: _ask_for_feedback(event.pk))
    return event


@transaction.atomic
def cancel(event: ControlEvent, *, reason: str, actor=None) -> ControlEvent:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the event is cancelled.")})
    event = ControlEvent.objects.select_for_update().get(pk=event.pk)
    return _move(event, EventStatus.CANCELLED, actor, reason)


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
    append_history(
        event, "representative", actor, f"{event.representative_name} ({event.representative_basis})"
    )
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
    status_service.record_creation(request, RESCHEDULE_REQUEST, actor=actor)
    SupervisionTask.objects.create(
        control_type=event.control_type,
        profile=event.profile,
        kind=TaskKind.RESCHEDULE,
        key=f"reschedule:{request.pk}",
        title=_("Request to reschedule %(number)s") % {"number": event.number},
        detail=reason,
    )
    append_history(event, "reschedule_requested", actor, reason)
    return request


@transaction.atomic
def decide_reschedule(request: RescheduleRequest, *, accept: bool, note: str, actor) -> RescheduleRequest:
    target = Decision.ACCEPTED if accept else Decision.REJECTED
    if not RESCHEDULE_REQUEST.can(request.status, target):
        raise ValidationError(_("This request is already decided."))
    event = ControlEvent.objects.select_for_update().get(pk=request.event_id)
    request.decision_note = note
    status_service.transition(
        request, RESCHEDULE_REQUEST, target, actor=actor, note=note, update_fields=("decision_note",)
    )
    if accept:
        length = event.ends_on - event.starts_on
        event.starts_on, event.ends_on = request.proposed_on, request.proposed_on + length
        event.save(update_fields=["starts_on", "ends_on"])
    close_task(event.control_type, event.profile, TaskKind.RESCHEDULE, f"reschedule:{request.pk}", actor)
    append_history(event, "reschedule_" + request.status, actor, note)
    notify_business(
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
    append_history(event, "document", actor, document.name)
    audit.record(actor, "supervision.document_added", document, event=event.number)
    return document


@transaction.atomic
def involve_ombudsman(event: ControlEvent, *, text: str, actor) -> OmbudsmanRequest:
    if not text.strip():
        raise ValidationError({"text": _("Say what the ombudsman should look at.")})
    # The request reaches the ombudsman's office queue with its answer deadline (services.ombudsman).
    request = OmbudsmanRequest.objects.create(
        event=event,
        text=text.strip(),
        created_by=actor,
        due_on=deadlines.add_working_days(
            timezone.localdate(), OmbudsmanRequest.ANSWER_WORKING_DAYS, field="text"
        ),
    )
    status_service.record_creation(request, OMBUDSMAN_REQUEST, actor=actor)
    event.appeals.filter(decided_at__isnull=True).update(ombudsman_involved=True)
    append_history(event, "ombudsman", actor, request.text)
    audit.record(actor, "supervision.ombudsman_involved", request)
    return request

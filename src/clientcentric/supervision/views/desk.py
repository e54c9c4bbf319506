"""The inspector's desk: tasks, events with their checklists and acts, decisions, warnings, the plan, dashboards.

Staff see the types of control of their own agency; the admin sees every agency's.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts.models import BusinessClient
from clientcentric.accounts.roles import Role
from clientcentric.business.models import Requirement
from clientcentric.core.access import require_roles
from clientcentric.core.databases import reads_reports

from .. import selectors
from ..forms import (
    AnnualDocumentForm,
    AppealLinkForm,
    IncentiveForm,
    PlanForm,
    ProgrammeForm,
    SummaryForm,
    WarningForm,
)
from ..models import (
    AppealLink,
    Consultation,
    ControlEvent,
    EventCheck,
    FactCorrection,
    Incentive,
    Objection,
    PracticeSummary,
    PretrialAppeal,
    PreventionProgramme,
    RescheduleRequest,
    SupervisionTask,
)
from ..services import complaints, incentives, pretrial_appeals, prevention, programmes, risk
from ..services import events as event_services
from .common import add_errors, staff_sees

DESK = (Role.INSPECTOR, Role.METHODOLOGIST, Role.ADMIN)
DASHBOARD = (Role.INSPECTOR, Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)


def _types(user):
    return selectors.control_types_for(user)


@require_roles(*DESK)
@require_GET
def desk(request):
    work = selectors.open_work(_types(request.user))
    work["corrections"] = risk.with_fact_titles(work["corrections"])
    return render(request, "supervision/desk.html", work)


def _event(request, pk):
    item = get_object_or_404(ControlEvent.objects.select_related("control_type", "profile__business"), pk=pk)
    if not staff_sees(request.user, item.control_type):
        raise Http404
    return item


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def desk_event(request, pk):
    item = _event(request, pk)
    error = None
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "checklist":
                outcomes = {
                    c.requirement_id: (
                        request.POST.get(f"o{c.requirement_id}", ""),
                        request.POST.get(f"n{c.requirement_id}", ""),
                    )
                    for c in item.checks.all()
                }
                event_services.record_checks(item, outcomes, actor=request.user)
            elif step == "act":
                event_services.issue_act(item, text=request.POST.get("text", ""), actor=request.user)
            elif step == "order":
                try:
                    due_on = date.fromisoformat(request.POST.get("due_on", ""))
                except ValueError:
                    raise ValidationError({"due_on": _("Enter a date.")}) from None
                event_services.issue_order(
                    item, text=request.POST.get("text", ""), due_on=due_on, actor=request.user
                )
            elif step == "cancel":
                event_services.cancel(item, reason=request.POST.get("reason", ""), actor=request.user)
            elif step in ("notify", "start", "close"):
                getattr(event_services, step)(item, actor=request.user)
            else:
                raise ValidationError(_("Unknown step."))
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("Done."))
            return redirect("supervision:desk_event", pk=pk)
    item.refresh_from_db()
    return render(
        request,
        "supervision/desk_event.html",
        {
            "event": item,
            "error": error,
            "checks": item.checks.select_related("requirement__act"),
            "outcomes": EventCheck.Outcome.choices,
            "history": item.history.select_related("actor"),
            "documents": item.documents.all(),
            "order": getattr(item, "order", None),
            "cost": selectors.event_cost(item),
        },
        status=422 if error else 200,
    )


@require_roles(*DESK)
@require_POST
def desk_decide(request, kind, pk):
    """One endpoint for the body's answers to the business: corrections, consultations, objections, appeals (and
    restoring a late appeal's deadline), reschedule requests, and closing an indicator task."""
    accept = request.POST.get("accept") == "1"
    note = request.POST.get("note", "")
    types = _types(request.user)
    back = "supervision:desk"
    try:
        if kind == "correction":
            obj = get_object_or_404(FactCorrection, pk=pk, control_type__in=types)
            risk.decide_correction(obj, accept=accept, note=note, actor=request.user)
        elif kind == "consultation":
            obj = get_object_or_404(Consultation, pk=pk, control_type__in=types)
            prevention.answer_consultation(obj, answer=note, actor=request.user)
        elif kind == "objection":
            obj = get_object_or_404(Objection, pk=pk, warning__control_type__in=types)
            prevention.answer_objection(obj, accept=accept, answer=note, actor=request.user)
        elif kind == "appeal":
            obj = get_object_or_404(PretrialAppeal, pk=pk, event__control_type__in=types)
            if request.POST.get("status") == "extend":
                pretrial_appeals.extend_review(obj, actor=request.user)
            else:
                pretrial_appeals.decide_appeal(
                    obj, status=request.POST.get("status", ""), decision=note, actor=request.user
                )
        elif kind == "restoration":
            obj = get_object_or_404(PretrialAppeal, pk=pk, event__control_type__in=types)
            pretrial_appeals.decide_restoration(obj, grant=accept, reason=note, actor=request.user)
        elif kind == "reschedule":
            obj = get_object_or_404(RescheduleRequest, pk=pk, event__control_type__in=types)
            event_services.decide_reschedule(obj, accept=accept, note=note, actor=request.user)
        elif kind == "incentive":
            obj = get_object_or_404(Incentive, pk=pk, control_type__in=types)
            back = "supervision:desk_incentives"
            incentives.withdraw(obj, reason=note, actor=request.user)
        elif kind == "appeal_link":
            obj = get_object_or_404(
                AppealLink.objects.filter(profile__risk_profiles__control_type__in=types).distinct(), pk=pk
            )
            back = "supervision:desk_appeal_links"
            complaints.unlink(obj, actor=request.user)
        elif kind == "task":
            obj = get_object_or_404(SupervisionTask, pk=pk, control_type__in=types, is_open=True)
            risk.close_task(obj.control_type, obj.profile, obj.kind, obj.key, request.user)
        else:
            raise Http404
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    else:
        messages.success(request, _("Done."))
    return redirect(back)


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def desk_warning(request):
    types = list(_types(request.user))
    form = WarningForm(request.POST or None, types=types)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        control_type = next(t for t in types if t.pk == data["control_type"])
        business = BusinessClient.objects.filter(inn=data["inn"].strip()).select_related("profile").first()
        requirement = Requirement.objects.select_related("act").filter(pk=data["requirement"]).first()
        if business is None or not hasattr(business, "profile"):
            form.add_error("inn", _("No business with this INN has a profile."))
        elif requirement is None:
            form.add_error("requirement", _("No such requirement."))
        else:
            try:
                item = prevention.issue_warning(
                    business.profile,
                    control_type,
                    requirement,
                    information=data["information"],
                    information_received_on=data["information_received_on"],
                    risky_actions=data["risky_actions"],
                    proposal=data["proposal"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Warning %(number)s is issued and registered.") % {"number": item.number}
                )
                return redirect("supervision:desk")
    return render(
        request, "supervision/desk_warning.html", {"form": form}, status=422 if form.errors else 200
    )


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def plan(request):
    types = list(_types(request.user))
    year = timezone.localdate().year + 1
    form = PlanForm(request.POST or None, types=types, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        control_type = next(t for t in types if t.pk == form.cleaned_data["control_type"])
        year = form.cleaned_data["year"]
        created = event_services.plan_year(control_type, year, actor=request.user)
        messages.success(
            request,
            _("Plan %(year)s: %(events)s control events and %(visits)s preventive visits added.")
            % {"year": year, **created},
        )
        return redirect(f"{request.path}?year={year}")
    shown = int(request.GET.get("year", year)) if str(request.GET.get("year", year)).isdigit() else year
    planned = selectors.planned_events(types, shown)
    return render(request, "supervision/plan.html", {"form": form, "planned": planned, "year": shown})


@require_roles(*DASHBOARD)
@require_GET
@reads_reports
def dashboard(request):
    return render(request, "supervision/dashboard.html", {"data": selectors.dashboard()})


# --- good-faith incentives ---------------------------------------------------------------------------


def _incentive_kinds(types) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for ct in types:
        for code, title in incentives.choices_for(ct):
            seen.setdefault(code, title)
    return list(seen.items())


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def desk_incentives(request):
    """Grant a good-faith incentive with a reason; the list of those in force, each with «withdraw»."""
    types = list(_types(request.user))
    form = IncentiveForm(request.POST or None, types=types, kinds=_incentive_kinds(types))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        control_type = next(t for t in types if t.pk == data["control_type"])
        business = BusinessClient.objects.filter(inn=data["inn"].strip()).select_related("profile").first()
        if business is None or not hasattr(business, "profile"):
            form.add_error("inn", _("No business with this INN has a profile."))
        else:
            try:
                item = incentives.grant(
                    business.profile,
                    control_type,
                    data["kind"],
                    reason=data["reason"],
                    valid_to=data["valid_to"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Incentive «%(kind)s» is granted to %(business)s.")
                    % {"kind": item.get_kind_display(), "business": business.name},
                )
                return redirect("supervision:desk_incentives")
    rows = selectors.granted_incentives(types)
    return render(
        request,
        "supervision/desk_incentives.html",
        {"form": form, "rows": rows, "today": timezone.localdate(), "types": types},
        status=422 if form.errors else 200,
    )


# --- the annual documents: prevention programme, law-enforcement practice summary --------------------


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def desk_programmes(request):
    types = list(_types(request.user))
    form = AnnualDocumentForm(
        request.POST or None, types=types, initial={"year": timezone.localdate().year + 1}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        control_type = next(t for t in types if t.pk == data["control_type"])
        try:
            if data["document"] == "programme":
                item = programmes.draft_programme(control_type, data["year"], actor=request.user)
                target = redirect("supervision:desk_programme", pk=item.pk)
            else:
                item = programmes.generate_summary(control_type, data["year"], actor=request.user)
                target = redirect("supervision:desk_practice", pk=item.pk)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The draft is ready."))
            return target
    programmes_, summaries = selectors.annual_documents(types)
    return render(
        request,
        "supervision/desk_programmes.html",
        {"form": form, "programmes": programmes_, "summaries": summaries},
        status=422 if form.errors else 200,
    )


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def desk_programme(request, pk):
    item = get_object_or_404(
        PreventionProgramme.objects.select_related("control_type"),
        pk=pk,
        control_type__in=_types(request.user),
    )
    form = ProgrammeForm(request.POST or None, initial={"text": item.text, "targets": item.targets})
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "edit":
                if not form.is_valid():
                    raise ValidationError(_("Correct the errors below."))
                programmes.edit_programme(item, actor=request.user, **form.cleaned_data)
            elif step == "redraft":
                programmes.draft_programme(item.control_type, item.year, actor=request.user)
            elif step == "approve":
                programmes.approve_programme(item, actor=request.user)
            elif step == "publish":
                programmes.publish_programme(item, actor=request.user)
            else:
                raise ValidationError(_("Unknown step."))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("supervision:desk_programme", pk=pk)
    item.refresh_from_db()
    return render(
        request,
        "supervision/desk_programme.html",
        {"item": item, "form": form},
        status=422 if form.errors else 200,
    )


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def desk_practice(request, pk):
    item = get_object_or_404(
        PracticeSummary.objects.select_related("control_type"), pk=pk, control_type__in=_types(request.user)
    )
    form = SummaryForm(request.POST or None, initial={"text": item.text})
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "edit":
                if not form.is_valid():
                    raise ValidationError(_("Correct the errors below."))
                programmes.edit_summary(item, text=form.cleaned_data["text"], actor=request.user)
            elif step == "regenerate":
                programmes.generate_summary(item.control_type, item.year, actor=request.user)
            elif step == "publish":
                programmes.publish_summary(item, actor=request.user)
            else:
                raise ValidationError(_("Unknown step."))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Done."))
            return redirect("supervision:desk_practice", pk=pk)
    item.refresh_from_db()
    return render(
        request,
        "supervision/desk_practice.html",
        {"item": item, "form": form},
        status=422 if form.errors else 200,
    )


# --- appeals on the portal about a business ----------------------------------------------------------


@require_roles(*DESK)
@require_http_methods(["GET", "POST"])
def desk_appeal_links(request):
    types = list(_types(request.user))
    form = AppealLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaints.link(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The appeal is linked; the business's risk profile is recomputed."))
            return redirect("supervision:desk_appeal_links")
    return render(
        request,
        "supervision/desk_appeal_links.html",
        {
            "form": form,
            "links": selectors.links_for(types)[:200],
            "suggestions": selectors.suggestions(types),
        },
        status=422 if form.errors else 200,
    )

"""Staff pages of the self-assessment, deviation requests and the needs view; every page is the staff member's
own agency's. Methodologists (and the agency's administrator) edit; analysts read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clientcentric.accounts.roles import Role
from clientcentric.appeals.models import Appeal
from clientcentric.core.access import require_roles
from clientcentric.core.forms import add_service_errors
from clientcentric.core.services import audit
from clientcentric.core.services.status import history
from clientcentric.registry.models import Need

from . import forms, report, selectors, services
from .indicators import INDICATORS, Quarter
from .models import DeviationRequest, DeviationStatus, Method, Requirement, Review, RuleProposal, Snapshot

READERS = (Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)
EDITORS = (Role.METHODOLOGIST, Role.ADMIN)
# Officials who meet clients propose deviations; inspectors work under 248-ФЗ and are out of this loop.
DEVIATION_STAFF = (Role.OPERATOR, Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)


def _agency(request):
    agency = request.user.agency
    if agency is None:
        raise PermissionDenied
    return agency


def _can_edit(user) -> bool:
    return user.role in EDITORS


def _snapshots(agency):
    return list(Snapshot.objects.filter(agency=agency).order_by("-quarter"))


@require_roles(*READERS)
@require_GET
def overview(request):
    agency = _agency(request)
    snapshots = _snapshots(agency)
    return render(
        request,
        "conformance/overview.html",
        {
            "agency": agency,
            "chapters": selectors.self_assessment(agency),
            "snapshots": snapshots,
            "can_edit": _can_edit(request.user),
            "quarter": services.last_complete_quarter(),
            "awaiting": [
                a
                for chapter in selectors.self_assessment(agency)
                for _r, a in chapter["rows"]
                if a and a.review == Review.AWAITING
            ],
        },
    )


@require_roles(*READERS)
@require_http_methods(["GET", "POST"])
def requirement(request, code):
    agency = _agency(request)
    item = get_object_or_404(Requirement, code=code)
    assessment = item.assessments.filter(agency=agency).first()
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action and not _can_edit(request.user):
        raise PermissionDenied
    attestation = forms.AttestationForm(request.POST if action == "attest" else None, prefix="a")
    indicator_initial = {
        "indicator": (assessment.indicator if assessment and assessment.indicator else item.indicator),
        "conforms_at": (
            assessment.conforms_at if assessment and assessment.conforms_at is not None else item.conforms_at
        ),
        "partly_at": (
            assessment.partly_at if assessment and assessment.partly_at is not None else item.partly_at
        ),
    }
    by_indicator = forms.IndicatorForm(
        request.POST if action == "indicator" else None, prefix="i", initial=indicator_initial
    )
    reviewing = forms.ReviewForm(request.POST if action == "review" else None, prefix="r")
    form = {"attest": attestation, "indicator": by_indicator, "review": reviewing}.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "attest":
                services.attest(
                    agency,
                    item,
                    result=data["result"],
                    statement=data["statement"],
                    gap=data["gap"],
                    owner_role=data["owner_role"],
                    due_date=data["due_date"],
                    evidence=form.evidence(),
                    actor=request.user,
                )
                messages.success(
                    request, _("The attestation is saved and waits for a second person's review.")
                )
            elif action == "indicator":
                services.measure_by_indicator(
                    agency,
                    item,
                    indicator=data["indicator"],
                    conforms_at=data["conforms_at"],
                    partly_at=data["partly_at"],
                    gap=data["gap"],
                    owner_role=data["owner_role"],
                    due_date=data["due_date"],
                    actor=request.user,
                )
                messages.success(request, _("The requirement is now measured by the indicator."))
            else:
                services.review(
                    assessment, approve=data["decision"] == "accept", note=data["note"], actor=request.user
                )
                messages.success(request, _("The review is recorded."))
        except ValidationError as error:
            if action == "attest":
                # Evidence errors name the evidence fields of the form.
                error = ValidationError(
                    {
                        {"kind": "evidence_kind", "title": "evidence_title", "url": "evidence_url"}.get(
                            k, k
                        ): v
                        for k, v in error.message_dict.items()
                    }
                    if hasattr(error, "error_dict")
                    else error.messages
                )
            add_service_errors(form, error)
        else:
            return redirect("conformance:requirement", item.code)
    status = 422 if form is not None and form.errors else 200
    definition = INDICATORS.get(assessment.indicator) if assessment and assessment.indicator else None
    return render(
        request,
        "conformance/requirement.html",
        {
            "agency": agency,
            "requirement": item,
            "assessment": assessment,
            "definition": definition,
            "evidence": assessment.evidence.all() if assessment else [],
            "entries": assessment.entries.select_related("actor") if assessment else [],
            "attestation": attestation,
            "by_indicator": by_indicator,
            "reviewing": reviewing,
            "active": action,
            "can_edit": _can_edit(request.user),
            "can_review": bool(
                assessment
                and assessment.review == Review.AWAITING
                and _can_edit(request.user)
                and assessment.assessed_by_id != request.user.pk
            ),
            "indicator_method": Method.INDICATOR,
        },
        status=status,
    )


@require_roles(*READERS)
@require_http_methods(["GET", "POST"])
def snapshots(request):
    agency = _agency(request)
    problems = []
    if request.method == "POST":
        if not _can_edit(request.user):
            raise PermissionDenied
        try:
            quarter = Quarter.parse(request.POST.get("quarter", ""))
        except ValueError:
            problems = [_("Choose a quarter.")]
        else:
            try:
                services.freeze_snapshot(agency, quarter, actor=request.user)
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    _("The self-assessment for %(quarter)s is frozen and signed.")
                    % {"quarter": report.quarter_label(quarter)},
                )
                return redirect("conformance:snapshots")
    rows = _snapshots(agency)
    trends = []
    for index, snapshot in enumerate(rows):
        previous = rows[index + 1].payload if index + 1 < len(rows) else None
        trends.append((snapshot, report.trend(snapshot.payload, previous)))
    last = services.last_complete_quarter()
    choices = [last, last.previous, last.previous.previous, last.previous.previous.previous]
    frozen = {s.quarter for s in rows}
    return render(
        request,
        "conformance/snapshots.html",
        {
            "agency": agency,
            "trends": trends,
            "choices": [(str(q), report.quarter_label(q)) for q in choices if str(q) not in frozen],
            "problems": problems,
            "can_edit": _can_edit(request.user),
        },
        status=422 if problems else 200,
    )


@require_roles(*DEVIATION_STAFF)
@require_GET
def deviations(request):
    agency = _agency(request)
    return render(
        request,
        "conformance/deviations.html",
        {
            "deviations": DeviationRequest.objects.filter(agency=agency).select_related("proposed_by"),
            "proposals": selectors.rule_proposals(agency) if _can_edit(request.user) else [],
        },
    )


@require_roles(*DEVIATION_STAFF)
@require_http_methods(["GET", "POST"])
def deviation_new(request):
    agency = _agency(request)
    form = forms.DeviationForm(request.POST or None, initial={"appeal_number": request.GET.get("appeal", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        appeal = None
        if data["appeal_number"]:
            appeal = Appeal.objects.filter(number=data["appeal_number"].strip(), executor=agency).first()
            if appeal is None:
                form.add_error("appeal_number", _("No appeal with this number among your agency's appeals."))
        if not form.errors:
            try:
                deviation = services.propose_deviation(
                    agency=agency,
                    case=data["case"],
                    client_need=data["client_need"],
                    rule=data["rule"],
                    justification=data["justification"],
                    appeal=appeal,
                    need=appeal.need if appeal else None,
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The deviation request is sent for a decision."))
                return redirect("conformance:deviation", deviation.pk)
    return render(
        request, "conformance/deviation_form.html", {"form": form}, status=422 if form.errors else 200
    )


@require_roles(*DEVIATION_STAFF)
@require_http_methods(["GET", "POST"])
def deviation(request, pk):
    agency = _agency(request)
    item = get_object_or_404(
        DeviationRequest.objects.select_related("appeal", "need", "proposed_by", "decided_by"),
        pk=pk,
        agency=agency,
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    decision = forms.DecisionForm(request.POST if action == "decide" else None, prefix="d")
    outcome = forms.OutcomeForm(request.POST if action == "complete" else None, prefix="o")
    settle = forms.DecisionForm(request.POST if action == "settle" else None, prefix="s")
    form = {"decide": decision, "complete": outcome, "settle": settle}.get(action)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "decide":
                services.decide_deviation(
                    item, approve=data["decision"] == "approve", note=data["note"], actor=request.user
                )
            elif action == "complete":
                services.complete_deviation(
                    item,
                    outcome=data["outcome"],
                    should_become_rule=data["should_become_rule"],
                    actor=request.user,
                )
            else:
                services.settle_rule_proposal(
                    item, accept=data["decision"] == "approve", note=data["note"], actor=request.user
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The deviation request is updated."))
            return redirect("conformance:deviation", item.pk)
    # The case may describe a person: a staff read of it is audited.
    audit.record(request.user, "conformance.deviation_read", item)
    user = request.user
    return render(
        request,
        "conformance/deviation.html",
        {
            "deviation": item,
            "history": history(item).order_by("-id"),
            "decision": decision,
            "outcome": outcome,
            "settle": settle,
            "can_decide": item.status == DeviationStatus.PROPOSED
            and user.role in services.DECIDERS
            and user.pk != item.proposed_by_id,
            "can_complete": item.status == DeviationStatus.APPROVED,
            "can_settle": item.rule_proposal == RuleProposal.OPEN and user.role in services.DECIDERS,
        },
        status=422 if form is not None and form.errors else 200,
    )


@require_roles(*READERS)
@require_http_methods(["GET", "POST"])
def needs(request):
    agency = _agency(request)
    order = request.GET.get("order", "demand")
    order = order if order in ("demand", "cost") else "demand"
    form = forms.NeedCostForm(request.POST or None)
    if request.method == "POST":
        if not _can_edit(request.user):
            raise PermissionDenied
        if form.is_valid():
            need = Need.objects.filter(pk=form.cleaned_data["need"]).first()
            if need is None:
                raise Http404
            try:
                services.set_need_cost(
                    agency,
                    need,
                    cost=form.cleaned_data["cost"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The cost estimate is saved."))
                return redirect(f"{request.path}?order={order}")
    return render(
        request,
        "conformance/needs.html",
        {
            "rows": selectors.needs_by_demand(agency, order=order),
            "order": order,
            "form": form,
            "can_edit": _can_edit(request.user),
        },
        status=422 if form.errors else 200,
    )

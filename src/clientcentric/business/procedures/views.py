"""Pages of the assessment procedures: the ОРВ summary report (page and PDF) with the developer's answers,
independent experts and their conclusions, the ex-post evaluation of an act and how its requirements apply."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts.roles import Role
from clientcentric.core.access import require_roles
from clientcentric.core.confirmation import Confirmation, Link, confirm
from clientcentric.core.forms import add_service_errors, error_messages
from clientcentric.core.services import audit

from .. import selectors as business_selectors
from ..models_procedures import Expert, ExpertConclusion
from . import selectors, services
from .forms import (
    AnswerForm,
    ConclusionForm,
    DecisionForm,
    EvaluationConcludeForm,
    EvaluationStartForm,
    ExpertForm,
)

DEVELOPER_STAFF = (Role.METHODOLOGIST, Role.ANALYST, Role.ADMIN)
# A developer's answer is a position of the agency: its methodologist (or an admin) gives it.
ANSWERING_STAFF = (Role.METHODOLOGIST, Role.ADMIN)
VERIFYING_STAFF = (Role.METHODOLOGIST, Role.ADMIN)
# Independent experts are people outside the agencies: any signed-in person who is not staff.
EXPERT_ROLES = (Role.CLIENT, Role.BUSINESS_REPRESENTATIVE)


def _draft_of(user, pk):
    return get_object_or_404(business_selectors.developer_drafts(user), pk=pk)


def _report_context(draft):
    today = timezone.localdate()
    return {"draft": draft, "today": today, **selectors.summary_report(draft, today)}


@require_roles(*DEVELOPER_STAFF)
@require_GET
def report(request, pk):
    draft = _draft_of(request.user, pk)
    context = _report_context(draft)
    context["can_answer"] = request.user.role in ANSWERING_STAFF
    context["answer_form"] = AnswerForm()
    return render(request, "business/procedures/report.html", context)


@require_roles(*DEVELOPER_STAFF)
@require_GET
def report_pdf(request, pk):
    import weasyprint

    draft = _draft_of(request.user, pk)
    html = render_to_string("business/procedures/report_pdf.html", _report_context(draft), request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    audit.record(request.user, "business.summary_report_printed", draft)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="summary-report-{draft.pk}.pdf"'
    return response


def _answer(request, draft, target_url, save):
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            save(**form.cleaned_data)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The answer is saved; the summary report shows it."))
    else:
        for field in form:
            for message in field.errors:
                messages.error(request, f"{field.label}: {message}")
    return redirect(target_url)


@require_roles(*ANSWERING_STAFF)
@require_POST
def answer_comment(request, pk, comment_pk):
    draft = _draft_of(request.user, pk)
    comment = get_object_or_404(draft.comments, pk=comment_pk)
    url = reverse("business:summary_report", args=[draft.pk]) + f"#comment-{comment.pk}"
    return _answer(
        request,
        draft,
        url,
        lambda **values: services.answer_comment(comment, actor=request.user, **values),
    )


@require_roles(*ANSWERING_STAFF)
@require_POST
def answer_conclusion(request, pk, conclusion_pk):
    draft = _draft_of(request.user, pk)
    conclusion = get_object_or_404(ExpertConclusion, draft=draft, pk=conclusion_pk)
    url = reverse("business:summary_report", args=[draft.pk]) + f"#conclusion-{conclusion.pk}"
    return _answer(
        request,
        draft,
        url,
        lambda **values: services.answer_conclusion(conclusion, actor=request.user, **values),
    )


# ---- independent experts ---------------------------------------------------------------------------------


@require_roles(*EXPERT_ROLES)
@require_http_methods(["GET", "POST"])
def expertise(request):
    """The expert's desk: the registration (and its verification), then the drafts open for conclusions."""
    expert = selectors.expert_of(request.user)
    initial = (
        {
            "full_name": expert.full_name,
            "accreditation_number": expert.accreditation_number,
            "accredited_on": expert.accredited_on,
            "valid_until": expert.valid_until,
        }
        if expert
        else None
    )
    form = ExpertForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.register_expert(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return confirm(
                request,
                Confirmation(
                    title=_("Your registration as an expert is sent"),
                    reference=expert.accreditation_number,
                    reference_label=_("Accreditation order number"),
                    next_steps=(
                        _("Staff check the accreditation in the Ministry of Justice's register."),
                        _("Once it is verified, you file conclusions on the drafts open for expertise."),
                    ),
                    links=(Link(_("Back to the expert's desk"), reverse("business:expertise")),),
                ),
            )
    today = timezone.localdate()
    can = services.can_conclude(expert, today)
    filed = {c.draft_id: c for c in expert.conclusions.all()} if expert else {}
    drafts = [(d, filed.get(d.pk)) for d in selectors.drafts_open_for_experts(today)] if can else []
    return render(
        request,
        "business/procedures/expertise.html",
        {"expert": expert, "form": form, "can_conclude": can, "drafts": drafts},
        status=422 if form.errors else 200,
    )


@require_roles(*EXPERT_ROLES)
@require_http_methods(["GET", "POST"])
def expertise_draft(request, pk):
    expert = selectors.expert_of(request.user)
    today = timezone.localdate()
    if not services.can_conclude(expert, today):
        messages.error(
            request, _("Only an expert whose accreditation is verified and valid files conclusions.")
        )
        return redirect("business:expertise")
    draft = get_object_or_404(selectors.drafts_open_for_experts(today), pk=pk)
    mine = ExpertConclusion.objects.filter(draft=draft, expert=expert).first()
    initial = {"factors": mine.factors, "text": mine.text, "proposals": mine.proposals} if mine else None
    form = ConclusionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conclusion = services.file_conclusion(draft, expert, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return confirm(
                request,
                Confirmation(
                    title=_("Your conclusion is filed"),
                    reference=conclusion.reference,
                    reference_label=_("Conclusion number"),
                    next_steps=(
                        _(
                            "%(developer)s, the developer of the draft, answers it; the answer is published with the draft."
                        )
                        % {"developer": draft.developer.name},
                        _("The conclusion goes into the draft's summary report."),
                    ),
                    links=(Link(_("Back to the expert's desk"), reverse("business:expertise")),),
                ),
            )
    return render(
        request,
        "business/procedures/expertise_draft.html",
        {"draft": draft, "form": form, "mine": mine},
        status=422 if form.errors else 200,
    )


@require_roles(*VERIFYING_STAFF)
@require_GET
def experts(request):
    return render(
        request,
        "business/procedures/experts.html",
        {
            "pending": selectors.pending_experts(),
            "decided": selectors.decided_experts(),
            "form": DecisionForm(),
        },
    )


@require_roles(*VERIFYING_STAFF)
@require_POST
def expert_decide(request, pk):
    expert = get_object_or_404(Expert, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_expert(expert, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The decision is saved."))
    else:
        messages.error(request, _("Choose the decision."))
    return redirect("business:experts")


# ---- acts: ex-post evaluation and how requirements apply -----------------------------------------------


@require_roles(*DEVELOPER_STAFF)
@require_http_methods(["GET", "POST"])
def evaluation(request, pk):
    act = get_object_or_404(business_selectors.developer_acts(request.user), pk=pk)
    current = selectors.evaluations_of(act).filter(concluded_at__isnull=True).first()
    start_form = EvaluationStartForm(request.POST if "start" in request.POST else None)
    conclude_form = EvaluationConcludeForm(request.POST if "conclude" in request.POST else None)
    evidence = selectors.evaluation_evidence(act, current)
    if request.method == "POST" and request.user.role not in ANSWERING_STAFF:
        messages.error(
            request, _("Only a methodologist of the developing agency starts or concludes an evaluation.")
        )
        return redirect("business:evaluation", pk=act.pk)
    if "start" in request.POST and start_form.is_valid():
        try:
            services.start_evaluation(act, actor=request.user, **start_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(start_form, error)
        else:
            messages.success(request, _("The evaluation is started."))
            return redirect("business:evaluation", pk=act.pk)
    if "conclude" in request.POST and current and conclude_form.is_valid():
        try:
            services.conclude_evaluation(
                current,
                evidence=selectors.evidence_snapshot(evidence),
                actor=request.user,
                **conclude_form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(conclude_form, error)
        else:
            messages.success(request, _("The evaluation is concluded; its evidence is kept with it."))
            return redirect("business:evaluation", pk=act.pk)
    form = conclude_form if current else start_form
    return render(
        request,
        "business/procedures/evaluation.html",
        {
            "act": act,
            "current": current,
            "past": selectors.evaluations_of(act).filter(concluded_at__isnull=False),
            "evidence": evidence,
            "form": form,
            "can_edit": request.user.role in ANSWERING_STAFF,
            "min_cell": business_selectors.min_cell(),
        },
        status=422 if form.errors else 200,
    )

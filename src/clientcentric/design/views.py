"""Design pages: projects through their stages, audience tests with their summary, and the research panel."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clientcentric.accounts.roles import Role
from clientcentric.core.access import require_roles
from clientcentric.core.forms import add_service_errors, error_messages
from clientcentric.registry.models import Segment

from . import forms, selectors, services, workflow
from .models import AudienceTest, DesignProject, PanelMember, Participation, Stage, Variant

DESIGNERS = (Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)
# Analysts read projects and record test results; the content of a project is a methodologist's to edit.
EDITORS = (Role.METHODOLOGIST, Role.ADMIN)


def _can_edit(user) -> bool:
    return user.role in EDITORS or user.is_superuser


@require_roles(*DESIGNERS)
@require_GET
def projects(request):
    return render(
        request,
        "design/projects.html",
        {
            "projects": DesignProject.objects.select_related("segment", "service"),
            "stages": Stage,
            "can_edit": _can_edit(request.user),
        },
    )


@require_roles(*DESIGNERS)
@require_http_methods(["GET", "POST"])
def project(request, pk):
    project_ = get_object_or_404(
        DesignProject.objects.select_related("segment", "service", "life_situation"), pk=pk
    )
    problems = []
    if request.method == "POST":
        try:
            services.advance(
                project_, request.POST.get("stage", ""), actor=request.user, note=request.POST.get("note", "")
            )
        except ValidationError as error:
            problems = error_messages(error)
        else:
            messages.success(request, _("The project moved to the next stage."))
            return redirect("design:project", project_.pk)
    next_stages = [
        (stage, Stage(stage).label, services.gate_problems(project_, stage))
        for stage in workflow.allowed_next(project_)
    ]
    return render(
        request,
        "design/project.html",
        {
            "project": project_,
            "stages": [(value, label, value == project_.stage) for value, label in Stage.choices],
            "next_stages": next_stages,
            "matrix": services.assessment_matrix(project_),
            "tests": project_.tests.select_related("segment"),
            "history": project_.stage_changes.select_related("actor"),
            "recommendations": project_.recommendations.select_related("need"),
            "monitoring": selectors.monitoring(project_),
            "problems": problems,
            "can_edit": _can_edit(request.user),
        },
    )


@require_roles(*EDITORS)
@require_http_methods(["GET", "POST"])
def project_edit(request, pk=None):
    """A project's description, scenarios of the preparation stage and assessment criteria (not its stage)."""
    project_ = get_object_or_404(DesignProject, pk=pk) if pk else DesignProject(created_by=request.user)
    initial_criteria = project_.criteria or []
    form = forms.ProjectForm(
        request.POST or None, instance=project_, initial={"needs": project_.needs.all() if pk else []}
    )
    criteria = forms.CriteriaFormSet(
        request.POST or None,
        initial=initial_criteria,
        prefix="criteria",
        # Every posted row is read, also one equal to its initial value (blank rows are ignored by the form).
        form_kwargs={"empty_permitted": False},
    )
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        project_ = form.instance  # filled from the form by is_valid(); the service saves it
        project_.criteria = criteria.criteria()
        try:
            services.save_project(project_, needs=form.cleaned_data["needs"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The design project is saved."))
            return redirect("design:project", project_.pk)
    return render(
        request,
        "design/project_form.html",
        {"form": form, "criteria": criteria, "project": project_ if pk else None},
        status=422 if request.method == "POST" else 200,
    )


@require_roles(*EDITORS)
@require_http_methods(["GET", "POST"])
def variant_edit(request, project_pk, pk=None):
    """A row of the assessment matrix: the variant and its score on each criterion of the project."""
    project_ = get_object_or_404(DesignProject, pk=project_pk)
    variant = get_object_or_404(Variant, pk=pk, project=project_) if pk else Variant(project=project_)
    if request.method == "POST" and request.POST.get("action") == "delete" and variant.pk:
        services.delete_variant(variant, actor=request.user)
        messages.success(request, _("The variant is deleted."))
        return redirect("design:project", project_.pk)
    form = forms.VariantForm(request.POST or None, instance=variant, project=project_)
    if request.method == "POST" and form.is_valid():
        variant = form.instance
        variant.scores = form.scores()
        try:
            services.save_variant(variant, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The variant is saved."))
            return redirect("design:project", project_.pk)
    return render(
        request,
        "design/variant_form.html",
        {"form": form, "project": project_, "variant": variant if variant.pk else None},
        status=422 if request.method == "POST" else 200,
    )


@require_roles(*EDITORS)
@require_http_methods(["GET", "POST"])
def test_edit(request, project_pk, pk=None):
    """An audience test's target segment, success criteria and tasks; a completed test is not edited."""
    project_ = get_object_or_404(DesignProject, pk=project_pk)
    test_ = (
        get_object_or_404(AudienceTest, pk=pk, project=project_)
        if pk
        else AudienceTest(project=project_, segment=project_.segment)
    )
    if test_.completed_at is not None:
        messages.error(request, _("A completed test cannot be changed."))
        return redirect("design:test", test_.pk)
    form = forms.AudienceTestForm(request.POST or None, instance=test_)
    if request.method == "POST" and form.is_valid():
        test_ = form.instance
        try:
            services.save_test(test_, tasks=form.task_list(), actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The audience test is saved."))
            return redirect("design:test", test_.pk)
    return render(
        request,
        "design/test_form.html",
        {"form": form, "project": project_, "test": test_ if test_.pk else None},
        status=422 if request.method == "POST" else 200,
    )


@require_roles(*DESIGNERS)
@require_http_methods(["GET", "POST"])
def test(request, pk):
    test_ = get_object_or_404(AudienceTest.objects.select_related("project", "segment"), pk=pk)
    problems = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "recruit":
                member = get_object_or_404(PanelMember, pk=request.POST.get("member"))
                services.add_participant(test_, member, actor=request.user)
            elif action == "results":
                _record(request, test_)
            elif action == "complete":
                services.complete_test(test_, actor=request.user)
            messages.success(request, _("Saved."))
            return redirect("design:test", test_.pk)
        except (ValidationError, ValueError) as error:
            problems = error_messages(error) if isinstance(error, ValidationError) else [str(error)]
    summary, summary_problem = None, ""
    try:
        summary = services.summarize(test_)
    except ValidationError as error:
        summary_problem = " ".join(error.messages)
    participants = test_.participations.select_related("member__person").prefetch_related("results")
    return render(
        request,
        "design/test.html",
        {
            "test": test_,
            "tasks": list(test_.tasks.all()),
            "participants": participants,
            "candidates": PanelMember.objects.filter(withdrawn_at__isnull=True, segments=test_.segment)
            .exclude(participation__test=test_)
            .select_related("person"),
            "summary": summary,
            "summary_problem": summary_problem,
            "problems": problems,
            "sus_items": range(1, 11),
            "can_edit": _can_edit(request.user),
        },
    )


def _record(request, test_):
    participation = get_object_or_404(Participation, pk=request.POST.get("participation"), test=test_)
    results = []
    for task in test_.tasks.all():
        seconds = request.POST.get(f"seconds-{task.pk}", "").strip()
        if not seconds:
            continue
        try:
            seconds_value = float(seconds.replace(",", "."))
            errors_value = int(request.POST.get(f"errors-{task.pk}", "0") or 0)
        except ValueError:
            raise ValidationError(
                _("Task «%(task)s»: time and errors must be numbers.") % {"task": task.text}
            ) from None
        if seconds_value < 0 or errors_value < 0:
            raise ValidationError(
                _("Task «%(task)s»: time and errors cannot be negative.") % {"task": task.text}
            )
        results.append((task, request.POST.get(f"success-{task.pk}") == "on", seconds_value, errors_value))
    sus = [request.POST.get(f"sus-{i}", "").strip() for i in range(1, 11)]
    sus_answers = None
    if any(sus):
        if not all(value.isdigit() for value in sus):
            raise ValidationError(_("SUS needs ten answers, each 1…5."))
        sus_answers = [int(value) for value in sus]
    effort = request.POST.get("effort", "").strip()
    if effort and not effort.isdigit():
        raise ValidationError(_("Effort is a whole number 1…7."))
    services.record_results(
        participation,
        results=results,
        sus_answers=sus_answers,
        effort=int(effort) if effort else None,
        actor=request.user,
    )


@require_roles()
@require_http_methods(["GET", "POST"])
def panel(request):
    member = PanelMember.objects.filter(person=request.user).first()
    if request.method == "POST":
        if request.POST.get("action") == "withdraw":
            services.withdraw_from_panel(request.user)
            messages.success(request, _("You have left the research panel. Thank you for your help."))
        else:
            segments = Segment.objects.filter(code__in=request.POST.getlist("segments"))
            services.join_panel(request.user, segments=segments)
            messages.success(request, _("Thank you! We will invite you to test new services."))
        return redirect("design:panel")
    return render(
        request,
        "design/panel.html",
        {
            "member": member,
            "segments": Segment.objects.all(),
            "chosen": set(member.segments.values_list("code", flat=True)) if member else set(),
        },
    )

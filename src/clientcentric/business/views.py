"""Pages of «Государство для бизнеса»: the personal list, assessments, costs, consultations, summaries."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts.models import BusinessClient
from clientcentric.accounts.roles import Role
from clientcentric.core.access import public, require_roles

from . import selectors, services
from .forms import AssessmentForm, DraftCommentForm, HourlyRateForm, ObjectForm, ProfileForm
from .models import BusinessProfile, ControlObject, Draft, Requirement

BUSINESS = Role.BUSINESS_REPRESENTATIVE
DEVELOPER_STAFF = (Role.METHODOLOGIST, Role.ANALYST, Role.ADMIN)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _profile_or_none(request):
    return selectors.profile_for(request.user)


@require_roles(BUSINESS)
@require_GET
def home(request):
    profile = _profile_or_none(request)
    if profile is None:
        return redirect("business:profile")
    result = selectors.personal_list(profile)
    report = selectors.cost_report(profile, result.applies)
    groups = result.by_act()
    # One act's items at a time: a full list runs to a thousand rows.
    chosen = request.GET.get("act", "")
    shown = next((act.pk for act, _e in groups if str(act.pk) == chosen), groups[0][0].pk if groups else None)
    return render(
        request,
        "business/home.html",
        {
            "profile": profile,
            "list": result,
            "cost": report,
            "groups": groups,
            "shown": shown,
            "show_unknown": request.GET.get("unknown") == "1",
        },
    )


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def profile(request):
    current = _profile_or_none(request)
    if current is None and not request.user.represents.filter(business__isnull=False).exists():
        return render(request, "business/no_business.html")
    initial = ProfileForm.initial_from(current) if current else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        business = (
            current.business
            if current
            else request.user.represents.filter(business__isnull=False).first().business
        )
        business.name, business.kind, business.inn = data["name"], data["kind"], data["inn"].strip()
        target = current or BusinessProfile(business=business)
        target.ogrn, target.okved, target.size = data["ogrn"], data["okved"], data["size"]
        target.region, target.employees = data["region"].strip(), data["employees"]
        target.works_at_height, target.objects_complete = data["works_at_height"], data["objects_complete"]
        try:
            with transaction.atomic():
                services.save_business_with_profile(business, target, actor=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The profile is saved; your list is rebuilt from it."))
            return redirect("business:profile")
    objects = current.control_objects.all() if current else []
    return render(
        request,
        "business/profile.html",
        {
            "form": form,
            "profile": current,
            "objects": objects,
            "object_form": ObjectForm(),
            "kinds": BusinessClient.Kind,
        },
    )


@require_roles(BUSINESS)
@require_POST
def object_add(request):
    profile = _profile_or_none(request)
    if profile is None:
        return redirect("business:profile")
    form = ObjectForm(request.POST)
    if form.is_valid():
        obj = form.save(commit=False)
        obj.profile = profile
        try:
            services.save_object(obj, actor=request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The object is added."))
            return redirect("business:profile")
    return render(
        request,
        "business/profile.html",
        {
            "form": ProfileForm(initial=ProfileForm.initial_from(profile)),
            "profile": profile,
            "objects": profile.control_objects.all(),
            "object_form": form,
        },
        status=422,
    )


@require_roles(BUSINESS)
@require_POST
def object_delete(request, pk):
    profile = _profile_or_none(request)
    obj = get_object_or_404(ControlObject, pk=pk, profile=profile)
    services.delete_object(obj, actor=request.user)
    messages.success(request, _("The object is removed."))
    return redirect("business:profile")


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def requirement(request, pk):
    profile = _profile_or_none(request)
    if profile is None:
        return redirect("business:profile")
    item = get_object_or_404(Requirement.objects.select_related("act"), pk=pk)
    candidates = selectors.candidates_for(item)
    assessment = profile.assessments.filter(requirement=item).first()
    form = AssessmentForm(request.POST or None, instance=assessment, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "other_item"}
        try:
            services.save_assessment(profile, item, actor=request.user, **values)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Thank you: your assessment is saved."))
            return redirect("business:requirement", pk=item.pk)
    fact_values = selectors.business_facts_of(profile)
    texts = [t for t in (item.act.scope_rule, item.applicability_rule) if t]
    return render(
        request,
        "business/requirement.html",
        {
            "item": item,
            "form": form,
            "candidates": candidates,
            "reasons": [pair for text in texts for pair in selectors.explain(text, fact_values)],
            "rules": texts,
        },
        status=422 if form.errors else 200,
    )


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def cost(request):
    profile = _profile_or_none(request)
    if profile is None:
        return redirect("business:profile")
    form = HourlyRateForm(request.POST or None, initial={"hourly_rate": profile.hourly_rate})
    if request.method == "POST" and form.is_valid():
        services.set_hourly_rate(profile, form.cleaned_data["hourly_rate"], actor=request.user)
        messages.success(request, _("The hourly rate is changed; the costs are recomputed."))
        return redirect("business:cost")
    result = selectors.personal_list(profile)
    report = selectors.cost_report(profile, result.applies)
    entries = {e.requirement["id"]: e for e in result.applies}
    lines = sorted(report.lines, key=lambda line: -line.yearly)
    return render(
        request,
        "business/cost.html",
        {"form": form, "report": report, "lines": [(line, entries[line.requirement]) for line in lines]},
    )


@require_roles(BUSINESS)
@require_GET
def consultations(request):
    profile = _profile_or_none(request)
    if profile is None:
        return redirect("business:profile")
    return render(
        request,
        "business/consultations.html",
        {"feed": selectors.drafts_for(profile), "today": timezone.localdate()},
    )


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def draft(request, pk):
    profile = _profile_or_none(request)
    if profile is None:
        return redirect("business:profile")
    item = get_object_or_404(Draft.objects.select_related("developer"), pk=pk)
    mine = item.comments.filter(profile=profile).first()
    form = DraftCommentForm(
        request.POST or None, initial={"rating": mine.rating, "text": mine.text} if mine else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_on_draft(item, profile, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your comment is sent to the developer of the draft."))
            return redirect("business:draft", pk=item.pk)
    today = timezone.localdate()
    return render(
        request,
        "business/draft.html",
        {"draft": item, "form": form, "open": item.opens_on <= today <= item.closes_on},
        status=422 if form.errors else 200,
    )


@require_roles(*DEVELOPER_STAFF)
@require_GET
def draft_summary(request, pk):
    item = get_object_or_404(Draft.objects.select_related("developer"), pk=pk)
    return render(request, "business/draft_summary.html", {"draft": item, **selectors.draft_summary(item)})


@public
@require_GET
def summary(request):
    return render(
        request,
        "business/summary.html",
        {
            "acts": selectors.summary_by_act(),
            "flagged": selectors.flagged_pairs(),
            "burden": selectors.cost_burden(),
            "hardest": selectors.hardest_items(),
            "min_cell": selectors.min_cell(),
        },
    )

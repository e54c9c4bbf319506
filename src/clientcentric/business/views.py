"""Pages of «Государство для бизнеса»: the personal list, assessments, costs, consultations, summaries."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts import selectors as representation
from clientcentric.accounts.models import BusinessClient
from clientcentric.accounts.roles import Role
from clientcentric.core import formats
from clientcentric.core.access import public, require_roles
from clientcentric.core.confirmation import Confirmation, Link, confirm
from clientcentric.core.forms import add_service_errors
from clientcentric.core.services import audit
from clientcentric.core.tabular import safe_row, safe_rows
from clientcentric.engines.requirements import wording

from . import applicability, charts, selectors, services
from .forms import AssessmentForm, DraftCommentForm, ObjectForm, ProfileForm
from .models import BusinessProfile, ControlObject, Draft, Requirement, SizeCategory
from .procedures import validity

BUSINESS = Role.BUSINESS_REPRESENTATIVE
DEVELOPER_STAFF = (Role.METHODOLOGIST, Role.ANALYST, Role.ADMIN)


def _profile_or_none(request):
    return selectors.profile_for(request.user)


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def profile(request):
    current = _profile_or_none(request)
    # Only a representation in force today: an expired one no longer opens (or edits) the business.
    business = current.business if current else representation.businesses_of(request.user).first()
    if business is None:
        return render(request, "business/no_business.html")
    initial = ProfileForm.initial_from(current) if current else {}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        business.name, business.kind, business.inn = data["name"], data["kind"], data["inn"].strip()
        target = current or BusinessProfile(business=business)
        target.ogrn, target.okved, target.size = data["ogrn"], data["okved"], data["size"]
        target.region, target.employees = data["region"].strip(), data["employees"]
        target.registered_on = data["registered_on"]
        target.works_at_height, target.objects_complete = data["works_at_height"], data["objects_complete"]
        target.multistorey_glazing = data["multistorey_glazing"]
        try:
            with transaction.atomic():
                services.save_business_with_profile(business, target, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
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
        obj = form.instance
        obj.profile = profile
        try:
            services.save_object(obj, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
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
            add_service_errors(form, error)
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
            "why": applicability.why(texts, fact_values),
            "what_to_do": wording.what_to_do(item.text),
        },
        status=422 if form.errors else 200,
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
            comment = services.comment_on_draft(item, profile, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            closes = formats.date(item.closes_on)
            return confirm(
                request,
                Confirmation(
                    title=_("Your comment is sent"),
                    reference=comment.reference,
                    reference_label=_("Comment number"),
                    next_steps=(
                        _("%(developer)s, the developer of the draft, reads it.")
                        % {"developer": item.developer.name},
                        _(
                            "Comments are accepted until %(date)s; until then you can change yours on the draft's page."
                        )
                        % {"date": closes},
                    ),
                    links=(Link(_("Back to the draft"), reverse("business:draft", args=[item.pk])),),
                ),
            )
    today = timezone.localdate()
    return render(
        request,
        "business/draft.html",
        {"draft": item, "form": form, "open": item.opens_on <= today <= item.closes_on},
        status=422 if form.errors else 200,
    )


def _developed(model_queryset, pk):
    """The act or draft `pk` if the person may read its results (its developer's staff, an admin); else 404."""
    return get_object_or_404(model_queryset, pk=pk)


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """CSV for a spreadsheet: UTF-8 with a byte order mark (Excel reads Cyrillic then), semicolons."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(safe_row(header))
    writer.writerows(safe_rows(rows))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _number(value) -> str:
    return "" if value is None else str(value).replace(".", ",")


@require_roles(*DEVELOPER_STAFF)
@require_GET
def developer(request):
    """The developer's desk: its acts and drafts with what businesses said about them."""
    rows = validity.desk_rows(
        selectors.developer_acts(request.user).annotate(items_count=Count("requirements")),
        timezone.localdate(),
    )
    return render(
        request,
        "business/developer.html",
        {
            "acts": selectors.developer_acts(request.user).order_by("code"),
            "validity": rows,
            "lacking": [row for row in rows if row["lacks_elements"]],
            "can_adopt": request.user.has_perm("business.change_act"),
            "drafts": selectors.developer_drafts(request.user),
            "agency": request.user.agency,
            "is_admin": request.user.role == Role.ADMIN,
        },
    )


@require_roles(*DEVELOPER_STAFF)
@require_POST
def act_adopt(request, pk):
    """The developer adopts a draft act: refused, each missing element of article 10 of 247-ФЗ said, until all are."""
    act = _developed(selectors.developer_acts(request.user), pk)
    if not request.user.has_perm("business.change_act"):
        raise PermissionDenied
    try:
        services.adopt_act(act, actor=request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("«%(act)s» cannot be adopted yet: article 10 of 247-FZ asks for what it lacks.") % {"act": act},
        )
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("«%(act)s» is adopted: every element of article 10 is stated.") % {"act": act}
        )
    return redirect(reverse("business:developer") + "#validity")


@require_roles(*DEVELOPER_STAFF)
@require_GET
def act_results(request, pk):
    act = _developed(selectors.developer_acts(request.user), pk)
    data = selectors.act_summary(act)
    return render(
        request,
        "business/act_results.html",
        {"act": act, "min_cell": selectors.min_cell(), **data, **charts.act_charts(act, data)},
    )


@require_roles(*DEVELOPER_STAFF)
@require_GET
def act_results_export(request, pk):
    act = _developed(selectors.developer_acts(request.user), pk)
    rows = selectors.act_summary(act)["items"]
    audit.record(request.user, "business.act_results_exported", act, rows=len(rows))
    return _csv_response(
        f"results-{act.pk}.csv",
        [
            _("act"),
            _("item"),
            _("businesses"),
            _("hidden: fewer than the minimum"),
            _("mean clarity"),
            _("mean feasibility"),
            _("confirmed"),
            _("disputed"),
            _("flagged as duplicate"),
            _("flagged as contradiction"),
        ],
        (
            [
                row["act"],
                row["label"],
                row["businesses"],
                _("yes") if row["suppressed"] else _("no"),
                _number(row["clarity_mean"]),
                _number(row["feasibility_mean"]),
                _number(row["confirmed"]),
                _number(row["disputed"]),
                _number(row["duplicate"]),
                _number(row["contradiction"]),
            ]
            for row in rows
        ),
    )


@require_roles(*DEVELOPER_STAFF)
@require_GET
def act_dataset_export(request, pk):
    act = _developed(selectors.developer_acts(request.user), pk)
    rows = selectors.anonymised_dataset([act.pk])
    audit.record(request.user, "business.act_dataset_exported", act, rows=len(rows))
    sizes = dict(SizeCategory.choices)
    return _csv_response(
        f"dataset-{act.pk}.csv",
        [
            _("act"),
            _("item"),
            _("size category"),
            _("businesses"),
            _("mean clarity"),
            _("mean feasibility"),
            _("share disputing"),
        ],
        (
            [
                row["act"],
                row["item_no"],
                str(sizes.get(row["size"], row["size"])),
                row["businesses"],
                _number(row["clarity_mean"]),
                _number(row["feasibility_mean"]),
                _number(row["disputed_share"]),
            ]
            for row in rows
        ),
    )


@require_roles(*DEVELOPER_STAFF)
@require_GET
def draft_summary(request, pk):
    item = _developed(selectors.developer_drafts(request.user), pk)
    data = selectors.draft_summary(item)
    return render(
        request,
        "business/draft_summary.html",
        {"draft": item, **data, **charts.ratings_chart(item, data)},
    )


@require_roles(*DEVELOPER_STAFF)
@require_GET
def draft_summary_export(request, pk):
    item = _developed(selectors.developer_drafts(request.user), pk)
    data = selectors.draft_summary(item)
    audit.record(request.user, "business.draft_comments_exported", item, rows=data["count"])
    return _csv_response(
        f"consultation-{item.pk}.csv",
        [_("support (1–5)"), _("comment"), _("size category"), _("written")],
        (
            [c.rating, c.text, c.profile.get_size_display(), formats.numeric_date(c.created_at)]
            for c in data["comments"]
        ),
    )


@public
@require_GET
def summary(request):
    acts, burden, hardest = selectors.summary_by_act(), selectors.cost_burden(), selectors.hardest_items()
    return render(
        request,
        "business/summary.html",
        {
            "acts": acts,
            "flagged": selectors.flagged_pairs(),
            "burden": burden,
            "hardest": hardest,
            "min_cell": selectors.min_cell(),
            "acts_svg": charts.acts_scores_svg(acts),
            "hardest_svg": charts.hardest_items_svg(hardest),
            "burden_svg": charts.burden_svg(burden),
        },
    )

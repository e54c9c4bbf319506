"""Research pages: evidence and its import, segment hypotheses, journey maps, needs, and public study pages."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts.roles import Role
from clientcentric.core.access import public, require_roles
from clientcentric.core.databases import reads_reports
from clientcentric.core.forms import error_messages
from clientcentric.registry.models import FaqEntry, LifeSituation, Need, NeedStatus, Segment

from . import clustering, importing, proposals, rendering, segmentation, selectors, services
from .models import (
    EvidenceDataset,
    EvidenceKind,
    EvidenceUpload,
    JourneyMap,
    NeedStatusProposal,
    SegmentHypothesis,
    Study,
)

RESEARCHERS = (Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)


@require_roles(*RESEARCHERS)
@require_GET
@reads_reports
def home(request):
    by = request.GET.get("by", "topic")
    situation = LifeSituation.objects.filter(code=request.GET.get("life_situation", "")).first()
    return render(
        request,
        "research/home.html",
        {
            "by": by if by in selectors.GROUPINGS else "topic",
            "groupings": selectors.GROUPINGS,
            "situation": situation,
            "situations": LifeSituation.objects.all(),
            "rows": selectors.evidence_aggregates(by, life_situation=situation),
            "datasets": EvidenceDataset.objects.all()[:20],
            "maps": JourneyMap.objects.select_related("segment", "life_situation"),
            "studies": Study.objects.all()[:20],
            "needs": Need.objects.filter(appeals__isnull=False).distinct()[:50],
        },
    )


@require_roles(*RESEARCHERS)
@require_GET
@reads_reports
def evidence_appeals(request):
    return render(
        request,
        "research/evidence_appeals.html",
        {
            "appeals": selectors.evidence_appeals(request.GET),
            "filters": selectors.evidence_filters(request.GET),
        },
    )


@require_roles(*RESEARCHERS)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    problems = []
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            problems.append(_("Choose a CSV or XLSX file."))
        else:
            try:
                saved = services.upload_evidence(file.read(), file.name, actor=request.user)
            except ValidationError as error:
                problems = error_messages(error)
            else:
                return redirect("research:import_map", saved.pk)
    return render(request, "research/import_upload.html", {"problems": problems})


@require_roles(*RESEARCHERS)
@require_http_methods(["GET", "POST"])
def import_map(request, pk):
    saved = get_object_or_404(EvidenceUpload, pk=pk)
    mapping = {h: request.POST.get(f"map-{i}", "") for i, h in enumerate(saved.headers)}
    context = {
        "upload": saved,
        "columns": [(i, h, mapping.get(h, "")) for i, h in enumerate(saved.headers)],
        "fields": importing.FIELDS,
        "ignore": importing.IGNORE,
        "extra": importing.EXTRA,
        "kinds": EvidenceKind.choices,
        "title": request.POST.get("title", saved.name),
        "kind": request.POST.get("kind", EvidenceKind.STATISTICS),
        "source": request.POST.get("source", ""),
    }
    if request.method == "POST":
        try:
            if request.POST.get("action") == "import":
                kind = context["kind"] if context["kind"] in EvidenceKind.values else EvidenceKind.STATISTICS
                report = services.import_evidence_upload(
                    saved,
                    mapping,
                    title=context["title"],
                    kind=kind,
                    source=context["source"],
                    actor=request.user,
                )
                if report.ok:
                    messages.success(
                        request, _("Imported %(n)s rows.") % {"n": report.created[importing.KIND]}
                    )
                    return redirect("research:home")
            else:
                report = importing.preview(saved, mapping)
            context["report"] = report
        except ValidationError as error:
            context["fatal"] = error_messages(error)
    return render(request, "research/import_map.html", context)


@require_roles(*RESEARCHERS)
@require_http_methods(["GET", "POST"])
@reads_reports
def segments(request):
    problems = []
    if request.method == "POST":
        try:
            conditions = json.loads(request.POST.get("conditions") or "[]")
        except json.JSONDecodeError as error:
            problems.append(_("The conditions are not valid JSON: %(error)s") % {"error": error})
        else:
            hypothesis = SegmentHypothesis(
                name=request.POST.get("name", "").strip(),
                conditions=conditions,
                origin=request.POST.get("origin") or SegmentHypothesis.Origin.ANALYST,
                rationale=request.POST.get("rationale", ""),
                segment_id=_segment_id(request.POST.get("segment")),
            )
            try:
                services.save_hypothesis(hypothesis, actor=request.user)
            except ValidationError as error:
                problems = error_messages(error)
            else:
                messages.success(request, _("Segment hypothesis saved."))
                return redirect("research:segments")
    hypotheses = [
        (h, segmentation.describe(h.conditions), segmentation.size(h.conditions))
        for h in SegmentHypothesis.objects.select_related("segment")
    ]
    suggestions = []
    if request.GET.get("suggest"):
        suggestions = clustering.non_user_suggestions() + clustering.cluster_appeals()

    return render(
        request,
        "research/segments.html",
        {
            "hypotheses": hypotheses,
            "suggestions": [(s, json.dumps(s.conditions, ensure_ascii=False)) for s in suggestions],
            "suggested": bool(request.GET.get("suggest")),
            "problems": problems,
            "registry_segments": Segment.objects.all(),
            "fields": segmentation.FIELDS,
            "posted": request.POST,
        },
    )


def _segment_id(value):
    return Segment.objects.filter(code=value).values_list("pk", flat=True).first() if value else None


def _pain_counts(points) -> dict[int, int]:
    counts: dict[int, int] = {}
    for point in points:
        if point.stage_position is not None:
            counts[point.stage_position] = counts.get(point.stage_position, 0) + 1
    return counts


def _map_or_404(pk) -> JourneyMap:
    return get_object_or_404(
        JourneyMap.objects.select_related("segment", "life_situation").prefetch_related("stages"), pk=pk
    )


@require_roles(*RESEARCHERS)
@require_http_methods(["GET", "POST"])
@reads_reports
def journey_map(request, pk):
    current = _map_or_404(pk)
    if request.method == "POST" and request.POST.get("action") == "start_to_be":
        to_be = services.start_to_be(current, actor=request.user)
        return redirect("research:journey_map", to_be.pk)
    as_is = current.as_is if current.version == JourneyMap.Version.TO_BE else current
    to_be = JourneyMap.objects.filter(as_is=as_is).first() if as_is else None
    evidence, points = selectors.journey_map_evidence(as_is)
    versions = []
    for version in (as_is, to_be):
        if version is None:
            continue
        counts = _pain_counts(points) if version.version == JourneyMap.Version.AS_IS else {}
        versions.append((version, rendering.svg(version, counts)))
    return render(
        request,
        "research/journey_map.html",
        {
            "map": current,
            "as_is": as_is,
            "to_be": to_be,
            "versions": versions,
            "evidence": evidence,
            "points": points,
        },
    )


@require_roles(*RESEARCHERS)
@require_GET
def journey_map_image(request, pk, fmt):
    current = _map_or_404(pk)
    counts = {}
    if current.version == JourneyMap.Version.AS_IS:
        counts = _pain_counts(selectors.journey_map_evidence(current)[1])
    svg_text = rendering.svg(current, counts)
    name = f"journey-map-{current.pk}-{current.version}"
    if fmt == "svg":
        response = HttpResponse(svg_text, content_type="image/svg+xml; charset=utf-8")
    elif fmt == "png":
        response = HttpResponse(rendering.png(svg_text), content_type="image/png")
    elif fmt == "pdf":
        response = HttpResponse(rendering.pdf(svg_text), content_type="application/pdf")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_roles(*RESEARCHERS)
@require_http_methods(["GET", "POST"])
@reads_reports
def need(request, code):
    need_ = get_object_or_404(Need, code=code)
    problems = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "recommend":
                project = selectors.design_projects().filter(pk=request.POST.get("project") or None).first()
                services.add_recommendation(
                    need_, request.POST.get("text", ""), design_project=project, actor=request.user
                )
                messages.success(request, _("Recommendation added."))
            else:
                faq = FaqEntry.objects.filter(code=request.POST.get("faq", "")).first()
                services.change_need_status(
                    need_,
                    status=request.POST.get("status", ""),
                    reason=request.POST.get("reason", ""),
                    faq=faq,
                    evidence_note=request.POST.get("evidence_note", ""),
                    actor=request.user,
                )
                messages.success(request, _("The need's status and its public reason are saved."))
            return redirect("research:need", need_.code)
        except ValidationError as error:
            problems = error_messages(error)
    return render(
        request,
        "research/need.html",
        {
            "need": need_,
            "evidence": selectors.need_evidence(need_),
            "statuses": NeedStatus.choices,
            "faqs": FaqEntry.objects.all(),
            "projects": selectors.design_projects(),
            "recommendations": need_.recommendations.select_related("design_project", "study"),
            "proposal": need_.status_proposals.filter(state=NeedStatusProposal.State.PENDING).first(),
            "problems": problems,
            "posted": request.POST,
        },
    )


def _proposals_page(request, *, problems=(), failed=None, status=200):
    pending = NeedStatusProposal.objects.filter(state=NeedStatusProposal.State.PENDING).select_related("need")
    decided = NeedStatusProposal.objects.exclude(state=NeedStatusProposal.State.PENDING).select_related(
        "need", "decided_by"
    )[:30]
    return render(
        request,
        "research/need_proposals.html",
        {
            "pending": [(p, proposals.evidence_lines(p.evidence)) for p in pending],
            "decided": decided,
            "can_decide": request.user.role in proposals.DECIDERS or request.user.is_superuser,
            "problems": problems,
            "failed": failed,
            "posted": request.POST,
        },
        status=status,
    )


@require_roles(*RESEARCHERS)
@require_GET
def need_proposals(request):
    return _proposals_page(request)


@require_roles(*proposals.DECIDERS)
@require_POST
def need_proposal_decide(request, pk):
    proposal = get_object_or_404(NeedStatusProposal, pk=pk)
    try:
        if request.POST.get("action") == "accept":
            services.accept_need_proposal(proposal, reason=request.POST.get("reason", ""), actor=request.user)
            messages.success(request, _("The need's status and its public reason are saved."))
        else:
            services.reject_need_proposal(proposal, note=request.POST.get("note", ""), actor=request.user)
            messages.success(request, _("The proposal is rejected."))
    except ValidationError as error:
        return _proposals_page(request, problems=error_messages(error), failed=proposal.pk, status=422)
    return redirect("research:need_proposals")


@public
@require_GET
def studies(request):
    return render(request, "research/studies.html", {"studies": Study.objects.filter(is_published=True)})


@public
@require_GET
def study(request, slug):
    study_ = get_object_or_404(Study.objects.prefetch_related("needs"), slug=slug)
    staff = request.user.is_authenticated and request.user.role in RESEARCHERS
    if not study_.is_published and not staff:
        raise Http404
    return render(request, "research/study.html", {"study": study_})

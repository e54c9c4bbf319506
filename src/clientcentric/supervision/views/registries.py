"""The public registries of supervision: declarations, warnings, good-faith marks, programmes and practice."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from clientcentric.core.access import public

from .. import selectors
from ..models import PracticeSummary, PreventionProgramme, PublicationStatus


@public
@require_GET
def declarations_registry(request):
    rows, on = selectors.declarations_registry()
    return render(request, "supervision/declarations.html", {"rows": rows, "today": on})


@public
@require_GET
def warnings_registry(request):
    return render(request, "supervision/warnings.html", {"rows": selectors.warnings_registry()})


@public
@require_GET
def good_faith_registry(request):
    """The public mark «good-faith controlled person» (an incentive of 248-ФЗ art. 48)."""
    rows = selectors.good_faith_registry()
    return render(request, "supervision/good_faith.html", {"rows": rows})


@public
@require_GET
def programmes(request):
    rows, summaries = selectors.published_documents()
    return render(request, "supervision/programmes.html", {"rows": rows, "summaries": summaries})


@public
@require_GET
def programme(request, pk):
    item = get_object_or_404(
        PreventionProgramme.objects.select_related("control_type__agency"),
        pk=pk,
        status=PublicationStatus.PUBLISHED,
    )
    return render(request, "supervision/programme.html", {"item": item})


@public
@require_GET
def practice(request, pk):
    item = get_object_or_404(
        PracticeSummary.objects.select_related("control_type__agency"),
        pk=pk,
        status=PublicationStatus.PUBLISHED,
    )
    return render(request, "supervision/practice.html", {"item": item})

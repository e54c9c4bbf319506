"""Public catalogue pages: no sign-in needed."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from clientcentric.core.access import public
from clientcentric.core.databases import reads_reports

from . import selectors
from .models import FaqEntry, LifeSituation, Segment
from .schema import SHEETS_BY_NAME
from .tabular import sheet_csv, write_registry_file

DOWNLOADS = {
    "json": ("application/json; charset=utf-8", "registry.json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "registry.xlsx"),
    "zip": ("application/zip", "registry-csv.zip"),
}


@public
@require_GET
def home(request):
    return render(
        request,
        "registry/home.html",
        {
            "situations": selectors.life_situations_with_counts(),
        },
    )


@public
@require_GET
def life_situation(request, code):
    situation = get_object_or_404(LifeSituation, code=code)
    needs = selectors.needs_with_details().filter(life_situations=situation).order_by("status", "name")
    return render(
        request,
        "registry/life_situation.html",
        {
            "situation": situation,
            "needs": needs,
            "segments": situation.segments.order_by("code"),
        },
    )


@public
@require_GET
def need(request, code):
    item = get_object_or_404(selectors.needs_with_details(), code=code)
    return render(request, "registry/need.html", {"need": item})


@public
@require_GET
def service(request, code):
    item = selectors.service_page(code)
    if item is None:
        raise Http404
    return render(request, "registry/service.html", {"service": item})


@public
@require_GET
def segments(request):
    items = Segment.objects.prefetch_related("needs", "life_situations").order_by("is_potential", "code")
    return render(request, "registry/segments.html", {"segments": items})


@public
@require_GET
def faq(request):
    return render(request, "registry/faq.html", {"entries": FaqEntry.objects.order_by("topic", "question")})


@public
@require_GET
def open_data(request):
    return render(request, "registry/open_data.html", {"sheets": list(SHEETS_BY_NAME)})


@public
@require_GET
@reads_reports
def open_data_file(request, file_format):
    if file_format not in DOWNLOADS:
        raise Http404
    content_type, filename = DOWNLOADS[file_format]
    response = HttpResponse(
        write_registry_file(selectors.registry_tables(), file_format), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public
@require_GET
@reads_reports
def open_data_sheet(request, sheet):
    if sheet not in SHEETS_BY_NAME:
        raise Http404
    body = sheet_csv(sheet, selectors.registry_tables()[sheet])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sheet}.csv"'
    return response

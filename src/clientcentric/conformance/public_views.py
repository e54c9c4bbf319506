"""The public report of an agency's self-assessment for a quarter: a page, a PDF and the same figures as open data
(CSV and JSON with a data dictionary). Only frozen snapshots are shown; they hold no personal data."""

import csv
import io

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clientcentric.core.access import public

from . import charts, report
from .models import Snapshot


def _snapshot(agency_code: str, quarter: str) -> Snapshot:
    snapshot = (
        Snapshot.objects.select_related("agency").filter(agency__code=agency_code, quarter=quarter).first()
    )
    if snapshot is None:
        raise Http404
    return snapshot


def _context(snapshot: Snapshot) -> dict:
    previous = (
        Snapshot.objects.filter(agency=snapshot.agency, quarter__lt=snapshot.quarter)
        .order_by("-quarter")
        .first()
    )
    payload = snapshot.payload
    return {
        "snapshot": snapshot,
        "payload": payload,
        "quarter_label": report.quarter_label(snapshot.quarter),
        "previous": previous,
        "previous_label": report.quarter_label(previous.quarter) if previous else "",
        "trend": report.trend(payload, previous.payload if previous else None),
        "plan": report.plan(payload),
        "chart_svg": charts.chapters_svg(payload),
        "chart_text": charts.chapters_text(payload),
    }


@public
@require_GET
def reports(request):
    rows = Snapshot.objects.select_related("agency").order_by("agency__name", "-quarter")
    return render(
        request,
        "conformance/public_list.html",
        {"rows": [(s, report.quarter_label(s.quarter)) for s in rows]},
    )


@public
@require_GET
def report_page(request, agency, quarter):
    return render(request, "conformance/public_report.html", _context(_snapshot(agency, quarter)))


@public
@require_GET
def report_pdf(request, agency, quarter):
    import weasyprint

    snapshot = _snapshot(agency, quarter)
    html = render_to_string("conformance/report_pdf.html", _context(snapshot), request=request)
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="conformance-{agency}-{quarter}.pdf"'
    return response


def open_data_rows(snapshot: Snapshot) -> tuple[list[dict], list[dict]]:
    base = {"agency": snapshot.agency.code, "quarter": snapshot.quarter}
    indicators = [
        base | {"indicator": row["code"]} | {k: row[k] for k in report.INDICATOR_COLUMNS if k in row}
        for row in snapshot.payload["indicators"]
    ]
    requirements = [
        base | {"requirement": row["code"]} | {k: row[k] for k in report.REQUIREMENT_COLUMNS if k in row}
        for row in snapshot.payload["requirements"]
    ]
    return indicators, requirements


@public
@require_GET
def report_csv(request, agency, quarter, table):
    if table not in ("indicators", "requirements"):
        raise Http404
    snapshot = _snapshot(agency, quarter)
    indicators, requirements = open_data_rows(snapshot)
    rows, columns = (
        (indicators, report.INDICATOR_COLUMNS)
        if table == "indicators"
        else (requirements, report.REQUIREMENT_COLUMNS)
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in columns})
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="conformance-{agency}-{quarter}-{table}.csv"'
    return response


@public
@require_GET
def report_json(request, agency, quarter):
    snapshot = _snapshot(agency, quarter)
    indicators, requirements = open_data_rows(snapshot)
    return JsonResponse(
        {
            "agency": snapshot.agency.code,
            "quarter": snapshot.quarter,
            "signed_at": snapshot.signed_at.isoformat(),
            "integrity_hash": snapshot.integrity_hash,
            "indicators": indicators,
            "requirements": requirements,
            "chapters": snapshot.payload["chapters"],
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@public
@require_GET
def dictionary(request):
    def columns(spec):
        return [{"name": name, "type": kind, "description": text} for name, (kind, text) in spec.items()]

    return JsonResponse(
        {
            "title": _("Self-assessment against the client-centricity standard: open data"),
            "tables": {
                "indicators": columns(report.INDICATOR_COLUMNS),
                "requirements": columns(report.REQUIREMENT_COLUMNS),
            },
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )

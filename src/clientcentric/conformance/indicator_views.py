"""Staff pages of the indicators: the table (indicator × quarter), one indicator's breakdown with the records
behind it, and the «Ваш контроль» export. Staff see their own agency; the administrator any agency or the region."""

import csv
import io
import json

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clientcentric.accounts.models import Agency
from clientcentric.accounts.roles import Role
from clientcentric.core import formats
from clientcentric.core.access import require_roles

from . import indicator_export
from .indicator_kit import DETAILS
from .indicators import INDICATORS, Quarter, compute

VIEWERS = (Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)
QUARTERS_SHOWN = 4
PAGE_SIZE = 50


def _scope(request):
    """(agency or None for the region, agencies the user may choose): staff are held to their own agency."""
    user = request.user
    if user.role == Role.ADMIN or user.is_superuser:
        agencies = list(Agency.objects.order_by("name"))
        chosen = next((a for a in agencies if str(a.pk) == request.GET.get("agency")), None)
        return chosen, agencies
    if user.agency_id is None:
        raise PermissionDenied
    return user.agency, []


def _quarter(request) -> Quarter:
    try:
        return Quarter.parse(request.GET.get("quarter", ""))
    except ValueError:
        return Quarter.containing(timezone.localdate())


def shown(definition, value) -> str:
    """An indicator's value as people read it: suppressed cells say so instead of showing a number."""
    if value.suppressed or value.value is None:
        return _("too few to show")
    if definition.unit == "share":
        head = formats.percent(value.value, 1)
        if value.ci_low is not None:
            head += f" ({formats.percent(value.ci_low, 1)}…{formats.percent(value.ci_high, 1)})"
        return head
    if definition.unit == "seconds":
        return _("%(seconds)s s") % {"seconds": formats.number(value.value, 0)}
    return formats.interval(value.value, value.ci_low, value.ci_high, 1)


def _counts(value) -> str:
    if value.suppressed or value.denominator is None:
        return ""
    if value.numerator is None:
        return _("n = %(n)s") % {"n": formats.number(value.denominator)}
    return f"{formats.number(value.numerator)} / {formats.number(value.denominator)}"


@require_roles(*VIEWERS)
@require_GET
def table(request):
    agency, agencies = _scope(request)
    last = _quarter(request)
    quarters = [last]
    for _step in range(QUARTERS_SHOWN - 1):
        quarters.insert(0, quarters[0].previous)
    rows = []
    for code, details in sorted(DETAILS.items(), key=lambda item: item[1].order):
        definition = INDICATORS[code]
        cells = []
        for quarter in quarters:
            value = compute(code, agency=agency, quarter=quarter)
            cells.append({"text": shown(definition, value), "counts": _counts(value), "quarter": quarter})
        rows.append(
            {"code": code, "title": definition.title, "definition": details.definition, "cells": cells}
        )
    return render(
        request,
        "conformance/indicators.html",
        {
            "rows": rows,
            "quarters": [(str(q), formats.quarter(str(q).replace("-", ""))) for q in quarters],
            "quarter": str(last),
            "agency": agency,
            "agencies": agencies,
            "choices": _quarter_choices(last),
        },
    )


def _quarter_choices(selected: Quarter) -> list:
    current = Quarter.containing(timezone.localdate())
    options = [current]
    for _step in range(7):
        options.append(options[-1].previous)
    if selected not in options:
        options.append(selected)
    return [(str(q), formats.quarter(str(q).replace("-", ""))) for q in options]


@require_roles(*VIEWERS)
@require_GET
def detail(request, code):
    if code not in INDICATORS:
        raise Http404
    definition, details = INDICATORS[code], DETAILS[code]
    agency, agencies = _scope(request)
    quarter = _quarter(request)
    value = compute(code, agency=agency, quarter=quarter)
    labels = details.labels()
    breakdown = [
        {"key": key, "label": labels.get(key, key), "text": shown(definition, cell), "counts": _counts(cell)}
        for key, cell in sorted(value.breakdown.items(), key=lambda item: str(labels.get(item[0], item[0])))
    ]
    key = request.GET.get("key") or None
    if key is not None and key not in value.breakdown:
        key = None
    records = details.records(agency, quarter, key) if details.records else None
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page")) if records is not None else None
    rows = [
        [(column.value(record), column.link(record) if column.link else None) for column in details.columns]
        for record in (page.object_list if page else [])
    ]
    return render(
        request,
        "conformance/indicator_detail.html",
        {
            "code": code,
            "definition": definition,
            "details": details,
            "value": value,
            "text": shown(definition, value),
            "counts": _counts(value),
            "breakdown": breakdown,
            "key": key,
            "key_label": labels.get(key, key) if key else "",
            "columns": [column.title for column in details.columns],
            "rows": rows,
            "page": page,
            "quarter": str(quarter),
            "quarter_label": formats.quarter(str(quarter).replace("-", "")),
            "agency": agency,
            "agencies": agencies,
            "choices": _quarter_choices(quarter),
        },
    )


@require_roles(*VIEWERS)
@require_GET
def vash_kontrol_export(request, fmt):
    agency, _agencies = _scope(request)
    quarter = _quarter(request)
    rows = indicator_export.vash_kontrol_rows(agency, quarter)
    name = f"vash-kontrol-{quarter}"
    if fmt == "json":
        body = json.dumps(indicator_export.envelope(quarter, rows), ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=indicator_export.FIELDS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response

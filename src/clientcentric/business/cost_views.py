"""Cost pages by the Standard Cost Model: the business's own cost, the developer's burden over the population,
and their CSV/XLSX exports (numbers in Russian form in CSV, real numbers in XLSX cells)."""

from __future__ import annotations

from decimal import Decimal

import tablib
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clientcentric.core import formats
from clientcentric.core.access import require_roles
from clientcentric.core.services import audit
from clientcentric.core.tabular import safe_row, safe_rows
from clientcentric.engines.requirements import cost as scm

from . import charts, costing, selectors, services
from .forms import BurdenAssumptionsForm, CostAssumptionsForm, HourlyRateForm
from .models import Act
from .views import BUSINESS, DEVELOPER_STAFF, _csv_response, _developed

EXPORT_FORMATS = ("csv", "xlsx")
SHOWN_AT_ONCE = 30


def short_title(act: Act) -> str:
    """The act's name without the bracketed reference: «Правила противопожарного режима в Российской Федерации»."""
    return act.short_title


def _acts(report: scm.Report) -> dict[str, Act]:
    return {a.code: a for a in Act.objects.filter(code__in=list(report.by_act))}


def _rows(report: scm.Report) -> list[dict]:
    """One row per obligation: its recurring action and its one-off familiarisation side by side."""
    rows: dict[object, dict] = {}
    for line in report.lines:
        ob = line.obligation
        row = rows.setdefault(ob.key, {"obligation": ob, "recurring": None, "one_off": None})
        row["one_off" if line.action.one_off else "recurring"] = line
    return sorted(
        rows.values(),
        key=lambda r: -(r["recurring"].total if r["recurring"] else Decimal(0)),
    )


def _by_act_rows(report: scm.Report, acts: dict[str, Act]) -> list[dict]:
    return [
        {
            "code": code,
            "act": acts.get(code),
            "name": short_title(acts[code]) if code in acts else code,
            **vars(t),
        }
        for code, t in report.by_act.items()
    ]


def _assumption_rows(report: scm.Report, population=None) -> list[dict]:
    a = report.assumptions
    rows = [
        {"key": _("Hourly rate of staff time"), "value": formats.money(a.hourly_rate, 2)},
        {
            "key": _("Reading a requirement and setting up how it is met, once"),
            "value": formats.count_of(a.familiarisation_hours, "hours"),
        },
        {"key": _("Horizon"), "value": formats.count_of(a.horizon_years, "years")},
        {"key": _("Discount rate"), "value": formats.percent(a.discount_rate, 1)},
    ]
    if population is not None:
        rows.append({"key": _("Businesses the act touches"), "value": formats.number(population)})
    return rows


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def cost(request):
    profile = selectors.profile_for(request.user)
    if profile is None:
        return redirect("business:profile")
    rate_form = HourlyRateForm(request.POST or None, initial={"hourly_rate": profile.hourly_rate})
    if request.method == "POST" and rate_form.is_valid():
        services.set_hourly_rate(profile, rate_form.cleaned_data["hourly_rate"], actor=request.user)
        messages.success(request, _("The hourly rate is changed; the costs are recomputed."))
        target = request.path + (f"?{request.GET.urlencode()}" if request.GET else "")
        return redirect(target)
    form = CostAssumptionsForm(request.GET or None)
    report = _business_report(profile, form)
    acts = _acts(report)
    rows = _rows(report)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "business/cost.html",
        {
            "rate_form": rate_form,
            "form": form,
            "report": report,
            "by_act": _by_act_rows(report, acts),
            "rows": rows if show_all else rows[:SHOWN_AT_ONCE],
            "hidden": 0 if show_all else max(0, len(rows) - SHOWN_AT_ONCE),
            "assumptions": _assumption_rows(report),
            "query": request.GET.urlencode(),
            "cost_svg": charts.cost_by_act_svg(
                {short_title(acts[c]) if c in acts else c: t.recurring for c, t in report.by_act.items()}
            ),
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


def _business_report(profile, form) -> scm.Report:
    result = selectors.personal_list(profile)
    assumptions = costing.assumptions_for(profile, **form.assumption_values())
    return costing.business_cost(profile, result.applies, assumptions)


def _export(filename: str, title: str, header: list[str], rows: list[list], fmt: str) -> HttpResponse:
    """CSV with numbers in Russian form (a Russian spreadsheet reads «1 234,50»); XLSX with numeric cells."""
    if fmt == "csv":
        shown = [
            [formats.number(v, 2, group_from=1000) if isinstance(v, Decimal) else v for v in row]
            for row in rows
        ]
        return _csv_response(f"{filename}.csv", header, shown)
    data = tablib.Dataset(headers=safe_row(header), title=title[:31])
    for row in safe_rows([[float(v) if isinstance(v, Decimal) else v for v in row] for row in rows]):
        data.append(row)
    response = HttpResponse(
        data.export("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _line_cells(report: scm.Report, acts: dict[str, Act], with_population: bool) -> list[list]:
    out = []
    for row in _rows(report):
        ob, rec, once = row["obligation"], row["recurring"], row["one_off"]
        act = acts.get(ob.act)
        cells = [
            short_title(act) if act else ob.act,
            ob.title,
            rec.action.hours if rec else Decimal(0),
            rec.action.acquisitions if rec else Decimal(0),
            rec.action.frequency if rec else Decimal(0),
            rec.price if rec else Decimal(0),
        ]
        if with_population:
            cells.append(int(ob.population))
        cells += [rec.total if rec else Decimal(0), once.total if once else Decimal(0)]
        out.append(cells)
    return out


def _line_header(with_population: bool) -> list[str]:
    header = [
        _("act"),
        _("obligation: what to do"),
        _("hours per occurrence"),
        _("acquisitions per occurrence, ₽"),
        _("times a year"),
        _("price of one occurrence, ₽"),
    ]
    if with_population:
        header.append(_("businesses"))
    return header + [_("recurring, ₽ a year"), _("one-off, ₽")]


@require_roles(BUSINESS)
@require_GET
def cost_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    profile = selectors.profile_for(request.user)
    if profile is None:
        return redirect("business:profile")
    report = _business_report(profile, CostAssumptionsForm(request.GET or None))
    return _export(
        "cost-of-compliance",
        _("Cost of compliance"),
        _line_header(False),
        _line_cells(report, _acts(report), False),
        fmt,
    )


def _burden(request, pk):
    act = _developed(selectors.developer_acts(request.user), pk)
    form = BurdenAssumptionsForm(request.GET or None)
    burden = costing.act_burden(act, scm.Assumptions(**form.assumption_values()), form.population_value())
    return act, form, burden


@require_roles(*DEVELOPER_STAFF)
@require_GET
def act_burden(request, pk):
    act, form, burden = _burden(request, pk)
    report = burden.report
    rows = _rows(report)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "business/act_burden.html",
        {
            "act": act,
            "name": short_title(act),
            "form": form,
            "burden": burden,
            "report": report,
            "rows": rows if show_all else rows[:SHOWN_AT_ONCE],
            "hidden": 0 if show_all else max(0, len(rows) - SHOWN_AT_ONCE),
            "assumptions": _assumption_rows(report, burden.population),
            "query": request.GET.urlencode(),
        },
        status=422 if form.is_bound and not form.is_valid() else 200,
    )


@require_roles(*DEVELOPER_STAFF)
@require_GET
def act_burden_export(request, pk, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    act, _form, burden = _burden(request, pk)
    cells = _line_cells(burden.report, {act.code: act}, True)
    audit.record(request.user, "business.act_burden_exported", act, rows=len(cells))
    return _export(f"burden-{act.pk}", _("Burden"), _line_header(True), cells, fmt)

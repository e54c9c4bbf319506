"""Feedback pages: the rating form behind a link or a QR code, the page widget, the operators' follow-ups,
the public dashboard with open data, charts and PDF, and the analyst's table with exports."""

import segno
import tablib
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts.models import Agency
from clientcentric.accounts.roles import Role
from clientcentric.appeals.models import Appeal
from clientcentric.core import formats
from clientcentric.core.access import public, require_roles
from clientcentric.core.databases import reads_reports
from clientcentric.core.forms import add_service_errors
from clientcentric.core.services import rate_limit
from clientcentric.core.tabular import safe_row, safe_rows
from clientcentric.registry.models import Service

from . import analytics, charts, objective, publication, selectors, services, throttle
from .forms import CloseFollowUpForm, RatingForm, WidgetForm
from .instrument import asks_loyalty, current_instrument
from .models import EndPoint, FollowUp, QuarterReport

OPERATORS = (Role.OPERATOR, Role.ADMIN)
ANALYSTS = (Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)


def _objective_labels():
    return [("one_click", _("one click")), ("five_minutes", _("within 5 minutes"))]


REFUSAL_STATUS = {"forged": 400, "expired": 410, "used": 410, "not_yours": 403}


def _thanks(request, response, rating):
    appeal = response.appeal
    unresolved = appeal is not None and services.is_unhappy(rating) and appeal.status == "answered"
    # Only a signed-in author reopens an appeal; one sent without an account is followed up by a new appeal
    # that names the old number, so «Нет, не помогло» never ends on a page with nowhere to go.
    offer_reopen = unresolved and appeal.author_id is not None
    follow_up_text = (
        _("Appeal %(number)s: the answer did not solve the problem.") % {"number": appeal.number}
        if unresolved and appeal.author_id is None
        else ""
    )
    return render(
        request,
        "feedback/thanks.html",
        {
            "response": response,
            "appeal": appeal,
            "offer_reopen": offer_reopen,
            "follow_up_text": follow_up_text,
        },
    )


@public
@require_http_methods(["GET", "POST"])
def rate(request, token):
    try:
        invitation = services.open_invitation(token, user=request.user)
    except services.InvitationRefused as refusal:
        return render(
            request,
            "feedback/refused.html",
            {"message": refusal.messages[0]},
            status=REFUSAL_STATUS[refusal.code],
        )
    form = RatingForm(request.POST or None, loyalty=asks_loyalty(invitation.end_point))
    if request.method == "POST" and form.is_valid():
        rating = form.rating()
        try:
            response = services.answer_invitation(token, rating, user=request.user)
        except services.InvitationRefused as refusal:
            return render(
                request,
                "feedback/refused.html",
                {"message": refusal.messages[0]},
                status=REFUSAL_STATUS[refusal.code],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _thanks(request, response, rating)
    return render(
        request,
        "feedback/rate.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )


@public
@require_http_methods(["GET", "POST"])
def office(request, agency_code):
    agency = get_object_or_404(Agency, code=agency_code, is_active=True)
    service = Service.objects.filter(code=request.GET.get("service", ""), agency=agency).first()
    form = RatingForm(request.POST or None, loyalty=asks_loyalty(EndPoint.OFFICE_VISIT))
    status = 200
    if request.method == "POST" and form.is_valid():
        rating = form.rating()
        wait = throttle.wait_minutes(request)
        if wait:
            # The answers stay in the form: the client sends them again later, nothing is lost.
            form.add_error(
                None,
                ngettext(
                    "Too many ratings from this device in a short time. Your answers are kept in the form: "
                    "please send them again in %(minutes)d minute.",
                    "Too many ratings from this device in a short time. Your answers are kept in the form: "
                    "please send them again in %(minutes)d minutes.",
                    wait,
                )
                % {"minutes": wait},
            )
            status = 429
        else:
            try:
                response = services.answer_at_office(agency, rating, service=service)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                throttle.count(request)
                return _thanks(request, response, rating)
    response = render(
        request,
        "feedback/rate.html",
        {"form": form, "office": agency, "service": service},
        status=status if status != 200 else (400 if form.errors else 200),
    )
    if status == 429:
        response["Retry-After"] = str(wait * 60)
    return response


@public
@require_GET
def office_qr(request, agency_code):
    """The QR code to print at the office window; it links to the office-scoped form."""
    agency = get_object_or_404(Agency, code=agency_code, is_active=True)
    url = request.build_absolute_uri(reverse("feedback:office", args=[agency.code]))
    service = request.GET.get("service", "")
    if Service.objects.filter(code=service, agency=agency).exists():
        url += f"?service={service}"
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=8, title=_("Rate our service: %(agency)s") % {"agency": agency.name})
    return HttpResponse(svg, content_type="image/svg+xml")


@public
@require_POST
def widget(request):
    rate_limit.enforce("rating", rate_limit.client_address(request))
    form = WidgetForm(request.POST)
    page = request.POST.get("page", "/")
    if not url_has_allowed_host_and_scheme(page, allowed_hosts={request.get_host()}):
        page = "/"
    answer_text = _("Thank you: your rating is saved.")
    if form.is_valid():
        appeal = None
        number = request.POST.get("appeal", "")
        if number:
            appeal = Appeal.objects.with_number(number).first()
        try:
            services.answer_unprompted(
                services.Rating(
                    satisfaction=form.cleaned_data["satisfaction"], comment=form.cleaned_data["comment"]
                ),
                page=page,
                user=request.user,
                appeal=appeal,
            )
        except ValidationError as error:
            answer_text = " ".join(error.messages)
    else:
        answer_text = " ".join(m for ms in form.errors.values() for m in ms)
    if request.htmx:
        return HttpResponse(format_html('<p class="widget-answer" role="status">{}</p>', answer_text))
    messages.info(request, answer_text)
    return redirect(page)


@require_roles(*OPERATORS)
@require_http_methods(["GET", "POST"])
def follow_ups(request):
    agency = request.user.agency
    query = FollowUp.objects.select_related("response", "response__appeal", "response__service", "agency")
    if not request.user.is_superuser:
        query = query.filter(agency=agency)
    if request.method == "POST":
        follow_up = get_object_or_404(query, pk=request.POST.get("follow_up", 0))
        form = CloseFollowUpForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Say what was done for the client."))
            services.close_follow_up(follow_up, operator=request.user, outcome=form.cleaned_data["outcome"])
            messages.success(request, _("The follow-up is closed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("feedback:follow_ups")
    state = request.GET.get("state", "open")
    state = state if state in FollowUp.State.values else "open"
    shown = list(query.filter(state=state)[:200])
    services.note_comments_read(request.user, [f.response for f in shown], where="operator_follow_ups")
    return render(
        request,
        "feedback/follow_ups.html",
        {"follow_ups": shown, "state": state, "form": CloseFollowUpForm()},
    )


def _quarter(request_value: str | None) -> str | None:
    published = list(
        QuarterReport.objects.filter(state=QuarterReport.State.PUBLISHED).values_list("quarter", flat=True)
    )
    if request_value:
        return request_value if request_value in published else None
    return published[0] if published else ""


@public
@require_GET
@reads_reports
def dashboard(request):
    quarter = _quarter(request.GET.get("quarter"))
    if quarter is None:
        raise Http404
    published = QuarterReport.objects.filter(state=QuarterReport.State.PUBLISHED).values_list(
        "quarter", flat=True
    )
    report = QuarterReport.objects.filter(quarter=quarter).first() if quarter else None
    return render(
        request,
        "feedback/dashboard.html",
        {
            "report": report,
            "payload": report.payload if report else None,
            "quarters": list(published),
            "chart_text": charts.satisfaction_text(report.payload) if report else "",
            "objective_labels": _objective_labels(),
        },
    )


def _published(quarter: str) -> QuarterReport:
    report = QuarterReport.objects.filter(quarter=quarter, state=QuarterReport.State.PUBLISHED).first()
    if report is None:
        raise Http404
    return report


@public
@require_GET
def chart(request, quarter):
    report = _published(quarter)
    response = HttpResponse(charts.satisfaction_svg(report.payload), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@public
@require_GET
@reads_reports
def open_data(request, quarter, fmt):
    report = _published(quarter)
    if fmt == "json":
        body = {
            "quarter": quarter,
            "integrity_hash": report.integrity_hash,
            "hash_of": "SHA-256 of `figures` as canonical JSON (keys sorted, no spaces, UTF-8)",
            "published_at": report.published_at.isoformat(),
            "figures": report.payload,
            "dictionary": dict(publication.DICTIONARY),
        }
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    else:
        headers, rows = publication.csv_rows(report.payload)
        data = tablib.Dataset(*safe_rows(rows), headers=safe_row(headers))
        response = HttpResponse(data.export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="satisfaction-{quarter}.{fmt}"'
    return response


@public
@require_GET
def dictionary(request):
    instrument = current_instrument()
    return JsonResponse(
        {
            "columns": dict(publication.DICTIONARY),
            "instrument": instrument.version,
            "questions": [
                {
                    "code": q.code,
                    "text": q.text,
                    "kind": q.kind,
                    "scale": [q.scale_min, q.scale_max],
                    "options": q.options,
                }
                for q in instrument.questions.all()
            ],
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@public
@require_GET
def report_pdf(request, quarter):
    import weasyprint

    report = _published(quarter)
    funnel = charts.published_funnel(report.payload)
    html = render_to_string(
        "feedback/report_pdf.html",
        {
            "report": report,
            "payload": report.payload,
            "chart_svg": charts.satisfaction_svg(report.payload),
            "chart_text": charts.satisfaction_text(report.payload),
            "objective_labels": _objective_labels(),
            "funnel_svg": charts.funnel_svg(
                funnel,
                _("Services compared: satisfied against answers, %(quarter)s")
                % {"quarter": formats.quarter(quarter)},
            )
            if len(funnel.points) > 1
            else "",
            "funnel_text": charts.funnel_text(funnel),
        },
        request=request,
    )
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="satisfaction-{quarter}.pdf"'
    return response


@require_roles(*ANALYSTS)
@require_GET
def analyst(request):
    months = selectors.months_with_data()
    kind = request.GET.get("period", "quarter")
    kind = kind if kind in ("month", "quarter") else "quarter"
    options = [f"{m:%Y-%m}" for m in reversed(months)] if kind == "month" else selectors.quarters_with_data()
    value = request.GET.get("value") or (options[0] if options else "")
    group_by = tuple(d for d in request.GET.getlist("by") if d in analytics.DIMENSION_LABELS) or (
        "service_id",
    )
    sample = "widget" if request.GET.get("sample") == "widget" else "solicited"
    rows, chosen = [], None
    if value in options:
        chosen = analytics.period(kind, value)
        rows = analytics.table(group_by, chosen, sample=sample)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and chosen is not None:
        data = tablib.Dataset(
            *safe_rows(analytics.export_rows(rows, chosen)), headers=safe_row(analytics.EXPORT_HEADERS)
        )
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(data.export(fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="satisfaction-{chosen.label}.{fmt}"'
        return response
    funnel = analytics.funnel_for(rows) if len(rows) > 1 else None
    quarters = selectors.quarters_with_data()
    states = dict(QuarterReport.objects.values_list("quarter", "state"))
    return render(
        request,
        "feedback/analyst.html",
        {
            "rows": rows,
            "chosen": chosen,
            "kind": kind,
            "options": options,
            "value": value,
            "group_by": group_by,
            "dimensions": analytics.DIMENSION_LABELS,
            "objective": objective.applies_to(group_by),
            "funnel": funnel,
            "funnel_svg": charts.funnel_svg(
                funnel, _("Satisfied by %(period)s") % {"period": formats.period(chosen.label)}
            )
            if funnel
            else "",
            "funnel_text": charts.funnel_text(funnel) if funnel else "",
            "sample": sample,
            "quarters": [(q, states.get(q, "draft")) for q in quarters],
            "query": request.GET.urlencode(),
        },
    )


@require_roles(*ANALYSTS)
@require_POST
def publish(request):
    quarter = request.POST.get("quarter", "")
    try:
        report = services.publish_quarter(quarter, actor=request.user)
    except (ValidationError, ValueError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("Quarter %(quarter)s is published; SHA-256 %(hash)s.")
            % {"quarter": quarter, "hash": report.integrity_hash},
        )
    return redirect("feedback:analyst")

"""Applications the client starts (/me/apply/…) and the staff's view of time to submit per service. Thin."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts import acting
from clientcentric.accounts.models import Power
from clientcentric.accounts.roles import Role
from clientcentric.core import formats
from clientcentric.core.access import require_roles
from clientcentric.core.confirmation import Confirmation, Link, confirm
from clientcentric.core.forms import add_service_errors
from clientcentric.registry.models import Service

from . import timing
from .forms_apply import ApplicationForm
from .models import ServiceRequest
from .selectors import effort as effort_selectors
from .services import applications

EFFORT_READERS = (Role.ANALYST, Role.METHODOLOGIST, Role.ADMIN)


def _service(code: str) -> Service:
    service = get_object_or_404(Service.objects.select_related("agency"), code=code)
    if not applications.deliverable(service):
        raise Http404
    return service


@require_roles()
@require_GET
def apply_list(request):
    return render(
        request,
        "delivery/apply_list.html",
        {"services": effort_selectors.deliverable_services(timezone.localdate())},
    )


@require_roles()
@require_http_methods(["GET", "POST"])
def apply(request, code):
    service = _service(code)
    client = acting.client_of(request, Power.APPLY)  # a representative applies for the person they act for
    plan = applications.plan_for(client, service)
    if plan.terms.automatic:
        return render(request, "delivery/apply_automatic.html", {"service": service, "terms": plan.terms})
    earlier = (
        ServiceRequest.objects.filter(client=client, service=service)
        .exclude(status=ServiceRequest.Status.REFUSED)
        .first()
    )
    if earlier is not None:
        return redirect("delivery:request", earlier.pk)
    token = timing.start_token(request.user.pk, service.pk)
    form = ApplicationForm(request.POST or None, request.FILES or None, plan=plan, initial={"token": token})
    if request.method == "POST" and form.is_valid():
        seconds = timing.seconds_since(form.cleaned_data["token"], request.user.pk, service.pk)
        if seconds is None:
            form.add_error(None, _("The form is out of date. Check your answers and send it again."))
        else:
            values = {k: v for k, v in form.cleaned_data.items() if k not in ("token", "documents")}
            files = [(f.name, f.read()) for f in form.cleaned_data.get("documents") or []]
            try:
                created = applications.submit_application(
                    client, service, values, documents=files, seconds=seconds, actor=request.user
                )
                return confirm(request, _confirmation(created))
            except ValidationError as error:
                add_service_errors(form, error)
    if (
        request.method == "POST"
        and timing.seconds_since(request.POST.get("token", ""), request.user.pk, service.pk) is None
    ):
        # Without a valid start the next attempt is timed from now; a valid one keeps counting from the first render.
        form.data = form.data.copy()
        form.data["token"] = token
    verdict = applications.check(client, service, {a.name: a.initial for a in plan.fields})
    return render(
        request,
        "delivery/apply.html",
        {"service": service, "plan": plan, "form": form, "verdict": verdict},
        status=422 if request.method == "POST" else 200,
    )


@require_roles()
@require_POST
def apply_check(request, code):
    """The verdict as the client types (htmx): the same rule and words as a proactive offer."""
    service = _service(code)
    client = acting.client_of(request, Power.APPLY)
    plan = applications.plan_for(client, service)
    form = ApplicationForm(request.POST, plan=plan)
    form.is_valid()
    values = {a.name: form.cleaned_data.get(a.name, request.POST.get(a.name)) for a in plan.fields}
    verdict = applications.check(client, service, values)
    return render(request, "delivery/_apply_verdict.html", {"verdict": verdict, "service": service})


def _confirmation(created: ServiceRequest) -> Confirmation:
    service = created.service
    follow = Link(_("Follow the request"), reverse("delivery:request", args=[created.pk]))
    if created.status == ServiceRequest.Status.APPROVED:
        return Confirmation(
            title=_("Your request is approved"),
            reference=created.reference,
            reference_label=_("Request number"),
            next_steps=(
                created.explanation or _("Your request is approved."),
                _("%(agency)s provides “%(service)s”; the decision is in your account.")
                % {"agency": service.agency.name, "service": service.name},
            ),
            links=(follow,),
        )
    steps = [
        _("%(agency)s reviews the request for “%(service)s” and decides by %(date)s.")
        % {
            "agency": service.agency.name,
            "service": service.name,
            "date": formats.date(created.decision_due),
        },
        _("We will tell you the decision in your account and on the channels you chose."),
    ]
    checked = (created.data.get("eligibility") or {}).get("explanation")
    if checked:
        steps.insert(0, _("What the rules say: %(text)s") % {"text": checked})
    return Confirmation(
        title=_("Your request is sent"),
        reference=created.reference,
        reference_label=_("Request number"),
        next_steps=tuple(steps),
        links=(follow,),
    )


@require_roles(*EFFORT_READERS)
@require_GET
def effort(request):
    agency = None if request.user.role == Role.ADMIN else request.user.agency_id
    return render(request, "delivery/effort.html", {"rows": effort_selectors.effort_by_service(agency)})

"""The personal cabinet (/me/) and the operator's decision desk. Thin: services do the work."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts import acting
from clientcentric.accounts.models import Power
from clientcentric.accounts.roles import Role
from clientcentric.core import references
from clientcentric.core.access import require_roles
from clientcentric.core.confirmation import Confirmation, Link, confirm
from clientcentric.core.forms import add_service_errors
from clientcentric.registry.models import Need

from . import selectors, timing
from .forms import (
    BookingForm,
    ConsentForm,
    DecisionForm,
    HouseholdMemberForm,
    MissingFactsForm,
    ProfileForm,
    SituationForm,
)
from .models import Appointment, Consent, HouseholdMember, Offer, ServiceRequest, ServiceTerms, Slot
from .services import applications, appointments
from .services import consents as consent_services
from .services import life_events as life_event_services
from .services import offers as offer_services
from .services import profiles as profile_services
from .services import requests as request_services

OPERATORS = (Role.OPERATOR, Role.ADMIN)


def request_sent(request, created, *, title: str, link: Link):
    """The confirmation of a request sent on an offer, a person's or a business's: who reviews it and how we tell."""
    return confirm(
        request,
        Confirmation(
            title=title,
            reference=created.reference,
            reference_label=_("Request number"),
            next_steps=(
                _("%(agency)s reviews the request for “%(service)s”.")
                % {"agency": created.service.agency.name, "service": created.service.name},
                _("We will tell you the decision in your account and on the channels you chose."),
            ),
            links=(link,),
        ),
    )


@require_roles()
@require_http_methods(["GET", "POST"])
def cabinet(request):
    client = acting.client_of(request, Power.DATA)
    profile = profile_services.profile_of(client)
    situation_form = SituationForm(request.POST or None)
    if request.method == "POST" and situation_form.is_valid():
        situation = situation_form.cleaned_data["life_situation"]
        if situation_form.cleaned_data["consent"]:
            acting.require_power(request.user, client, Power.CONSENTS)  # refused before anything is written
        life_event_services.open_life_situation(client, situation, actor=request.user)
        if situation_form.cleaned_data["consent"]:
            try:
                consent_services.give_consent(client, life_situation=situation, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect("delivery:cabinet")
    return render(
        request,
        "delivery/cabinet.html",
        {
            "profile": profile,
            "scenario": selectors.personal_scenario(client),
            "offers": selectors.open_offers(client),
            "appointments": selectors.upcoming_appointments(client),
            "automatic": set(
                ServiceTerms.objects.filter(mode=ServiceTerms.Mode.AUTOMATIC).values_list(
                    "service_id", flat=True
                )
            ),
            "situation_form": situation_form,
        },
    )


@require_roles()
@require_http_methods(["GET", "POST"])
def profile(request):
    client = acting.client_of(request, Power.DATA)
    profile = profile_services.profile_of(client)
    form = ProfileForm(request.POST or None, instance=profile)
    member_form = HouseholdMemberForm(prefix="member")
    if request.method == "POST" and form.is_valid():
        try:
            profile_services.save_profile(
                form.instance,
                actor=request.user,
                touchpoints=form.cleaned_data["preferred_touchpoints"],
            )
            messages.success(request, _("Your profile is saved."))
            return redirect("delivery:profile")
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request, "delivery/profile.html", {"form": form, "member_form": member_form, "profile": profile}
    )


@require_roles()
@require_POST
def household_add(request):
    client = acting.client_of(request, Power.DATA)
    profile = profile_services.profile_of(client)
    form = HouseholdMemberForm(request.POST, prefix="member")
    if form.is_valid():
        member = form.instance
        member.profile = profile
        profile_services.save_household_member(member, actor=request.user)
        messages.success(request, _("Household member added."))
        return redirect("delivery:profile")
    return render(
        request,
        "delivery/profile.html",
        {"form": ProfileForm(instance=profile), "member_form": form, "profile": profile},
        status=422,
    )


@require_roles()
@require_POST
def household_remove(request, pk):
    client = acting.client_of(request, Power.DATA)
    member = get_object_or_404(HouseholdMember, pk=pk, profile__user=client)
    profile_services.remove_household_member(member, actor=request.user)
    return redirect("delivery:profile")


@require_roles()
@require_http_methods(["GET", "POST"])
def consents(request):
    client = acting.client_of(request, Power.CONSENTS)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consent = consent_services.give_consent(client, actor=request.user, **form.cleaned_data)
            return confirm(
                request,
                Confirmation(
                    title=_("Your consent is given"),
                    reference=str(consent.receipt_id),
                    reference_label=_("Consent receipt number"),
                    next_steps=(
                        _("We will check what you are entitled to and offer it in your account."),
                        _(
                            "You can revoke the consent at any time on the consents page; offers stop at once."
                        ),
                    ),
                    links=(
                        Link(
                            _("Download the receipt (PDF)"),
                            reverse("delivery:consent_receipt_pdf", args=[consent.pk]),
                        ),
                        Link(_("My consents"), reverse("delivery:consents")),
                    ),
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
    own = Consent.objects.filter(client=client).select_related("life_situation", "service", "text")
    text = None
    try:
        text = consent_services.current_consent_text()
    except ValidationError:
        pass
    return render(request, "delivery/consents.html", {"form": form, "consents": own, "text": text})


@require_roles()
@require_POST
def consent_revoke(request, pk):
    client = acting.client_of(request, Power.CONSENTS)
    consent = get_object_or_404(Consent, pk=pk, client=client)
    stopped = consent_services.revoke_consent(consent, actor=request.user)
    messages.success(request, _("Consent revoked. Offers stopped: %(n)s.") % {"n": stopped})
    return redirect("delivery:consents")


@require_roles()
@require_GET
def consent_receipt(request, pk):
    client = acting.client_of(request, Power.CONSENTS)
    consent = get_object_or_404(
        Consent.objects.select_related("text", "life_situation", "service"), pk=pk, client=client
    )
    receipt = consent_services.consent_receipt(
        consent, settings.CLIENTCENTRIC_SITE_URL, settings.CLIENTCENTRIC_REGION_NAME
    )
    response = HttpResponse(
        json.dumps(receipt, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="consent-{consent.receipt_id}.json"'
    return response


@require_roles()
@require_GET
def consent_receipt_pdf(request, pk):
    client = acting.client_of(request, Power.CONSENTS)
    consent = get_object_or_404(
        Consent.objects.select_related("text", "life_situation", "service"), pk=pk, client=client
    )
    pdf = consent_services.consent_receipt_pdf(
        consent, settings.CLIENTCENTRIC_SITE_URL, settings.CLIENTCENTRIC_REGION_NAME
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="consent-{consent.receipt_id}.pdf"'
    return response


@require_roles()
@require_http_methods(["GET", "POST"])
def offer(request, pk):
    client = acting.client_of(request, Power.APPLY)
    offer = get_object_or_404(Offer.objects.select_related("service", "rule"), pk=pk, client=client)
    terms = applications.terms_of(offer.service)
    token = timing.start_token(request.user.pk, offer.service_id)
    form = MissingFactsForm(request.POST or None, missing=offer.missing, initial={"started": token})
    if request.method == "POST" and terms.automatic:
        form.add_error(None, _("This service is provided without an application."))
    if request.method == "POST" and form.is_valid():
        # Time to submit from the server's own start token (timing.py), never the browser's clock.
        seconds = timing.seconds_since(form.cleaned_data.get("started"), request.user.pk, offer.service_id)
        answers = {k: v for k, v in form.cleaned_data.items() if k != "started"}
        try:
            if seconds is None:
                raise ValidationError(_("The form is out of date. Check your answers and send it again."))
            created = offer_services.accept_offer(offer, answers, seconds=seconds, actor=request.user)
            return request_sent(
                request,
                created,
                title=_("Your request is sent"),
                link=Link(_("Follow the request"), reverse("delivery:request", args=[created.pk])),
            )
        except ValidationError as error:
            add_service_errors(form, error)
    profile = profile_services.profile_of(client)
    return render(
        request,
        "delivery/offer.html",
        {"offer": offer, "form": form, "prefill": offer_services.prefill(profile), "terms": terms},
    )


@require_roles()
@require_GET
def service_request(request, pk):
    client = acting.client_of(request, Power.APPLY)
    obj = get_object_or_404(
        ServiceRequest.objects.select_related("service", "refusal_reason"), pk=pk, client=client
    )
    return render(request, "delivery/request.html", {"req": obj})


@require_roles()
@require_http_methods(["GET", "POST"])
def appointments_page(request):
    client = acting.client_of(request, Power.APPOINTMENTS)
    profile = profile_services.profile_of(client)
    language = request.GET.get("language", profile.interpreter_language).strip()[:40]
    slots = selectors.free_slots(needs=profile.accessibility_needs, language=language)
    form = BookingForm(request.POST or None, slots=slots, initial={"interpreter_language": language})
    if request.method == "POST" and form.is_valid():
        try:
            booked = appointments.book(
                client,
                form.cleaned_data["slot"],
                service=form.cleaned_data["service"],
                interpreter_language=form.cleaned_data["interpreter_language"],
                accessibility_needs=profile.accessibility_needs,
                actor=request.user,
            )
            return confirm(request, _booking_confirmation(booked))
        except ValidationError as error:
            add_service_errors(form, error)
    return render(
        request,
        "delivery/appointments.html",
        {
            "form": form,
            "slots": slots[:50],
            "booked": selectors.upcoming_appointments(client),
            "profile": profile,
            "language": language,
        },
    )


@require_roles()
@require_POST
def appointment_cancel(request, pk):
    client = acting.client_of(request, Power.APPOINTMENTS)
    appointment = get_object_or_404(Appointment, pk=pk, client=client)
    try:
        appointments.cancel(appointment, actor=request.user)
        messages.success(request, _("The appointment is cancelled."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("delivery:appointments")


@require_roles()
@require_POST
def appointment_reschedule(request, pk):
    client = acting.client_of(request, Power.APPOINTMENTS)
    appointment = get_object_or_404(Appointment, pk=pk, client=client)
    slot = get_object_or_404(Slot, pk=request.POST.get("slot") or 0)
    try:
        appointments.reschedule(appointment, slot, actor=request.user)
        messages.success(request, _("The appointment is moved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("delivery:appointments")


def _booking_confirmation(booked: Appointment) -> Confirmation:
    slot = booked.slot
    when = formats.date_format(timezone.localtime(slot.starts_at), "j E Y, H:i")
    return Confirmation(
        title=_("You are booked"),
        reference=booked.reference,
        reference_label=_("Booking number"),
        next_steps=(
            _("Come on %(when)s to %(office)s, %(address)s.")
            % {"when": when, "office": slot.office.name, "address": slot.office.address},
            _("We will remind you a day before. You can move or cancel the visit on the appointments page."),
        ),
        links=(Link(_("My appointments"), reverse("delivery:appointments")),),
    )


def _agency_requests(user):
    queue = selectors.decision_queue()
    return queue if user.role == Role.ADMIN else queue.filter(service__agency=user.agency_id)


@require_roles(*OPERATORS)
@require_GET
def decisions(request):
    """The queue, or the request a client quoted on the phone («№ 2026-483920», with or without the sign)."""
    queue = _agency_requests(request.user)
    number = request.GET.get("number", "").strip()[:40]
    if number:
        queue = queue.filter(reference=references.normalised(number))
    return render(request, "delivery/decisions.html", {"queue": queue[:200], "number": number})


@require_roles(*OPERATORS)
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    obj = get_object_or_404(_agency_requests(request.user), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            request_services.decide(
                obj,
                approve=data["decision"] == "approve",
                actor=request.user,
                reason=data["reason"],
                explanation=data["explanation"],
                next_steps=data["next_steps"],
                override_reason=data["override_reason"],
            )
            messages.success(request, _("The decision is recorded and the client is told."))
            return redirect("delivery:decisions")
        except ValidationError as error:
            add_service_errors(form, error)
    if request.method == "GET":
        request_services.note_staff_read(request.user, obj)
    needs = Need.objects.filter(services=obj.service)
    return render(request, "delivery/decide.html", {"req": obj, "form": form, "needs": needs})

"""Support measures for business (BIZ-7): the page of a business's representative — consent on behalf of the
business, the offers with their reasons, accept or decline. Thin: services/business_support.py does the work."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientcentric.accounts.roles import Role
from clientcentric.business import selectors as business_selectors
from clientcentric.core.access import require_roles
from clientcentric.core.confirmation import Link

from .models import BusinessConsent, BusinessOffer, ConsentText
from .selectors import business_support as selectors
from .services import business_support as services
from .views import request_sent

BUSINESS = Role.BUSINESS_REPRESENTATIVE


def _business(request):
    profile = business_selectors.profile_for(request.user)
    return None if profile is None else profile.business


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


@require_roles(BUSINESS)
@require_http_methods(["GET", "POST"])
def support(request):
    business = _business(request)
    if business is None:
        return redirect("business:profile")
    measures = selectors.measures_in_force()
    if request.method == "POST":
        scope = request.POST.get("scope", "")
        service = None
        if scope != "all":
            service = next((m for m in measures if str(m.pk) == scope), None)
        if scope != "all" and service is None:
            messages.error(request, _("Choose what the consent covers: every measure or one of the list."))
        else:
            try:
                services.give_consent(business, person=request.user, service=service)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            else:
                messages.success(
                    request,
                    _("The consent of the business is recorded; we have checked the support measures."),
                )
        return redirect("delivery:business_support")
    open_offers, closed_offers = selectors.offers_of(business)
    return render(
        request,
        "delivery/business_support.html",
        {
            "business": business,
            "measures": measures,
            "consents": selectors.consents_of(business),
            "open_offers": open_offers,
            "closed_offers": closed_offers,
            "text": ConsentText.objects.order_by("-version").first(),
        },
    )


@require_roles(BUSINESS)
@require_POST
def consent_revoke(request, pk):
    business = _business(request)
    consent = get_object_or_404(BusinessConsent, pk=pk, business=business)
    try:
        stopped = services.revoke_consent(consent, person=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("The consent is revoked; offers stopped: %(count)s.") % {"count": stopped}
        )
    return redirect("delivery:business_support")


def _own_consent(request, pk) -> BusinessConsent:
    return get_object_or_404(
        BusinessConsent.objects.select_related("text", "service", "given_by", "representation", "business"),
        pk=pk,
        business=_business(request),
    )


@require_roles(BUSINESS)
@require_GET
def consent_receipt(request, pk):
    consent = _own_consent(request, pk)
    receipt = services.consent_receipt(
        consent, settings.CLIENTCENTRIC_SITE_URL, settings.CLIENTCENTRIC_REGION_NAME
    )
    response = HttpResponse(
        json.dumps(receipt, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="business-consent-{consent.receipt_id}.json"'
    return response


@require_roles(BUSINESS)
@require_GET
def consent_receipt_pdf(request, pk):
    consent = _own_consent(request, pk)
    pdf = services.consent_receipt_pdf(
        consent, settings.CLIENTCENTRIC_SITE_URL, settings.CLIENTCENTRIC_REGION_NAME
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="business-consent-{consent.receipt_id}.pdf"'
    return response


@require_roles(BUSINESS)
@require_POST
def offer_accept(request, pk):
    business = _business(request)
    offer = get_object_or_404(BusinessOffer, pk=pk, business=business)
    try:
        created = services.accept_offer(offer, person=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("delivery:business_support")
    return request_sent(
        request,
        created,
        title=_("The request of the business is sent"),
        link=Link(_("Back to support measures"), reverse("delivery:business_support")),
    )


@require_roles(BUSINESS)
@require_POST
def offer_decline(request, pk):
    business = _business(request)
    offer = get_object_or_404(BusinessOffer, pk=pk, business=business)
    try:
        services.decline_offer(offer, person=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The offer is declined; we will not offer this measure again."))
    return redirect("delivery:business_support")

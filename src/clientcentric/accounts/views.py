import base64
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login

from clientcentric.core.access import public, require_roles
from clientcentric.core.services import rate_limit

from . import selectors, services
from .models import Representative
from .roles import SECOND_FACTOR_ROLES

_login = auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)


@public
def login(request, *args, **kwargs):
    # Per IP address, on top of the per-account lockout: one address sweeping many accounts is slowed too.
    if request.method == "POST":
        rate_limit.enforce("sign_in", rate_limit.client_address(request))
    return _login(request, *args, **kwargs)


logout = public(auth_views.LogoutView.as_view())


@require_roles()
@require_GET
def profile(request):
    acting_for = Representative.objects.filter(person=request.user).select_related("client", "business")
    in_force = set(selectors.in_force(request.user).values_list("pk", flat=True))
    return render(request, "accounts/profile.html", {"acting_for": acting_for, "in_force": in_force})


class CodeForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Six-digit code from the app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits the app shows.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return "/"
    return target


def _with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


@require_roles(*SECOND_FACTOR_ROLES)
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app: a QR code (and the key to type), then its first code confirms it."""
    user = request.user
    # Replacing an enrolled authenticator needs the old one: a stolen password alone must not enrol a new phone.
    if services.has_totp(user) and not user.is_verified():
        return redirect(_with_next("accounts:otp_verify", request))
    device = services.start_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp(device, form.cleaned_data["token"].strip()):
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("The code does not match. Check the time on the phone and try again."))
    uri = device.config_url
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr": segno.make(uri, error="m").svg_inline(scale=4),
            "secret": base64.b32encode(device.bin_key).decode(),
            "uri": uri,
            "next": _next(request),
        },
        status=422 if form.errors else 200,
    )


@require_roles(*SECOND_FACTOR_ROLES)
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of signing in: a code from the enrolled authenticator app."""
    if not services.has_totp(request.user):
        return redirect(_with_next("accounts:otp_setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_totp(request.user, form.cleaned_data["token"].strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("token", _("The code does not match. Wait for a new code and try again."))
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next(request)},
        status=422 if form.errors else 200,
    )

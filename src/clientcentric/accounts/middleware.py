"""Staff who read personal data finish signing in with a second factor before they open anything else."""

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from clientcentric.core.api_errors import error_body

from . import services

# Pages an unverified staff member may still open: the second-factor pages themselves, signing out, the language.
OPEN_PATHS = (
    "/account/2fa/",
    "/account/logout/",
    "/account/login/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/metrics",
)


class SecondFactorMiddleware:
    """Placed after django-otp's OTPMiddleware, which tells whether the session's user is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            services.needs_second_factor(user)
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    error_body("second_factor_required", "Confirm the sign-in with a one-time code."),
                    status=403,
                )
            target = "accounts:otp_verify" if services.has_totp(user) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

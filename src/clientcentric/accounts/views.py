from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientcentric.core.access import public, require_roles
from clientcentric.core.services import rate_limit

from .models import Representative

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
    return render(request, "accounts/profile.html", {"acting_for": acting_for})

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientcentric.core.access import public, require_roles

from .models import Representative

login = public(
    auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True)
)
logout = public(auth_views.LogoutView.as_view())


@require_roles()
@require_GET
def profile(request):
    acting_for = Representative.objects.filter(person=request.user).select_related("client", "business")
    return render(request, "accounts/profile.html", {"acting_for": acting_for})

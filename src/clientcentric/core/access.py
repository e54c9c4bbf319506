"""Deny-by-default authorisation for pages.

Every view must declare who may open it with `public` or `require_roles`; a view that declares
nothing answers 403. The back office (Django admin) and the API carry their own checks.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from clientcentric.core.logging import get_logger

log = get_logger(__name__)

PUBLIC = "public"
SELF_GUARDED_PREFIXES = ("/admin/", "/api/")


def public(view):
    view.access_roles = PUBLIC
    return view


def require_roles(*roles: str):
    """Let in signed-in users holding one of `roles`; no roles given means any signed-in user."""

    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if allowed and user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_roles = allowed
        return wrapped

    return decorator


class DenyByDefaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(SELF_GUARDED_PREFIXES):
            return None
        if getattr(view_func, "access_roles", None) is None:
            log.warning(
                "view_without_access_rule", path=request.path, view=getattr(view_func, "__name__", "")
            )
            raise PermissionDenied
        return None

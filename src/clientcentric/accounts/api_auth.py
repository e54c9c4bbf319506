"""The API's two identities: an `ApiToken` that holds the scope the operation names, and a signed-in session.

No token, or one nobody issued or that was revoked, is 401; a valid token without the scope is 403 — both in
the API's error shape (core/api_errors.py). Each token's requests are rate-limited (`api_token`).
"""

from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from clientcentric.core.process_cache import KeyedProcessCache
from clientcentric.core.services import rate_limit

from . import services
from .models import ApiScope, ApiToken


def _active_token(token_hash: str) -> ApiToken | None:
    return (
        ApiToken.objects.filter(token_hash=token_hash, revoked_at__isnull=True)
        .select_related("agency")
        .first()
    )


# A revoked token stops working in every process within the cache's few seconds (docs/api.md).
_tokens_by_hash = KeyedProcessCache(_active_token).invalidate_on(ApiToken)


class ApiTokenAuth(HttpBearer):
    """`auth=ApiTokenAuth(ApiScope.APPEALS_WRITE)`: the caller's token must hold that scope."""

    def __init__(self, scope: ApiScope):
        super().__init__()
        self.scope = ApiScope(scope)

    def authenticate(self, request, token):
        found = _tokens_by_hash.get(services.hash_token(token))
        if found is None:
            return None
        if not found.allows(self.scope):
            raise HttpError(403, f"The token does not hold the scope {self.scope.value}.")
        rate_limit.enforce("api_token", f"token:{found.pk}")
        services.touch_token(found)
        request.api_token = found
        return found


class SignedInSession(SessionAuth):
    """A signed-in session, its CSRF token checked only when there is a session to protect.

    Ninja's `django_auth` checks CSRF before it looks at the session, so a caller with neither a session nor a
    token got "403 CSRF check Failed" instead of 401. Without a signed-in session there is nothing a forged
    request could borrow, so the check waits until there is one.
    """

    def _get_key(self, request):
        key = request.COOKIES.get(self.param_name)
        if key and request.user.is_authenticated and not getattr(request, "_ninja_csrf_exempt", False):
            if check_csrf(request):
                raise HttpError(403, "CSRF check failed: send the csrftoken cookie's value in X-CSRFToken.")
        return key


# The API's session authentication everywhere (config/api.py's default, and operations that name it).
session_auth = SignedInSession()

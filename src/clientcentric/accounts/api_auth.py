"""The one bearer authentication of the API: an `ApiToken` that holds the scope the operation names.

No token, or one nobody issued or that was revoked, is 401; a valid token without the scope is 403 — both in
the API's error shape (core/api_errors.py).
"""

from ninja.errors import HttpError
from ninja.security import HttpBearer

from clientcentric.core.process_cache import KeyedProcessCache

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
        services.touch_token(found)
        request.api_token = found
        return found

from ninja import Field, NinjaAPI, Schema
from ninja.renderers import JSONRenderer

from clientcentric import __version__
from clientcentric.accounts.api_auth import ApiTokenAuth, session_auth
from clientcentric.appeals.api import router as appeals_router
from clientcentric.appeals.me_api import router as appeals_me_router
from clientcentric.appeals.social_api import router as social_router
from clientcentric.appeals.text_api import router as text_router
from clientcentric.business.api import router as business_router
from clientcentric.core.api_errors import install_error_handlers
from clientcentric.delivery.api import events_router as life_events_router
from clientcentric.delivery.api import me_router as delivery_me_router
from clientcentric.design.api import router as design_router
from clientcentric.feedback.api import router as feedback_router
from clientcentric.knowledge.api import router as kb_router
from clientcentric.registry.api import router as registry_router
from clientcentric.research.api import router as research_router
from clientcentric.subscriptions.api import router as subscriptions_router
from clientcentric.supervision.api import router as supervision_router


class ErrorOut(Schema):
    """Every error of the API (docs/api.md#errors)."""

    error: str = Field(description="a stable code: bad_request, unauthenticated, forbidden, not_found, …")
    message: str
    details: list[dict] = Field(description="per-field problems: location or field, message, type")


_ERRORS = {
    400: "The request cannot be understood (e.g. a required header is missing)",
    401: "No signed-in session and no valid API token",
    403: "The token lacks the operation's scope, or the user's role does not allow it (or a session without "
    "its CSRF token)",
    404: "No such record",
    409: "The change conflicts with the record's state",
    413: "The request body is too large",
    422: "A parameter or a field fails validation; `details` says which",
    429: "Too many requests; retry after `Retry-After` seconds",
    503: "The database is unreachable; retry after `Retry-After` seconds",
}


class ClientcentricAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_errors(schema)
        _document_scopes(schema, self._token_scopes())
        return schema

    def _token_scopes(self) -> dict[str, str]:
        scopes = {}
        for _prefix, router in self._routers:
            for view in router.path_operations.values():
                for operation in view.operations:
                    for callback in operation.auth_callbacks:
                        if isinstance(callback, ApiTokenAuth):
                            op_id = operation.operation_id or self.get_openapi_operation_id(operation)
                            scopes[op_id] = callback.scope.value
        return scopes


def _document_scopes(schema, scopes: dict[str, str]) -> None:
    """A token's scope in each operation's description: bearer schemes carry no scopes in OpenAPI 3.0."""
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            scope = scopes.get(operation.get("operationId"))
            if scope:
                note = f"API token scope: `{scope}`."
                operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()


def _document_errors(schema) -> None:
    """Every operation lists the errors it may answer, in the one error shape, next to its own answers."""
    schema.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ErrorOut.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    retry = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}
    for path_item in schema["paths"].values():
        for method, operation in path_item.items():
            codes = [400, 404, 422, 429, 503]
            if operation.get("security"):
                codes += [401, 403]
            if method in ("post", "put", "patch"):
                codes += [409, 413]
            responses = operation["responses"]
            for code in sorted(codes):
                if code in responses or str(code) in responses:
                    continue
                answer = {"description": _ERRORS[code], "content": reference}
                if code in (429, 503):
                    answer["headers"] = retry
                responses[code] = answer


class ReadableJSONRenderer(JSONRenderer):
    # Russian text as UTF-8, not \u escapes: half the bytes, and readable with curl.
    json_dumps_params = {"ensure_ascii": False}


# Operations are closed unless they say otherwise: the default is a signed-in session.
api = ClientcentricAPI(
    title="Clientcentric API",
    version=__version__,
    description="Life situations and services, appeals, ratings, life events, the knowledge base and more. "
    "Errors answer one JSON shape (ErrorOut); see docs/api.md.",
    urls_namespace="api",
    auth=session_auth,
    docs_url="/docs",
    renderer=ReadableJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/registry", registry_router)
api.add_router("/appeals", appeals_router)
api.add_router("/social", social_router)
api.add_router("/kb", kb_router)
api.add_router("/text", text_router)
api.add_router("/subscriptions", subscriptions_router)
api.add_router("/feedback", feedback_router)
api.add_router("/life-events", life_events_router)
api.add_router("/me", delivery_me_router)
api.add_router("/me", appeals_me_router)
api.add_router("/research", research_router)
api.add_router("/design", design_router)
api.add_router("/business", business_router)
api.add_router("/supervision", supervision_router)

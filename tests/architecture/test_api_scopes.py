"""Every API operation that accepts a token authenticates it with ApiTokenAuth and names the scope it needs."""

from ninja.security import HttpBearer

from clientcentric.accounts.api_auth import ApiTokenAuth
from clientcentric.accounts.models import ApiScope
from clientcentric.config.api import api


def _operations():
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{prefix}{path}", operation


def test_every_bearer_is_the_scoped_api_token():
    wrong = [
        (path, type(callback).__name__)
        for path, operation in _operations()
        for callback in operation.auth_callbacks
        if isinstance(callback, HttpBearer) and not isinstance(callback, ApiTokenAuth)
    ]
    assert wrong == []


def test_every_scope_is_needed_by_some_operation():
    needed = {
        callback.scope
        for _path, operation in _operations()
        for callback in operation.auth_callbacks
        if isinstance(callback, ApiTokenAuth)
    }
    assert needed == set(ApiScope)


def test_sessions_are_the_projects_session_auth():
    # Ninja's django_auth checks CSRF before the session and answers "403 CSRF check Failed" to a caller that
    # has neither a session nor a token; ours answers 401 (accounts/api_auth.py).
    from ninja.security import SessionAuth

    from clientcentric.accounts.api_auth import SignedInSession

    wrong = [
        path
        for path, operation in _operations()
        for callback in operation.auth_callbacks
        if isinstance(callback, SessionAuth) and not isinstance(callback, SignedInSession)
    ]
    assert wrong == []


def test_schema_names_are_unique_in_the_openapi_document():
    import inspect
    import sys
    from collections import defaultdict

    from pydantic import BaseModel

    modules = defaultdict(set)
    for name, module in list(sys.modules.items()):
        if name.startswith("clientcentric.") and name.endswith(("api", "_api", "api_pagination")):
            for value in vars(module).values():
                if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == name:
                    modules[value.__name__].add(name)
    assert {n: m for n, m in modules.items() if len(m) > 1} == {}


def test_every_operation_documents_its_errors_in_the_error_shape():
    document = api.get_openapi_schema()
    missing = [
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if not {422, 429} <= {int(code) for code in operation["responses"]}
        or (operation.get("security") and not {401, 403} <= {int(code) for code in operation["responses"]})
    ]
    assert missing == []
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["error", "message", "details"]


def test_the_openapi_document_names_each_operations_token_scope():
    document = api.get_openapi_schema()
    operation = document["paths"]["/api/v1/life-events"]["post"]
    assert "API token scope: `life-events:write`." in operation["description"]
    assert "scope" not in (document["paths"]["/api/v1/registry/faq"]["get"].get("description") or "")

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

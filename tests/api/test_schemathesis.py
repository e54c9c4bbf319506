"""Schemathesis over every API operation, in process (WSGI: no server, no port), three times: anonymous, with a
token that holds every scope, and with a signed-in session. No answer may be a server error or differ from the
OpenAPI document (status, content type, headers, body schema).

Bounded and deterministic: EXAMPLES derandomised examples per operation and identity, the data built once per
identity. The counts are printed (`pytest -s`) for the report: operations, examples, failures.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope

# Django's WSGI handler itself: config.wsgi also refuses to serve with the test settings' development key.
application = get_wsgi_application()

# A deeper run: CLIENTCENTRIC_SCHEMATHESIS_EXAMPLES=50 pytest tests/api -s
EXAMPLES = int(os.environ.get("CLIENTCENTRIC_SCHEMATHESIS_EXAMPLES", "5"))
CSRF = "k" * 32  # an unmasked CSRF secret: the header and the cookie carry the same value
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """As Django's test client does: a raw WSGI request would otherwise close the connection that holds the test's
    transaction (PostgreSQL; SQLite's in-memory database ignores the close)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _headers(identity, registry, people, agency):
    if identity == "token":
        _token, plain = accounts_services.issue_token(
            name="Схемотест", agency=agency, scopes=list(ApiScope.values)
        )
        return {"Authorization": f"Bearer {plain}"}
    if identity == "session":
        browser = Client()
        browser.force_login(people["admin"])
        session = browser.cookies["sessionid"].value
        return {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
    return {}


@pytest.mark.parametrize("identity", ["anonymous", "token", "session"])
def test_every_operation_keeps_the_openapi_document(identity, registry, people, agency, settings):
    settings.CLIENTCENTRIC_RATE_LIMITS = {"api_token": None}
    headers = _headers(identity, registry, people, agency)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations, examples, failures = 0, 0, []

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        def run(case):
            nonlocal examples
            examples += 1
            case.call_and_validate(headers={**(case.headers or {}), **headers}, checks=CHECKS)

        try:
            run()
        except Exception as failure:  # noqa: BLE001 - every operation is tried; the failures are listed below
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure)[:1500]}")

    print(
        f"\nschemathesis [{identity}]: {operations} operations, {examples} examples, {len(failures)} failures"
    )
    assert failures == [], "\n\n".join(failures)

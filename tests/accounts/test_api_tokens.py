"""One API-client identity with scopes: 401 without a valid token, 403 without the scope, issued and revoked
through the service from the CLI and the back office, old tokens kept by the data migration."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from clientcentric.accounts import services
from clientcentric.accounts.models import ApiScope, ApiToken
from clientcentric.core.models import AuditEvent

LIFE_EVENT = {
    "event_id": "zags-1",
    "kind": "pension_age_reached",
    "snils": "11223344595",
    "occurred_at": "2026-03-02T10:00:00+03:00",
}


def _post_life_event(client, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post("/api/v1/life-events", LIFE_EVENT, content_type="application/json", **headers)


def _issue(agency=None, scopes=(ApiScope.LIFE_EVENTS_WRITE,), name="ЗАГС"):
    return services.issue_token(name=name, agency=agency, scopes=scopes)


def test_no_token_answers_401_in_the_error_shape(client, db):
    reply = _post_life_event(client)
    assert reply.status_code == 401
    assert reply.json() == {"error": "unauthenticated", "message": "Sign in first.", "details": []}


def test_an_unknown_token_answers_401(client, db):
    _issue()
    reply = _post_life_event(client, "nobody-issued-this")
    assert (reply.status_code, reply.json()["error"]) == (401, "unauthenticated")


def test_a_token_without_the_scope_answers_403_naming_it(client, agency):
    _token, plain = _issue(agency, scopes=[ApiScope.FEEDBACK_WRITE])
    reply = _post_life_event(client, plain)
    assert reply.status_code == 403
    body = reply.json()
    assert body["error"] == "forbidden" and "life-events:write" in body["message"]
    assert body["details"] == []


def test_a_token_with_the_scope_is_let_in(client, agency):
    _token, plain = _issue(agency)
    assert _post_life_event(client, plain).status_code == 202


def test_a_revoked_token_answers_401(client, agency):
    token, plain = _issue(agency)
    assert _post_life_event(client, plain).status_code == 202
    assert services.revoke_token(token) is True
    assert _post_life_event(client, plain).status_code == 401
    assert services.revoke_token(token) is False


def test_a_token_with_another_scope_cannot_read_requirement_results(client, agency):
    _token, plain = _issue(agency, scopes=list(ApiScope.values[:4]))
    reply = client.get("/api/v1/business/results", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert reply.status_code == 403


def test_the_plain_token_is_not_stored(agency):
    token, plain = _issue(agency)
    assert plain not in token.token_hash and token.token_hash == services.hash_token(plain)


def test_issuing_checks_the_scopes_and_the_agency(agency):
    with pytest.raises(ValidationError):
        services.issue_token(name="x", scopes=["appeals:delete"])
    with pytest.raises(ValidationError):
        services.issue_token(name="x", scopes=[])
    with pytest.raises(ValidationError):
        services.issue_token(name="x", scopes=[ApiScope.REQUIREMENTS_READ])
    assert not ApiToken.objects.exists()


def test_issuing_and_revoking_are_audited(agency, people):
    token, _plain = services.issue_token(
        name="ЗАГС", agency=agency, scopes=[ApiScope.LIFE_EVENTS_WRITE], actor=people["admin"]
    )
    services.revoke_token(token, actor=people["admin"])
    events = AuditEvent.objects.filter(object_type="accounts.apitoken", object_id=str(token.pk)).order_by(
        "pk"
    )
    actions = list(events.values_list("action", "actor"))
    assert actions == [
        ("accounts.api_token_issued", people["admin"].pk),
        ("accounts.api_token_revoked", people["admin"].pk),
    ]


def test_last_use_is_written_at_most_once_a_minute(agency):
    token, _plain = _issue(agency)
    start = timezone.now()
    services.touch_token(token, start)
    services.touch_token(token, start + timedelta(seconds=59))
    token.refresh_from_db()
    assert token.last_used_at == start
    services.touch_token(token, start + timedelta(seconds=61))
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_a_request_notes_the_last_use(client, agency):
    token, plain = _issue(agency)
    _post_life_event(client, plain)
    token.refresh_from_db()
    assert token.last_used_at is not None


# ---- the CLI ---------------------------------------------------------------------------------------------


def test_the_cli_issues_lists_and_revokes(client, agency):
    out = io.StringIO()
    call_command(
        "tokens",
        "issue",
        "ЗАГС",
        "--agency",
        agency.code,
        "--scope",
        "life-events:write",
        "--scope",
        "appeals:write",
        stdout=out,
    )
    plain = out.getvalue().strip()
    token = ApiToken.objects.get(name="ЗАГС")
    assert token.scopes == ["appeals:write", "life-events:write"] and token.agency == agency
    assert _post_life_event(client, plain).status_code == 202

    listing = io.StringIO()
    call_command("tokens", "list", stdout=listing)
    assert "ЗАГС" in listing.getvalue() and "life-events:write" in listing.getvalue()
    assert plain not in listing.getvalue()

    call_command("tokens", "revoke", "ЗАГС", stdout=io.StringIO())
    assert _post_life_event(client, plain).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.api_token_revoked", object_id=str(token.pk)).exists()


def test_the_cli_refuses_an_unknown_agency_scope_or_name(db):
    with pytest.raises(CommandError):
        call_command("tokens", "issue", "x", "--agency", "nobody", "--scope", "appeals:write")
    with pytest.raises(CommandError):
        call_command("tokens", "issue", "x", "--scope", "appeals:delete")
    with pytest.raises(CommandError):
        call_command("tokens", "issue", "x", "--scope", "requirements:read")
    with pytest.raises(CommandError):
        call_command("tokens", "revoke", "nobody")


def test_add_client_still_works_and_says_it_is_deprecated(client, agency):
    out, err = io.StringIO(), io.StringIO()
    call_command("appeals", "add-client", "Система 112", "--agency", agency.code, stdout=out, stderr=err)
    name, plain = out.getvalue().strip().split(": ")
    assert name == "Система 112"
    assert "tokens issue" in err.getvalue()
    token = ApiToken.objects.get(name="Система 112")
    assert set(token.scopes) == {"appeals:write", "life-events:write", "feedback:write", "text:check"}
    assert _post_life_event(client, plain).status_code == 202


# ---- the back office -------------------------------------------------------------------------------------


def test_the_admin_issues_through_the_service_and_shows_the_token_once(client, people, agency):
    client.force_login(people["admin"])
    reply = client.post(
        "/admin/accounts/apitoken/add/",
        {"name": "Телефония", "agency": agency.pk, "scopes": ["feedback:write"]},
        follow=True,
    )
    assert reply.status_code == 200
    token = ApiToken.objects.get(name="Телефония")
    assert token.scopes == ["feedback:write"] and token.agency == agency
    shown = [str(m).rsplit(" ", 1)[-1] for m in reply.context["messages"]]
    plain = next(word for word in shown if services.hash_token(word) == token.token_hash)
    event = AuditEvent.objects.get(action="accounts.api_token_issued", object_id=str(token.pk))
    assert event.actor_id == people["admin"].pk
    assert plain not in client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()


def test_the_admin_refuses_an_agency_scope_without_an_agency(client, people):
    client.force_login(people["admin"])
    reply = client.post("/admin/accounts/apitoken/add/", {"name": "x", "scopes": ["requirements:read"]})
    assert reply.status_code == 200 and not ApiToken.objects.exists()


def test_the_admin_revokes_through_the_service(client, people, agency):
    token, _plain = _issue(agency)
    client.force_login(people["admin"])
    reply = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert reply.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="accounts.api_token_revoked", object_id=str(token.pk))
    assert event.actor_id == people["admin"].pk


def test_the_admin_cannot_delete_a_token(client, people, agency):
    token, _plain = _issue(agency)
    client.force_login(people["admin"])
    assert client.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403

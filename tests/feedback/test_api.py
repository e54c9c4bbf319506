"""The voice-menu API and invitations from other touchpoints, authenticated by an integration token."""

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.feedback.models import Invitation, Response, Source


@pytest.fixture
def token(agency):
    _client, token = accounts_services.issue_token(
        name="Телефония контакт-центра", agency=agency, scopes=[ApiScope.FEEDBACK_WRITE]
    )
    return token


def post(client, path, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(path, body, content_type="application/json", **headers)


def test_the_voice_menu_stores_a_rating_per_call(client, token, agency):
    reply = post(client, "/api/v1/feedback/ivr", {"call_id": "c-1", "satisfaction": 4, "effort": 6}, token)
    assert reply.status_code == 201, reply.content
    response = Response.objects.get(pk=reply.json()["id"])
    assert (
        response.source == Source.IVR and response.agency == agency and response.touchpoint == "call_centre"
    )
    assert response.invitation.used_at is not None


def test_a_call_is_rated_once(client, token):
    post(client, "/api/v1/feedback/ivr", {"call_id": "c-2", "satisfaction": 5}, token)
    again = post(client, "/api/v1/feedback/ivr", {"call_id": "c-2", "satisfaction": 1}, token)
    assert again.status_code == 409
    assert again.json()["error"] == "error" or again.json()["message"]
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    "body", [{"call_id": "c", "satisfaction": 9}, {"call_id": "c", "satisfaction": 3, "effort": 0}]
)
def test_a_digit_out_of_range_is_refused_with_the_field(client, token, body):
    reply = post(client, "/api/v1/feedback/ivr", body, token)
    assert reply.status_code == 422
    # The schema says 1–5 and 1–7 (OpenAPI), so the body is refused before the service sees it.
    assert reply.json()["error"] == "invalid_request"
    assert reply.json()["details"][0]["location"] in ("body.payload.satisfaction", "body.payload.effort")
    assert not Response.objects.exists()


def test_the_voice_menu_needs_a_token(client, db):
    assert post(client, "/api/v1/feedback/ivr", {"call_id": "c", "satisfaction": 3}).status_code == 401
    assert (
        post(client, "/api/v1/feedback/ivr", {"call_id": "c", "satisfaction": 3}, "forged").status_code == 401
    )


def test_another_touchpoint_invites_and_gets_a_link(client, token, registry):
    body = {
        "end_point": "service_completed",
        "transaction_kind": "service_request",
        "transaction_ref": "REQ-77",
        "touchpoint": "portal",
        "service": "pension-assign",
        "life_situation": "retirement",
    }
    first = post(client, "/api/v1/feedback/invitations", body, token)
    assert first.status_code == 201, first.content
    assert "/feedback/r/" in first.json()["link"]
    again = post(client, "/api/v1/feedback/invitations", body, token)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    invitation = Invitation.objects.get()
    assert invitation.service == registry["service"] and invitation.life_situation == registry["pension"]


def test_an_invitation_for_a_page_or_an_unknown_end_point_is_refused(client, token):
    body = {"end_point": "page", "transaction_kind": "x", "transaction_ref": "1", "touchpoint": "portal"}
    assert post(client, "/api/v1/feedback/invitations", body, token).status_code == 422

"""/api/v1/supervision/me/…: the business's own risk profiles and events, never another's."""

from datetime import timedelta

from django.utils import timezone

from clientcentric.supervision.services import events, risk


def _event(profile, fire_type):
    today = timezone.localdate()
    return events.create_event(
        fire_type,
        profile,
        kind="documentary",
        starts_on=today + timedelta(days=5),
        ends_on=today + timedelta(days=9),
        basis="решение",
    )


def test_the_business_reads_its_risk_profiles_and_events(client, people, bakery, other_business, fire_type):
    risk.assess_profile(bakery, fire_type)
    mine, theirs = _event(bakery, fire_type), _event(other_business, fire_type)
    client.force_login(people["business_representative"])
    profiles = client.get("/api/v1/supervision/me/risk-profiles").json()
    assert [(p["control_type"], p["category"]) for p in profiles] == [("fire_safety", "low")]
    assert [e["number"] for e in client.get("/api/v1/supervision/me/events").json()] == [mine.number]
    assert client.get(f"/api/v1/supervision/me/events/{mine.number}").json()["status"] == "planned"
    other = client.get(f"/api/v1/supervision/me/events/{theirs.number}")
    assert other.status_code == 404 and other.json()["error"] == "not_found"


def test_staff_get_a_clear_refusal(client, people):
    client.force_login(people["inspector"])
    response = client.get("/api/v1/supervision/me/events")
    assert response.status_code == 403

"""A representative files an appeal for the person they act for, on the site and through /api/v1/me (DEF-2)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.acting import SESSION_KEY
from clientcentric.accounts.roles import Role
from clientcentric.appeals.models import Appeal

TEXT = "У школы № 5 на улице Лесной нет пешеходного перехода, дети перебегают дорогу"


@pytest.fixture
def family(db):
    mother = accounts_services.create_person(
        username="mother", password="x" * 12, role=Role.CLIENT, last_name="Петрова", first_name="Анна"
    )
    daughter = accounts_services.create_person(
        username="daughter", password="x" * 12, role=Role.CLIENT, last_name="Петрова", first_name="Вера"
    )
    stranger = accounts_services.create_person(username="stranger", password="x" * 12, role=Role.CLIENT)
    accounts_services.appoint_representative(
        person=mother,
        client=daughter,
        basis="Свидетельство о рождении",
        valid_from=date(2019, 9, 1),
        valid_to=timezone.localdate() + timedelta(days=365),
    )
    return {"mother": mother, "daughter": daughter, "stranger": stranger}


def act_for(client, person, other):
    client.force_login(person)
    session = client.session
    session[SESSION_KEY] = other.pk
    session.save()


def test_a_parent_acting_for_a_child_files_the_appeal_in_the_childs_name_on_the_site(client, family):
    act_for(client, family["mother"], family["daughter"])
    form = client.get("/appeals/new/").content.decode()
    assert "как представитель" in form and "Петрова Вера" in form
    response = client.post("/appeals/new/", {"text": TEXT, "publish": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert appeal.author == family["daughter"] and appeal.representative == family["mother"]
    first = appeal.events.get()
    assert first.actor == family["mother"]
    assert "Подано представителем Петрова Анна за Петрова Вера." in first.note


def test_a_person_acting_for_themselves_files_no_representative(client, family):
    client.force_login(family["mother"])
    client.post("/appeals/new/", {"text": TEXT})
    appeal = Appeal.objects.get()
    assert appeal.author == family["mother"] and appeal.representative is None
    assert "представител" not in appeal.events.get().note


def api_post(client, acting_for=None, key=""):
    headers = {}
    if acting_for is not None:
        headers["HTTP_ACTING_FOR"] = str(acting_for)
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post("/api/v1/me/appeals", {"text": TEXT}, content_type="application/json", **headers)


def test_the_api_lists_whom_the_person_may_act_for(client, family):
    client.force_login(family["mother"])
    rows = client.get("/api/v1/me/represented").json()
    assert [(r["id"], r["name"]) for r in rows] == [(family["daughter"].pk, "Петрова Вера")]


def test_a_parent_files_through_the_api_with_the_acting_for_header(client, family):
    client.force_login(family["mother"])
    response = api_post(client, family["daughter"].pk, key="k1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"] == "Петрова Вера" and body["filed_by_representative"] == "Петрова Анна"
    assert api_post(client, family["daughter"].pk, key="k1").status_code == 200
    assert Appeal.objects.get().representative == family["mother"]
    mine = client.get("/api/v1/me/appeals", HTTP_ACTING_FOR=str(family["daughter"].pk)).json()
    assert [a["number"] for a in mine] == [body["number"]]
    assert client.get("/api/v1/me/appeals").json() == []  # the mother's own appeals


def test_acting_for_someone_without_a_power_is_403_and_files_nothing(client, family):
    client.force_login(family["stranger"])
    response = api_post(client, family["daughter"].pk)
    assert response.status_code == 403 and "доверенности" in response.json()["message"]
    assert client.get("/api/v1/me/appeals", HTTP_ACTING_FOR=str(family["daughter"].pk)).status_code == 403
    assert not Appeal.objects.exists()


def test_an_expired_power_stops_acting_through_the_api(client, family):
    power = family["mother"].represents.get()
    power.valid_to = timezone.localdate() - timedelta(days=1)
    power.valid_from = power.valid_to - timedelta(days=30)
    accounts_services.save_representative(power)
    client.force_login(family["mother"])
    assert api_post(client, family["daughter"].pk).status_code == 403
    assert not Appeal.objects.exists()


def test_without_the_header_the_sites_acting_switch_applies(client, family):
    act_for(client, family["mother"], family["daughter"])
    body = api_post(client).json()
    assert body["author"] == "Петрова Вера" and body["filed_by_representative"] == "Петрова Анна"


def test_the_me_api_needs_a_session(client, family):
    assert api_post(client).status_code == 401

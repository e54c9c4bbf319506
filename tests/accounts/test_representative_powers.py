"""Representatives' powers (DEL-2): parents and guardians hold all by law, a power of attorney the ones it lists;
the power is checked wherever a representative acts (pages while «acting for», /api/v1/me with Acting-For)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.accounts import selectors
from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.acting import SESSION_KEY
from clientcentric.accounts.models import ALL_POWERS, Power, Representative
from clientcentric.accounts.roles import Role
from clientcentric.appeals.models import Appeal
from clientcentric.core.models import AuditEvent

TEXT = "У дома 7 на улице Лесной третью неделю не вывозят мусор, контейнеры переполнены"


@pytest.fixture
def people(db):
    def person(username, last, first):
        return accounts_services.create_person(
            username=username, password="x" * 12, role=Role.CLIENT, last_name=last, first_name=first
        )

    return {
        "son": person("son", "Орлов", "Павел"),
        "father": person("father", "Орлов", "Николай"),
        "mother": person("mother", "Орлова", "Анна"),
        "child": person("child", "Орлова", "Вера"),
    }


@pytest.fixture
def attorney(people):
    """The son holds his father's power of attorney for appeals and appointments only."""
    return accounts_services.appoint_representative(
        person=people["son"],
        client=people["father"],
        basis="Доверенность 78 АБ 1234567",
        valid_from=timezone.localdate() - timedelta(days=10),
        valid_to=timezone.localdate() + timedelta(days=355),
        powers=[Power.APPEALS, Power.APPOINTMENTS],
    )


@pytest.fixture
def parent(people):
    return accounts_services.appoint_representative(
        person=people["mother"],
        client=people["child"],
        basis="Свидетельство о рождении V-АК № 512034",
        valid_from=date(2019, 6, 20),
    )


def act_for(client, person, other):
    client.force_login(person)
    session = client.session
    session[SESSION_KEY] = other.pk
    session.save()


# --- the model and the service ------------------------------------------------------------------------------


def test_a_birth_certificate_makes_a_parent_who_holds_every_power(parent):
    assert parent.kind == Representative.Kind.PARENT
    assert parent.held_powers == list(ALL_POWERS)


def test_a_power_of_attorney_holds_only_what_it_lists(attorney):
    assert attorney.kind == Representative.Kind.ATTORNEY
    assert attorney.held_powers == ["appeals", "appointments"]
    assert attorney.holds(Power.APPEALS) and not attorney.holds(Power.APPLY)


def test_a_power_of_attorney_without_powers_is_refused_in_russian(people):
    with pytest.raises(ValidationError) as refused:
        accounts_services.appoint_representative(
            person=people["son"],
            client=people["father"],
            basis="Доверенность",
            valid_from=date(2026, 1, 1),
            powers=[],
        )
    assert "хотя бы одно полномочие" in " ".join(refused.value.messages)


def test_an_unknown_power_is_refused(people):
    with pytest.raises(ValidationError):
        accounts_services.appoint_representative(
            person=people["son"],
            client=people["father"],
            basis="Доверенность",
            valid_from=date(2026, 1, 1),
            powers=["sell_the_flat"],
        )


def test_the_appointment_is_audited_with_its_powers(attorney):
    event = AuditEvent.objects.filter(action="accounts.representative_appointed").last()
    assert event.data["kind"] == "attorney" and event.data["powers"] == ["appeals", "appointments"]


def test_selectors_answer_by_power(people, attorney):
    son, father = people["son"], people["father"]
    assert selectors.acts_for(son, client=father, power=Power.APPEALS)
    assert not selectors.acts_for(son, client=father, power=Power.APPLY)
    assert selectors.powers_for(son, father) == ["appeals", "appointments"]
    # The powers end with the power of attorney.
    later = timezone.localdate() + timedelta(days=400)
    assert not selectors.acts_for(son, client=father, power=Power.APPEALS, on=later)


# --- pages while «acting for» --------------------------------------------------------------------------------


def test_an_attorney_without_the_apply_power_is_refused_naming_it(client, people, attorney):
    act_for(client, people["son"], people["father"])
    page = client.get("/me/offers/0/")
    assert page.status_code == 403
    text = page.content.decode()
    assert "не включает полномочие «подавать заявления на услуги и принимать предложения»" in text
    assert "Орлов Николай" in text


@pytest.mark.parametrize(
    ("url", "power"),
    [
        ("/me/", "видеть и исправлять личный сценарий и данные"),
        ("/me/profile/", "видеть и исправлять личный сценарий и данные"),
        ("/me/scenario/", "видеть и исправлять личный сценарий и данные"),
        ("/me/consents/", "давать и отзывать согласия"),
    ],
)
def test_every_page_needs_its_power(client, people, attorney, url, power):
    act_for(client, people["son"], people["father"])
    response = client.get(url)
    assert response.status_code == 403
    assert f"полномочие «{power}»" in response.content.decode()


def test_an_attorney_with_the_appeals_power_files_an_appeal(client, people, attorney):
    act_for(client, people["son"], people["father"])
    response = client.post("/appeals/new/", {"text": TEXT})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.author == people["father"] and appeal.representative == people["son"]


def test_an_attorney_with_the_appointments_power_sees_the_booking_page(client, people, attorney):
    act_for(client, people["son"], people["father"])
    assert client.get("/me/appointments/").status_code == 200


def test_a_parent_acts_everywhere(client, people, parent):
    act_for(client, people["mother"], people["child"])
    for url in ("/me/", "/me/profile/", "/me/scenario/", "/me/consents/", "/me/appointments/"):
        assert client.get(url).status_code == 200, url


def test_switching_without_the_data_power_lands_on_the_powers_page(client, people, attorney):
    client.force_login(people["son"])
    response = client.post("/me/acting/", {"client": people["father"].pk})
    assert response.status_code == 302 and response["Location"] == "/me/acting/"
    page = client.get("/me/acting/").content.decode()
    assert 'id="my-powers"' in page
    assert "подавать обращения и следить за ними" in page and "записываться на приём" in page
    assert "давать и отзывать согласия" not in page.split('id="my-powers"')[1]


def test_the_powers_page_says_a_parent_holds_all_by_law(client, people, parent):
    client.force_login(people["mother"])
    page = client.get("/me/acting/").content.decode()
    assert "всё, что человек может сделать сам (по закону)" in page and "Родитель" in page


# --- the API with Acting-For -----------------------------------------------------------------------------------


def test_the_api_lists_the_powers(client, people, attorney):
    client.force_login(people["son"])
    rows = client.get("/api/v1/me/represented").json()
    assert rows[0]["kind"] == "attorney" and rows[0]["powers"] == ["appeals", "appointments"]


def test_the_api_refuses_an_attorney_without_the_appeals_power_in_russian(client, people):
    accounts_services.appoint_representative(
        person=people["son"],
        client=people["father"],
        basis="Доверенность на запись к врачу",
        valid_from=date(2026, 1, 1),
        powers=[Power.APPOINTMENTS],
    )
    client.force_login(people["son"])
    response = client.post(
        "/api/v1/me/appeals",
        {"text": TEXT},
        content_type="application/json",
        HTTP_ACTING_FOR=people["father"].pk,
    )
    assert response.status_code == 403
    assert "не включает полномочие «подавать обращения и следить за ними»" in response.json()["message"]
    assert not Appeal.objects.exists()
    # The same through the site's switch, without the header.
    act_for(client, people["son"], people["father"])
    response = client.get("/api/v1/me/appeals")
    assert response.status_code == 403 and "полномочие" in response.json()["message"]


def test_the_api_lets_the_attorney_file_with_the_appeals_power(client, people, attorney):
    client.force_login(people["son"])
    response = client.post(
        "/api/v1/me/appeals",
        {"text": TEXT, "object_kind": "Двор"},
        content_type="application/json",
        HTTP_ACTING_FOR=people["father"].pk,
    )
    assert response.status_code == 201
    assert response.json()["filed_by_representative"] == "Орлов Павел"
    assert Appeal.objects.get().object_kind == "Двор"  # the portal form's «Где это?» through the app API too


# --- the back office -----------------------------------------------------------------------------------------


def test_the_back_office_lists_and_edits_powers(client, db):
    admin = accounts_services.create_person(username="boss", password="x" * 12, role=Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    son = accounts_services.create_person(username="s2", password="x" * 12, role=Role.CLIENT)
    father = accounts_services.create_person(username="f2", password="x" * 12, role=Role.CLIENT)
    rep = accounts_services.appoint_representative(
        person=son, client=father, basis="Доверенность", valid_from=date(2026, 1, 1), powers=[Power.APPEALS]
    )
    client.force_login(admin)
    listing = client.get("/admin/accounts/representative/").content.decode()
    assert "подавать обращения и следить за ними" in listing
    page = client.get(f"/admin/accounts/representative/{rep.pk}/change/").content.decode()
    assert 'name="powers"' in page and 'value="apply"' in page


# --- the data migration ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "kind"),
    [
        ("Свидетельство о рождении V-АК № 512034 (мать)", "parent"),
        ("Решение органа опеки № 12", "guardian"),
        ("Генеральный директор (устав)", "head"),
        ("Доверенность 78 АБ 1234567", "attorney"),
    ],
)
def test_the_migration_gives_existing_rows_the_kind_their_basis_names_and_every_power(people, basis, kind):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "clientcentric.accounts.migrations.0006_representative_kind_and_powers"
    )
    row = accounts_services.appoint_representative(
        person=people["son"], client=people["father"], basis=basis, valid_from=date(2026, 1, 1)
    )
    Representative.objects.filter(pk=row.pk).update(kind="attorney", powers=[])  # as before the migration
    migration.powers_their_kind_implies(apps, None)
    row.refresh_from_db()
    assert row.kind == kind and row.powers == list(ALL_POWERS)

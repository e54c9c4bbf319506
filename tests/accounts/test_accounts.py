import datetime

import pytest
from django.core.exceptions import ValidationError

from clientcentric.accounts import services
from clientcentric.accounts.models import Agency, BusinessClient
from clientcentric.accounts.roles import Role
from clientcentric.accounts.validators import is_valid_inn


@pytest.mark.parametrize(
    "inn,valid",
    [
        ("7707083893", True),  # Сбербанк
        ("7707083894", False),
        ("500100732259", True),
        ("500100732250", False),
        ("12345", False),
        ("77070838ab", False),
    ],
)
def test_inn_checksum(inn, valid):
    assert is_valid_inn(inn) is valid


def test_staff_roles_get_the_back_office_and_their_group(agency):
    methodologist = services.create_person(
        username="m", password="x" * 12, role=Role.METHODOLOGIST, agency=agency
    )
    assert methodologist.is_staff and not methodologist.is_superuser
    assert list(methodologist.groups.values_list("name", flat=True)) == ["methodologist"]
    assert methodologist.has_perm("registry.change_need")
    assert not methodologist.has_perm("accounts.change_user")


def test_clients_never_reach_the_back_office(db):
    client = services.create_person(username="c", password="x" * 12, role=Role.CLIENT)
    assert not client.is_staff and not client.groups.exists()


def test_admin_role_is_superuser(db):
    assert services.create_person(username="a", password="x" * 12, role=Role.ADMIN).is_superuser


def test_staff_without_an_agency_is_refused(db):
    with pytest.raises(ValidationError) as error:
        services.create_person(username="o", password="x" * 12, role=Role.OPERATOR)
    assert "agency" in error.value.message_dict


def test_role_change_moves_the_person_between_groups(agency):
    person = services.create_person(username="p", password="x" * 12, role=Role.OPERATOR, agency=agency)
    person.role = Role.CLIENT
    services.save_person(person)
    person.refresh_from_db()
    assert not person.is_staff and not person.groups.exists()


def test_agency_hierarchy_refuses_cycles(db):
    region = services.save_agency(
        Agency(code="region", name="Правительство", level="regional", kind="executive")
    )
    ministry = services.save_agency(
        Agency(code="min", name="Министерство", level="regional", kind="executive", parent=region)
    )
    assert ministry.ancestors() == [region]
    region.parent = ministry
    with pytest.raises(ValidationError):
        services.save_agency(region)


def test_representative_acts_for_a_business_within_the_period(db):
    person = services.create_person(username="rep", password="x" * 12, role=Role.BUSINESS_REPRESENTATIVE)
    business = services.save_business(
        BusinessClient(name="ООО «Пекарь»", kind="legal_entity", inn="7707083893")
    )
    services.appoint_representative(
        person=person,
        business=business,
        basis="Доверенность № 1",
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    assert services.acts_for(person, business=business, on=datetime.date(2026, 6, 1))
    assert not services.acts_for(person, business=business, on=datetime.date(2027, 1, 1))


def test_representative_acts_for_a_client(db):
    mother = services.create_person(username="mother", password="x" * 12, role=Role.CLIENT)
    son = services.create_person(username="son", password="x" * 12, role=Role.CLIENT)
    services.appoint_representative(
        person=son, client=mother, basis="Доверенность", valid_from=datetime.date(2026, 1, 1)
    )
    assert services.acts_for(son, client=mother, on=datetime.date(2026, 3, 1))
    assert not services.acts_for(mother, client=son, on=datetime.date(2026, 3, 1))


def test_representative_for_both_or_neither_is_refused(db):
    person = services.create_person(username="rep", password="x" * 12, role=Role.CLIENT)
    with pytest.raises(ValidationError):
        services.appoint_representative(person=person, basis="?", valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.appoint_representative(
            person=person, client=person, basis="?", valid_from=datetime.date(2026, 1, 1)
        )


def test_business_with_a_bad_inn_is_refused(db):
    with pytest.raises(ValidationError) as error:
        services.save_business(BusinessClient(name="ООО", kind="legal_entity", inn="1234567890"))
    assert "inn" in error.value.message_dict

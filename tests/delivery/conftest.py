from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.roles import Role
from clientcentric.delivery.models import ConsentText, EligibilityRule, RuleParameter
from clientcentric.delivery.services import profiles as profile_services
from clientcentric.delivery.services import rules as rule_services
from clientcentric.delivery.validators import snils_checksum


@pytest.fixture(autouse=True)
def _event_situations(request):
    """Tests with a registry get the shipped life event → life situations table, as a migrated database does."""
    if "registry" in request.fixturenames:
        from clientcentric.delivery import event_situations

        request.getfixturevalue("registry")
        event_situations.seed()


def make_snils(number: int) -> str:
    body = f"{number:09d}"
    return body + f"{snils_checksum(body + '00'):02d}"


@pytest.fixture
def consent_text(db):
    return ConsentText.objects.create(
        version=1,
        text="Я согласен на проверку права на услуги и их предложение.",
        valid_from=date(2020, 1, 1),
    )


@pytest.fixture
def low_income(db):
    return RuleParameter.objects.create(
        name="low_income", valid_from=date(2016, 1, 1), value=Decimal("20000")
    )


@pytest.fixture
def pension_rule(registry, low_income):
    rule = rule_services.save_rule(
        EligibilityRule(
            rule_id="old_age_pension",
            service=registry["service"],
            text="age >= 60 and citizenship in ('rf', 'dual')",
            valid_from=date(2016, 1, 1),
            explain_yes="Вам исполнилось 60 лет, пенсия назначается без заявления.",
            explain_no="Пенсия по старости назначается с 60 лет.",
            examples=[
                {"on": "2026-01-01", "facts": {"age": 61, "citizenship": "rf"}, "expect": "eligible"},
                {"on": "2026-01-01", "facts": {"age": 40, "citizenship": "rf"}, "expect": "not_eligible"},
            ],
        )
    )
    return rule_services.publish_rule(rule)


def make_client(username, *, snils_number, birth, email=None, **profile_fields):
    user = accounts_services.create_person(
        username=username,
        password="test-pass-2026",
        role=Role.CLIENT,
        last_name="Иванова",
        first_name="Мария",
    )
    user.email = email or f"{username}@example.ru"
    user.save(update_fields=["email"])
    profile = profile_services.profile_of(user)
    profile.snils = make_snils(snils_number)
    profile.birth_date = birth
    for key, value in profile_fields.items():
        setattr(profile, key, value)
    profile_services.save_profile(profile)
    return user


@pytest.fixture
def pensioner(db, consent_text):
    return make_client("pensioner", snils_number=123456789, birth=date(1960, 3, 1))


def event_input(snils, kind="pension_age_reached", event_id="e-1", sequence=None, when=None, **extra):
    from clientcentric.delivery.services.life_events import EventInput

    return EventInput(
        event_id=event_id,
        kind=kind,
        snils=snils,
        occurred_at=when or timezone.make_aware(datetime(2026, 3, 2, 10)),
        sequence=sequence,
        **extra,
    )


def soon(hours=30):
    return timezone.now() + timedelta(hours=hours)

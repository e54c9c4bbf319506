"""The declared facts of a person as a client, derived from the profile and household (rules.md names).

A fact the platform does not know is None, so a rule that needs it answers "unknown", never "eligible".
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_noop

from clientcentric.engines.rules import FactType
from clientcentric.engines.rules.facts import PERSON_SCHEMA, client_facts

from . import PERSON, FactProvider, register

# The facts a rule about a client may use: the engine's person and household facts that a profile can fill
# (types come from the engine, declared once) plus citizenship, which only the profile knows.
SCHEMA = {
    **{
        name: PERSON_SCHEMA[name]
        for name in (
            "age",
            "birth",
            "is_adult",
            "disability",
            "unemployed",
            "student",
            "salary",
            "household_income",
            "income_pc",
            "n_persons",
            "n_adults",
            "n_children",
            "n_under_1",
            "n_under_3",
            "n_under_6",
            "n_under_18",
            "n_over_65",
            "n_disabled",
            "occupancy",
        )
    },
    "citizenship": FactType.STR,
}

# What the short form asks when a rule needs a fact the platform lacks (Russian via the .po file).
QUESTIONS = {
    "age": gettext_noop("Your age, full years"),
    "birth": gettext_noop("Your birth date"),
    "is_adult": gettext_noop("Are you 18 or older?"),
    "citizenship": gettext_noop("Your citizenship"),
    "disability": gettext_noop("Is a disability established for you?"),
    "unemployed": gettext_noop("Are you registered as unemployed?"),
    "student": gettext_noop("Are you a full-time student?"),
    "salary": gettext_noop("Your monthly income, roubles"),
    "household_income": gettext_noop("Monthly income of your whole family, roubles"),
    "income_pc": gettext_noop("Monthly family income per person, roubles"),
    "n_persons": gettext_noop("How many people live in your family?"),
    "n_adults": gettext_noop("How many adults live in your family?"),
    "n_children": gettext_noop("How many children live in your family?"),
    "n_under_1": gettext_noop("How many children under 1 year old?"),
    "n_under_3": gettext_noop("How many children under 3 years old?"),
    "n_under_6": gettext_noop("How many children under 6 years old?"),
    "n_under_18": gettext_noop("How many children under 18?"),
    "n_over_65": gettext_noop("How many family members are over 65?"),
    "n_disabled": gettext_noop("How many family members have a disability?"),
    "occupancy": gettext_noop("Do you rent, own, live free of charge, or have no home?"),
}


def _member(birth: date | None, income, disability, on: date) -> dict:
    """A profile or household member as the engine's person: the role comes from the age on `on`.

    A child's income is not part of the family's earnings, so it counts as 0; a member whose age is unknown
    has an unknown role and income, which makes the household counts and income unknown (never a guess)."""
    if birth is None:
        role = money = None
    elif on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)) >= 18:
        role, money = "adult", income
    else:
        role, money = "child", 0
    return {
        "role": role,
        "birth": birth,
        "salary": money,
        "capital_returns": None if money is None else 0,
        "disability": disability,
    }


def engine_inputs(profile, on: date, household=None) -> tuple[dict, dict, list[dict]]:
    """(person, household, members) in the shape of the engine's population extract, for `client_facts`."""
    members = list(profile.household.all() if household is None else household)
    person = _member(profile.birth_date, profile.income_monthly, profile.disability, on)
    person["unemployed"], person["student"] = profile.unemployed, profile.student
    others = [_member(m.birth_date, m.income_monthly, m.disability, on) for m in members]
    home = {
        "housing_occupancy_status": profile.occupancy or None,
        "postal_code": profile.postal_code or None,
    }
    return person, home, [person, *others]


def profile_facts(profile, on: date, household=None) -> dict:
    """Facts of `profile` on the date `on` (the engine's facts layer); `household` may be passed pre-fetched."""
    person, home, members = engine_inputs(profile, on, household)
    derived = client_facts(person, on, home, members)
    facts = {name: derived.get(name) for name in SCHEMA}
    # The client's own income is their salary; as an adult's share of the family it is in household_income.
    facts["salary"] = None if profile.income_monthly is None else float(profile.income_monthly)
    facts["citizenship"] = profile.citizenship or None
    for name, raw in (profile.stated_facts or {}).items():
        if name in SCHEMA and facts.get(name) is None:
            facts[name] = parse_fact(name, raw)
    return facts


class FactValueError(ValueError):
    pass


def parse_fact(name: str, raw):
    """A value the client typed (or stored JSON) as the fact's declared type; FactValueError if it is not one."""
    kind = SCHEMA[name]
    if raw is None or raw == "":
        return None
    text = str(raw).strip()
    try:
        if kind == FactType.INT:
            value = int(text)
            if value < 0:
                raise FactValueError(name)
            return value
        if kind == FactType.DECIMAL:
            value = Decimal(text.replace(",", ".").replace(" ", ""))
            if not value.is_finite() or value < 0:
                raise FactValueError(name)
            return value
        if kind == FactType.BOOL:
            if isinstance(raw, bool):
                return raw
            lowered = text.lower()
            if lowered in ("true", "1", "yes", "да"):
                return True
            if lowered in ("false", "0", "no", "нет"):
                return False
            raise FactValueError(name)
        if kind == FactType.DATE:
            return date.fromisoformat(text)
    except (ValueError, InvalidOperation) as error:
        raise FactValueError(name) from error
    return text


def to_json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


PROVIDER = register(FactProvider(PERSON, SCHEMA, QUESTIONS, profile_facts))

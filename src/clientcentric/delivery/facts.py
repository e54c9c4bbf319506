"""The declared facts of a person as a client, derived from the profile and household (rules.md names).

A fact the platform does not know is None, so a rule that needs it answers "unknown", never "eligible".
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_noop

from clientcentric.engines.rules import FactType

SCHEMA = {
    "age": FactType.INT,
    "birth": FactType.DATE,
    "is_adult": FactType.BOOL,
    "citizenship": FactType.STR,
    "disability": FactType.BOOL,
    "unemployed": FactType.BOOL,
    "student": FactType.BOOL,
    "salary": FactType.DECIMAL,
    "household_income": FactType.DECIMAL,
    "income_pc": FactType.DECIMAL,
    "n_persons": FactType.INT,
    "n_adults": FactType.INT,
    "n_children": FactType.INT,
    "n_under_1": FactType.INT,
    "n_under_3": FactType.INT,
    "n_under_6": FactType.INT,
    "n_under_18": FactType.INT,
    "n_over_65": FactType.INT,
    "n_disabled": FactType.INT,
    "occupancy": FactType.STR,
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


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    # A 29 February birthday counts on 1 March in a non-leap year (rules.md).
    had_birthday = (on.month, on.day) >= (birth.month, birth.day)
    return on.year - birth.year - (0 if had_birthday else 1)


def _sum_or_none(values) -> Decimal | None:
    total = Decimal(0)
    for value in values:
        if value is None:
            return None
        total += value
    return total


def profile_facts(profile, on: date, household=None) -> dict:
    """Facts of `profile` on the date `on`; `household` may be passed pre-fetched."""
    members = list(profile.household.all() if household is None else household)
    own_age = age_on(profile.birth_date, on)
    ages = [own_age] + [age_on(m.birth_date, on) for m in members]
    ages_known = None not in ages
    adults = [m for m, a in zip(members, ages[1:], strict=True) if a is not None and a >= 18]
    # A child's income is not part of the family's earnings; an adult's unknown income makes the total unknown.
    household_income = (
        _sum_or_none([profile.income_monthly] + [m.income_monthly for m in adults]) if ages_known else None
    )
    n_persons = 1 + len(members)

    def count(predicate):
        return sum(1 for a in ages if predicate(a)) if ages_known else None

    disabilities = [profile.disability] + [m.disability for m in members]
    facts = {
        "age": own_age,
        "birth": profile.birth_date,
        "is_adult": None if own_age is None else own_age >= 18,
        "citizenship": profile.citizenship or None,
        "disability": profile.disability,
        "unemployed": profile.unemployed,
        "student": profile.student,
        "salary": profile.income_monthly,
        "household_income": household_income,
        "income_pc": None if household_income is None else household_income / n_persons,
        "n_persons": n_persons,
        "n_adults": count(lambda a: a >= 18),
        "n_children": count(lambda a: a < 18),
        "n_under_1": count(lambda a: a < 1),
        "n_under_3": count(lambda a: a < 3),
        "n_under_6": count(lambda a: a < 6),
        "n_under_18": count(lambda a: a < 18),
        "n_over_65": count(lambda a: a > 65),
        "n_disabled": None if None in disabilities else sum(1 for d in disabilities if d),
        "occupancy": profile.occupancy or None,
    }
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

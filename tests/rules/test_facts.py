"""Fact providers are registered per domain: a person, a business, a controlled object."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from clientcentric.engines.rules import FactType
from clientcentric.rules import facts
from clientcentric.rules.facts import business, controlled_object, person


def test_every_domain_has_one_provider():
    assert facts.domains() == ["business", "controlled_object", "person"]
    assert facts.provider("person").schema is person.SCHEMA
    assert facts.provider("business").derive is business.derive
    assert facts.provider("controlled_object").derive is controlled_object.derive


def test_an_unknown_domain_is_refused_naming_the_known_ones():
    with pytest.raises(LookupError, match="person"):
        facts.provider("vehicle")


def test_a_second_provider_for_a_domain_is_refused():
    with pytest.raises(ValueError):
        facts.register(facts.FactProvider("person", {}, {}, lambda: {}))


def test_the_business_schema_includes_the_object_facts():
    schema = facts.provider("business").schema
    assert schema["max_voltage_kv"] is FactType.DECIMAL and schema["okved"] is FactType.STR_SET
    assert set(facts.provider("controlled_object").schema) <= set(schema)


def test_object_facts_are_unknown_until_the_list_is_complete_or_names_the_kind():
    premises = SimpleNamespace(kind="premises", purpose="office", area=Decimal("12.5"))
    assert controlled_object.derive([], complete=False) == {}
    listed = controlled_object.derive([premises], complete=False)
    assert listed["has_premises"] is True and listed["premises_area_total"] == Decimal("12.5")
    assert "has_electrical_installation" not in listed
    whole = controlled_object.derive([premises], complete=True)
    assert whole["has_electrical_installation"] is False and whole["max_voltage_kv"] == 0
    assert whole["has_hazardous_facility"] is False and "max_hazard_class" not in whole


def test_labels_come_from_the_provider():
    assert facts.provider("business").label("employees") == business.label("employees")
    assert facts.provider("person").label("no_such_fact") == "no_such_fact"

"""Methodologists' rules: checked on save with the position, published only when examples pass, YAML in/out."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clientcentric.delivery.models import EligibilityRule, RuleParameter
from clientcentric.delivery.selectors import rules as rule_selectors
from clientcentric.delivery.services import profiles as profile_services
from clientcentric.delivery.services import rulebook
from clientcentric.delivery.services import rules as rule_services


def _rule(registry, text, examples=()):
    return EligibilityRule(
        rule_id="r",
        service=registry["service"],
        text=text,
        valid_from=date(2020, 1, 1),
        examples=list(examples),
    )


def test_rule_with_an_unknown_fact_is_refused_with_its_position(registry, low_income):
    with pytest.raises(ValidationError) as error:
        rule_services.save_rule(_rule(registry, "age >= 60 and incme < 5"))
    message = error.value.message_dict["text"][0]
    assert "15" in message and "incme" in message
    assert not EligibilityRule.objects.exists()


@pytest.mark.parametrize("text", ["age >= 'sixty'", "age in (60, None)", "age >= P.unknown_param", "age >="])
def test_bad_rules_are_refused_on_save(registry, low_income, text):
    with pytest.raises(ValidationError):
        rule_services.save_rule(_rule(registry, text))


def test_a_rule_is_published_only_when_every_example_passes(registry, low_income):
    rule = rule_services.save_rule(
        _rule(
            registry,
            "income_pc < P.low_income",
            [
                {"on": "2026-01-01", "facts": {"income_pc": 10000}, "expect": "eligible"},
                {"on": "2026-01-01", "facts": {"income_pc": 30000}, "expect": "eligible"},
            ],
        )
    )
    with pytest.raises(ValidationError) as error:
        rule_services.publish_rule(rule)
    assert "2" in " ".join(error.value.messages)
    rule.refresh_from_db()
    assert rule.status == EligibilityRule.Status.DRAFT
    without_examples = rule_services.save_rule(
        EligibilityRule(
            rule_id="no-examples", service=registry["service"], text="age > 1", valid_from=date(2020, 1, 1)
        )
    )
    with pytest.raises(ValidationError):
        rule_services.publish_rule(without_examples)


def test_unknown_is_never_eligible(registry, low_income):
    from clientcentric.rules import eligibility

    rule = rule_services.save_rule(_rule(registry, "income_pc < P.low_income or age < 0"))
    verdict = eligibility.evaluate(
        rule,
        {"age": 30},
        date(2026, 1, 1),
        rule_selectors.load_parameters(),
        rule_selectors.parameter_names(),
    )
    assert verdict.outcome.value == "unknown" and verdict.missing == ("income_pc",)
    assert "доход" in eligibility.explain(rule, verdict).lower()


def test_admin_form_shows_the_engine_error_in_russian_next_to_the_text(client, people, registry, low_income):
    client.force_login(people["methodologist"])
    response = client.post(
        "/admin/delivery/eligibilityrule/add/",
        {
            "rule_id": "x",
            "version": 1,
            "service": registry["service"].pk,
            "text": "agee > 3",
            "valid_from": "2026-01-01",
            "examples": "[]",
        },
    )
    assert response.status_code == 200
    assert "Строка 1, столбец 1" in response.content.decode()
    assert not EligibilityRule.objects.exists()


RULEBOOK = """
parameters:
  low_income: [{from: 2016-01-01, value: 800.0}]
rules:
  - id: single_parent_low_income
    service: pension-assign
    text: n_adults == 1 and n_under_18 >= 1 and household_income < 2 * P.low_income
    valid_from: 2016-01-01
    legal_reference: "Закон"
    explain_yes: "Вы один воспитываете ребёнка, и доход семьи ниже порога."
    explain_no: "Доход семьи выше порога."
    examples:
      - on: 2016-11-01
        facts: {n_adults: 1, n_under_18: 2, household_income: 1200.0}
        expect: eligible
      - on: 2016-11-01
        facts: {n_adults: 1, n_under_18: 2}
        expect: unknown
"""


def test_rulebook_imports_and_exports_round_trip(registry):
    report = rulebook.import_rulebook(RULEBOOK)
    assert report.ok, report.problems
    assert report.created == ["single_parent_low_income v1"]
    rule = EligibilityRule.objects.get()
    assert rule.status == "published" and RuleParameter.objects.get().value == 800
    exported = rule_selectors.export_rulebook()
    assert "single_parent_low_income" in exported and "low_income" in exported
    again = rulebook.import_rulebook(exported)
    assert (
        again.ok and again.unchanged == ["single_parent_low_income"] and EligibilityRule.objects.count() == 1
    )


def test_a_bad_rulebook_imports_nothing_and_says_where(registry):
    bad = (
        RULEBOOK
        + """
  - id: broken
    service: pension-assign
    text: n_adults == 1 and salry < 5
    valid_from: 2016-01-01
    examples: [{on: 2016-01-01, facts: {n_adults: 1}, expect: unknown}]
  - id: no_service
    service: nope
    text: age > 1
    valid_from: 2016-01-01
    examples: [{on: 2016-01-01, facts: {age: 2}, expect: eligible}]
"""
    )
    report = rulebook.import_rulebook(bad)
    assert not report.ok
    wheres = [p.where for p in report.problems]
    assert any("broken" in w for w in wheres) and any("no_service" in w for w in wheres)
    assert not EligibilityRule.objects.exists() and not RuleParameter.objects.exists()


def test_dry_run_writes_nothing(registry):
    report = rulebook.import_rulebook(RULEBOOK, dry_run=True)
    assert report.ok and not EligibilityRule.objects.exists()


def test_new_version_ends_the_previous_one(registry):
    rulebook.import_rulebook(RULEBOOK)
    changed = RULEBOOK.replace("valid_from: 2016-01-01", "valid_from: 2027-01-01").replace(
        "household_income < 2 *", "household_income < 3 *"
    )
    report = rulebook.import_rulebook(changed)
    assert report.ok, report.problems
    old, new = EligibilityRule.objects.order_by("version")
    assert old.valid_to == date(2027, 1, 1) and new.version == 2


def test_rulebook_problems_come_from_the_engine_loader_in_russian(registry):
    bad = (
        RULEBOOK.replace("household_income < 2 *", "household_incme < 2 *")
        + """
  - id: lonely
    service: pension-assign
    text: age > 1
    valid_from: 2016-01-01
"""
    )
    report = rulebook.import_rulebook(bad)
    messages = [str(p) for p in report.problems]
    assert any("single_parent_low_income" in m and "столбец 39" in m and "incme" in m for m in messages), (
        messages
    )
    assert any("lonely" in m and "пример" in m for m in messages), messages
    assert not EligibilityRule.objects.exists()


def test_profile_facts_are_the_engine_facts(people):
    from clientcentric.delivery.models import HouseholdMember
    from clientcentric.engines.rules.facts import client_facts
    from clientcentric.rules.facts.person import engine_inputs, profile_facts

    profile = profile_services.profile_of(people["client"])
    profile.birth_date, profile.income_monthly, profile.disability = date(1960, 3, 1), 20000, True
    profile_services.save_profile(profile)
    profile_services.save_household_member(
        HouseholdMember(
            profile=profile,
            name="Внук",
            relation="child",
            birth_date=date(2015, 5, 5),
            income_monthly=5000,
            disability=False,
        )
    )
    on = date(2026, 3, 1)
    facts = profile_facts(profile, on)
    person, home, members = engine_inputs(profile, on)
    engine = client_facts(person, on, home, members)
    assert {k: facts[k] for k in facts if k in engine and k != "salary"} == {
        k: engine[k] for k in facts if k in engine and k != "salary"
    }
    # 66 years old counts in n_over_65 (65 or older), and a child's income is not family income
    assert facts["n_over_65"] == 1 and facts["household_income"] == 20000 and facts["n_disabled"] == 1


def test_rule_ids_may_be_slugs_as_in_the_back_office(registry):
    report = rulebook.import_rulebook(RULEBOOK.replace("id: single_parent_low_income", "id: single-parent"))
    assert report.ok, report.problems
    assert EligibilityRule.objects.get().rule_id == "single-parent"


def test_publishing_a_rule_is_a_status_change_with_history(registry, low_income, people):
    from clientcentric.core.services.status import history
    from clientcentric.core.workflow import TransitionNotAllowed

    rule = rule_services.save_rule(
        _rule(
            registry,
            "income_pc < P.low_income",
            [{"on": "2026-01-01", "facts": {"income_pc": 10000}, "expect": "eligible"}],
        )
    )
    rule_services.publish_rule(rule, actor=people["methodologist"])
    rule.refresh_from_db()
    assert rule.status == EligibilityRule.Status.PUBLISHED and rule.published_at is not None
    assert list(history(rule).values_list("workflow", "from_status", "to_status", "actor")) == [
        ("delivery.eligibility_rule", "draft", "published", people["methodologist"].pk)
    ]
    with pytest.raises(TransitionNotAllowed):
        rule_services.publish_rule(rule)

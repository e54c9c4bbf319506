"""A type of control references its acts: the requirement lists, consultations and warnings follow the reference,
not an equality of free-text names; the data migration turned the old equality into references."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientcentric.business import services as business_services
from clientcentric.business.models import Act, Requirement
from clientcentric.supervision import selectors
from clientcentric.supervision.services import prevention, risk

from .conftest import FIRE


@pytest.fixture
def renamed_act(db):
    act = business_services.save_act(
        Act(
            code="ТР_ПБ",
            title="Технический регламент о требованиях пожарной безопасности",
            control_type="ГПН",
        )
    )
    business_services.save_requirement(
        Requirement(act=act, item_no="1", position=1, text="Обеспечить огнетушителями каждый этаж.")
    )
    return act


def test_sync_links_the_acts_named_by_the_type(fire_type, fire_act):
    assert list(fire_type.acts.all()) == [fire_act]
    assert risk.link_acts_named(fire_type) == 0  # linked once


def test_the_requirement_list_follows_the_reference_not_the_name(bakery, fire_type, renamed_act):
    before = {r.act.code for r in selectors.my_requirements(bakery, fire_type)}
    assert before == {"ППР"}
    fire_type.acts.add(renamed_act)  # the methodologist links an act whose text names the type differently
    after = {r.act.code for r in selectors.my_requirements(bakery, fire_type)}
    assert after == {"ППР", "ТР_ПБ"}
    fire_type.acts.remove(renamed_act)
    fire_type.acts.remove(*fire_type.acts.all())
    assert selectors.my_requirements(bakery, fire_type) == []  # the same text, no reference: nothing


def test_a_warning_on_an_act_the_type_does_not_reference_is_refused(bakery, fire_type, renamed_act, people):
    requirement = renamed_act.requirements.get()
    with pytest.raises(ValidationError) as error:
        prevention.issue_warning(
            bakery,
            fire_type,
            requirement,
            information="Сведения жителей",
            information_received_on=timezone.localdate(),
            risky_actions="Огнетушители не размещены.",
            proposal="Разместить огнетушители.",
            actor=people["inspector"],
        )
    assert "requirement" in error.value.message_dict


def test_the_data_migration_maps_the_existing_text(fire_type, fire_act, renamed_act):
    fire_type.acts.clear()
    migration = importlib.import_module("clientcentric.supervision.migrations.0006_control_type_acts")
    migration.link_acts_by_their_text(apps, None)
    assert set(fire_type.acts.values_list("code", flat=True)) == {"ППР"}
    assert fire_act.control_type == FIRE and fire_type.act_control_type == FIRE

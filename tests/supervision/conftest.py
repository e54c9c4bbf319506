from datetime import date
from decimal import Decimal

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import BusinessClient
from clientcentric.business import services as business_services
from clientcentric.business.models import Act, BusinessProfile, ControlObject, Requirement
from clientcentric.supervision.services import risk

FIRE = "федеральный государственный пожарный надзор"


@pytest.fixture
def fire_act(db):
    act = business_services.save_act(
        Act(code="ППР", title="Правила противопожарного режима", control_type=FIRE, scope_rule="has_premises")
    )
    items = [
        Requirement(
            act=act, item_no="1", position=1, text="Назначить ответственного за пожарную безопасность."
        ),
        Requirement(act=act, item_no="2", position=2, text="Содержать эвакуационные пути свободными."),
        Requirement(
            act=act,
            item_no="3",
            position=3,
            text="На складах не хранить горючие вещества.",
            applicability_rule="'warehouse' in premises_purposes",
        ),
    ]
    for item in items:
        business_services.save_requirement(item)
    return act


@pytest.fixture
def fire_type(fire_act, agency):
    """The type of control from the demo risk model, under the agency the staff in `people` belong to."""
    return risk.sync_control_type(
        risk.RISK_MODELS_DIR / "fire_safety.yaml", agency=agency, act_control_type=FIRE
    )


def make_business(name, inn, ogrn, person=None, *, area="300"):
    business = accounts_services.save_business(BusinessClient(name=name, kind="legal_entity", inn=inn))
    if person is not None:
        accounts_services.appoint_representative(
            person=person, business=business, basis="устав", valid_from=date(2020, 1, 1)
        )
    profile = business_services.save_profile(
        BusinessProfile(
            business=business, ogrn=ogrn, okved=["10.71"], size="small", region="78", employees=12
        )
    )
    business_services.save_object(
        ControlObject(profile=profile, kind="premises", name="Цех", area=Decimal(area), purpose="production")
    )
    return profile


@pytest.fixture
def bakery(people, fire_type):
    people["business_representative"].email = "owner@bakery.example"
    people["business_representative"].save(update_fields=["email"])
    return make_business("ООО «Пекарня»", "7707083893", "1027700132195", people["business_representative"])


@pytest.fixture
def other_business(people, fire_type):
    """Another business; nobody in `people` represents it."""
    return make_business("ООО «Соседи»", "7736050003", "1027700070518", area="2000")

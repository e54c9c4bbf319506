from datetime import date
from decimal import Decimal

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, BusinessClient
from clientcentric.business import services
from clientcentric.business.models import Act, BusinessProfile, ControlObject, Requirement

VALID_OGRN = "1027700132195"  # a real OGRN (Sberbank); its check digit is right
VALID_INN = "7707083893"


@pytest.fixture
def acts(db):
    """Two small acts: fire safety for premises, electrical safety for electrical installations."""
    fire = services.save_act(
        Act(
            code="ППР",
            title="Правила противопожарного режима",
            supervisory_body="МЧС России",
            control_type="пожарный надзор",
            assessment_forms="выездная проверка",
            scope_rule="has_premises",
            scope_explanation="У вас есть помещения.",
            published_on=date(2025, 10, 1),
            effective_from=date(2026, 3, 1),
        )
    )
    power = services.save_act(
        Act(code="ПТЭЭП", title="Правила ТЭЭП", scope_rule="has_electrical_installation")
    )
    items = {
        "fire_all": Requirement(
            act=fire, item_no="1", position=1, text="Руководитель обязан назначить ответственного."
        ),
        "fire_warehouse": Requirement(
            act=fire,
            item_no="2",
            position=2,
            text="На складах не допускается хранить горючие вещества.",
            applicability_rule="'warehouse' in premises_purposes",
            rule_explanation="У вас есть склад.",
        ),
        "fire_big": Requirement(
            act=fire,
            item_no="3",
            position=3,
            text="Проводить тренировки не реже 1 раза в полгода.",
            applicability_rule="employees >= 50",
            cost_hours=Decimal("3"),
            cost_out_of_pocket=Decimal("1000"),
            cost_frequency=Decimal("2"),
        ),
        "power_check": Requirement(
            act=power,
            item_no="1",
            position=1,
            text="Проводить осмотр электроустановок ежегодно.",
            cost_hours=Decimal("4"),
            cost_frequency=Decimal("1"),
        ),
    }
    for item in items.values():
        services.save_requirement(item)
    return {"fire": fire, "power": power, **items}


@pytest.fixture
def business_profile(people):
    """The business the `business_representative` of `people` represents: a bakery with one production hall."""
    business = accounts_services.save_business(
        BusinessClient(name="ООО «Пекарня»", kind="legal_entity", inn=VALID_INN)
    )
    accounts_services.appoint_representative(
        person=people["business_representative"],
        business=business,
        basis="устав",
        valid_from=date(2020, 1, 1),
    )
    profile = services.save_profile(
        BusinessProfile(
            business=business,
            ogrn=VALID_OGRN,
            okved=["10.71", "56.10"],
            size="small",
            region="78",
            employees=None,
        )
    )
    services.save_object(
        ControlObject(profile=profile, kind="premises", name="Цех", area=Decimal("300"), purpose="production")
    )
    return profile


@pytest.fixture
def developer_agency(db):
    return accounts_services.save_agency(
        Agency(code="mchs", name="МЧС России", level="federal", kind="supervisory")
    )

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, ApiScope
from clientcentric.accounts.roles import Role
from clientcentric.appeals import services
from clientcentric.appeals.models import RoutingRule


@pytest.fixture
def housing(db):
    return accounts_services.save_agency(
        Agency(
            code="ja-nevsky", name="Жилищное агентство Невского района", level="municipal", kind="institution"
        )
    )


@pytest.fixture
def lift_rule(housing):
    return services.save_routing_rule(
        RoutingRule(
            position=1,
            name="Лифты Невского района",
            conditions={"district": "Невский"},
            executor=housing,
        )
    )


@pytest.fixture
def housing_operator(housing):
    return accounts_services.create_person(
        username="ja-operator", password="x" * 12, role=Role.OPERATOR, agency=housing
    )


@pytest.fixture
def integration(housing):
    client, token = accounts_services.issue_token(
        name="Городская система 112", agency=housing, scopes=[ApiScope.APPEALS_WRITE, ApiScope.TEXT_CHECK]
    )
    return client, token


def written(text="Во дворе дома 5 по улице Лесной третью неделю не работает фонарь у подъезда", **fields):
    return services.AppealInput(channel=fields.pop("channel", "portal"), text=text, **fields)

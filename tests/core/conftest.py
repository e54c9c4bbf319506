"""Fixtures shared by the core tests."""

import pytest


@pytest.fixture
def lift_rule_for_notifications(db):
    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.models import Agency
    from clientcentric.appeals import services

    agency = accounts_services.save_agency(
        Agency(code="ja", name="ЖА", level="municipal", kind="institution")
    )
    operator = accounts_services.create_person(
        username="op", password="x" * 12, role="operator", agency=agency
    )
    appeal = services.receive_appeal(
        services.AppealInput(channel="portal", text="Не работает лифт", contact_email="author@example.ru"),
        default_executor=agency,
    ).appeal
    return appeal, operator

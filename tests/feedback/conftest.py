from datetime import UTC, datetime

import pytest

from clientcentric.appeals import services as appeal_services
from clientcentric.appeals.models import RoutingRule
from clientcentric.feedback import services
from clientcentric.feedback.services import Rating


@pytest.fixture
def answered_appeal(registry, agency, people, django_capture_on_commit_callbacks):
    """An appeal by the `client` person, answered by the agency's operator; the invitation follows on commit."""
    appeal_services.save_routing_rule(
        RoutingRule(position=1, name="all", conditions={"channel": "portal"}, executor=agency)
    )
    data = appeal_services.AppealInput(channel="portal", text="Не работает лифт в подъезде дома 5")
    appeal = appeal_services.receive_appeal(data, author=people["client"]).appeal
    appeal_services.take(appeal, operator=people["operator"])
    with django_capture_on_commit_callbacks(execute=True):
        appeal_services.answer(appeal, operator=people["operator"], text="Лифт отремонтирован.")
    appeal.refresh_from_db()
    return appeal


def office_answers(agency, levels, *, service=None, when=datetime(2026, 5, 10, 9, tzinfo=UTC), comment=""):
    """One QR answer per satisfaction level given, at `when`."""
    return [
        services.answer_at_office(
            agency, Rating(satisfaction=level, comment=comment), service=service, now=when
        )
        for level in levels
    ]

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clientcentric.conformance.indicators import Quarter

# The delivery fixtures (consent text, the low-income parameter, the published pension rule) are reused as they are.
from tests.delivery.conftest import consent_text, low_income, pension_rule  # noqa: F401
from tests.design.conftest import panel  # noqa: F401

MOSCOW = ZoneInfo("Europe/Moscow")
QUARTER = Quarter(2026, 2)


def moment(month, day, hour=12, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=MOSCOW)


class Clock:
    """A settable `timezone.now`: the services stamp answers and decisions with it, so a test places each event
    at a moment it chose instead of waiting for one."""

    def __init__(self, start):
        self.current = start

    def at(self, when):
        self.current = when
        return when

    def __call__(self):
        return self.current


@pytest.fixture
def clock(monkeypatch):
    fake = Clock(moment(5, 20))
    monkeypatch.setattr(timezone, "now", fake)
    return fake

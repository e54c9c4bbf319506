"""Fixtures of the self-assessment tests: the standard's requirements loaded from the repository's CSV, a second
methodologist (reviews need a second person) and a fake indicator whose value the test sets, so these tests do
not depend on the platform's real indicators."""

from dataclasses import dataclass

import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.roles import Role
from clientcentric.conformance import services
from clientcentric.conformance.indicators import INDICATORS, IndicatorDefinition, IndicatorValue

FAKE = "fake_share"


@dataclass
class FakeIndicator:
    code: str = FAKE
    value: float | None = 0.5
    suppressed: bool = False
    calls: int = 0

    def compute(self, *, agency=None, quarter):
        self.calls += 1
        hidden = self.suppressed
        return IndicatorValue(
            self.code,
            str(quarter),
            getattr(agency, "pk", None),
            None if hidden else 40,
            None if hidden else 50,
            None if hidden else self.value,
            None if hidden else 0.66,
            None if hidden else 0.88,
            suppressed=hidden,
        )


@pytest.fixture
def fake_indicator():
    fake = FakeIndicator()
    INDICATORS[FAKE] = IndicatorDefinition(
        code=FAKE, title="Доля для проверки", unit="share", higher_is_better=True, compute=fake.compute
    )
    yield fake
    INDICATORS.pop(FAKE, None)


@pytest.fixture
def requirements(db):
    services.load_requirements()
    from clientcentric.conformance.models import Requirement

    return {r.code: r for r in Requirement.objects.all()}


@pytest.fixture
def second_methodologist(agency):
    return accounts_services.create_person(
        username="methodologist-2", password="test-pass-2026", role=Role.METHODOLOGIST, agency=agency
    )


EVIDENCE = [
    {"kind": "policy", "title": "Регламент ответов в соцсетях", "url": "https://example.gov.ru/reglament"}
]

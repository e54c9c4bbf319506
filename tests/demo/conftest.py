import pytest


@pytest.fixture(autouse=True)
def _fresh_evidence(settings):
    """Ids repeat between rolled-back tests: evidence cached by one test must not answer the next."""
    settings.CLIENTCENTRIC_EVIDENCE_CACHE_SECONDS = 0

"""Redis as the cache unreachable: intake still takes appeals and still limits them (counted in the table), charts
and cached evidence are computed instead of read, and after one failure nobody waits on Redis for a while.

Redis is a closed loopback port (bound, then released): refusals are immediate, nothing is fixed by a timeout.
"""

import pytest

from clientcentric.appeals.models import Appeal
from clientcentric.core import shared_cache
from clientcentric.core.models import RateCounter

from .test_broker_down import closed_port


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
    settings.CLIENTCENTRIC_RATE_LIMIT_STORE = "cache"
    shared_cache.reset()
    yield
    shared_cache.reset()


def anonymous_appeal(text: str) -> dict:
    return {"text": text, "district": "Невский", "contact_email": "zhitel@example.ru"}


@pytest.mark.django_db
def test_an_anonymous_appeal_is_taken_and_limited_while_the_cache_is_down(client, settings, cache_down):
    from django.core.cache import cache

    with pytest.raises(shared_cache.UNREACHABLE):
        cache.get("anything")  # the cache really is down
    settings.CLIENTCENTRIC_RATE_LIMITS = {"appeal": (1, 3600)}

    taken = client.post("/appeals/new/", anonymous_appeal("Не горит фонарь у дома 5"))
    assert taken.status_code == 302
    assert Appeal.objects.filter(text="Не горит фонарь у дома 5").exists()
    assert not shared_cache.available()
    assert RateCounter.objects.get().count == 1  # the limit counted where it could

    refused = client.post("/appeals/new/", anonymous_appeal("Не горит фонарь у дома 7"))
    assert refused.status_code == 429
    assert not Appeal.objects.filter(text="Не горит фонарь у дома 7").exists()


def test_a_chart_is_drawn_without_the_cache_and_the_cache_is_left_alone_for_a_while(cache_down, monkeypatch):
    from clientcentric.core.charts import render_svg

    spec = {
        "data": {"values": [{"квартал": "III квартал 2026", "n": 3}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "квартал", "type": "nominal"},
            "y": {"field": "n", "type": "quantitative"},
        },
    }
    assert render_svg(spec).lstrip().startswith("<svg")
    assert not shared_cache.available()

    asked = []

    class Spy:
        def get(self, *args, **kwargs):
            asked.append(args)

        def set(self, *args, **kwargs):
            asked.append(args)

    monkeypatch.setattr(shared_cache, "cache", Spy())
    assert render_svg(spec).lstrip().startswith("<svg")
    assert asked == []  # within the pause the dead cache is not dialled again


def test_the_cache_is_used_again_after_the_pause(settings, cache_down):
    settings.CLIENTCENTRIC_SHARED_CACHE_PAUSE_SECONDS = 0
    computed = []
    for _ in range(2):
        assert shared_cache.get_or_compute("k", lambda: computed.append(1) or "v", 60) == "v"
    assert len(computed) == 2 and shared_cache.available()

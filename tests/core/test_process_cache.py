"""Process caches agree across processes: a change saved in one is reloaded by every other within a second."""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.core.cache import caches

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.api_auth import _tokens_by_hash
from clientcentric.accounts.models import ApiScope, ApiToken
from clientcentric.core import process_cache
from clientcentric.core.process_cache import KEY_PREFIX, ProcessCache

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def shared(settings):
    """A shared cache of this test's own, so tokens of other tests (or runs) do not interfere."""
    settings.CACHES = {
        **settings.CACHES,
        "pc-test": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": os.urandom(8).hex(),
        },
    }
    settings.CLIENTCENTRIC_PROCESS_CACHE_ALIAS = "pc-test"
    settings.CLIENTCENTRIC_CACHE_CHECK_SECONDS = 0.0
    process_cache.clear_all()
    return caches["pc-test"]


def _every_watching_cache():
    # Importing the URLconf loads every app's modules, so every process cache exists.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    return [c for c in list(process_cache._every_cache) if c._labels]


def test_the_process_caches_all_watch_their_models():
    watched = _every_watching_cache()
    # The life events' cache is made on first use; the nine others exist once their modules are imported.
    assert len(watched) >= 9
    assert {"accounts.apitoken", "accounts.agency", "appeals.routingrule", "delivery.eligibilityrule"} <= set(
        process_cache.watched_labels()
    )


# Every process cache of the code (the search's three included): a new one must be added here, and so be tested.
PROCESS_CACHES = 15


@pytest.mark.parametrize("index", range(PROCESS_CACHES))
def test_each_process_cache_reloads_when_another_process_publishes_a_change(db, shared, index):
    """What process B does when process A commits a change: B received no signal, only the new token."""
    from clientcentric.delivery import event_situations

    event_situations.entries("birth")  # made on first use
    caches_ = sorted(_every_watching_cache(), key=lambda c: (type(c).__name__, c._labels))
    assert len(caches_) == PROCESS_CACHES
    cache = caches_[index]
    loads = []
    original = cache._load
    cache._load = lambda *args: loads.append(args) or original(*args)
    try:
        get = (
            (lambda: cache.get("some-key"))
            if isinstance(cache, process_cache.KeyedProcessCache)
            else cache.get
        )
        if isinstance(cache, process_cache.KeyedProcessCache):
            cache._load = lambda *args: loads.append(args) or "a value"
        cache.clear()
        get()
        get()
        assert len(loads) == 1, "kept in the process between changes"
        process_cache.publish(cache._labels[0])  # process A, on commit
        get()
        assert len(loads) == 2, f"{cache._labels}: reloaded after another process's change"
    finally:
        cache._load = original
        cache.clear()


def test_a_token_revoked_elsewhere_is_refused_here_at_the_next_check(db, shared):
    token, plain = accounts_services.issue_token(name="ЕПГУ", scopes=[ApiScope.APPEALS_WRITE])
    digest = accounts_services.hash_token(plain)
    assert _tokens_by_hash.get(digest) == token
    # Another process revokes it: a plain UPDATE sends no signal here, as nothing crosses processes but the cache.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at="2026-01-01T00:00:00Z")
    assert _tokens_by_hash.get(digest) == token, "without the shared token the stale row is still served"
    process_cache.publish("accounts.apitoken")
    assert _tokens_by_hash.get(digest) is None


def test_a_save_publishes_a_new_token_on_commit_only(db, shared, django_capture_on_commit_callbacks):
    token, _plain = accounts_services.issue_token(name="ЕПГУ", scopes=[ApiScope.APPEALS_WRITE])
    key = KEY_PREFIX + "accounts.apitoken"
    _tokens_by_hash.get("warm")  # reads (and so creates) the token
    before = shared.get(key)
    assert before
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        accounts_services.revoke_token(token)
        accounts_services.revoke_token(token)
        ApiToken.objects.filter(pk=token.pk).update(name="x")
        process_cache.changed(ApiToken)
    assert shared.get(key) == before, "nothing is told before the commit"
    for callback in callbacks:
        callback()
    after = shared.get(key)
    assert after != before


def test_an_evicted_token_means_reload_and_an_unreachable_cache_falls_back_to_the_ttl(db, shared, settings):
    loads = []
    cache = ProcessCache(lambda: loads.append(1) or len(loads), ttl=0.5).invalidate_on(ApiToken)
    assert cache.get() == 1 and cache.get() == 1
    shared.clear()  # Redis flushed or the key evicted
    assert cache.get() == 2
    settings.CACHES = {**settings.CACHES, "pc-test": {"BACKEND": "tests.core.test_process_cache.BrokenCache"}}
    assert cache.get() == 2, "the tokens could not be read: the value stays until its ttl"
    time.sleep(0.6)
    assert cache.get() == 3


class BrokenCache:
    def __init__(self, *args, **kwargs):
        pass

    def get_many(self, *args, **kwargs):
        raise ConnectionError("down")

    set_many = add = get_many

    def close(self, **kwargs):
        pass


CHILD = textwrap.dedent(
    """
    import sys, time
    import django
    django.setup()
    from clientcentric.accounts.models import ApiToken
    from clientcentric.core import process_cache

    role = sys.argv[1]
    if role == "writer":
        process_cache.publish("accounts.apitoken")
        print(time.time(), flush=True)
        sys.exit(0)
    loads = []
    cache = process_cache.ProcessCache(lambda: loads.append(time.time()) or len(loads), ttl=3600)
    cache.invalidate_on(ApiToken)
    cache.get()
    print("ready", flush=True)
    deadline = time.time() + 120  # the writer's own start-up is slow on a busy machine; stops at the reload
    while time.time() < deadline and len(loads) < 2:
        cache.get()
        time.sleep(0.01)
    print(f"reloaded {loads[-1] if len(loads) > 1 else 0!r}", flush=True)
    """
)


def test_two_real_processes_share_the_embedded_default_file_cache(tmp_path):
    """No Redis, no database: the file cache under var/ alone carries the change from one process to another."""
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "CLIENTCENTRIC_CACHE_URL", "DATABASE_URL")
    }
    env.update(
        PYTHONPATH=str(SRC),
        DJANGO_SETTINGS_MODULE="clientcentric.config.settings",
        CLIENTCENTRIC_VAR_DIR=str(tmp_path / "var"),
        CLIENTCENTRIC_CACHE_CHECK_SECONDS="0.25",
    )
    reader = subprocess.Popen(
        [sys.executable, str(script), "reader"], env=env, stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        writer = subprocess.run(
            [sys.executable, str(script), "writer"],
            env=env,
            check=True,
            cwd=tmp_path,
            timeout=120,
            stdout=subprocess.PIPE,
            text=True,
        )
        published = float(writer.stdout.strip())
        line = reader.stdout.readline().strip()
        reader.wait(timeout=30)
    finally:
        reader.kill()
    seen = float(line.split()[1])
    assert seen, "the reader never reloaded"
    assert seen - published < 1.0

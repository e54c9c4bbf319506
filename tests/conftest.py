import os
import shutil
import tempfile

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency
from clientcentric.accounts.roles import STAFF_ROLES, Role
from clientcentric.core import process_cache
from clientcentric.registry import services
from clientcentric.registry.models import (
    EffortClass,
    FaqEntry,
    LifeSituation,
    Need,
    NeedStatus,
    Segment,
    Service,
    ServiceKind,
    Touchpoint,
)

PASSWORD = "test-pass-2026"

pytest_plugins = ["tests.postgres_template"]

# Speed is measured in bench/, never asserted: with the suite's workers (and others) sharing the cores, one example
# may well outlast Hypothesis's 200 ms deadline, or its generation look "too slow", with nothing wrong.
hypothesis_settings.register_profile(
    "clientcentric", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("clientcentric")


def _isolate_this_process(config) -> None:
    """Tests may run in parallel (pytest-xdist workers, or two checkouts on one machine); each process keeps
    the state it writes outside its own test database to itself:

    - files (uploads, notification logs, the KB ranking model) go to a fresh directory instead of the checkout's var/;
    - with Redis, cache keys and Celery's broker keys carry a prefix of this process, so no worker reads
      another's cached rows or runs its tasks against the wrong database, and nothing is left behind.
    """
    from django.conf import settings
    from django.test.utils import override_settings

    from clientcentric.config.celery import app

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"pytest-{worker}-{os.getpid()}"
    files = tempfile.mkdtemp(prefix=f"clientcentric-{prefix}-")
    overrides = {
        "MEDIA_ROOT": os.path.join(files, "media"),
        "CLIENTCENTRIC_NOTIFICATION_LOG_DIR": os.path.join(files, "notifications"),
        # No learned ranker unless a test trains one: a model in the checkout's var/ must not change orders.
        "CLIENTCENTRIC_KB_MODEL": os.path.join(files, "kb_ranker.json"),
    }
    if settings.REDIS_URL:
        overrides["CACHES"] = {
            alias: {**options, "KEY_PREFIX": prefix} for alias, options in settings.CACHES.items()
        }
        app.conf.broker_transport_options = {
            **app.conf.broker_transport_options,
            "global_keyprefix": f"{prefix}:",
        }
        app.conf.result_backend_transport_options = {
            **app.conf.result_backend_transport_options,
            "global_keyprefix": f"{prefix}:",
        }
    else:
        # The embedded default's cache is a folder shared by a machine's processes: this process gets its own.
        overrides["CACHES"] = {
            alias: {**options, "LOCATION": os.path.join(files, f"cache-{alias}")}
            if options["BACKEND"].endswith("FileBasedCache")
            else options
            for alias, options in settings.CACHES.items()
        }
    override = override_settings(**overrides)
    override.enable()
    config.stash[_ISOLATION] = (override, files, prefix)


def _clean_up_after_this_process(config) -> None:
    override, files, prefix = config.stash[_ISOLATION]
    from django.conf import settings

    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
        client.close()
    override.disable()
    shutil.rmtree(files, ignore_errors=True)


_ISOLATION = pytest.StashKey[tuple]()


def _hash_passwords_cheaply(config) -> None:
    """Django's default hasher (PBKDF2, a million rounds) costs ≈ 0.2 s of CPU per password by design: every
    `create_person`, sign-in and demo load paid it, ≈ 1.5 s for each test using `people`. The tests prove who may
    do what, not how hard a stolen hash is to crack; production keeps Django's default (settings.py names none).
    """
    from django.test.utils import override_settings

    override = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    override.enable()
    config.stash[_CHEAP_HASHING] = override


_CHEAP_HASHING = pytest.StashKey[object]()


def pytest_configure(config):
    _isolate_this_process(config)
    _hash_passwords_cheaply(config)


def pytest_unconfigure(config):
    if _CHEAP_HASHING in config.stash:
        config.stash[_CHEAP_HASHING].disable()
    if _ISOLATION in config.stash:
        _clean_up_after_this_process(config)


def verify_second_factor(client, user) -> None:
    """What a staff member's real sign-in ends with: a confirmed authenticator and its device in the session."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class SignedInClient(Client):
    """`force_login` of staff also passes the second factor, as the browser of a verified member of staff has.

    The requirement stays on (tests/accounts/test_second_factor.py proves it with a plain `Client`)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if accounts_services.second_factor_role(user):
            verify_second_factor(self, user)


@pytest.fixture
def client():
    return SignedInClient()


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Rows cached by one test are rolled back after it; the next test must not see them."""
    process_cache.clear_all()
    yield
    process_cache.clear_all()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Rate-limit counters in Redis outlive a test (the table's rows are rolled back): a prefix per test."""
    import uuid

    settings.CLIENTCENTRIC_RATE_LIMIT_PREFIX = f"rl-test-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _site_language():
    """A test-client request leaves its language active on the thread, so a message built in the next test would
    depend on which test ran before it on that worker: every test starts in the site's language, as a request would."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def agency(db):
    return accounts_services.save_agency(
        Agency(code="sfr", name="Отделение Социального фонда", level="federal", kind="executive")
    )


@pytest.fixture
def people(db, agency):
    """One signed-in person per role, keyed by role value."""
    return {
        role.value: accounts_services.create_person(
            username=f"{role.value}-user",
            password=PASSWORD,
            role=role,
            agency=agency if role in STAFF_ROLES else None,
        )
        for role in Role
    }


@pytest.fixture
def registry(db, agency):
    """A small registry built through the services, as the back office and imports do."""
    pension = services.save_life_situation(
        LifeSituation(code="retirement", name="Выход на пенсию", description="Оформление пенсии и льгот")
    )
    move = services.save_life_situation(LifeSituation(code="moving", name="Переезд", sort_order=2))
    segment = services.save_segment(
        Segment(code="seg-2-2", name="Неудобно через портал", is_potential=True), life_situations=[pension]
    )
    faq = services.save_faq_entry(
        FaqEntry(
            code="faq-pension-early",
            question="Почему нельзя выйти на пенсию раньше?",
            answer="Пенсионный возраст установлен законом. Проверьте, положена ли вам досрочная пенсия.",
            topic="Выход на пенсию",
        )
    )
    service = services.save_service(
        Service(
            code="pension-assign",
            name="Назначение страховой пенсии по старости",
            kind=ServiceKind.DIGITAL,
            agency=agency,
            effort_class=EffortClass.ONE_CLICK,
            description="Пенсия назначается без заявления",
        ),
        touchpoints=Touchpoint.objects.filter(code__in=["portal", "one_stop_centre"]),
    )
    met = services.save_need(
        Need(code="get-pension", name="Получать пенсии вовремя", status=NeedStatus.MET),
        life_situations=[pension],
        segments=[segment],
        services=[service],
    )
    in_progress = services.save_need(
        Need(
            code="pension-certificate",
            name="Справка о размере пенсии",
            status=NeedStatus.IN_PROGRESS,
            status_reason="Сервис разрабатывается, запуск в 2027 году",
        ),
        life_situations=[pension],
    )
    cannot = services.save_need(
        Need(
            code="early-pension",
            name="Выйти на пенсию раньше срока",
            status=NeedStatus.CANNOT_MEET,
            status_reason="Возраст выхода на пенсию установлен федеральным законом",
            faq=faq,
        ),
        life_situations=[pension],
    )
    return {
        "pension": pension,
        "move": move,
        "segment": segment,
        "faq": faq,
        "service": service,
        "met": met,
        "in_progress": in_progress,
        "cannot": cannot,
    }


def pytest_collection_modifyitems(config, items):
    """Files marked `runs_long` first, then the others by how many tests they hold, most first.

    pytest-xdist (`--dist loadfile`) hands out whole files in this order (`make test` passes
    `--no-loadscope-reorder`; its own reordering counts tests only): a file that runs for minutes but holds two
    tests, handed out last, kept one worker busy long after the others had finished. See docs/testing.md.
    """
    tests_in = {}
    for item in items:
        tests_in[item.path] = tests_in.get(item.path, 0) + 1
    items.sort(key=lambda item: (item.get_closest_marker("runs_long") is None, -tests_in[item.path]))

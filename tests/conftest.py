import pytest
from django.test import Client

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

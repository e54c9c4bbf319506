import pytest

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency


@pytest.fixture(autouse=True)
def outbox_in_process(monkeypatch, settings, tmp_path):
    """Delivery runs in-process on either broker; SMS, push and messenger go to log files under tmp_path."""
    from clientcentric.config.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CLIENTCENTRIC_NOTIFICATION_LOG_DIR = str(tmp_path / "outbox")
    settings.CLIENTCENTRIC_NOTIFICATION_TRANSPORTS = {
        "email": "smtp",
        "sms": "log",
        "push": "log",
        "messenger": "log",
    }
    settings.CLIENTCENTRIC_SITE_URL = "https://portal.example.ru"


@pytest.fixture
def sent_sms(tmp_path):
    import json

    def read():
        path = tmp_path / "outbox" / "sms.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return read


@pytest.fixture
def lift_appeal(db):
    from clientcentric.appeals import services

    agency = accounts_services.save_agency(
        Agency(code="ja", name="ЖА", level="municipal", kind="institution")
    )
    operator = accounts_services.create_person(
        username="op", password="x" * 12, role="operator", agency=agency
    )
    author = accounts_services.create_person(
        username="author", password="x" * 12, role="client", email="Author@Example.ru", first_name="Анна"
    )
    appeal = services.receive_appeal(
        services.AppealInput(channel="portal", text="Не работает лифт в подъезде дома 5"),
        default_executor=agency,
        author=author,
    ).appeal
    return appeal, operator, author

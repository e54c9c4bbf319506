"""What the two migration tests share: our migrations, a way to migrate the test database, rows to carry over.

The two round trips are separate files so that pytest-xdist (`--dist loadfile`) runs them on two workers at once;
both are marked `runs_long`, which puts them at the head of the queue (tests/conftest.py).
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope
from clientcentric.appeals import services as appeals_services
from clientcentric.delivery.services.life_events import EventInput, receive_life_event

OURS = "clientcentric."


def our_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        key: migration
        for key, migration in loader.disk_migrations.items()
        if type(migration).__module__.startswith(OURS)
    }


def migrate(targets=None) -> MigrationExecutor:
    """Migrate the test database to `targets` (by default the latest of every app); a fresh executor after."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


@pytest.fixture
def rows(transactional_db, agency):
    """Tokens (active, read-only, revoked), appeals sent through one of them, a life event: rows the older
    schemas kept elsewhere. The database is migrated forward again afterwards, whatever the test did."""
    integration, _ = accounts_services.issue_token(
        name="ЗАГС", agency=agency, scopes=[ApiScope.APPEALS_WRITE, ApiScope.LIFE_EVENTS_WRITE]
    )
    reader, _ = accounts_services.issue_token(
        name="Чтение", agency=agency, scopes=[ApiScope.REQUIREMENTS_READ]
    )
    revoked, _ = accounts_services.issue_token(name="Старая", scopes=[ApiScope.TEXT_CHECK])
    accounts_services.revoke_token(revoked)
    appeals = [
        appeals_services.receive_appeal(
            appeals_services.AppealInput(
                channel="api", text=f"Не работает фонарь у подъезда дома {n}", contact_email="a@example.ru"
            ),
            source=integration,
            registered_at=datetime(2025 + n % 2, 12, 31, 22, 30, tzinfo=UTC),
        ).appeal
        for n in range(3)
    ]
    receive_life_event(
        EventInput(
            event_id="e-1",
            kind="address_changed",
            snils="11223344595",
            occurred_at=datetime(2026, 1, 5, tzinfo=UTC),
        ),
        source=integration,
    )
    yield {"appeals": appeals, "integration": integration, "reader": reader}
    migrate()

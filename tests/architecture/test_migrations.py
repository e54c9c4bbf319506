"""Every migration of the project goes back without losing data, or says it cannot.

The round trip is slow (every migration back and forth, twice over, most of a minute on a shared machine), so it
is one test.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, RunSQL

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import ApiScope, ApiToken
from clientcentric.appeals import services as appeals_services
from clientcentric.appeals.models import Appeal
from clientcentric.delivery.models import LifeEvent
from clientcentric.delivery.services.life_events import EventInput, receive_life_event

OURS = "clientcentric."
BEFORE_TOKENS_AND_NUMBERS = [("appeals", "0006_merge_answer_template_version")]


def _our_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        key: migration
        for key, migration in loader.disk_migrations.items()
        if type(migration).__module__.startswith(OURS)
    }


def test_every_data_migration_says_how_it_goes_back():
    # A data migration that cannot go back says so with a reverse_code that raises IrreversibleError and why.
    silent = [
        f"{app}.{name}"
        for (app, name), migration in _our_migrations().items()
        for operation in migration.operations
        if isinstance(operation, RunPython | RunSQL) and not operation.reversible
    ]
    assert not silent, f"RunPython/RunSQL without reverse code: {silent}"


def _migrate(targets=None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


def _tokens():
    return {
        (t.pk, t.name, t.token_hash, tuple(t.scopes), t.revoked_at is None) for t in ApiToken.objects.all()
    }


@pytest.fixture
def rows(transactional_db, agency):
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
    _migrate()


def test_migrations_go_back_and_forward_keeping_the_data_then_to_zero_and_forward(rows):
    tokens, appeals = _tokens(), {a.pk: (a.number, a.source_id) for a in Appeal.objects.all()}

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(BEFORE_TOKENS_AND_NUMBERS)
    assert all(backwards for _, backwards in plan)
    assert not [m for m, _ in plan if m.app_label == "supervision"], "taking appeals back drops supervision"
    executor = _migrate(BEFORE_TOKENS_AND_NUMBERS)

    old = executor.loader.project_state(list(executor.loader.applied_migrations)).apps
    # Numbers are stored again as the model derives them (the year in Moscow time: 31 Dec 22:30 UTC is 1 Jan).
    assert {a.pk: a.number for a in old.get_model("appeals", "Appeal").objects.all()} == {
        pk: number for pk, (number, _) in appeals.items()
    }
    assert {a.number[:4] for a in rows["appeals"]} == {"2026", "2027"}
    clients = {
        c.pk: (c.token_hash, c.is_active) for c in old.get_model("appeals", "IntegrationClient").objects.all()
    }
    assert clients[rows["integration"].pk] == (rows["integration"].token_hash, True)
    assert (
        old.get_model("delivery", "LifeEvent").objects.get(event_id="e-1").source_id == rows["integration"].pk
    )
    agency_tokens = old.get_model("business", "AgencyToken").objects.all()
    assert [t.token_hash for t in agency_tokens] == [rows["reader"].token_hash]

    _migrate()
    assert _tokens() == tokens
    assert {a.pk: (a.number, a.source_id) for a in Appeal.objects.all()} == appeals
    assert LifeEvent.objects.get(event_id="e-1").source_id == rows["integration"].pk

    ours = sorted({app for app, _ in _our_migrations()})
    executor = _migrate([(app, None) for app in ours])
    assert not {(app, name) for app, name in executor.loader.applied_migrations if app in ours}
    _migrate()

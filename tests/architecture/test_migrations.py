"""Every migration of the project goes back without losing data, or says it cannot.

Taking the appeals back to before API tokens and stored numbers, then forward, keeps every row; taking every app
to zero and forward is tests/architecture/test_migrations_to_zero.py, a file of its own so that another worker
runs it meanwhile (both take most of a minute).
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython, RunSQL

from clientcentric.accounts.models import ApiToken
from clientcentric.appeals.models import Appeal
from clientcentric.delivery.models import LifeEvent

from .conftest import migrate, our_migrations

pytestmark = pytest.mark.runs_long

BEFORE_TOKENS_AND_NUMBERS = [("appeals", "0006_merge_answer_template_version")]


def test_every_data_migration_says_how_it_goes_back():
    # A data migration that cannot go back says so with a reverse_code that raises IrreversibleError and why.
    silent = [
        f"{app}.{name}"
        for (app, name), migration in our_migrations().items()
        for operation in migration.operations
        if isinstance(operation, RunPython | RunSQL) and not operation.reversible
    ]
    assert not silent, f"RunPython/RunSQL without reverse code: {silent}"


def _tokens():
    return {
        (t.pk, t.name, t.token_hash, tuple(t.scopes), t.revoked_at is None) for t in ApiToken.objects.all()
    }


def test_migrations_go_back_and_forward_keeping_the_data(rows):
    tokens, appeals = _tokens(), {a.pk: (a.number, a.source_id) for a in Appeal.objects.all()}

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(BEFORE_TOKENS_AND_NUMBERS)
    assert all(backwards for _, backwards in plan)
    assert not [m for m, _ in plan if m.app_label == "supervision"], "taking appeals back drops supervision"
    executor = migrate(BEFORE_TOKENS_AND_NUMBERS)

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

    migrate()
    assert _tokens() == tokens
    assert {a.pk: (a.number, a.source_id) for a in Appeal.objects.all()} == appeals
    assert LifeEvent.objects.get(event_id="e-1").source_id == rows["integration"].pk

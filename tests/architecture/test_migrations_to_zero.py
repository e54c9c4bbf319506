"""Every app of ours goes back to zero, with rows in its tables, and forward again.

A file of its own, beside tests/architecture/test_migrations.py, so that two workers share the two round trips.
"""

import pytest

from .conftest import migrate, our_migrations

pytestmark = pytest.mark.runs_long


def test_every_app_goes_to_zero_and_forward_with_rows_in_its_tables(rows):
    ours = sorted({app for app, _ in our_migrations()})
    executor = migrate([(app, None) for app in ours])
    assert not {(app, name) for app, name in executor.loader.applied_migrations if app in ours}
    executor = migrate()
    assert set(our_migrations()) <= set(executor.loader.applied_migrations)

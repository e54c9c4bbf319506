"""Insert a new row and the rows that point at it as one unit, in as few round trips as the database allows.

Registering an appeal writes three rows (the appeal, its first history event, its audit event). Done as three
`save()` calls inside `transaction.atomic()` that is five round trips to PostgreSQL (BEGIN, three INSERTs,
COMMIT), and at hundreds of appeals a second the round trips cost more CPU, on both sides, than the rows
themselves. On PostgreSQL this module takes the parent's key from its sequence first and then writes all the rows
in one statement (a data-modifying WITH), which PostgreSQL runs atomically: two round trips, no transaction to
open or close. Elsewhere (SQLite) it saves them one by one inside one transaction. Either way all rows are
written or none, and the usual pre_save/post_save signals are sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from functools import lru_cache

from django.db import connections, router, transaction
from django.db.models import Model, signals
from django.db.models.sql import InsertQuery


def insert_with_dependents(
    parent: Model, dependents: Callable[[Model], Iterable[Model]], *, savepoint: bool = True
) -> list[Model]:
    """Insert `parent` (a new row) and the new rows `dependents(parent)` builds once the parent has its key.

    Returns the dependent rows, saved. An IntegrityError from any row leaves no row written. `savepoint=False`
    is for a caller whose own atomic block is the unit (it rolls back as a whole): two round trips fewer.
    """
    using = router.db_for_write(type(parent), instance=parent)
    connection = connections[using]
    try:
        if connection.vendor != "postgresql":
            with transaction.atomic(using=using):
                parent.save(force_insert=True, using=using)
                rows = list(dependents(parent))
                for row in rows:
                    row.save(force_insert=True, using=using)
            return rows
        parent.pk = _next_key(connection, parent)
        rows = list(dependents(parent))
        # Inside a caller's transaction a savepoint keeps a failed statement from aborting the caller's other work.
        with (
            transaction.atomic(using=using, savepoint=savepoint)
            if connection.in_atomic_block
            else nullcontext()
        ):
            _insert_in_one_statement(connection, using, [parent, *rows])
        return rows
    except Exception:
        parent.pk = None
        parent._state.adding = True
        raise


def _next_key(connection, row: Model) -> int:
    with _prepared_statement_cursor(connection) as cursor:
        cursor.execute(_next_key_sql(connection.alias, row._meta.db_table, row._meta.pk.column))
        return cursor.fetchone()[0]


def _prepared_statement_cursor(connection):
    """A cursor whose statements PostgreSQL parses and plans once per connection, then only executes.

    Django's cursors bind parameters on the client (the values are written into the SQL text), so PostgreSQL plans
    every statement anew; for the same three-row INSERT at every intake that planning costs the database a third
    of its time. This cursor binds on the server, and the connection prepares a statement the first time it sees
    it. Django's own client-side cursors never prepare, so the threshold set here concerns only cursors like this.
    """
    from django.db.backends.postgresql import base as postgresql_base  # only ever called on PostgreSQL

    if not hasattr(postgresql_base, "ServerBindingCursor"):  # psycopg2: no server-side binding
        return connection.cursor()
    # Django's own cursors test a pooled connection once per request (CONN_HEALTH_CHECKS) before using it; this
    # path must too, or after a database restart every pooled connection fails one intake before it is replaced.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = 0
    cursor = postgresql_base.ServerBindingCursor(raw)
    return (
        connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
    )


@lru_cache(maxsize=64)
def _next_key_sql(alias: str, table: str, column: str) -> str:
    # A statement without parameters: binding them costs the client more than the database's whole answer.
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
        sequence = cursor.fetchone()[0]
    return "SELECT nextval('{}')".format(sequence.replace("'", "''"))


# INSERT … RETURNING text per (database, model, key given?): the text never changes, only the values do.
_insert_texts: dict[tuple, str] = {}


def _insert_sql(using: str, row: Model) -> tuple[str, list]:
    """Django's INSERT for one new row, with its values prepared by Django's own compiler."""
    meta = row._meta
    fields = [
        field for field in meta.local_concrete_fields if not (field is meta.auto_field and row.pk is None)
    ]
    query = InsertQuery(type(row))
    query.insert_values(fields, [row])
    compiler = query.get_compiler(using=using)
    key = (using, type(row), row.pk is None)
    text = _insert_texts.get(key)
    if text is not None:
        values = [compiler.prepare_value(field, compiler.pre_save_val(field, row)) for field in fields]
        # Building the text again costs as much as the rest of the insert; it is reused while every value is a
        # plain parameter (no expression, no field with its own placeholder).
        if not any(
            hasattr(value, "as_sql") or hasattr(field, "get_placeholder")
            for field, value in zip(fields, values, strict=True)
        ):
            return text, values
    compiler.returning_fields = [meta.pk]
    [(text, values)] = compiler.as_sql()
    if len(values) == len(fields):
        _insert_texts[key] = text
    return text, values


def _insert_in_one_statement(connection, using: str, rows: list[Model]) -> None:
    for row in rows:
        signals.pre_save.send(sender=type(row), instance=row, raw=False, using=using, update_fields=None)
    parts, params = [], []
    for position, row in enumerate(rows):
        sql, row_params = _insert_sql(using, row)
        parts.append(f"row{position} AS ({sql})")
        params.extend(row_params)
    keys = ", ".join(
        f"(SELECT {connection.ops.quote_name(row._meta.pk.column)} FROM row{position})"
        for position, row in enumerate(rows)
    )
    with _prepared_statement_cursor(connection) as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {keys}", params)
        for row, key in zip(rows, cursor.fetchone(), strict=True):
            row.pk = key
            row._state.adding = False
            row._state.db = using
    for row in rows:
        signals.post_save.send(
            sender=type(row), instance=row, created=True, update_fields=None, raw=False, using=using
        )

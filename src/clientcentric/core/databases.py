"""Reports and dashboards may read a replica (docs/scaling.md, "Read replicas").

With CLIENTCENTRIC_REPORTS_DATABASE_URL set, the settings add the alias `reports`; the views that only show
aggregates (public dashboards, open data, the analysts' pages) read it inside `reading_reports()`. Everything else
— and every write, even inside such a view (an audit record) — goes to `default`. A replica lags the primary by
a moment: the pages that read it show aggregates, never a record a person has just saved.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings

REPORTS = "reports"

_reading_reports: contextvars.ContextVar[bool] = contextvars.ContextVar("reading_reports", default=False)


def reports_configured() -> bool:
    return REPORTS in settings.DATABASES


@contextmanager
def reading_reports() -> Iterator[None]:
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_reports(view: Callable) -> Callable:
    """A view whose GET shows aggregates only: its reads go to the reports replica when there is one."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading_reports():
            return view(request, *args, **kwargs)

    return wrapped


class ReportsRouter:
    def db_for_read(self, model, **hints):
        if _reading_reports.get() and reports_configured():
            return REPORTS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read from either may refer to one from the other.
        if {obj1._state.db, obj2._state.db} <= {"default", REPORTS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's migrations by replication, never by its own.
        return db != REPORTS

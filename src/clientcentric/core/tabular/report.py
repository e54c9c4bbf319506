"""The one row-level report every import returns, and the all-or-nothing way an import writes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with an import, located as precisely as the file allows (row 1 is the header)."""

    file: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"file": self.file, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                _("row %(row)s") % {"row": self.row} if self.row is not None else "",
                _("column %(column)s") % {"column": self.column} if self.column else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class ImportRefused(ValidationError):
    """A file refused as a whole (unreadable, too big, wrong kind); carries the problems for the report.

    It is a ValidationError so that a form or a service that lets it through shows the Russian message.
    """

    def __init__(self, problems: list[RowProblem]):
        super().__init__([str(p) for p in problems] or [_("The file cannot be imported.")])
        self.problems = problems


@dataclass
class ImportReport:
    """What an import did or, on a dry run, would do. Counts are per kind of record (a sheet, "articles" …)."""

    problems: list[RowProblem] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    dry_run: bool = False
    rows: int = 0
    # What only one importer reports (a per-act plan, a preview, repeated rows): shown by its own page.
    details: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def verdict(self) -> str:
        """The sentence that heads every import report, on a page and in a terminal alike."""
        if not self.ok:
            count = len(self.problems)
            return ngettext(
                "Nothing was imported: %(counter)s problem.",
                "Nothing was imported: %(counter)s problems.",
                count,
            ) % {"counter": count}
        if self.dry_run:
            return _("The file is correct; nothing was written (check only).")
        return _("The file was imported.")

    def problem(self, file: str, row: int | None, column: str, message) -> None:
        self.problems.append(RowProblem(file, row, column, str(message)))

    def kinds(self) -> list[str]:
        return sorted(set(self.created) | set(self.updated) | set(self.unchanged))

    def clear_counts(self) -> None:
        self.created.clear()
        self.updated.clear()
        self.unchanged.clear()

    def as_dict(self, *, kind: str | None = None) -> dict:
        """The report as JSON; `kind` flattens the counts to that one kind's numbers."""

        def counts(counter: Counter):
            return counter[kind] if kind else dict(counter)

        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": counts(self.created),
            "updated": counts(self.updated),
            "unchanged": counts(self.unchanged),
            **{k: v for k, v in self.details.items() if not k.startswith("_")},
            "problems": [p.as_dict() for p in self.problems],
        }


class _Rollback(Exception):
    pass


def import_all_or_nothing(report: ImportReport, write: Callable[[ImportReport], None]) -> ImportReport:
    """Run `write` in one transaction, kept only when it reported no problem and this is not a dry run.

    `write` adds to the report's counts and problems; a file with any problem leaves the database as it was
    and its report shows no counts, so nobody reads them as done.
    """
    try:
        with transaction.atomic():
            write(report)
            if report.problems or report.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if report.problems:
        report.clear_counts()
    return report

"""The one way an import command prints its report: the same titles and columns for every importer."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from .report import ImportReport


def verdict(report: ImportReport) -> str:
    """The sentence that heads every import report, on a page or in a terminal."""
    if not report.ok:
        return _("Nothing was imported: %(count)s problem(s).") % {"count": len(report.problems)}
    if report.dry_run:
        return _("The file is correct; nothing was written (check only).")
    return _("The file was imported.")


def print_report(
    report: ImportReport, stdout, *, kind_label: str, labels: dict | None = None, width: int = 140, limit=None
) -> None:
    """Counts per kind when the file passed, else the problems by file, row and column."""
    console = Console(file=stdout, width=width)
    labels = labels or {}
    if report.ok:
        table = Table(title=verdict(report))
        for column in (kind_label, _("New"), _("Updated"), _("Unchanged")):
            table.add_column(column)
        for kind in report.kinds():
            counts = (report.created, report.updated, report.unchanged)
            table.add_row(str(labels.get(kind, kind)), *(str(count.get(kind, 0)) for count in counts))
        console.print(table)
        return
    table = Table(title=verdict(report))
    for column in (_("File"), _("Row"), _("Column"), _("Problem")):
        table.add_column(column)
    for problem in report.problems[:limit]:
        table.add_row(
            problem.file, "" if problem.row is None else str(problem.row), problem.column, problem.message
        )
    console.print(table)

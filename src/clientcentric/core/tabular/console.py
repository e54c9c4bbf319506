"""The one way an import command prints its report: the same titles and columns for every importer."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from .report import ImportReport


def print_report(
    report: ImportReport, stdout, *, kind_label: str, labels: dict | None = None, width: int = 140, limit=None
) -> None:
    """Counts per kind when the file passed, else the problems by file, row and column."""
    console = Console(file=stdout, width=width)
    labels = labels or {}
    if report.ok:
        table = Table(title=report.verdict)
        for column in (kind_label, _("New"), _("Updated"), _("Unchanged")):
            table.add_column(column)
        for kind in report.kinds():
            counts = (report.created, report.updated, report.unchanged)
            table.add_row(str(labels.get(kind, kind)), *(str(count.get(kind, 0)) for count in counts))
        console.print(table)
        return
    table = Table(title=report.verdict)
    for column in (_("File"), _("Row"), _("Column"), _("Problem")):
        table.add_column(column)
    for problem in report.problems[:limit]:
        table.add_row(
            problem.file, "" if problem.row is None else str(problem.row), problem.column, problem.message
        )
    console.print(table)

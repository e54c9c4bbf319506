"""Knowledge-base import and export: CSV or XLSX through tablib, all-or-nothing with a report per row.

An imported row is identified by its topic and question (the same question may sit under two topics, as in
the real base: the Android and iOS apps). A row whose article already says the same is left alone, so a
second import of an unchanged file writes nothing. The same topic and question twice in one file is fine
when the answers agree (the real file repeats 8 rows) and an error when they differ.
"""

import csv
import io
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import services
from .models import Article, ArticleSource, ArticleStatus

FORMATS = ("csv", "xlsx")
EXPORT_COLUMNS = ("question", "answer", "topic", "status", "review_by", "source", "version")


@dataclass(frozen=True)
class RowProblem:
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "problems": [p.as_dict() for p in self.problems],
        }


class _Rollback(Exception):
    pass


def _format(filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise ValidationError(
            _("“%(name)s” is neither CSV nor XLSX: give a file ending in .csv or .xlsx.") % {"name": filename}
        )
    return suffix


def read_rows(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the first sheet, every cell as text."""
    if _format(filename) == "csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ValidationError(
                _("The file is not UTF-8 text (line %(line)s): save it as CSV UTF-8.") % {"line": line}
            ) from None
        table = list(csv.reader(io.StringIO(text)))
        headers, rows = (table[0], table[1:]) if table else ([], [])
    else:
        try:
            dataset = tablib.Dataset().load(data, "xlsx")
        except Exception:
            raise ValidationError(_("The file is not a readable XLSX workbook.")) from None
        headers = list(dataset.headers or [])
        rows = [list(row) for row in dataset]
    clean = [["" if cell is None else str(cell) for cell in row] for row in rows]
    return [str(h or "").strip() for h in headers], [row for row in clean if any(c.strip() for c in row)]


def import_articles(
    data: bytes,
    filename: str,
    *,
    question_column: str = "question",
    answer_column: str = "answer",
    topic_column: str = "topic",
    actor=None,
    dry_run: bool = False,
) -> ImportReport:
    report = ImportReport()
    try:
        headers, rows = read_rows(data, filename)
    except ValidationError as error:
        report.problems.append(RowProblem(None, "", " ".join(error.messages)))
        return report
    missing = [c for c in (question_column, answer_column) if c not in headers]
    if topic_column not in headers and topic_column != "topic":
        missing.append(topic_column)
    for column in missing:
        report.problems.append(
            RowProblem(
                1,
                column,
                _("No column “%(column)s”; the file has: %(found)s.")
                % {"column": column, "found": ", ".join(h for h in headers if h) or "—"},
            )
        )
    if missing:
        return report
    position = {
        name: headers.index(name)
        for name in (question_column, answer_column, topic_column)
        if name in headers
    }
    report.rows = len(rows)
    try:
        with transaction.atomic():
            _write(rows, position, (question_column, answer_column, topic_column), report, actor)
            if dry_run or not report.ok:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _cell(row: list[str], position: dict, column: str) -> str:
    index = position.get(column)
    return row[index].strip() if index is not None and index < len(row) else ""


def _write(rows, position, columns, report: ImportReport, actor) -> None:
    question_column, answer_column, topic_column = columns
    existing = {(a.topic, a.question): a for a in Article.objects.filter(source=ArticleSource.IMPORT)}
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    fields = {"question": question_column, "answer": answer_column, "topic": topic_column}
    for number, row in enumerate(rows, start=2):
        question, answer, topic = (_cell(row, position, c) for c in columns)
        key = (topic, question)
        if key in seen:
            first_row, first_answer = seen[key]
            if first_answer == answer:
                report.duplicates += 1
            else:
                report.problems.append(
                    RowProblem(
                        number,
                        answer_column,
                        _("The same question and topic as row %(row)s with a different answer.")
                        % {"row": first_row},
                    )
                )
            continue
        seen[key] = (number, answer)
        data = services.ArticleInput(
            question=question, answer=answer, topic=topic, status=ArticleStatus.PUBLISHED
        )
        article = existing.get(key)
        if article is not None and (article.answer, article.status) == (answer, ArticleStatus.PUBLISHED):
            report.unchanged += 1
            continue
        try:
            _saved, changed = services.save_article(
                data, article=article, actor=actor, source=ArticleSource.IMPORT, note=_("Imported.")
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                report.problems.extend(RowProblem(number, fields.get(name, name), m) for m in messages)
            continue
        if article is None:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1


def export_articles(file_format: str = "csv") -> bytes:
    dataset = tablib.Dataset(headers=list(EXPORT_COLUMNS), title="knowledge_base")
    for article in Article.objects.select_related("current_version").order_by("topic", "question", "pk"):
        dataset.append(
            [
                article.question,
                article.answer,
                article.topic,
                article.status,
                article.review_by.isoformat(),
                article.source,
                article.current_version.number if article.current_version_id else "",
            ]
        )
    if file_format == "xlsx":
        return dataset.export("xlsx")
    if file_format != "csv":
        raise ValidationError(_("Unknown format “%(value)s”: csv or xlsx.") % {"value": file_format})
    return dataset.export("csv").encode("utf-8-sig")

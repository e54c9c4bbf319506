"""Knowledge-base import and export: CSV or XLSX through tablib, all-or-nothing with a report per row.

An imported row is identified by its topic and question (the same question may sit under two topics, as in
the real base: the Android and iOS apps). A row whose article already says the same is left alone, so a
second import of an unchanged file writes nothing. The same topic and question twice in one file is fine
when the answers agree (the real file repeats 8 rows) and an error when they differ.
"""

import tablib
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from clientcentric.core.tabular import ImportRefused, ImportReport, import_all_or_nothing, read_table

from . import services
from .models import Article, ArticleSource, ArticleStatus

FORMATS = ("csv", "xlsx")
EXPORT_COLUMNS = ("question", "answer", "topic", "status", "review_by", "source", "version")
KIND = "articles"  # the one kind of record this import counts


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
    report = ImportReport(dry_run=dry_run, details={"duplicates": 0})
    try:
        table = read_table(data, filename)
    except ImportRefused as refused:
        report.problems.extend(refused.problems)
        return report
    headers = table.headers
    missing = [c for c in (question_column, answer_column) if c not in headers]
    if topic_column not in headers and topic_column != "topic":
        missing.append(topic_column)
    for column in missing:
        report.problem(
            filename,
            1,
            column,
            _("No column “%(column)s”; the file has: %(found)s.")
            % {"column": column, "found": ", ".join(h for h in headers if h) or "—"},
        )
    if missing:
        return report
    report.rows = len(table.rows)
    columns = (question_column, answer_column, topic_column)
    return import_all_or_nothing(report, lambda report: _write(table, filename, columns, report, actor))


def _write(table, filename: str, columns, report: ImportReport, actor) -> None:
    question_column, answer_column, topic_column = columns
    existing = {(a.topic, a.question): a for a in Article.objects.filter(source=ArticleSource.IMPORT)}
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    fields = {"question": question_column, "answer": answer_column, "topic": topic_column}
    for number, cells in table.records():
        question, answer, topic = (cells.get(c, "") for c in columns)
        key = (topic, question)
        if key in seen:
            first_row, first_answer = seen[key]
            if first_answer == answer:
                report.details["duplicates"] += 1
            else:
                report.problem(
                    filename,
                    number,
                    answer_column,
                    _("The same question and topic as row %(row)s with a different answer.")
                    % {"row": first_row},
                )
            continue
        seen[key] = (number, answer)
        data = services.ArticleInput(
            question=question, answer=answer, topic=topic, status=ArticleStatus.PUBLISHED
        )
        article = existing.get(key)
        if article is not None and (article.answer, article.status) == (answer, ArticleStatus.PUBLISHED):
            report.unchanged[KIND] += 1
            continue
        try:
            _saved, changed = services.save_article(
                data, article=article, actor=actor, source=ArticleSource.IMPORT, note=_("Imported.")
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    report.problem(filename, number, fields.get(name, name), message)
            continue
        if article is None:
            report.created[KIND] += 1
        elif changed:
            report.updated[KIND] += 1
        else:
            report.unchanged[KIND] += 1


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

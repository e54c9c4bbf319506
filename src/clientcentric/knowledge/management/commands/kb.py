import csv
import io
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clientcentric.core.tabular import read_table
from clientcentric.core.tabular.console import print_report
from clientcentric.knowledge import selectors, services
from clientcentric.knowledge.tabular import FORMATS, KIND, export_articles, import_articles


class Command(BaseCommand):
    help = "The knowledge base: import, export, search (one query or a whole file), registry FAQ sync."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Import articles from CSV/XLSX; nothing is written if any row fails."
        )
        imp.add_argument("file")
        imp.add_argument("--question-column", default="question")
        imp.add_argument("--answer-column", default="answer")
        imp.add_argument("--topic-column", default="topic")
        imp.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        imp.add_argument("--json", action="store_true", help="Print the report as JSON.")
        exp = sub.add_parser("export", help="Export every article.")
        exp.add_argument("--format", choices=FORMATS, default="csv")
        exp.add_argument(
            "--output", "-o", help="File to write (default: knowledge_base.<ext>; - for stdout)."
        )
        find = sub.add_parser("search", help="Search published articles.")
        find.add_argument("query", nargs="?", help="The question, in Russian.")
        find.add_argument("--top", type=int, default=3)
        find.add_argument("--json", action="store_true")
        find.add_argument("--input", help="CSV file of questions to search in batch.")
        find.add_argument("--column", help="The column of --input holding the questions.")
        find.add_argument("--output", "-o", help="CSV to write: the input columns plus hit1…hitN.")
        learn = sub.add_parser(
            "train",
            help="Train the search's re-ranker on real questions mapped to articles (CSV/XLSX); writes the model.",
        )
        learn.add_argument("file")
        learn.add_argument("--question-column", default="Вопрос пользователя")
        learn.add_argument("--article-column", default="Вопрос из БЗ")
        learn.add_argument("--output", "-o", help="Model file (default: CLIENTCENTRIC_KB_MODEL).")
        sub.add_parser(
            "sync-registry", help="Bring the registry's FAQ of needs that cannot be met into the base."
        )

    def handle(self, *args, action, **options):
        return getattr(self, "_" + action.replace("-", "_"))(options)

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        report = import_articles(
            path.read_bytes(),
            path.name,
            question_column=options["question_column"],
            answer_column=options["answer_column"],
            topic_column=options["topic_column"],
            dry_run=options["dry_run"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(kind=KIND), ensure_ascii=False, indent=2))
        else:
            self._print_report(report)
        if not report.ok:
            sys.exit(1)

    def _print_report(self, report):
        print_report(report, self.stdout, kind_label=_("Kind"), labels={KIND: _("articles")})
        if report.ok:
            self.stdout.write(
                f"{_('Rows')}: {report.rows}; {_('Repeated rows')}: {report.details['duplicates']}"
            )

    def _export(self, options):
        data = export_articles(options["format"])
        target = options["output"] or f"knowledge_base.{options['format']}"
        if target == "-":
            sys.stdout.buffer.write(data)
            return
        Path(target).write_bytes(data)
        self.stdout.write(_("Written: %(path)s") % {"path": target})

    def _search(self, options):
        if options["top"] < 1 or options["top"] > selectors.MAX_TOP:
            raise CommandError(_("--top must be from 1 to %(max)s.") % {"max": selectors.MAX_TOP})
        if options["input"]:
            return self._search_file(options)
        if not options["query"]:
            raise CommandError(_("Give a question, or --input FILE --column C --output OUT.csv."))
        hits = selectors.search(options["query"], options["top"])
        if options["json"]:
            rows = [
                {
                    "id": hit.article.pk,
                    "question": hit.article.question,
                    "topic": hit.article.topic,
                    "answer": hit.article.answer,
                    "score": round(hit.score, 4),
                    "coverage": round(hit.coverage, 3),
                }
                for hit in hits
            ]
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not hits:
            self.stdout.write(_("Nothing found."))
        for rank, hit in enumerate(hits, start=1):
            self.stdout.write(f"{rank}. [{hit.score:.2f}] {hit.article.question} ({hit.article.topic})")

    def _search_file(self, options):
        if not options["column"] or not options["output"]:
            raise CommandError(_("Batch search needs --column and --output."))
        path = Path(options["input"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            table = read_table(path.read_bytes(), path.name)
        except Exception as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        headers, rows = table.headers, [list(row.values) for row in table.rows]
        if options["column"] not in headers:
            raise CommandError(
                _("No column “%(column)s”; the file has: %(found)s.")
                % {"column": options["column"], "found": ", ".join(headers)}
            )
        position, top = headers.index(options["column"]), options["top"]
        hit_columns = [f"hit{n}" for n in range(1, top + 1)]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers + hit_columns)
        for row in rows:
            row = row + [""] * (len(headers) - len(row))
            found = [hit.article.question for hit in selectors.search(row[position], top)]
            writer.writerow(row[: len(headers)] + found + [""] * (top - len(found)))
        Path(options["output"]).write_text(out.getvalue(), encoding="utf-8")
        self.stdout.write(
            _("%(count)s questions searched; written: %(path)s")
            % {"count": len(rows), "path": options["output"]}
        )

    def _train(self, options):
        from django.core.exceptions import ValidationError

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            table = read_table(path.read_bytes(), path.name)
        except Exception as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        for column in (options["question_column"], options["article_column"]):
            if column not in table.headers:
                raise CommandError(
                    _("No column “%(column)s”; the file has: %(found)s.")
                    % {"column": column, "found": ", ".join(table.headers)}
                )
        question, article = (table.headers.index(options[c]) for c in ("question_column", "article_column"))
        pairs = []
        for row in table.rows:
            values = list(row.values) + [""] * len(table.headers)
            pairs.append((str(values[question] or ""), str(values[article] or "")))
        try:
            result = services.train_ranker(pairs, options["output"])
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from None
        self.stdout.write(
            _("Trained on %(questions)s questions about %(articles)s articles; written: %(path)s")
            % {"questions": result.questions, "articles": result.articles, "path": result.path}
        )

    def _sync_registry(self, options):
        counts = services.sync_registry_faq()
        self.stdout.write(json.dumps(counts, ensure_ascii=False))

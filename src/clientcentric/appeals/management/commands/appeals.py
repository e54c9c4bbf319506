import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clientcentric.appeals import training


class Command(BaseCommand):
    help = "Labelled appeals for the classifier: import, train, classify a file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import labelled appeals (CSV, CSV.GZ, XLSX).")
        imp.add_argument("file")
        imp.add_argument("--category-column", default="category")
        imp.add_argument("--executor-column", default="executor")
        imp.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows, report the rest."
        )
        sub.add_parser("train", help="Train topic and executor models on everything imported and labelled.")
        cls = sub.add_parser("classify", help="Add predicted topic and executor columns to a CSV.")
        cls.add_argument("--input", required=True)
        cls.add_argument("--output", required=True)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(options)

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            result = training.import_examples(
                path,
                category_column=options["category_column"],
                executor_column=options["executor_column"],
                skip_invalid=options["skip_invalid"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        for row, column, message in result.problems[:50]:
            self.stderr.write(f"row {row}, column {column}: {message}")
        if len(result.problems) > 50:
            self.stderr.write(f"… {len(result.problems) - 50} more")
        if result.problems and not options["skip_invalid"]:
            self.stderr.write(
                _("Nothing was imported: %(count)s problem(s).") % {"count": len(result.problems)}
            )
            sys.exit(1)
        self.stdout.write(
            f"imported {result.imported}, unlabelled skipped {result.skipped}, "
            f"invalid skipped {len(result.problems)}"
        )

    def _train(self, options):
        report = training.train_models()
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str))

    def _classify(self, options):
        try:
            count = training.classify_file(Path(options["input"]), Path(options["output"]))
        except (ValueError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"classified {count} rows → {options['output']}")

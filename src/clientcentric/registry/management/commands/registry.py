import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clientcentric.core.tabular.console import print_report
from clientcentric.registry import selectors
from clientcentric.registry.importer import import_registry
from clientcentric.registry.tabular import write_registry_file

EXPORT_SUFFIX = {"csv": "zip", "xlsx": "xlsx", "json": "json"}


class Command(BaseCommand):
    help = "Import or export the whole registry (CSV, ZIP of CSVs, XLSX, JSON)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a registry file; nothing is written if any row fails.")
        imp.add_argument("file")
        imp.add_argument("--sheet", help="Sheet name for a single CSV file (default: the file name).")
        imp.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        imp.add_argument("--json", action="store_true", help="Print the report as JSON.")
        exp = sub.add_parser("export", help="Export the whole registry.")
        exp.add_argument("--format", choices=sorted(EXPORT_SUFFIX), default="json")
        exp.add_argument(
            "--output",
            "-o",
            help="File to write (default: registry.<ext> in the current folder; - for stdout).",
        )

    def handle(self, *args, action, **options):
        if action == "import":
            return self._import(options)
        return self._export(options)

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        report = import_registry(
            path.read_bytes(), path.name, sheet=options["sheet"], dry_run=options["dry_run"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print_report(report)
        if not report.ok:
            sys.exit(1)

    def _print_report(self, report):
        print_report(report, self.stdout, kind_label=_("Sheet"))

    def _export(self, options):
        file_format = options["format"]
        data = write_registry_file(selectors.registry_tables(), file_format)
        output = options["output"] or f"registry.{EXPORT_SUFFIX[file_format]}"
        if output == "-":
            self.stdout.flush()
            sys.stdout.buffer.write(data)
            return
        Path(output).write_bytes(data)
        self.stderr.write(f"Wrote {output} ({len(data)} bytes)")

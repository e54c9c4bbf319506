import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from clientcentric.accounts.models import Agency
from clientcentric.business import services
from clientcentric.business.importer import import_requirements


class Command(BaseCommand):
    help = "Mandatory requirements: import acts and items, find duplicate/contradiction candidates, agency tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import-requirements",
            help="Import acts and items (CSV/XLSX); nothing is written if any row fails.",
        )
        imp.add_argument("files", nargs="+")
        imp.add_argument("--dry-run", action="store_true", help="Check everything, write nothing.")
        imp.add_argument("--json", action="store_true", help="Print the report as JSON.")
        sub.add_parser(
            "find-candidates", help="Recompute duplicate and contradiction candidates across acts."
        )
        tok = sub.add_parser("issue-token", help="Issue an API token for an agency (printed once).")
        tok.add_argument("agency")
        tok.add_argument("--name", default="API")

    def handle(self, *args, action, **options):
        if action == "import-requirements":
            return self._import(options)
        if action == "find-candidates":
            counts = services.refresh_candidates()
            self.stdout.write(
                _("Candidates: %(d)s duplicate(s), %(c)s contradiction(s).")
                % {"d": counts["duplicate"], "c": counts["contradiction"]}
            )
            return
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(_("No agency with the code %(code)s.") % {"code": options["agency"]})
        _token, plain = services.issue_agency_token(agency, options["name"])
        self.stdout.write(plain)

    def _import(self, options):
        files = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": path})
            files.append((path.read_bytes(), path.name))
        report = import_requirements(files, dry_run=options["dry_run"])
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if not report.ok:
            sys.exit(1)

    def _print(self, report):
        console = Console(file=self.stdout, width=160)
        if report.ok:
            counts = {
                "ac": report.acts_created,
                "au": report.acts_updated,
                "ic": report.items_created,
                "iu": report.items_updated,
            }
            if report.dry_run:
                console.print(_("The files are correct; nothing was written (check only)."))
                console.print(
                    _(
                        "The import would give: acts %(ac)s new, %(au)s updated; items %(ic)s new, %(iu)s updated."
                    )
                    % counts
                )
                return
            console.print(
                _("Imported: acts %(ac)s new, %(au)s updated; items %(ic)s new, %(iu)s updated.") % counts
            )
            return
        table = Table(
            title=_("Nothing was imported: %(count)s problem(s).") % {"count": len(report.problems)}
        )
        for column in (_("File"), _("Row"), _("Column"), _("Problem")):
            table.add_column(column)
        for problem in report.problems[:200]:
            table.add_row(
                problem.sheet,
                "" if problem.row is None else str(problem.row),
                problem.column,
                problem.message,
            )
        console.print(table)

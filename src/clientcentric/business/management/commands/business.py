import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import Agency, ApiScope
from clientcentric.business import services
from clientcentric.business.importer import import_requirements
from clientcentric.core.tabular.console import print_report


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
        tok = sub.add_parser(
            "issue-token",
            help="Deprecated, use `clientcentric tokens issue`: an API token for an agency (printed once).",
        )
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
        self.stderr.write(
            _(
                "`business issue-token` is deprecated and will be removed in the next release; use "
                "`clientcentric tokens issue NAME --agency CODE --scope requirements:read`."
            )
        )
        name = accounts_services.free_token_name(f"{options['name']} ({agency.code})")
        _token, plain = accounts_services.issue_token(
            name=name, agency=agency, scopes=[ApiScope.REQUIREMENTS_READ]
        )
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
        print_report(
            report,
            self.stdout,
            kind_label=_("Kind"),
            labels={"acts": _("acts"), "items": _("mandatory requirements")},
            width=160,
            limit=200,
        )

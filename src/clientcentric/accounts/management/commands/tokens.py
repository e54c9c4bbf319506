from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from clientcentric.accounts import services
from clientcentric.accounts.models import Agency, ApiScope, ApiToken


def agency_by_code(code: str | None) -> Agency | None:
    agency = Agency.objects.filter(code=code).first() if code else None
    if code and agency is None:
        raise CommandError(_("No agency with the code %(code)s.") % {"code": code})
    return agency


def issue(name: str, *, agency: Agency | None, scopes) -> str:
    try:
        _token, plain = services.issue_token(name=name, agency=agency, scopes=scopes)
    except ValidationError as error:
        raise CommandError(" ".join(error.messages)) from None
    return plain


class Command(BaseCommand):
    help = "API tokens of integrating systems: issue (the token is printed once), list, revoke."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        new = sub.add_parser("issue", help="Issue a token and print it once; only its hash is kept.")
        new.add_argument("name", help="The integrating system, unique among tokens.")
        new.add_argument("--agency", help="Code of the agency the system works for.")
        new.add_argument(
            "--scope",
            dest="scopes",
            action="append",
            required=True,
            choices=ApiScope.values,
            help="What the token may do; repeat for several scopes.",
        )
        sub.add_parser("list", help="Every token: agency, scopes, created, last used, revoked.")
        revoke = sub.add_parser(
            "revoke", help="Stop a token working (within a few seconds in every process)."
        )
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        if action == "issue":
            agency = agency_by_code(options["agency"])
            self.stdout.write(issue(options["name"], agency=agency, scopes=options["scopes"]))
        elif action == "list":
            self._list()
        else:
            self._revoke(options["name"])

    def _list(self):
        table = Table()
        for column in (_("Name"), _("Agency"), _("Scopes"), _("Created"), _("Last used"), _("Revoked")):
            table.add_column(column)
        for token in ApiToken.objects.select_related("agency"):
            table.add_row(
                token.name,
                token.agency.code if token.agency else "",
                " ".join(token.scopes),
                _when(token.created_at),
                _when(token.last_used_at),
                _when(token.revoked_at),
            )
        Console(file=self.stdout, width=160).print(table)

    def _revoke(self, name: str):
        token = ApiToken.objects.filter(name=name).first()
        if token is None:
            raise CommandError(_("No API token named %(name)s.") % {"name": name})
        if services.revoke_token(token):
            self.stdout.write(_("Revoked: %(name)s.") % {"name": name})
        else:
            self.stdout.write(_("Already revoked: %(name)s.") % {"name": name})


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

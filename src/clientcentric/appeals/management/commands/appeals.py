import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clientcentric.accounts.models import Agency
from clientcentric.appeals import mail, services, training
from clientcentric.core import mailboxes


class Command(BaseCommand):
    help = "Labelled appeals for the classifier: import, train, classify a file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import labelled appeals (CSV, CSV.GZ, XLSX).")
        imp.add_argument("file")
        imp.add_argument("--category-column", default="category")
        imp.add_argument("--executor-column", default="executor")
        imp.add_argument(
            "--object-column", default="object_kind", help="The kind of object («Дом», «Двор»…), optional."
        )
        imp.add_argument(
            "--skip-invalid", action="store_true", help="Import the valid rows, report the rest."
        )
        train = sub.add_parser(
            "train", help="Train topic and executor models on everything imported and labelled."
        )
        train.add_argument("--json", action="store_true", help="Print the report as JSON instead of a table.")
        mail = sub.add_parser(
            "ingest-mail", help="Register appeals from a Maildir folder or an IMAP mailbox."
        )
        mailboxes.add_arguments(mail)
        client = sub.add_parser(
            "add-client",
            help="Deprecated, use `clientcentric tokens issue`: register an integrating system, print its token.",
        )
        client.add_argument("name")
        client.add_argument("--agency", help="Code of the agency its appeals go to when no rule matches.")
        social = sub.add_parser(
            "add-social", help="Register an official VK community or Telegram bot webhook."
        )
        social.add_argument("--network", choices=["vk", "telegram"], required=True)
        social.add_argument("--name", required=True)
        social.add_argument("--community-id", required=True, help="VK group_id or the bot's @username.")
        social.add_argument("--agency", required=True)
        social.add_argument(
            "--secret-env",
            default="CLIENTCENTRIC_WEBHOOK_SECRET",
            help="Environment variable holding the webhook secret.",
        )
        social.add_argument("--confirmation-code", default="", help="VK's confirmation string.")
        cls = sub.add_parser("classify", help="Add predicted topic and executor columns to a CSV.")
        cls.add_argument("--input", required=True)
        cls.add_argument("--output", required=True)
        cls.add_argument(
            "--object-column", default="object_kind", help="The kind of object («Дом», «Двор»…), optional."
        )

    def handle(self, *args, action, **options):
        getattr(self, f"_{action.replace('-', '_')}")(options)

    def _agency(self, code):
        agency = Agency.objects.filter(code=code).first() if code else None
        if code and agency is None:
            raise CommandError(_("No agency with code %(code)s.") % {"code": code})
        return agency

    def _add_client(self, options):
        from clientcentric.accounts import services
        from clientcentric.accounts.models import INTEGRATION_SCOPES

        agency = self._agency(options["agency"])
        self.stderr.write(
            _(
                "`appeals add-client` is deprecated and will be removed in the next release; use "
                "`clientcentric tokens issue NAME --agency CODE --scope SCOPE …`."
            )
        )
        client, token = services.issue_token(name=options["name"], agency=agency, scopes=INTEGRATION_SCOPES)
        self.stdout.write(f"{client.name}: {token}")

    def _add_social(self, options):
        import os

        from django.core.exceptions import ValidationError

        try:
            account = services.create_social_account(
                network=options["network"],
                name=options["name"],
                community_id=options["community_id"],
                agency=self._agency(options["agency"]),
                secret=os.environ.get(options["secret_env"], ""),
                confirmation_code=options["confirmation_code"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"webhook: /api/v1/social/{account.network}/{account.pk}")

    def _ingest_mail(self, options):
        run = mail.ingest_from_options(options)
        for key, why in run.failed:
            self.stderr.write(f"{key}: {why}")
        self.stdout.write(
            f"registered {run.created}, already registered {run.replayed}, left unread {len(run.failed)}"
        )
        if run.failed:
            sys.exit(1)

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            result = training.import_examples(
                path,
                category_column=options["category_column"],
                executor_column=options["executor_column"],
                object_column=options["object_column"],
                require_object_column=options["object_column"] != "object_kind",
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
        if options.get("json"):
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str))
            return
        from clientcentric.engines.text.routing_report import report_lines

        lines, _met = report_lines(
            {"topic": report.get("category", {}), "executor": report.get("executor", {})}
        )
        self.stdout.write("\n".join(lines))

    def _classify(self, options):
        try:
            count = training.classify_file(
                Path(options["input"]), Path(options["output"]), object_column=options["object_column"]
            )
        except (ValueError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"classified {count} rows → {options['output']}")

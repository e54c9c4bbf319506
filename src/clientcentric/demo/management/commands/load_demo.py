import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from clientcentric.accounts import services as accounts_services
from clientcentric.accounts.models import User
from clientcentric.appeals import demo as appeals_demo
from clientcentric.appeals import social_demo
from clientcentric.business import demo as business_demo
from clientcentric.core.models import AuditEvent
from clientcentric.core.services import audit
from clientcentric.delivery import business_demo as business_support_demo
from clientcentric.delivery import demo_scenario as scenario_demo
from clientcentric.delivery.demo import load_delivery_demo
from clientcentric.knowledge import demo as knowledge_demo
from clientcentric.registry import demo
from clientcentric.subscriptions import demo_channels
from clientcentric.supervision import demo as supervision_demo

LOADED = "demo.loaded"


class Command(BaseCommand):
    help = "Load the demo region «Демонстрационная область» and its demo accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--appeals",
            type=int,
            default=0,
            help="Also create this many live appeals from the real data in data.",
        )
        parser.add_argument(
            "--train",
            action="store_true",
            help="Train the appeals classifier on the real appeals in data first (about a minute).",
        )
        parser.add_argument(
            "--business",
            action="store_true",
            help="Also load the real acts with mandatory requirements and the demo businesses (about a minute).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load into a database that holds data of its own (resets the demo accounts' passwords).",
        )

    def handle(self, *args, **options):
        # The demo region is Russian whatever language the calling thread was left in (a test's last request,
        # an English shell): texts made while loading, such as a programme's target indicators, are stored.
        with translation.override(settings.LANGUAGE_CODE):
            return self._load(**options)

    def _load(self, **options):
        if not options["force"]:
            refuse_foreign_database()
        # Recorded first: a load stopped half-way can be run again.
        audit.record(None, LOADED, summary="The demo region is being loaded into this database")
        report = demo.load_registry()
        if not report.ok:
            raise CommandError(
                "The demo registry does not import: " + "; ".join(map(str, report.problems[:10]))
            )
        counts = ", ".join(
            f"{k} {report.created.get(k, 0) + report.updated.get(k, 0) + report.unchanged.get(k, 0)}"
            for k in sorted(set(report.created) | set(report.updated) | set(report.unchanged))
        )
        self.stdout.write(f"Demo registry loaded: {counts}")
        accounts = demo.ensure_accounts()
        self.stdout.write(f"Demo accounts (password for each: {demo.DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.role:<24} {account.username}")

        delivery = load_delivery_demo(demo.DEMO_PASSWORD)
        offers = sum(result.get("offers", 0) for result in delivery.values() if isinstance(result, dict))
        self.stdout.write(
            f"Proactive delivery: clients client, pensioner, newcomer; {offers} offers from life events"
        )
        self.stdout.write(scenario_demo.load(demo.DEMO_PASSWORD))
        self.stdout.write(business_support_demo.load())

        self._load_knowledge_base()
        self.stdout.write(social_demo.load())
        self.stdout.write(demo_channels.load())

        if options["business"]:
            self.stdout.write(business_demo.load())

            self.stdout.write(supervision_demo.load(demo.DEMO_PASSWORD))

        self._enrol_second_factor()

        path = appeals_demo.find_data_file() if options["appeals"] else None
        if options["appeals"] and path is None:
            self.stdout.write("Real appeals data not found (data/appeals): no demo appeals.")
        if path is not None:
            if options["train"]:
                self._train(appeals_demo, path)
            created = appeals_demo.load_demo_appeals(
                path, count=options["appeals"], operator=User.objects.get(username="operator")
            )
            self.stdout.write(
                f"Demo appeals from {path.name}: {created} new, by status {appeals_demo.demo_counts()}"
            )

    def _enrol_second_factor(self):
        key = base64.b32decode(demo.DEMO_TOTP_KEY).hex()
        # Only the demo's own people (they sign in with the published password): with --force, real staff keep
        # their own second factor and never get the published key.
        staff = [
            u
            for u in User.objects.order_by("pk")
            if accounts_services.second_factor_role(u) and u.check_password(demo.DEMO_PASSWORD)
        ]
        for user in staff:
            accounts_services.enrol_totp(user, key=key)
        self.stdout.write(
            f"{len(staff)} staff accounts: " + demo.DEMO_TOTP_HOWTO.format(key=demo.DEMO_TOTP_KEY)
        )

    def _load_knowledge_base(self):
        report = knowledge_demo.load_knowledge_base()
        if report is None:
            self.stdout.write("Real knowledge base not found (data/faq): only the registry FAQ.")
        elif not report.ok:
            raise CommandError(
                "The demo knowledge base does not import: " + "; ".join(map(str, report.problems[:10]))
            )
        else:
            self.stdout.write(
                f"Demo knowledge base: {report.created['articles']} new, {report.unchanged['articles']} unchanged articles"
            )
        self.stdout.write(f"Demo answer templates: {knowledge_demo.load_templates()} new")

    def _train(self, appeals_demo, path):
        self.stdout.write(f"Training the appeals classifier on {path.name} (about a minute)…")
        report = appeals_demo.train_demo_classifier(path)
        if report is None:
            self.stdout.write("  a trained classifier is already active: kept")
            return
        for target, metrics in report.items():
            figures = ", ".join(
                f"{name} {value:.3f}" for name, value in metrics.items() if isinstance(value, float)
            )
            self.stdout.write(f"  {target}: {figures or metrics}")


def refuse_foreign_database() -> None:
    """The demo publishes its accounts' password: never load it over people who are not the demo's."""
    from django.db.models import Q

    if AuditEvent.objects.filter(action=LOADED).exists():
        return
    administrator = User.objects.filter(username="admin").first()
    if administrator is not None and administrator.check_password(demo.DEMO_PASSWORD):
        return  # loaded before the mark existed: its administrator already signs in with the published password
    people = User.objects.filter(~Q(username__in=[account.username for account in demo.DEMO_ACCOUNTS]))
    if people.exists():
        sample = ", ".join(people.order_by("username").values_list("username", flat=True)[:3])
        raise CommandError(
            f"This database already holds {people.count()} account(s) of its own ({sample}…) and no demo: "
            "loading the demo would reset accounts to the published demo password. Use a fresh database "
            "(e.g. CLIENTCENTRIC_VAR_DIR=/tmp/demo make demo) or pass --force."
        )

from django.core.management.base import BaseCommand, CommandError

from clientcentric.registry import demo


class Command(BaseCommand):
    help = "Load the demo region «Демонстрационная область» and its demo accounts (safe to run again)."

    def handle(self, *args, **options):
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

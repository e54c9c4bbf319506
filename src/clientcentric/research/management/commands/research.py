"""clientcentric research propose-need-statuses"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Needs research: propose need-status changes from the evidence."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "propose-need-statuses",
            help="compare each need's evidence with the thresholds and draft status changes for a methodologist",
        )

    def handle(self, *args, **options):
        from clientcentric.research import services

        run = services.propose_need_statuses()
        self.stdout.write(
            f"Need-status proposals: {run.created} new, {run.refreshed} refreshed, {run.withdrawn} withdrawn."
        )

from django.core.management.base import BaseCommand

from clientcentric.delivery.services import appointments
from clientcentric.delivery.services import offers as offer_services


class Command(BaseCommand):
    help = (
        "Proactive delivery chores: `delivery remind` sends the reminders that are due — appointments a day "
        "ahead, offers still open after a week (each once; beat runs the same tasks on a schedule)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="Send each due reminder once.")
        remind.add_argument(
            "--only",
            choices=["appointments", "offers"],
            help="Send only the appointment reminders, or only the offer reminders.",
        )

    def handle(self, *args, action, **options):
        if action == "remind":
            only = options.get("only")
            if only in (None, "appointments"):
                self.stdout.write(f"Reminders sent: {appointments.send_due_reminders()}")
            if only in (None, "offers"):
                self.stdout.write(f"Offer reminders sent: {offer_services.send_offer_reminders()}")

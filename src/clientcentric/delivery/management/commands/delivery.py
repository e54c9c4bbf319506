from django.core.management.base import BaseCommand

from clientcentric.delivery import appointments


class Command(BaseCommand):
    help = "Proactive delivery chores: `delivery remind` sends the appointment reminders that are due (run hourly)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("remind", help="Send each reminder once, a day before the appointment.")

    def handle(self, *args, action, **options):
        if action == "remind":
            sent = appointments.send_due_reminders()
            self.stdout.write(f"Reminders sent: {sent}")

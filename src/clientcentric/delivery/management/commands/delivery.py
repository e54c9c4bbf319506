from datetime import date

from django.core.management.base import BaseCommand, CommandError

from clientcentric.delivery.services import appointments
from clientcentric.delivery.services import offers as offer_services
from clientcentric.delivery.services import segments as segment_services


class Command(BaseCommand):
    help = (
        "Proactive delivery chores: `delivery remind` sends the reminders that are due — appointments a day "
        "ahead, offers still open after a week (each once; beat runs the same tasks on a schedule). "
        "`delivery segments` puts every client into the segments their facts match (the whole-base run, "
        "resumable)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="Send each due reminder once.")
        remind.add_argument(
            "--only",
            choices=["appointments", "offers"],
            help="Send only the appointment reminders, or only the offer reminders.",
        )

        segments = sub.add_parser(
            "segments",
            help="Run every active segment rule over every client with a profile; a run cut short continues "
            "after its last client.",
        )
        segments.add_argument("--on", help="reference date YYYY-MM-DD (default: today)")
        segments.add_argument(
            "--chunk-size", type=int, default=500, help="clients per checkpoint (default 500)"
        )

    def handle(self, *args, action, **options):
        if action == "segments":
            self._segments(options)
        if action == "remind":
            only = options.get("only")
            if only in (None, "appointments"):
                self.stdout.write(f"Reminders sent: {appointments.send_due_reminders()}")
            if only in (None, "offers"):
                self.stdout.write(f"Offer reminders sent: {offer_services.send_offer_reminders()}")

    def _segments(self, options):
        try:
            on = date.fromisoformat(options["on"]) if options.get("on") else None
        except ValueError:
            raise CommandError(f"“{options['on']}” is not a date YYYY-MM-DD.") from None
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        report = segment_services.run_segments(on, chunk_size=options["chunk_size"])
        resumed = f" (continued after client {report.resumed_after})" if report.resumed_after else ""
        self.stdout.write(
            f"Segments: {report.clients} client(s){resumed}, {report.entered} entered a segment, "
            f"{report.left} left one."
        )

"""clientcentric feedback aggregate [--full] | publish QUARTER | verify QUARTER | demo | qr AGENCY [--out FILE]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clientcentric.feedback import demo, publication, services
from clientcentric.feedback.models import QuarterReport


class Command(BaseCommand):
    help = "Satisfaction measurement: fill the pre-aggregated counts, publish and verify quarters, print QR codes."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        aggregate = sub.add_parser("aggregate", help="count new answers (or everything with --full)")
        aggregate.add_argument("--full", action="store_true", help="recount every answer from scratch")
        publish = sub.add_parser("publish", help="freeze a finished quarter, e.g. 2026Q3")
        publish.add_argument("quarter")
        verify = sub.add_parser("verify", help="check a published quarter against its SHA-256")
        verify.add_argument("quarter")
        sub.add_parser("demo", help="load believable demo ratings (deterministic) and publish past quarters")
        qr = sub.add_parser("qr", help="the QR code (SVG) for an office window")
        qr.add_argument("agency")
        qr.add_argument("--service", default="")
        qr.add_argument("--out", default="")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "aggregate":
            result = services.aggregate_full() if options["full"] else services.aggregate_incremental()
            self.stdout.write(
                f"{'Full' if options['full'] else 'Incremental'} aggregation: {result.rows_written} counts written "
                f"from {result.responses} responses and {result.invitations} invitations."
            )
        elif action == "demo":
            result = demo.load()
            self.stdout.write(f"Demo ratings: {result['created']} new.")
        elif action == "publish":
            try:
                report = services.publish_quarter(options["quarter"], actor=None)
            except (ValidationError, ValueError) as error:
                raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
            self.stdout.write(f"Published {report.quarter}; SHA-256 {report.integrity_hash}")
        elif action == "verify":
            report = QuarterReport.objects.filter(quarter=options["quarter"], state="published").first()
            if report is None:
                raise CommandError(f"Quarter {options['quarter']} is not published.")
            if not publication.verify(report):
                raise CommandError(
                    f"{report.quarter}: the figures do not match their SHA-256 {report.integrity_hash}."
                )
            self.stdout.write(f"{report.quarter}: figures match SHA-256 {report.integrity_hash}")
        elif action == "qr":
            import segno
            from django.conf import settings
            from django.urls import reverse

            url = settings.CLIENTCENTRIC_SITE_URL + reverse("feedback:office", args=[options["agency"]])
            if options["service"]:
                url += f"?service={options['service']}"
            qr = segno.make(url, error="m")
            if options["out"]:
                qr.save(options["out"], scale=8)
                self.stdout.write(f"{options['out']}: {url}")
            else:
                self.stdout.write(qr.svg_inline(scale=8))

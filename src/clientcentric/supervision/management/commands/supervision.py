from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from clientcentric.business.models import BusinessProfile
from clientcentric.supervision.models import ControlType
from clientcentric.supervision.services import events, programmes, risk


class Command(BaseCommand):
    help = (
        "Supervision: recompute risk categories, plan a year's control events, draft the prevention programme, "
        "compute the practice summary."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        assess = sub.add_parser(
            "assess",
            help="Recompute the risk category of every business under every (or one) type of control.",
        )
        assess.add_argument("--control-type", default="", help="Code of one type of control.")
        assess.add_argument("--on", default="", help="Assess as of this date (YYYY-MM-DD); today by default.")
        plan = sub.add_parser("plan", help="Add the year's planned control events and preventive visits.")
        plan.add_argument("--year", type=int, required=True)
        plan.add_argument("--control-type", default="")
        programme = sub.add_parser(
            "programme", help="Draft (or recount, while a draft) the prevention programme for a year."
        )
        programme.add_argument("--year", type=int, required=True)
        programme.add_argument("--control-type", default="")
        practice = sub.add_parser(
            "practice",
            help="Compute the summary of law-enforcement practice for a year from the platform's data.",
        )
        practice.add_argument("--year", type=int, required=True)
        practice.add_argument("--control-type", default="")

    def _types(self, code):
        if not code:
            return list(ControlType.objects.exclude(risk_model_text=""))
        found = ControlType.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(ControlType.objects.values_list("code", flat=True)) or "—"
            raise CommandError(f"No type of control with the code {code!r}; known: {known}")
        if not found.risk_model_text:
            raise CommandError(f"The type of control {code!r} has no risk model")
        return [found]

    def handle(self, *args, action, **options):
        types = self._types(options["control_type"])
        if action in ("programme", "practice"):
            for ct in types:
                try:
                    if action == "programme":
                        item = programmes.draft_programme(ct, options["year"])
                        visits = sum(m["preventive_visits"] for m in item.measures)
                        self.stdout.write(
                            f"{ct.code} {item.year}: programme {item.get_status_display()}, "
                            f"{visits} preventive visits planned, approve by {item.approval_deadline:%Y-%m-%d}"
                        )
                    else:
                        item = programmes.generate_summary(ct, options["year"])
                        f = item.figures
                        self.stdout.write(
                            f"{ct.code} {item.year}: {f['events_total']} events, {f['warnings']} warnings, "
                            f"{f['appeals_total']} pre-trial appeals, "
                            f"{len(f['top_violations'])} requirements found violated"
                        )
                except ValidationError as error:
                    raise CommandError(f"{ct.code}: {' '.join(error.messages)}") from None
            return
        if action == "plan":
            for ct in types:
                created = events.plan_year(ct, options["year"])
                self.stdout.write(
                    f"{ct.code} {options['year']}: {created['events']} control events, "
                    f"{created['visits']} preventive visits added"
                )
            return
        on = timezone.localdate()
        if options["on"]:
            from datetime import date

            try:
                on = date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(f"--on: {options['on']!r} is not a date YYYY-MM-DD") from None
        total = BusinessProfile.objects.count() * len(types)
        table = Table("type of control", "category", "businesses")
        with Progress(console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("assessing", total=total)
            counts = {"assessed": 0, "changed": 0, "by_category": {}}
            for ct in types:
                result = risk.assess_all(ct, on=on, progress=lambda: progress.advance(task))
                counts["assessed"] += result["assessed"]
                counts["changed"] += result["changed"]
                counts["by_category"].update(result["by_category"])
        for key, n in sorted(counts["by_category"].items()):
            code, category = key.split(":", 1)
            table.add_row(code, category, str(n))
        Console(file=self.stdout, width=120).print(table)
        self.stdout.write(f"{counts['assessed']} assessed, {counts['changed']} changed")

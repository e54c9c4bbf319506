import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from clientcentric.delivery.population_command import (
    add_business_run_arguments,
    add_run_arguments,
    run,
    run_business,
)
from clientcentric.engines.rules import RuleError
from clientcentric.engines.rules.rulefile import RuleFileError, load_rules
from clientcentric.rules.messages import describe_error, describe_problem


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("“%(value)s” is not a date YYYY-MM-DD.") % {"value": text}) from None


class Command(BaseCommand):
    help = "Eligibility of clients by the rule language: evaluate rules over Parquet extracts."
    # The system checks import every URL's views (charts, the search index…): a second of start for a command
    # that reads a rule file and Parquet extracts and touches neither. `manage.py check` still runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser(
            "evaluate",
            help="Evaluate every rule of a YAML file for every person of a Parquet extract.",
        )
        ev.add_argument("--persons", required=True, help="persons.parquet (see docs/rules.md)")
        ev.add_argument("--households", required=True, help="households.parquet")
        ev.add_argument("--rules", required=True, help="rule file (YAML)")
        ev.add_argument("--on", required=True, help="reference date YYYY-MM-DD")
        ev.add_argument("--output", required=True, help="output Parquet: person_id + one column per rule")
        ev.add_argument("--no-summary", action="store_true", help="Skip the per-rule counts.")
        check = sub.add_parser("check", help="Validate a rule file and run every rule's examples.")
        check.add_argument("rules")
        add_run_arguments(sub)
        add_business_run_arguments(sub)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action.replace('-', '_')}")(options)

    def _load(self, path: str):
        if not Path(path).exists():
            raise CommandError(_("File not found: %(path)s") % {"path": path})
        try:
            return load_rules(Path(path))
        except RuleFileError as exc:
            lines = [describe_problem(p) for p in exc.problems]
            raise CommandError(
                _("The rule file %(path)s has %(count)s problem(s):") % {"path": path, "count": len(lines)}
                + "\n  "
                + "\n  ".join(lines)
            ) from None

    def _run(self, options):
        run(self, options)

    def _run_business(self, options):
        run_business(self, options)

    def _check(self, options):
        rule_file = self._load(options["rules"])
        examples = sum(len(r.examples) for r in rule_file.rules)
        self.stdout.write(
            _("%(rules)s rule(s) are valid; %(examples)s example(s) pass.")
            % {"rules": len(rule_file.rules), "examples": examples}
        )

    def _evaluate(self, options):
        # Polars is imported by the commands that evaluate, not by `check` (which must start at once).
        from clientcentric.engines.rules.population import evaluate_files

        on = _date(options["on"])
        started, cpu_started = time.perf_counter(), time.process_time()
        rule_file = self._load(options["rules"])
        try:
            summary = evaluate_files(
                options["persons"],
                options["households"],
                rule_file,
                on,
                options["output"],
                summary=not options["no_summary"],
            )
        except RuleError as exc:
            raise CommandError(describe_error(exc)) from None
        elapsed = time.perf_counter() - started
        # CPU time of every thread of this process: on a shared machine it says more than the wall clock.
        self.stderr.write(_("CPU time: %(cpu).2f s.") % {"cpu": time.process_time() - cpu_started})
        if summary is None:
            self.stdout.write(
                _("Written %(path)s in %(seconds).2f s.") % {"path": options["output"], "seconds": elapsed}
            )
            return
        self.stdout.write(
            _("%(persons)s person(s), %(rules)s rule(s) on %(on)s → %(path)s in %(seconds).2f s.")
            % {
                "persons": summary.persons,
                "rules": len(summary.counts),
                "on": on.isoformat(),
                "path": options["output"],
                "seconds": elapsed,
            }
        )
        width = max(len(r) for r in summary.counts) if summary.counts else 10
        self.stdout.write(
            f"{_('rule'):<{width}}  {_('eligible'):>12}  {_('not eligible'):>12}  {_('unknown'):>12}"
        )
        for rule_id, (yes, no, unknown) in summary.counts.items():
            self.stdout.write(f"{rule_id:<{width}}  {yes:>12}  {no:>12}  {unknown:>12}")

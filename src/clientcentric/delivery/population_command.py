"""`clientcentric eligibility run`: every rule in force over the platform's own clients, offers in bulk."""

import time

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone


def add_run_arguments(subparsers) -> None:
    run = subparsers.add_parser(
        "run",
        help="Evaluate every published rule for every client with a profile and create offers in bulk "
        "(only within consents). With REDIS_URL set, chunks go to Celery workers.",
    )
    run.add_argument("--on", help="reference date YYYY-MM-DD (default: today)")
    run.add_argument("--chunk-size", type=int, default=500, help="clients per chunk (default 500)")
    run.add_argument(
        "--in-process", action="store_true", help="Do not use Celery even if Redis is configured."
    )


def add_business_run_arguments(subparsers) -> None:
    run = subparsers.add_parser(
        "run-business",
        help="Evaluate every support measure for business for every business with a profile and offer what "
        "fits (only within the business's consent). Resumable: a run cut short continues after its last business.",
    )
    run.add_argument("--on", help="reference date YYYY-MM-DD (default: today)")
    run.add_argument("--chunk-size", type=int, default=200, help="businesses per chunk (default 200)")


def run_business(command, options) -> None:
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from . import business_population

    try:
        on = date.fromisoformat(options["on"]) if options.get("on") else timezone.localdate()
    except ValueError:
        raise CommandError(f"“{options['on']}” is not a date YYYY-MM-DD.") from None
    if options["chunk_size"] < 1:
        raise CommandError("--chunk-size must be at least 1.")
    started = time.perf_counter()
    with Progress(TextColumn("[bold]support measures[/bold]"), BarColumn(), MofNCompleteColumn()) as progress:
        task = progress.add_task("businesses", total=len(business_population.business_ids()))
        report = business_population.run_businesses(
            on, chunk_size=options["chunk_size"], progress=lambda n: progress.advance(task, n)
        )
    command.stdout.write(
        f"{report.businesses} business(es) on {on.isoformat()} in {time.perf_counter() - started:.2f} s:"
        f" {report.offers} offer(s) ({report.unknown} asking for a missing fact), {report.not_eligible} not"
        f" eligible, {report.no_consent} without the business's consent."
    )


def run(command, options) -> None:
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from . import population

    try:
        on = date.fromisoformat(options["on"]) if options.get("on") else timezone.localdate()
    except ValueError:
        raise CommandError(f"“{options['on']}” is not a date YYYY-MM-DD.") from None
    if options["chunk_size"] < 1:
        raise CommandError("--chunk-size must be at least 1.")
    parallel = bool(settings.REDIS_URL) and not options["in_process"]
    total = len(population.client_ids())
    started = time.perf_counter()
    with Progress(
        TextColumn("[bold]eligibility run[/bold]"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()
    ) as progress:
        task = progress.add_task("clients", total=total)
        report = population.run_population(
            on,
            chunk_size=options["chunk_size"],
            parallel=parallel,
            progress=lambda n: progress.advance(task, n),
        )
    elapsed = time.perf_counter() - started
    command.stdout.write(
        f"{report.clients} client(s) on {on.isoformat()} in {elapsed:.2f} s"
        f" ({'Celery' if parallel else 'in process'}): {report.offers} offer(s)"
        f" ({report.unknown} asking for missing data), {report.information} information notice(s),"
        f" {report.not_eligible} not eligible."
    )
    for rule_id, count in sorted(report.per_rule.items()):
        command.stdout.write(f"  {rule_id:<32} {count:>8}")

"""Time to submit by delivery class (DEL-4): the demo services applied for through the real form flow.

Every demo service the platform delivers on an application (one click, 5 minutes, up to 10 minutes) is applied
for by generated clients, some of whom the state knows fully and some not (no income on file, a child without
a birth date). Each application goes through the Django test client exactly as a browser does: GET the form
(the server signs its start time), fill what the form asks, POST. The figures printed are the ones the platform
stores: `ServiceRequest.seconds` (time to submit, measured by the server) and `fields_typed`.

A program answers in milliseconds, so the person is modelled on the server's clock (delivery.timing reads it):
reading the page, checking each prefilled value, typing each answer and attaching each document take the times
below, taken from the GOV.UK form-completion guidance (a short question ≈ 15 s, a check of a shown value ≈ 5 s).
What is measured, not modelled, is which fields the form asks and the client has to type — the part the
platform controls. Target: 90 % of requests within their service's declared class (delivery.effort.LIMITS).

    .venv/bin/python bench/apply.py [--clients 12] [--database-url postgres://…/cc_bench]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_WITHIN = 0.90
READ_PAGE_S, CHECK_FIELD_S, TYPE_FIELD_S, DOCUMENT_S, SEND_S = 10.0, 5.0, 15.0, 25.0, 2.0


class ServerClock:
    """The server's clock as delivery.timing sees it, advanced by the modelled person."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


def answer_for(name: str) -> str:
    from clientcentric.engines.rules.types import FactType
    from clientcentric.rules.facts.person import SCHEMA

    special = {
        "income_monthly": "15500",
        "citizenship": "rf",
        "occupancy": "tenant",
        "birth_date": "1975-05-05",
        # The profile's yes/no fields are a select of «unknown / yes / no».
        "disability": "true",
        "unemployed": "true",
        "student": "false",
    }
    if name in special:
        return special[name]
    kind = SCHEMA.get(name)
    return {
        FactType.BOOL: "yes",
        FactType.INT: "2",
        FactType.DECIMAL: "15500",
        FactType.DATE: "1975-05-05",
    }.get(kind, "rf")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=12, help="generated clients per service")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="cc-bench-apply-")
    os.environ["CLIENTCENTRIC_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["CLIENTCENTRIC_EMAIL_URL"] = "memorymail://"
    os.environ["CLIENTCENTRIC_LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    # The applicants for a disability payment are in the register of disabled persons: the demo's stand-in for
    # ФГИС ФРИ (delivery/registries.py) reads this file, which the bench fills with their SNILS below.
    fri_file = Path(tmp) / "fri.json"
    fri_file.write_text('{"persons": []}', encoding="utf-8")
    os.environ["CLIENTCENTRIC_FRI_DEMO_FILE"] = str(fri_file)
    os.environ["CLIENTCENTRIC_FACT_REGISTERS"] = "fri-demo"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", verbosity=0)
    print(f"demo loaded in {time.perf_counter() - started:.1f} s")
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()  # the test client then hands back the rendered form (response.context)

    from clientcentric.accounts import services as accounts_services
    from clientcentric.accounts.roles import Role
    from clientcentric.delivery import effort, timing
    from clientcentric.delivery.demo import demo_snils
    from clientcentric.delivery.models import HouseholdMember, ServiceRequest
    from clientcentric.delivery.selectors.effort import deliverable_services
    from clientcentric.delivery.services import applications
    from clientcentric.delivery.services import profiles as profile_services

    clock = ServerClock()
    timing.time = clock  # the module reads time.time(); the modelled person advances it
    services = [
        s
        for s in deliverable_services(timezone.localdate())
        if s.effort_class in effort.LIMITS and not applications.terms_of(s).automatic
    ]
    server_ms = []
    registered = []  # SNILS the bench's register of disabled persons lists
    from_register = 0
    for number, service in enumerate(services):
        reads_disability = _reads_disability(service)
        for n in range(args.clients):
            user = accounts_services.create_person(
                username=f"bench-{number}-{n}",
                password="bench-pass-2026",
                role=Role.CLIENT,
                last_name="Проверкина",
                first_name="Анна",
            )
            profile = profile_services.profile_of(user)
            profile.snils = demo_snils(700_000_000 + number * 1000 + n)
            if reads_disability:
                registered.append(profile.snils)
                _write_register(fri_file, registered)
            profile.birth_date = date(1955 + n % 40, 1 + n % 12, 1 + n % 27)
            # Every other client: the state has no income on file, so the form has to ask.
            profile.income_monthly = None if n % 2 else 15000 + 1000 * (n % 5)
            profile_services.save_profile(profile)
            for k in range(n % 3):
                # A third of the clients has a child the registries know without a birth date.
                born = None if n % 3 == 2 and k == 0 else date(2020 + k, 3, 3)
                profile_services.save_household_member(
                    HouseholdMember(
                        profile=profile, name=f"Ребёнок {k + 1}", relation="child", birth_date=born
                    )
                )
            browser = Client()
            browser.force_login(user)
            tick = time.perf_counter()
            page = browser.get(f"/me/apply/{service.code}/")
            form = page.context["form"]
            data = {}
            clock.now += READ_PAGE_S
            from_register += sum(1 for asked in form.plan.fields if asked.register)
            for name in form.fields:
                if name == "documents":
                    continue
                value = form[name].value()
                if value in (None, ""):
                    data[name] = answer_for(name)
                    clock.now += TYPE_FIELD_S
                else:
                    data[name] = value.isoformat() if isinstance(value, date) else str(value)
                    if name != "token":
                        clock.now += CHECK_FIELD_S
            clock.now += SEND_S + (DOCUMENT_S if "documents" in form.fields else 0)
            response = browser.post(f"/me/apply/{service.code}/", data)
            server_ms.append((time.perf_counter() - tick) * 1000)
            if response.status_code != 302:
                print(f"{service.code}: the form answered {response.status_code}", file=sys.stderr)
                return 1

    from clientcentric.delivery.selectors.effort import effort_by_service

    by_class: dict[str, list[tuple[float, int, bool]]] = {}
    for request in ServiceRequest.objects.filter(data__origin="application").select_related("service"):
        within = effort.within(request.service.effort_class, request.seconds, request.fields_typed)
        by_class.setdefault(request.service.effort_class, []).append(
            (request.seconds, request.fields_typed, bool(within))
        )
    status = 0
    print(f"{len(services)} demo services, {sum(len(v) for v in by_class.values())} applications")
    print(
        f"facts prefilled from a state register (demo ФГИС ФРИ, disability): {from_register}; "
        f"the applicants for disability services are listed in it ({len(registered)} SNILS)"
    )
    # Per service: the same figures as the staff page «Время подачи заявления по услугам» (selectors.effort).
    applied = {s.pk for s in services}
    print(
        f"{'service':<34}{'class':<17}{'requests':>9}{'median s':>10}{'p90 s':>8}{'fields':>8}{'within':>8}"
    )
    for row in effort_by_service(None):
        if row.service.pk not in applied:
            continue
        share = "—" if row.within_share is None else f"{row.within_share:.0%}"
        print(
            f"{row.service.code[:33]:<34}{row.service.effort_class:<17}{row.requests:>9}"
            f"{row.median_seconds:>10.0f}{row.p90_seconds:>8.0f}{row.median_fields:>8.1f}{share:>8}"
        )
    print()
    print(f"{'class':<18}{'requests':>9}{'median s':>10}{'p90 s':>8}{'fields':>8}{'within':>9}  target")
    for name in (effort.ONE_CLICK, effort.FIVE_MINUTES, effort.TEN_MINUTES):
        rows = by_class.get(name, [])
        if not rows:
            print(f"{name:<18}{0:>9}  (no demo service of this class is applied for)")
            continue
        seconds = sorted(r[0] for r in rows)
        share = sum(r[2] for r in rows) / len(rows)
        ok = share >= TARGET_WITHIN
        status |= not ok
        limit = effort.LIMITS[name]
        bound = f"{limit.seconds:.0f} s" if limit.seconds else f"{limit.fields_typed} fields typed"
        print(
            f"{name:<18}{len(rows):>9}{statistics.median(seconds):>10.0f}"
            f"{seconds[int(0.9 * (len(seconds) - 1))]:>8.0f}{statistics.median(r[1] for r in rows):>8.1f}"
            f"{share:>8.0%}  ≥ {TARGET_WITHIN:.0%} within {bound} {'OK' if ok else 'MISS'}"
        )
    print(
        f"server time per application (GET form + POST, real): median {statistics.median(server_ms):.0f} ms, "
        f"max {max(server_ms):.0f} ms"
    )
    return status


def _reads_disability(service) -> bool:
    from clientcentric.delivery.selectors import rules as rule_selectors
    from clientcentric.delivery.services import applications
    from clientcentric.rules import eligibility

    rule = applications.rule_of(service, date.today())
    if rule is None:
        return False
    used = eligibility.compiled(rule.text, rule_selectors.parameter_names()).facts_used
    return "disability" in used


def _write_register(path: Path, snils: list[str]) -> None:
    import json

    path.write_text(json.dumps({"persons": [{"snils": s, "group": 2} for s in snils]}), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

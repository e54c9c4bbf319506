"""Journey-map benchmark: the house-and-yard evidence from 1 000 000 appeals, and the journey-map page.

Targets (issue 7): building the house-and-yard journey map's evidence from 1,000,000 appeals < 10 s; the
journey-map page p95 < 300 ms.

    .venv/bin/python bench/journey_map.py [--appeals 1000000] [--requests 60] [--keep-db]

On PostgreSQL (database `cc_research_bench`, dropped and recreated; DATABASE_URL's server, default
127.0.0.1:5432): migrates, creates a life situation with two needs and their topics, then COPYs N appeals (70 %
house-and-yard topics, a tenth overdue, a few reopened, repeat authors by e-mail) and ANALYZEs. It then times
`research.selectors.life_situation_evidence` (cold, three runs, the slowest counts) and requests the journey-map
page as an analyst through Django's test client (warm: the page's evidence is cached for
CLIENTCENTRIC_EVIDENCE_CACHE_SECONDS), printing p50/p95 against the targets. Exit status 0 only when both hold.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "cc_research_bench"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TOPICS_YARD = [
    "Неисправный лифт",
    "Мусор во дворе",
    "Грязь в подъезде",
    "Яма во дворе",
    "Не горит свет в подъезде",
]
TOPICS_OTHER = ["Незаконная реклама", "Торговля с земли", "Сломанный светофор"]
DISTRICTS = ["Невский", "Выборгский", "Центральный", "Приморский", ""]
CHANNELS = ["portal", "portal", "portal", "phone", "email", "chatbot"]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        connection.execute(f"CREATE DATABASE {DB_NAME}")


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientcentric.config.settings")
    import django

    django.setup()


def reference_data():
    from clientcentric.accounts import services as accounts
    from clientcentric.accounts.models import Agency
    from clientcentric.accounts.roles import Role
    from clientcentric.appeals import services as appeals
    from clientcentric.appeals.models import DeadlinePolicy, NeedTopic
    from clientcentric.registry import services as registry
    from clientcentric.registry.models import LifeSituation, Need, NeedStatus, Segment
    from clientcentric.research import services
    from clientcentric.research.models import JourneyMap

    agency = accounts.save_agency(
        Agency(code="ja", name="Жилищное агентство", level="municipal", kind="institution")
    )
    analyst = accounts.create_person(
        username="bench-analyst", password="x" * 12, role=Role.ANALYST, agency=agency
    )
    situation = registry.save_life_situation(
        LifeSituation(code="home-and-yard", name="Проблема в доме или во дворе")
    )
    segment = registry.save_segment(
        Segment(code="seg-1-1", name="Долго решали проблему"), life_situations=[situation]
    )
    need = registry.save_need(
        Need(
            code="hy",
            name="Порядок в доме и во дворе",
            status=NeedStatus.IN_PROGRESS,
            status_reason="Работаем",
        ),
        life_situations=[situation],
    )
    for topic in TOPICS_YARD:
        appeals.save_need_topic(NeedTopic(topic=topic, need=need))
    policy = DeadlinePolicy.objects.filter(kind="written").first() or appeals.create_deadline_policy(
        DeadlinePolicy(kind="written", clock="calendar_days", answer_within_days=30)
    )
    stages = [
        {"name": name, "emotion": emotion, "evidence_signal": signal}
        for name, emotion, signal in [
            ("Заметил проблему", -1, ""),
            ("Сообщил", 0, "topics"),
            ("Ждал ответа", -2, "overdue"),
            ("Получил ответ", 0, "repeated"),
            ("Проблема решена или нет", 1, "satisfaction"),
        ]
    ]
    journey = services.save_journey_map(
        JourneyMap(title="Проблема во дворе", segment=segment, life_situation=situation), stages=stages
    )
    return analyst, situation, need, policy, journey


def copy_appeals(count: int, need, situation, policy) -> float:
    from django.db import connection

    rng = random.Random(7)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    columns = (
        "number, channel, kind, text, contact_name, contact_email, contact_phone, address, district, topic, "
        "need_id, life_situation_id, status, registered_at, deadline_at, answered_at, policy_id, "
        "idempotency_key, external_id, supporters_count"
    )
    began = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY appeals_appeal ({columns}) FROM STDIN") as copy:
            for index in range(count):
                yard = rng.random() < 0.7
                topic = rng.choice(TOPICS_YARD if yard else TOPICS_OTHER)
                registered = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 600))
                deadline = registered + timedelta(days=30)
                roll = rng.random()
                if roll < 0.6:
                    status, answered = "answered", registered + timedelta(hours=rng.randrange(2, 24 * 28))
                elif roll < 0.7:
                    status, answered = "answered", registered + timedelta(days=rng.randrange(31, 60))
                elif roll < 0.72:
                    status, answered = "reopened", registered + timedelta(days=5)
                else:
                    status, answered = "registered", None
                copy.write_row(
                    (
                        f"B-{index}",
                        rng.choice(CHANNELS),
                        "written",
                        "Текст обращения",
                        "",
                        f"person{rng.randrange(0, count // 2)}@example.ru",
                        "",
                        "",
                        rng.choice(DISTRICTS),
                        topic,
                        need.pk if yard else None,
                        situation.pk if yard else None,
                        status,
                        registered,
                        deadline,
                        answered,
                        policy.pk,
                        "",
                        "",
                        0,
                    )
                )
        cursor.execute("ANALYZE appeals_appeal")
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    recreate_database()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    analyst, situation, need, policy, journey = reference_data()
    load_seconds = copy_appeals(args.appeals, need, situation, policy)
    print(f"setup: {args.appeals:,} appeals copied in {load_seconds:.1f} s")

    from django.core.cache import cache
    from django.test import Client

    from clientcentric.research import selectors

    runs = []
    for _ in range(3):
        began = time.perf_counter()
        evidence, points = selectors.journey_map_evidence(journey)
        runs.append(time.perf_counter() - began)
        cache.clear()
    build = max(runs)
    print(
        f"evidence: {evidence.appeals:,} house-and-yard appeals, {evidence.overdue:,} overdue, "
        f"{len(points)} pain points; runs {', '.join(f'{r:.2f}' for r in runs)} s"
    )
    client = Client()
    client.force_login(analyst)
    url = f"/research/maps/{journey.pk}/"
    assert client.get(url).status_code == 200  # fills the evidence cache, as the first visitor would
    times = []
    for _ in range(args.requests):
        began = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    times.sort()
    p50 = statistics.median(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    build_ok, page_ok = build < 10, p95 < 300
    print(
        f"journey-map evidence from {args.appeals:,} appeals: {build:.2f} s (target < 10 s) {'OK' if build_ok else 'MISS'}"
    )
    print(
        f"journey-map page: p50 {p50:.0f} ms, p95 {p95:.0f} ms (target p95 < 300 ms) {'OK' if page_ok else 'MISS'}"
    )
    if not args.keep_db:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    return 0 if build_ok and page_ok else 1


if __name__ == "__main__":
    sys.exit(main())

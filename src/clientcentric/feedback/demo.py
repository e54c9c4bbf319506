"""Believable demo ratings (deterministic seed): three quarters of answers about demo services, the call
centre's voice menu, office QR codes, unprompted widget ratings, and the answered demo appeals."""

import random
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from clientcentric.accounts.models import Agency
from clientcentric.registry.models import Service

from . import selectors, services
from .models import EndPoint, Invitation, QuarterReport
from .services import Rating

SEED = 2026
# service code, answers per quarter, share satisfied, change per quarter (a service being redesigned improves)
DEMO_SERVICES = [
    ("birth-registration", 130, 0.86, 0.00),
    ("unified-child-benefit", 110, 0.58, 0.06),
    ("maternity-capital", 90, 0.90, 0.00),
    ("old-age-pension", 120, 0.76, 0.02),
    ("kindergarten-queue", 75, 0.52, -0.04),
    ("passport-issue", 100, 0.81, 0.00),
    ("residence-registration", 45, 0.70, 0.00),
    ("egrn-extract", 32, 0.74, 0.00),
    ("labour-veteran", 18, 0.60, 0.00),
    ("alcohol-licence", 5, 0.50, 0.00),
]
UNHAPPY_COMMENTS = [
    "Ждала ответа дольше обещанного, никто не перезвонил.",
    "На сайте не сказано, какие документы нужны, пришлось идти два раза.",
    "Отказали, но не объяснили, что делать дальше.",
    "В очереди простоял больше часа.",
    "Ответ формальный, проблема не решена.",
]
HAPPY_COMMENTS = ["Всё быстро, спасибо!", "Сотрудник всё объяснил, очень вежливо.", ""]
RESPONSE_RATE = 0.33


def _level(rng: random.Random, p_satisfied: float) -> int:
    if rng.random() < p_satisfied:
        return 5 if rng.random() < 0.6 else 4
    return rng.choice([1, 2, 2, 3, 3, 3])


def _rating(rng: random.Random, p_satisfied: float, end_point: str) -> Rating:
    if end_point in (EndPoint.SERVICE_REFUSED, EndPoint.NOT_ELIGIBLE):
        p_satisfied -= 0.35  # refusals are rated lower: the reason case-mix matters
    satisfaction = _level(rng, max(0.05, p_satisfied))
    happy = satisfaction >= 4
    effort = min(
        7, max(1, satisfaction + rng.choice([0, 1, 2]) if happy else satisfaction + rng.choice([-1, 0, 1]))
    )
    drivers = ["result", "easy", "fast", "queue", "clear", "polite", "competent", "premises", "information"]
    comment = ""
    if not happy and rng.random() < 0.4:
        comment = rng.choice(UNHAPPY_COMMENTS)
    elif happy and rng.random() < 0.1:
        comment = rng.choice(HAPPY_COMMENTS)
    return Rating(
        satisfaction=satisfaction,
        effort=effort if rng.random() < 0.85 else None,
        trust=min(5, max(1, satisfaction + rng.choice([-1, 0, 0, 1]))) if rng.random() < 0.8 else None,
        need_met=(satisfaction >= 3) if rng.random() < 0.7 else None,
        went_well=rng.sample(drivers, rng.randint(1, 3)) if happy else [],
        got_in_way=[] if happy else rng.sample(drivers, rng.randint(1, 2)),
        comment=comment,
    )


def _moment(rng: random.Random, quarter: str, now) -> datetime:
    first = selectors.quarter_months(quarter)[0]
    start = datetime(first.year, first.month, 1, 7, tzinfo=UTC)
    span = min(timedelta(days=90), now - start - timedelta(hours=2))
    return start + timedelta(seconds=rng.randint(0, max(1, int(span.total_seconds()))))


def _quarters(now) -> list[str]:
    current = selectors.quarter_of(timezone.localdate(now))
    previous = selectors.previous_quarter(current)
    return [selectors.previous_quarter(previous), previous, current]


@transaction.atomic
def load(now=None) -> dict:
    """Create the demo ratings once; a second call only re-aggregates."""
    now = now or timezone.now()
    if Invitation.objects.filter(transaction_kind="demo_request").exists():
        services.aggregate_full()
        return {"created": 0}
    rng = random.Random(SEED)
    created = 0
    catalogue = Service.objects.select_related("agency").prefetch_related(
        "touchpoints", "needs__life_situations"
    )
    found = {s.code: s for s in catalogue.filter(code__in=[code for code, *_ in DEMO_SERVICES])}
    quarters = _quarters(now)
    for position, quarter in enumerate(quarters):
        scale = 0.6 if position == len(quarters) - 1 else 1.0  # the running quarter is not over
        for code, volume, p_satisfied, trend in DEMO_SERVICES:
            service = found.get(code)
            if service is None:
                continue
            touchpoints = [t.code for t in service.touchpoints.all()] or ["portal"]
            situations = [ls for need in service.needs.all() for ls in need.life_situations.all()]
            for i in range(int(volume * scale * rng.uniform(0.85, 1.15))):
                when = _moment(rng, quarter, now)
                end_point = rng.choices(
                    [EndPoint.SERVICE_COMPLETED, EndPoint.SERVICE_REFUSED, EndPoint.NOT_ELIGIBLE],
                    [0.85, 0.1, 0.05],
                )[0]
                rating = _rating(rng, p_satisfied + trend * position, end_point)
                touchpoint = rng.choice(touchpoints)
                if touchpoint in ("one_stop_centre", "in_person") and rng.random() < 0.5:
                    services.answer_at_office(service.agency, rating, service=service, now=when)
                    created += 1
                    continue
                # Invitations go to every end state; only some clients answer.
                for attempt in range(round(1 / RESPONSE_RATE)):
                    invitation = services.invite(
                        end_point=end_point,
                        transaction_kind="demo_request",
                        transaction_ref=f"{quarter}-{code}-{i}-{attempt}",
                        touchpoint=touchpoint,
                        service=service,
                        life_situation=rng.choice(situations) if situations else None,
                        now=when,
                    )
                    if attempt == 0:
                        services.answer_invitation(
                            services.token_for(invitation),
                            rating,
                            now=when + timedelta(hours=rng.randint(1, 48)),
                        )
                        created += 1
        call_centre = Agency.objects.filter(code="osfr").first()
        if call_centre is not None:
            for i in range(int(70 * (0.6 if position == len(quarters) - 1 else 1))):
                rating = _rating(rng, 0.72, EndPoint.CALL_ENDED)
                rating = Rating(satisfaction=rating.satisfaction, effort=rating.effort)
                services.answer_by_phone(
                    call_id=f"demo-{quarter}-{i}",
                    agency=call_centre,
                    rating=rating,
                    now=_moment(rng, quarter, now),
                )
                created += 1
    for _i in range(40):
        services.answer_unprompted(
            Rating(satisfaction=rng.choice([1, 3, 4, 5, 5])), page=rng.choice(["/", "/faq/", "/appeals/new/"])
        )
    created += _rate_demo_appeals(rng)
    services.aggregate_full()
    for quarter in quarters[:-1]:
        if not QuarterReport.objects.filter(quarter=quarter, state=QuarterReport.State.PUBLISHED).exists():
            services.publish_quarter(quarter)
    return {"created": created}


def _rate_demo_appeals(rng: random.Random) -> int:
    """Answered demo appeals were invited on answer; about half of their authors rate them."""
    rated = 0
    for invitation in Invitation.objects.filter(
        end_point=EndPoint.APPEAL_ANSWERED, used_at__isnull=True
    ).order_by("pk"):
        if rng.random() < 0.5:
            continue
        rating = _rating(rng, 0.55, EndPoint.APPEAL_ANSWERED)
        services.answer_invitation(services.token_for(invitation), rating)
        rated += 1
    return rated

"""Deadline policies: which promise applies to an appeal, and when its answer is due."""

from datetime import timedelta
from functools import lru_cache

from django.conf import settings

from clientcentric.core.process_cache import ProcessCache
from clientcentric.engines.worktime import (
    ClockKind,
    ProductionCalendar,
    WorkSchedule,
    add_calendar_days,
    deadline,
)

from .models import Channel, Clock, DeadlinePolicy, Kind

# The standard's social-network norms (TP-4) and 59-ФЗ for written appeals.
DEFAULT_POLICIES = (
    {
        "channel": Channel.SOCIAL,
        "kind": Kind.MENTION,
        "clock": Clock.CALENDAR_TIME,
        "answer_within_hours": 4,
        "note": "Стандарт «Государство для людей», п. 4.6: упоминание — 4 часа",
    },
    {
        "channel": Channel.SOCIAL,
        "kind": Kind.SOCIAL_APPEAL,
        "clock": Clock.CALENDAR_TIME,
        "answer_within_hours": 2,
        "note": "Стандарт «Государство для людей», п. 4.6: обращение в социальной сети — 2 часа",
    },
    {
        "channel": Channel.SOCIAL,
        "kind": Kind.COMMENT,
        "clock": Clock.CALENDAR_TIME,
        "answer_within_hours": 2,
        "note": "Стандарт «Государство для людей», п. 4.6: комментарий к официальной записи — 2 часа",
    },
    {
        "channel": "",
        "kind": Kind.WRITTEN,
        "clock": Clock.CALENDAR_DAYS,
        "answer_within_days": 30,
        "register_within_days": 3,
        "pause_allowed": False,
        "note": "59-ФЗ, ст. 8 и 12: регистрация в течение 3 дней, ответ в течение 30 дней",
    },
)


def _specificity(policy: DeadlinePolicy) -> int:
    return (2 if policy.category else 0) + (1 if policy.channel else 0)


# Every policy, newest first: a handful of rows that each intake consults.
_policies = ProcessCache(lambda: list(DeadlinePolicy.objects.order_by("-created_at", "-id"))).invalidate_on(
    DeadlinePolicy
)


def policy_for(*, channel: str, kind: str, category: str = "") -> DeadlinePolicy:
    """The newest policy for the most specific match: category beats any, channel beats any."""
    everything = _policies.get()
    candidates = [
        policy
        for policy in everything
        if policy.kind == kind and policy.channel in (channel, "") and policy.category in (category, "")
    ]
    if candidates:
        # max() keeps the first of equals, and the list is newest first.
        return max(candidates, key=_specificity)
    fallback = next(
        (p for p in everything if p.kind == Kind.WRITTEN and not p.channel and not p.category), None
    )
    if fallback is None:
        raise LookupError(f"no deadline policy for {channel}/{kind}")
    return fallback


@lru_cache(maxsize=1)
def production_calendar() -> ProductionCalendar:
    return ProductionCalendar(overrides=settings.CLIENTCENTRIC_CALENDAR_OVERRIDES or None)


def schedule_for(policy: DeadlinePolicy, time_zone: str) -> WorkSchedule:
    clock = ClockKind.WORKING_TIME if policy.clock == Clock.WORKING_TIME else ClockKind.CALENDAR_TIME
    return WorkSchedule(timezone=time_zone, clock=clock)


def due_at(policy: DeadlinePolicy, registered_at, time_zone: str):
    """When the answer is due; raises CalendarYearUnknown for a year the calendar does not know."""
    schedule = schedule_for(policy, time_zone)
    if policy.clock == Clock.CALENDAR_DAYS:
        return add_calendar_days(registered_at, policy.answer_within_days, schedule)
    calendar = production_calendar() if policy.clock == Clock.WORKING_TIME else None
    return deadline(registered_at, timedelta(hours=policy.answer_within_hours), schedule, calendar)

"""Free consultation slots of a type of control: its office hours on the production calendar's working days."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from clientcentric.appeals.policies import production_calendar
from clientcentric.engines.worktime.schedule import WorkSchedule
from clientcentric.engines.worktime.slots import slots

from ..models import Consultation, ControlType

HORIZON_DAYS = 14
LUNCH = (time(13, 0), time(14, 0))


def schedule_of(control_type: ControlType) -> WorkSchedule:
    start, end = control_type.consultation_day_start, control_type.consultation_day_end
    # The lunch hour is kept free only when it falls inside the office's consultation hours.
    lunch = LUNCH if start < LUNCH[0] and LUNCH[1] < end else None
    return WorkSchedule(day_start=start, day_end=end, lunch=lunch, timezone=control_type.agency.time_zone)


def offered_channels(control_type: ControlType) -> list[str]:
    """The channels the body offers; video only where it has a video room to link to."""
    return [
        code
        for code in control_type.consultation_channels
        if code != "video" or control_type.consultation_video_url
    ]


def free_slots(control_type: ControlType, now: datetime | None = None) -> list[datetime]:
    now = now or timezone.now()
    taken = set(
        Consultation.objects.filter(
            control_type=control_type, slot__gte=now, slot__lte=now + timedelta(days=HORIZON_DAYS + 1)
        ).values_list("slot", flat=True)
    )
    return slots(
        now,
        schedule_of(control_type),
        production_calendar(),
        minutes=control_type.consultation_slot_minutes,
        days=HORIZON_DAYS,
        taken=taken,
    )

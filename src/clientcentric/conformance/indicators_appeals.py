"""Indicators of appeals: answered within the deadline (by channel, social networks by their 2 h / 4 h promise),
repeat contacts about the same problem, and answers and refusals within the agency's plain-Russian limits.
Definitions: docs/indicators.md."""

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientcentric.appeals.models import Answer, Appeal, Channel
from clientcentric.core import formats
from clientcentric.delivery.models import ServiceRequest

from .indicator_kit import Column, indicator, share_by, share_value, tally
from .indicators import Quarter

REPEAT_WINDOW = timedelta(days=30)


def _channel_key(channel: str, hours: int | None) -> str:
    # A social network promises an answer within hours (2 h for a public post, 4 h for a private message):
    # each promise is a cell of its own, since a 2 h deadline and a 4 h one are not the same achievement.
    if channel == Channel.SOCIAL and hours:
        return f"social_{hours}h"
    return channel


def _channel_labels() -> dict:
    labels = {value: str(label) for value, label in Channel.choices}
    for hours in (1, 2, 3, 4, 6, 8, 12, 24):
        labels[f"social_{hours}h"] = _("social network, answer within %(hours)s") % {
            "hours": formats.count_of(hours, "hours")
        }
    return labels


def _due_in(quarter: Quarter):
    """Appeals whose outcome falls in the quarter: answered in it, or left unanswered past a deadline in it."""
    start, end = quarter.bounds()
    overdue_until = min(end, timezone.now())
    return Appeal.objects.filter(
        Q(answered_at__gte=start, answered_at__lt=end)
        | Q(answered_at__isnull=True, deadline_at__gte=start, deadline_at__lt=overdue_until)
    ).exclude(answered_at__isnull=True, status="closed")


def _of(queryset, agency, field="executor"):
    return queryset if agency is None else queryset.filter(**{field: agency})


def on_time_records(agency, quarter: Quarter, key: str | None = None):
    appeals = _of(_due_in(quarter), agency).select_related("policy", "executor")
    if key:
        channel, _sep, hours = key.partition("_")
        appeals = appeals.filter(channel=channel)
        if hours:
            appeals = appeals.filter(policy__answer_within_hours=int(hours.rstrip("h")))
        elif channel == Channel.SOCIAL:
            appeals = appeals.filter(policy__answer_within_hours__isnull=True)
    # An unanswered appeal compares NULL with its deadline: the first term makes that a plain "no".
    on_time = Q(answered_at__isnull=False) & Q(answered_at__lte=F("deadline_at"))
    return appeals.annotate(on_time=on_time).order_by("-deadline_at", "-pk")


def _appeal_link(appeal) -> str:
    return reverse("appeals:work", args=[appeal.number])


def _when(moment, appeal) -> str:
    """In the executor's local time, with the year: a drill-down is read long after the quarter."""
    return formats.datetime(moment, year=True, zone=appeal.executor.time_zone if appeal.executor else None)


APPEAL_COLUMNS = (
    Column(_("appeal"), lambda a: f"№ {a.number}", _appeal_link),
    Column(_("channel"), lambda a: a.get_channel_display()),
    Column(_("executor"), lambda a: (a.executor.short_name or a.executor.name) if a.executor else "—"),
    Column(_("answer due"), lambda a: _when(a.due_shown, a)),
    Column(_("answered at"), lambda a: _when(a.answered_at, a)),
)


@indicator(
    "appeals_on_time",
    _("Appeals answered within their deadline"),
    unit="share",
    breakdown_title=_("channel"),
    labels=_channel_labels,
    records=on_time_records,
    columns=(*APPEAL_COLUMNS, Column(_("on time"), lambda a: _("yes") if a.on_time else _("no"))),
    definition=_(
        "Appeals answered in the quarter, and appeals left unanswered past a deadline that fell in it; on time: "
        "answered no later than the deadline in force for the appeal."
    ),
)
def appeals_on_time(*, agency=None, quarter: Quarter):
    return share_by(
        "appeals_on_time",
        quarter,
        agency,
        _of(_due_in(quarter), agency),
        ("channel", "policy__answer_within_hours"),
        Q(answered_at__lte=F("deadline_at")),
        key=_channel_key,
    )


def _repeat_base(agency, quarter: Quarter):
    start, end = quarter.bounds()
    earlier = Appeal.objects.filter(
        author=OuterRef("author"),
        registered_at__lt=OuterRef("registered_at"),
        registered_at__gte=OuterRef("registered_at") - REPEAT_WINDOW,
    ).filter(Q(need__isnull=False, need=OuterRef("need")) | (~Q(topic="") & Q(topic=OuterRef("topic"))))
    appeals = Appeal.objects.filter(
        registered_at__gte=start, registered_at__lt=end, author__isnull=False
    ).filter(Q(need__isnull=False) | ~Q(topic=""))
    return _of(appeals, agency).annotate(repeat=Exists(earlier))


def repeat_records(agency, quarter: Quarter, key: str | None = None):
    appeals = _repeat_base(agency, quarter).select_related("policy", "executor")
    if key:
        appeals = appeals.filter(channel=key)
    return appeals.order_by("-repeat", "-registered_at", "-pk")


@indicator(
    "repeat_contacts",
    _("Repeat contacts about the same problem"),
    unit="share",
    higher_is_better=False,
    breakdown_title=_("channel"),
    labels=_channel_labels,
    records=repeat_records,
    columns=(
        Column(_("appeal"), lambda a: f"№ {a.number}", _appeal_link),
        Column(_("channel"), lambda a: a.get_channel_display()),
        Column(_("topic"), lambda a: a.topic or "—"),
        Column(_("registered at"), lambda a: _when(a.registered_at, a)),
        Column(_("repeat contact"), lambda a: _("yes") if a.repeat else _("no")),
    ),
    definition=_(
        "Appeals registered in the quarter by a known author whose same need or topic was already the subject "
        "of that author's appeal in the 30 days before."
    ),
)
def repeat_contacts(*, agency=None, quarter: Quarter):
    return share_by(
        "repeat_contacts", quarter, agency, _repeat_base(agency, quarter), ("channel",), Q(repeat=True)
    )


# Plain Russian: what the client read, against the limits the agency set for itself.

WITHIN_ANSWER = Q(reading_ease__gte=F("appeal__executor__plain_min_reading_ease")) & Q(
    reading_grade__lte=F("appeal__executor__plain_max_grade")
)
WITHIN_REFUSAL = Q(reading_ease__gte=F("service__agency__plain_min_reading_ease")) & Q(
    reading_grade__lte=F("service__agency__plain_max_grade")
)


def _answers(agency, quarter: Quarter):
    start, end = quarter.bounds()
    answers = Answer.objects.filter(
        created_at__gte=start, created_at__lt=end, reading_ease__isnull=False, reading_grade__isnull=False
    )
    return _of(answers, agency, "appeal__executor")


def _refusals(agency, quarter: Quarter):
    start, end = quarter.bounds()
    refusals = ServiceRequest.objects.filter(
        status=ServiceRequest.Status.REFUSED,
        decided_at__gte=start,
        decided_at__lt=end,
        reading_ease__isnull=False,
        reading_grade__isnull=False,
    )
    return _of(refusals, agency, "service__agency")


def readable_records(agency, quarter: Quarter, key: str | None = None):
    if key == "refusals":
        return (
            _refusals(agency, quarter)
            .select_related("service")
            .annotate(within=WITHIN_REFUSAL)
            .order_by("within", "-decided_at", "-pk")
        )
    return (
        _answers(agency, quarter)
        .select_related("appeal__executor", "appeal__policy")
        .annotate(within=WITHIN_ANSWER)
        .order_by("within", "-created_at", "-pk")
    )


def _text_of(record) -> str:
    if isinstance(record, Answer):
        return f"№ {record.appeal.number}"
    return str(record.service)


def _text_link(record) -> str | None:
    return _appeal_link(record.appeal) if isinstance(record, Answer) else None


@indicator(
    "readable_answers",
    _("Answers and refusals within the agency's plain-Russian limits"),
    unit="share",
    breakdown_title=_("text"),
    labels=lambda: {"answers": str(_("answers to appeals")), "refusals": str(_("refusals of services"))},
    records=readable_records,
    columns=(
        Column(_("text"), _text_of, _text_link),
        Column(_("reading ease"), lambda r: formats.number(r.reading_ease, 1)),
        Column(_("grade"), lambda r: formats.number(r.reading_grade, 1)),
        Column(_("within the limits"), lambda r: _("yes") if r.within else _("no")),
    ),
    definition=_(
        "Answers to appeals sent and refusals decided in the quarter whose reading ease is not below and whose "
        "grade is not above the limits the agency set."
    ),
)
def readable_answers(*, agency=None, quarter: Quarter):
    counts = {
        "answers": tally(_answers(agency, quarter), WITHIN_ANSWER),
        "refusals": tally(_refusals(agency, quarter), WITHIN_REFUSAL),
    }
    return share_value(
        "readable_answers", quarter, agency, {k: v for k, v in counts.items() if v[1]} or counts
    )

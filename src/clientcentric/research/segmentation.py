"""Segment hypotheses as structured conditions over appeal features and client attributes.

A definition is a list of conditions that must all hold: {"field": ..., "op": ..., "value": ...}. The fields are
what the platform knows of every appeal and its author without asking for more personal data:

  channel, kind, district, topic, need, life_situation    op in / not_in (value: list of strings)
  topic_contains                                          op contains (value: string)
  hour (0…23, Moscow time), weekday (1 = Monday … 7)      op between (value: [from, to]) or in
  has_account, repeat_client, overdue, in_scope           op is (value: true/false)

`has_account` false is a guest who wrote without signing in; `repeat_client` is someone with more than one
appeal; `overdue` an appeal answered late or still open past its deadline; `in_scope` false an appeal no routing
rule covers (a house or place outside the portal's reach).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat, ExtractHour, ExtractIsoWeekDay
from django.utils import timezone
from django.utils.translation import gettext as _

from clientcentric.appeals.models import Appeal, Channel, Kind, Status
from clientcentric.registry.models import LifeSituation, Need

LIST_FIELDS = {
    "channel": "channel",
    "kind": "kind",
    "district": "district",
    "topic": "topic",
    "need": "need__code",
    "life_situation": "life_situation__code",
}
BOOL_FIELDS = ("has_account", "repeat_client", "overdue", "in_scope")
RANGE_FIELDS = {"hour": (0, 23), "weekday": (1, 7)}
FIELDS = (*LIST_FIELDS, "topic_contains", *RANGE_FIELDS, *BOOL_FIELDS)
MOSCOW = ZoneInfo("Europe/Moscow")


def validate(conditions) -> list[dict]:
    """The conditions, normalised; ValidationError naming the condition and what is wrong with it."""
    if not isinstance(conditions, list) or not conditions:
        raise ValidationError({"conditions": _("A segment needs at least one condition.")})
    cleaned = []
    for number, condition in enumerate(conditions, start=1):
        if not isinstance(condition, dict):
            raise ValidationError({"conditions": _("Condition %(n)s is not an object.") % {"n": number}})
        name, op, value = condition.get("field"), condition.get("op"), condition.get("value")
        try:
            value = _checked_value(name, op, value)
        except _Problem as problem:
            raise ValidationError(
                {"conditions": _("Condition %(n)s: %(message)s") % {"n": number, "message": problem.message}}
            ) from None
        cleaned.append({"field": name, "op": op, "value": value})
    return cleaned


class _Problem(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _checked_value(name, op, value):
    """The condition's value, normalised, or _Problem saying what is wrong with the condition."""
    if name not in FIELDS:
        raise _Problem(
            _("unknown field «%(field)s»; known: %(known)s") % {"field": name, "known": ", ".join(FIELDS)}
        )
    if name in LIST_FIELDS:
        return _checked_list(op, value)
    if name == "topic_contains":
        if op != "contains" or not isinstance(value, str) or not value.strip():
            raise _Problem(_("use «contains» with a non-empty string"))
        return value
    if name in RANGE_FIELDS:
        return _checked_range(op, value, *RANGE_FIELDS[name])
    if op != "is" or not isinstance(value, bool):
        raise _Problem(_("use «is» with true or false"))
    return value


def _checked_list(op, value):
    if op not in ("in", "not_in"):
        raise _Problem(_("use «in» or «not_in»"))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _Problem(_("the value is a non-empty list of strings (an empty string: not given)"))
    return value


def _checked_range(op, value, low, high):
    whole_numbers_in_range = isinstance(value, list) and all(
        isinstance(v, int) and low <= v <= high for v in value
    )
    if op == "between":
        if not whole_numbers_in_range or len(value) != 2:
            raise _Problem(
                _("«between» takes two whole numbers %(low)s…%(high)s") % {"low": low, "high": high}
            )
    elif op == "in":
        if not whole_numbers_in_range or not value:
            raise _Problem(_("«in» takes whole numbers %(low)s…%(high)s") % {"low": low, "high": high})
    else:
        raise _Problem(_("use «between» or «in»"))
    return value


def _repeat_authors():
    return (
        Appeal.objects.filter(author__isnull=False)
        .values("author")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("author")
    )


def _repeat_emails():
    return (
        Appeal.objects.filter(author__isnull=True)
        .exclude(contact_email="")
        .values("contact_email")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values("contact_email")
    )


def _bool_q(name: str, now: datetime) -> Q:
    if name == "has_account":
        return Q(author__isnull=False)
    if name == "repeat_client":
        return Q(author__in=_repeat_authors()) | Q(contact_email__in=_repeat_emails())
    if name == "overdue":
        return Q(answered_at__gt=F("deadline_at")) | Q(
            answered_at__isnull=True, deadline_at__lt=now, status__in=OPEN
        )
    return Q(executor__isnull=False) & ~Q(status=Status.NEEDS_ROUTING)


OPEN = (Status.NEEDS_ROUTING, Status.REGISTERED, Status.IN_PROGRESS, Status.AWAITING_DETAILS, Status.REOPENED)


def apply(conditions: list[dict], queryset: QuerySet | None = None) -> QuerySet:
    """The appeals matching every condition."""
    queryset = Appeal.objects.all() if queryset is None else queryset
    now = timezone.now()
    needs_time = any(c["field"] in RANGE_FIELDS for c in conditions)
    if needs_time:
        queryset = queryset.annotate(
            _hour=ExtractHour("registered_at", tzinfo=MOSCOW),
            _weekday=ExtractIsoWeekDay("registered_at", tzinfo=MOSCOW),
        )
    for condition in conditions:
        name, op, value = condition["field"], condition["op"], condition["value"]
        if name in LIST_FIELDS:
            q = Q(**{f"{LIST_FIELDS[name]}__in": value})
            queryset = queryset.filter(q) if op == "in" else queryset.exclude(q)
        elif name == "topic_contains":
            queryset = queryset.filter(topic__icontains=value.strip())
        elif name in RANGE_FIELDS:
            column = f"_{name}"
            if op == "between":
                low, high = value
                if low <= high:
                    queryset = queryset.filter(**{f"{column}__gte": low, f"{column}__lte": high})
                else:  # a range over midnight or the weekend, e.g. hours 20…7
                    queryset = queryset.filter(Q(**{f"{column}__gte": low}) | Q(**{f"{column}__lte": high}))
            else:
                queryset = queryset.filter(**{f"{column}__in": value})
        else:
            q = _bool_q(name, now)
            queryset = queryset.filter(q) if value else queryset.exclude(q)
    return queryset


def size(conditions: list[dict]) -> dict:
    """How many appeals and how many distinct clients the definition covers (a guest counts once per contact)."""
    matching = apply(conditions)
    # Concat turns NULL into "" on some databases, so the person key is chosen explicitly, not by Coalesce.
    person = Case(
        When(author__isnull=False, then=Concat(Value("u"), Cast("author_id", CharField()))),
        When(~Q(contact_email=""), then=Concat(Value("e"), "contact_email")),
        When(~Q(contact_phone=""), then=Concat(Value("p"), "contact_phone")),
        default=Concat(Value("a"), Cast("id", CharField())),
        output_field=CharField(),
    )
    totals = matching.aggregate(appeals=Count("id"), clients=Count(person, distinct=True))
    return {"appeals": totals["appeals"], "clients": totals["clients"]}


def describe(conditions: list[dict]) -> str:
    """The definition in words, for the page."""
    words = {
        "in": _("is one of"),
        "not_in": _("is none of"),
        "contains": _("contains"),
        "between": _("between"),
        "is": _("is"),
    }
    labels = {
        "channel": _("channel"),
        "kind": _("kind"),
        "district": _("district"),
        "topic": _("topic"),
        "need": _("need"),
        "life_situation": _("life situation"),
        "topic_contains": _("topic"),
        "hour": _("hour"),
        "weekday": _("weekday"),
        "has_account": _("signed in"),
        "repeat_client": _("wrote more than once"),
        "overdue": _("answer overdue"),
        "in_scope": _("covered by routing"),
    }
    names = _registry_names(conditions)
    parts = []
    for c in conditions:
        value = c["value"]
        if isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif isinstance(value, list):
            shown = ("…" if c["op"] == "between" else ", ").join(_shown(c["field"], v, names) for v in value)
        else:
            shown = str(value)
        parts.append(f"{labels[c['field']]} {words[c['op']]} {shown}")
    return "; ".join(parts)


def _registry_names(conditions: list[dict]) -> dict[tuple[str, str], str]:
    """The names of the life situations and needs the conditions name by code: a page shows names, not codes."""
    wanted = {
        field: {v for c in conditions if c["field"] == field for v in c["value"] if isinstance(v, str)}
        for field in ("life_situation", "need")
    }
    names = {}
    for field, model in (("life_situation", LifeSituation), ("need", Need)):
        if wanted[field]:
            for code, name in model.objects.filter(code__in=wanted[field]).values_list("code", "name"):
                names[(field, code)] = name
    return names


def _shown(field: str, value, names: dict[tuple[str, str], str]) -> str:
    if value == "":
        return str(_("(not given)"))
    if field == "channel" and value in Channel.values:
        return str(Channel(value).label)
    if field == "kind" and value in Kind.values:
        return str(Kind(value).label)
    if (field, value) in names:
        return f"«{names[(field, value)]}»"
    return str(value)

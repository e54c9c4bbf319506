"""Russian forms of numbers, money, intervals, quarters, durations, dates and times, for every human-facing place.

Pages, charts, PDFs, notifications and exports meant for people write figures the way a Russian reader expects
(ГОСТ Р 7.0.97 and the CLDR «ru» locale): digit groups split by a non-breaking space («1 333 200»), a decimal comma
(«6,6»), the true minus sign U+2212 («−8,4»), a non-breaking space before a unit or sign («30 дней», «1 333 200 ₽»,
«66 %»), an ellipsis between the bounds of an interval («6,6 (−8,4…19,7)»), Roman quarters («III квартал 2026»)
and months in the genitive («7 декабря, 10:00»).

The forms are written here rather than taken from the active Django locale because the same text must come out of
a page, a Celery task (no request, no active language) and a PDF alike. Datetimes are shown in one local time: the
agency's zone when the caller knows the agency, else the site's ``TIME_ZONE`` (Django's current time zone).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

NBSP = "\u00a0"
MINUS = "\u2212"
ELLIPSIS = "…"
DASH = "—"

MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
MONTHS_NOMINATIVE = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
ROMAN_QUARTERS = ("I", "II", "III", "IV")


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(MINUS, "-").replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def number(value, digits: int | None = None, *, group_from: int = 10_000) -> str:
    """A number in Russian form: «1 333 200», «6,6», «−8,4»; an em dash when there is none.

    `digits` fixes the decimals (rounded half away from zero); None keeps the value's own. Digit groups start at
    five digits as the Russian rule has it («9999», «10 000»); ``group_from=1000`` groups four-digit figures too,
    for columns where numbers must line up.
    """
    amount = _decimal(value)
    if amount is None:
        return DASH
    if digits is not None:
        amount = amount.quantize(Decimal(1).scaleb(-int(digits)), rounding="ROUND_HALF_UP")
    negative = amount < 0 and amount != 0
    text = format(abs(amount), "f")
    whole, _, fraction = text.partition(".")
    if abs(amount) >= group_from:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = NBSP.join([whole, *groups])
    result = whole + ("," + fraction if fraction else "")
    return (MINUS if negative else "") + result


def money(value, digits: int = 0) -> str:
    """Roubles: «1 333 200 ₽»; with ``digits=2`` «1 333 200,50 ₽»."""
    text = number(value, digits, group_from=1000)
    return text if text == DASH else f"{text}{NBSP}₽"


def percent(share, digits: int = 0) -> str:
    """A share 0–1 as a percentage with its sign: «66 %»."""
    amount = _decimal(share)
    if amount is None:
        return DASH
    return f"{number(amount * 100, digits)}{NBSP}%"


def interval(estimate, low, high, digits: int = 1) -> str:
    """An estimate with its interval: «6,6 (−8,4…19,7)»; the estimate alone when a bound is missing."""
    head = number(estimate, digits)
    if _decimal(low) is None or _decimal(high) is None:
        return head
    return f"{head} ({number(low, digits)}{ELLIPSIS}{number(high, digits)})"


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for `count`: 1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    count = abs(int(count))
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


UNITS = {
    "days": ("день", "дня", "дней"),
    "working_days": ("рабочий день", "рабочих дня", "рабочих дней"),
    "hours": ("час", "часа", "часов"),
    "minutes": ("минута", "минуты", "минут"),
    "years": ("год", "года", "лет"),
    "months": ("месяц", "месяца", "месяцев"),
    "answers": ("ответ", "ответа", "ответов"),
}


def count_of(value, unit: str) -> str:
    """A whole count with its noun in the right form: «30 дней», «1 час», «21 ответ»."""
    amount = _decimal(value)
    if amount is None:
        return DASH
    whole = int(amount)
    if whole != amount:  # a fraction takes the genitive singular: «1,5 дня»
        return f"{number(amount)}{NBSP}{UNITS[unit][1]}"
    return f"{number(whole)}{NBSP}{plural(whole, *UNITS[unit])}"


def days(value) -> str:
    """«30 дней», «1 день», «2 дня» — never «30 d»."""
    return count_of(value, "days")


def quarter(code: str) -> str:
    """«2026Q3» as «III квартал 2026»; anything that is not a quarter code is returned as it is."""
    text = str(code or "").strip()
    if len(text) == 6 and text[:4].isdigit() and text[4] in "QqКк" and text[5] in "1234":
        return f"{ROMAN_QUARTERS[int(text[5]) - 1]} квартал {text[:4]}"
    return text


def period(code: str) -> str:
    """A reporting period's code in words: «2026Q3» → «III квартал 2026», «2026-07» → «июль 2026»."""
    text = str(code or "").strip()
    if (
        len(text) == 7
        and text[4] == "-"
        and text[:4].isdigit()
        and text[5:].isdigit()
        and 1 <= int(text[5:]) <= 12
    ):
        return f"{MONTHS_NOMINATIVE[int(text[5:]) - 1]} {text[:4]}"
    return quarter(text)


def time_zone_of(zone) -> dt.tzinfo:
    """A tzinfo from an agency's zone name (or a tzinfo); the site's current zone when none or unknown."""
    if isinstance(zone, dt.tzinfo):
        return zone
    if zone:
        try:
            return ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_current_timezone()


def local(moment: dt.datetime, zone=None) -> dt.datetime:
    """The instant in the agency's local time (`zone`), else the site's; a naive value is taken as local already."""
    if timezone.is_naive(moment):
        return moment
    return timezone.localtime(moment, time_zone_of(zone))


def date(value, *, year: bool | None = True, zone=None) -> str:
    """«7 декабря 2026»; ``year=None`` leaves the year out when it is the current one («7 декабря»)."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):  # a date kept in JSON (a request's prefilled facts): «1993-04-12»
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = local(value, zone).date()
    show_year = year if year is not None else value.year != timezone.localdate().year
    text = f"{value.day} {MONTHS_GENITIVE[value.month - 1]}"
    return f"{text} {value.year}" if show_year else text


def datetime(value, *, year: bool | None = None, zone=None) -> str:
    """«7 декабря, 10:00» in the agency's local time; the year is added when it is not the current one
    («7 декабря 2025, 10:00»), or always with ``year=True`` (receipts and PDFs, read long after)."""
    if value is None or value == "":
        return DASH
    moment = local(value, zone)
    return f"{date(moment.date(), year=year)}, {moment:%H:%M}"


def time(value, *, zone=None) -> str:
    """«10:00» in the agency's local time."""
    return DASH if value is None or value == "" else f"{local(value, zone):%H:%M}"


def numeric_date(value, *, zone=None) -> str:
    """«07.12.2026» — for tables and exports where a column of dates must line up and sort by eye."""
    if value is None or value == "":
        return DASH
    if isinstance(value, dt.datetime):
        value = local(value, zone).date()
    return f"{value:%d.%m.%Y}"


def numeric_datetime(value, *, zone=None) -> str:
    """«07.12.2026 10:00» in the agency's local time, for tables and exports."""
    return DASH if value is None or value == "" else f"{local(value, zone):%d.%m.%Y %H:%M}"

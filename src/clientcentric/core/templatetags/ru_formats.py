"""Template filters for the Russian forms of `core.formats`: ``{% load ru_formats %}``.

``{{ slot.starts_at|when:slot.time_zone }}`` → «7 декабря, 10:00» in the office's agency's time;
``{{ cost|rub }}`` → «1 333 200 ₽»; ``{{ value|num:1 }}`` → «6,6»; ``{{ share|percent }}`` → «66 %»;
``{{ "2026Q3"|quarter }}`` → «III квартал 2026»; ``{{ 30|days }}`` → «30 дней».
"""

from django import template

from clientcentric.core import formats

register = template.Library()


@register.filter
def when(value, zone=None):
    """Date and time in the agency's local time (`zone`, else the site's); the year only when not this one."""
    return formats.datetime(value, zone=zone)


@register.filter
def when_full(value, zone=None):
    """Date and time with the year always: «7 декабря 2026, 10:00» (receipts, histories)."""
    return formats.datetime(value, year=True, zone=zone)


@register.filter
def day(value, zone=None):
    """«7 декабря 2026»."""
    return formats.date(value, zone=zone)


@register.filter
def num(value, digits=None):
    return formats.number(value, None if digits in (None, "") else int(digits))


@register.filter
def rub(value, digits=0):
    return formats.money(value, int(digits))


@register.filter
def percent(share, digits=0):
    return formats.percent(share, int(digits))


@register.filter
def quarter(code):
    return formats.quarter(code)


@register.filter
def period(code):
    """«2026Q3» → «III квартал 2026», «2026-07» → «июль 2026»."""
    return formats.period(code)


@register.filter
def days(value):
    return formats.days(value)

"""Filters of the conformance pages: an indicator's value in its unit, a result's label, a quarter's name."""

from datetime import date

from django import template
from django.utils.translation import gettext as _

from clientcentric.core import formats

from .. import report
from ..models import DeviationStatus, Result

register = template.Library()


@register.filter
def indicator_value(row: dict) -> str:
    """«87 % (81…92 %)» for a share with its interval; a score, seconds or a count in its own form."""
    if row.get("suppressed"):
        return _("hidden: fewer than 10 observations")
    value = row.get("value")
    if value is None:
        return _("no data")
    unit = row.get("unit")
    if unit == "share":
        text = formats.percent(value)
        if row.get("ci_low") is not None and row.get("ci_high") is not None:
            text += f" ({formats.number(row['ci_low'] * 100, 0)}{formats.ELLIPSIS}{formats.percent(row['ci_high'])})"
        return text
    if unit == "seconds":
        return formats.count_of(round(value / 60, 1), "minutes")
    if unit == "count":
        return formats.number(value, 0)
    text = formats.number(value, 1)
    if row.get("ci_low") is not None and row.get("ci_high") is not None:
        text += f" ({formats.number(row['ci_low'], 1)}{formats.ELLIPSIS}{formats.number(row['ci_high'], 1)})"
    return text


@register.filter
def result_label(code: str) -> str:
    try:
        return Result(code).label
    except ValueError:
        return code


@register.filter
def quarter_name(code) -> str:
    return report.quarter_label(code)


@register.filter
def score_percent(score) -> str:
    return formats.percent(score) if score is not None else formats.DASH


@register.filter
def score_change(delta) -> str:
    """A chapter's change in points: «+12 п. п.», «−5 п. п.»."""
    if delta is None:
        return formats.DASH
    points = round(delta * 100)
    sign = "+" if points > 0 else ""
    return f"{sign}{formats.number(points, 0)}{formats.NBSP}п.{formats.NBSP}п."


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def iso_day(text) -> str:
    """An ISO date from a frozen payload («2026-12-31») as «31 декабря 2026 г.»."""
    if not text:
        return formats.DASH
    return formats.date(date.fromisoformat(str(text)))


@register.filter
def deviation_status(code: str) -> str:
    try:
        return DeviationStatus(code).label
    except ValueError:
        return code

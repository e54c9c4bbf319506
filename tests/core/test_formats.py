"""The Russian forms of numbers, money, intervals, quarters, durations, dates and times (`core.formats`)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from clientcentric.core import formats

NB = "\u00a0"
MOSCOW = ZoneInfo("Europe/Moscow")


def test_money_groups_digits_with_non_breaking_spaces():
    assert formats.money(1333200) == f"1{NB}333{NB}200{NB}₽"


def test_money_with_kopecks_takes_a_decimal_comma():
    assert formats.money(Decimal("1333200.5"), 2) == f"1{NB}333{NB}200,50{NB}₽"


def test_four_digit_numbers_are_not_split_but_five_digit_ones_are():
    assert formats.number(9999) == "9999"
    assert formats.number(10000) == f"10{NB}000"


def test_negative_numbers_take_the_true_minus_sign():
    assert formats.number(-8.4, 1) == "\u22128,4"
    assert "-" not in formats.number(-12345.678, 2)


def test_rounding_to_zero_shows_no_minus():
    assert formats.number(-0.04, 1) == "0,0"


def test_interval_reads_estimate_low_ellipsis_high():
    assert formats.interval(6.6, -8.4, 19.7) == "6,6 (\u22128,4…19,7)"


def test_interval_without_bounds_is_the_estimate_alone():
    assert formats.interval(6.6, None, 19.7) == "6,6"


def test_percent_of_a_share():
    assert formats.percent(0.664) == f"66{NB}%"
    assert formats.percent(0.664, 1) == f"66,4{NB}%"


def test_missing_values_are_an_em_dash():
    assert formats.number(None) == "—"
    assert formats.money("") == "—"
    assert formats.number("not a number") == "—"
    assert formats.datetime(None) == "—"


def test_quarter_code_reads_as_a_roman_quarter():
    assert formats.quarter("2026Q3") == "III квартал 2026"
    assert formats.quarter("2025Q1") == "I квартал 2025"


def test_anything_but_a_quarter_code_is_kept():
    assert formats.quarter("2026-07") == "2026-07"


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "1 день"),
        (2, "2 дня"),
        (4, "4 дня"),
        (5, "5 дней"),
        (11, "11 дней"),
        (12, "12 дней"),
        (21, "21 день"),
        (22, "22 дня"),
        (30, "30 дней"),
        (111, "111 дней"),
        (0, "0 дней"),
    ],
)
def test_days_take_the_russian_plural(count, text):
    assert formats.days(count) == text.replace(" ", NB)


def test_a_fractional_count_takes_the_genitive_singular():
    assert formats.count_of(1.5, "days") == f"1,5{NB}дня"


def test_datetime_is_shown_in_the_sites_local_time(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    moment = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)  # 10:00 in Moscow
    with timezone.override("Europe/Moscow"):
        assert formats.datetime(moment, year=True) == "7 декабря 2026, 10:00"


def test_datetime_is_shown_in_the_agencys_time_zone_when_given():
    moment = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)
    assert formats.datetime(moment, year=True, zone="Asia/Yekaterinburg") == "7 декабря 2026, 12:00"


def test_an_unknown_zone_falls_back_to_the_sites():
    moment = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)
    with timezone.override("Europe/Moscow"):
        assert formats.time(moment, zone="Nowhere/Atlantis") == "10:00"


def test_datetime_leaves_out_the_current_year_only():
    now = timezone.localtime()
    this_year = now.replace(month=12, day=7, hour=10, minute=0)
    assert formats.datetime(this_year) == "7 декабря, 10:00"
    last_year = this_year.replace(year=now.year - 1)
    assert formats.datetime(last_year) == f"7 декабря {now.year - 1}, 10:00"


def test_a_date_near_midnight_takes_the_local_day():
    late = dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC)  # 1 April, 01:30 in Moscow
    assert formats.date(late, zone="Europe/Moscow") == "1 апреля 2026"
    assert formats.numeric_date(late, zone="Europe/Moscow") == "01.04.2026"


def test_template_filters_render_the_same_forms():
    template = engines["django"].from_string(
        "{% load ru_formats %}{{ cost|rub }}|{{ change|num:1 }}|{{ q|quarter }}|{{ n|days }}|{{ at|when_full:zone }}"
    )
    text = template.render(
        {
            "cost": 1333200,
            "change": -8.44,
            "q": "2026Q3",
            "n": 30,
            "at": dt.datetime(2026, 12, 7, 5, 20, tzinfo=dt.UTC),
            "zone": "Europe/Moscow",
        }
    )
    assert text == f"1{NB}333{NB}200{NB}₽|\u22128,4|III квартал 2026|30{NB}дней|7 декабря 2026, 08:20"


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_a_number_reads_back_to_its_value(value):
    text = formats.number(value, 2)
    assert Decimal(text.replace(NB, "").replace(",", ".").replace("\u2212", "-")) == value.quantize(
        Decimal("0.01")
    )


def test_a_date_kept_as_iso_text_reads_in_russian():
    assert formats.date("1993-04-12") == "12 апреля 1993"

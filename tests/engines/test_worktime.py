import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcentric.engines.worktime import (
    CalendarDataConflict,
    CalendarYearUnknown,
    ClockKind,
    DayKind,
    ProductionCalendar,
    WorkSchedule,
    add_calendar_days,
    add_calendar_time,
    add_working_days,
    add_working_time,
    deadline,
    elapsed,
    format_years,
    next_working_moment,
    package_years,
    working_time_between,
)

MSK = ZoneInfo("Europe/Moscow")
CALENDAR = ProductionCalendar()
OFFICE = WorkSchedule()
HOUR = timedelta(hours=1)


def msk(*args):
    return datetime(*args, tzinfo=MSK)


def add(start, duration, schedule=OFFICE, calendar=CALENDAR):
    return add_working_time(start, duration, schedule, calendar)


# --- the worked example and the package data it relies on ---------------------------------------


def test_issue_example_two_working_hours_from_new_years_eve_2026():
    assert add(msk(2026, 12, 31, 17), 2 * HOUR) == msk(2027, 1, 11, 11)


def test_package_moves_a_day_off_to_31_december_2026():
    ru = holidays.country_holidays("RU", years=2026, language="ru")
    assert not ru.is_working_day(date(2026, 12, 31))
    assert ru[date(2026, 12, 31)] == "Выходной (перенесено с 04.01.2026)"
    assert CALENDAR.day_kind(date(2026, 12, 31)) is DayKind.DAY_OFF


@pytest.mark.parametrize(
    ("year", "working_weekend_days"),
    [
        (2024, {date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28)}),
        (2025, {date(2025, 11, 1)}),
        (2026, set()),
        (2027, {date(2027, 2, 20)}),
    ],
)
def test_package_lists_working_weekend_days(year, working_weekend_days):
    assert holidays.country_holidays("RU", years=year).weekend_workdays == working_weekend_days
    for day in working_weekend_days:
        assert CALENDAR.is_working_day(day)


@pytest.mark.parametrize(("year", "hours"), [(2024, 1979), (2025, 1972), (2026, 1972), (2027, 1972)])
def test_a_year_of_working_time_matches_the_official_40_hour_norm(year, hours):
    year_start, next_year = msk(year, 1, 1), msk(year + 1, 1, 1)
    end = next_year if year + 1 in CALENDAR.known_years else next_year - timedelta(microseconds=1)
    assert working_time_between(year_start, end, OFFICE, CALENDAR) == hours * HOUR


# --- known years -------------------------------------------------------------------------------


def test_known_years_are_those_with_both_transfers_and_shortened_days():
    assert CALENDAR.known_years == frozenset({2024, 2025, 2026, 2027})
    assert CALENDAR.known_years <= package_years()


def test_a_year_missing_from_either_source_is_unknown():
    shortened = {2023: ["2023-02-22"], 2026: ["2026-04-30"], 2031: []}
    calendar = ProductionCalendar(shortened_days=shortened)
    # 2023 has transfers and shortened data; 2031 has shortened data but no transfers in the package.
    assert calendar.known_years == frozenset({2023, 2026})


def test_explicit_known_years_replace_the_rule():
    calendar = ProductionCalendar(known_years=[2026])
    assert calendar.known_years == frozenset({2026})
    with pytest.raises(CalendarYearUnknown):
        calendar.day_kind(date(2025, 3, 3))


def test_unknown_year_is_refused_with_a_clear_message():
    with pytest.raises(CalendarYearUnknown, match=r"does not know year 2031; known years: 2024–2027") as info:
        CALENDAR.is_working_day(date(2031, 1, 13))
    assert isinstance(info.value, ValueError)
    assert info.value.year == 2031
    assert info.value.known_years == CALENDAR.known_years


def test_a_year_the_package_computes_without_its_resolution_is_still_refused():
    # The package happily lists 2028's fixed holidays, but without the 2028 transfer resolution.
    assert date(2028, 1, 3) in holidays.country_holidays("RU", years=2028)
    with pytest.raises(CalendarYearUnknown, match="2028"):
        CALENDAR.day_kind(date(2028, 1, 3))


def test_a_deadline_running_into_an_unknown_year_is_refused():
    with pytest.raises(CalendarYearUnknown, match="2028"):
        add(msk(2027, 12, 30, 17), 2 * HOUR)


def test_known_years_are_formatted_as_ranges():
    assert format_years([2027, 2019, 2025, 2026]) == "2019, 2025–2027"
    assert format_years([]) == "none"


# --- working-time arithmetic -------------------------------------------------------------------


def test_lunch_break_is_skipped():
    assert add(msk(2026, 3, 17, 12, 30), HOUR) == msk(2026, 3, 17, 14, 30)


def test_time_carries_over_to_the_next_morning():
    assert add(msk(2026, 3, 17, 17, 30), HOUR) == msk(2026, 3, 18, 9, 30)


def test_time_running_out_at_the_end_of_the_day_ends_that_day():
    assert add(msk(2026, 3, 17, 16), 2 * HOUR) == msk(2026, 3, 17, 18)


def test_weekend_is_skipped():
    assert add(msk(2026, 3, 13, 17), 2 * HOUR) == msk(2026, 3, 16, 10)


def test_shortened_pre_holiday_day_ends_at_17():
    assert CALENDAR.is_shortened(date(2026, 4, 30))
    assert working_time_between(msk(2026, 4, 30, 0), msk(2026, 4, 30, 23), OFFICE, CALENDAR) == 7 * HOUR
    # Half an hour left on 30 April, then 1 May (holiday) and the weekend.
    assert add(msk(2026, 4, 30, 16, 30), HOUR) == msk(2026, 5, 4, 9, 30)


def test_shortened_day_still_has_lunch():
    assert add(msk(2026, 4, 30, 12, 30), HOUR) == msk(2026, 4, 30, 14, 30)


def test_working_saturday_counts():
    assert CALENDAR.day_kind(date(2025, 11, 1)) is DayKind.SHORTENED
    assert add(msk(2025, 10, 31, 17), 2 * HOUR) == msk(2025, 11, 1, 10)


def test_working_saturday_before_a_holiday_is_shortened_then_the_long_weekend_is_skipped():
    # Sat 1 Nov 2025 ends at 17:00; 2 Nov is Sunday, 3 Nov a transferred day off, 4 Nov Unity Day.
    assert add(msk(2025, 11, 1, 16), 2 * HOUR) == msk(2025, 11, 5, 10)


def test_start_outside_working_hours_begins_at_the_next_working_moment():
    assert add(msk(2026, 3, 14, 11), HOUR) == msk(2026, 3, 16, 10)
    assert next_working_moment(msk(2026, 3, 17, 13, 20), OFFICE, CALENDAR) == msk(2026, 3, 17, 14)
    assert next_working_moment(msk(2026, 3, 17, 10), OFFICE, CALENDAR) == msk(2026, 3, 17, 10)


def test_result_is_in_the_schedule_time_zone():
    result = add(datetime(2026, 3, 17, 6, tzinfo=UTC), HOUR)  # 09:00 in Moscow
    assert result.tzinfo == MSK
    assert result == msk(2026, 3, 17, 10)


def test_thirty_working_days():
    # March 2026 has 21 working days from the 2nd (9 March is a day off), April adds nine by the 13th.
    assert add(msk(2026, 3, 2, 9), 30 * 8 * HOUR) == msk(2026, 4, 13, 18)


def test_schedule_without_lunch():
    schedule = WorkSchedule(day_start=time(8), day_end=time(17), lunch=None)
    assert add(msk(2026, 3, 17, 12, 30), HOUR, schedule) == msk(2026, 3, 17, 13, 30)
    assert schedule.shortened_day == ((timedelta(hours=8), timedelta(hours=16)),)


def test_daylight_saving_change_is_real_time():
    berlin = ZoneInfo("Europe/Berlin")
    schedule = WorkSchedule(timezone="Europe/Berlin")
    # Clocks go forward on Sunday 29 March 2026; the Monday morning is still two real working hours.
    result = add(datetime(2026, 3, 27, 17, tzinfo=berlin), 2 * HOUR, schedule)
    assert result == datetime(2026, 3, 30, 10, tzinfo=berlin)
    assert add_calendar_time(datetime(2026, 3, 29, 0, 30, tzinfo=berlin), 4 * HOUR) == datetime(
        2026, 3, 29, 5, 30, tzinfo=berlin
    )


def test_working_time_between_supports_pausing_a_clock():
    before_pause = working_time_between(msk(2026, 3, 16, 10), msk(2026, 3, 16, 15), OFFICE, CALENDAR)
    after_resume = working_time_between(msk(2026, 3, 18, 17), msk(2026, 3, 19, 10), OFFICE, CALENDAR)
    assert before_pause == 4 * HOUR
    assert after_resume == 2 * HOUR
    with pytest.raises(ValueError, match="before start"):
        working_time_between(msk(2026, 3, 19), msk(2026, 3, 18), OFFICE, CALENDAR)


# --- overrides ---------------------------------------------------------------------------------


def test_regional_day_off_override():
    # 18 March is a day off in the Republic of Crimea (Day of Reunification with Russia).
    crimea = ProductionCalendar({"2026-03-18": "day_off"})
    assert add(msk(2026, 3, 17, 17), 2 * HOUR, calendar=crimea) == msk(2026, 3, 19, 10)
    assert add(msk(2026, 3, 17, 17), 2 * HOUR) == msk(2026, 3, 18, 10)


def test_overrides_win_over_the_package_and_the_shortened_days():
    calendar = ProductionCalendar(
        [
            {"date": "2026-12-31", "kind": "working_day"},
            {"date": "2026-04-30", "kind": "working_day"},
            {"date": "2026-03-20", "kind": "shortened"},
        ]
    )
    assert calendar.day_kind(date(2026, 12, 31)) is DayKind.WORKING_DAY
    assert calendar.day_kind(date(2026, 4, 30)) is DayKind.WORKING_DAY
    assert calendar.day_kind(date(2026, 3, 20)) is DayKind.SHORTENED


def test_overrides_load_from_json_and_csv(tmp_path):
    json_file = tmp_path / "crimea.json"
    json_file.write_text(
        json.dumps(
            {"source": "Law of the Republic of Crimea", "days": [{"date": "2026-03-18", "kind": "day_off"}]}
        )
    )
    csv_file = tmp_path / "crimea.csv"
    csv_file.write_text("date,kind,note\n2026-03-18,day_off,Reunification Day\n2026-03-21,working_day,\n")
    for source in (json_file, str(csv_file)):
        assert ProductionCalendar(source).day_kind(date(2026, 3, 18)) is DayKind.DAY_OFF
    assert ProductionCalendar(csv_file).is_working_day(date(2026, 3, 21))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"2026-03-18": "holiday"}, "not one of working_day, shortened, day_off"),
        ([{"date": "18.03.2026", "kind": "day_off"}], "not an ISO date"),
        ([{"date": "2026-03-18"}], "expected an object with 'date' and 'kind'"),
        (
            [{"date": "2026-03-18", "kind": "day_off"}, {"date": "2026-03-18", "kind": "working_day"}],
            "listed both",
        ),
    ],
)
def test_bad_overrides_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        ProductionCalendar(overrides)


def test_a_shortened_day_that_the_package_has_as_a_day_off_is_a_data_conflict():
    with pytest.raises(CalendarDataConflict, match="2026-12-31"):
        ProductionCalendar(shortened_days={2026: ["2026-12-31"]})


def test_day_kind_wants_a_date_not_a_moment():
    with pytest.raises(TypeError):
        CALENDAR.day_kind(msk(2026, 3, 17, 10))


# --- calendar time and calendar days -----------------------------------------------------------


def test_calendar_time_deadline_of_four_hours_crosses_midnight():
    hotline = WorkSchedule(clock=ClockKind.CALENDAR_TIME)
    assert deadline(msk(2026, 3, 17, 22, 30), 4 * HOUR, hotline) == msk(2026, 3, 18, 2, 30)
    assert elapsed(msk(2026, 3, 17, 22, 30), msk(2026, 3, 18, 2, 30), hotline) == 4 * HOUR


def test_deadline_on_a_working_clock_uses_the_calendar():
    assert deadline(msk(2026, 12, 31, 17), 2 * HOUR, OFFICE, CALENDAR) == msk(2027, 1, 11, 11)
    assert elapsed(msk(2026, 12, 31, 17), msk(2027, 1, 11, 11), OFFICE, CALENDAR) == 2 * HOUR
    with pytest.raises(ValueError, match="needs a ProductionCalendar"):
        deadline(msk(2026, 12, 31, 17), 2 * HOUR, OFFICE)


def test_thirty_calendar_days_end_at_the_end_of_the_thirtieth_day():
    # Registered on 2 March: day 1 is 3 March, day 30 is 1 April, so the answer is due by 1 April inclusive.
    due = add_calendar_days(msk(2026, 3, 2, 10, 15), 30)
    assert due == msk(2026, 4, 2, 0, 0)
    assert (due - timedelta(microseconds=1)).date() == date(2026, 4, 1)


def test_calendar_days_count_in_the_schedule_time_zone():
    # 22:30 UTC on 2 March is already 3 March in Moscow.
    assert add_calendar_days(datetime(2026, 3, 2, 22, 30, tzinfo=UTC), 30) == msk(2026, 4, 3)


def test_calendar_days_ignore_holidays_and_unknown_years():
    assert add_calendar_days(msk(2030, 12, 20, 9), 30) == msk(2031, 1, 20)


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: add_working_time(naive, HOUR, OFFICE, CALENDAR),
        lambda naive: working_time_between(naive, msk(2026, 3, 18), OFFICE, CALENDAR),
        lambda naive: working_time_between(msk(2026, 3, 16), naive, OFFICE, CALENDAR),
        lambda naive: add_calendar_time(naive, HOUR),
        lambda naive: add_calendar_days(naive, 30),
        lambda naive: deadline(naive, HOUR, WorkSchedule(clock=ClockKind.CALENDAR_TIME)),
        lambda naive: deadline(naive, HOUR, OFFICE, CALENDAR),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2026, 3, 17, 10))


def test_negative_durations_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add(msk(2026, 3, 17, 10), -HOUR)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timezone": "Mars/Olympus_Mons"},
        {"day_start": time(18), "day_end": time(9)},
        {"lunch": (time(8), time(9))},
        {"pre_holiday_shortening": timedelta(hours=8)},
    ],
)
def test_invalid_schedules_are_refused(kwargs):
    with pytest.raises(ValueError):
        WorkSchedule(**kwargs)


# --- properties --------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2027, 9, 30), timezones=st.just(MSK)
)
durations = st.integers(min_value=0, max_value=400 * 3600).map(lambda seconds: timedelta(seconds=seconds))


@given(moments, durations)
def test_working_time_between_inverts_add_working_time(start, duration):
    assert working_time_between(start, add(start, duration), OFFICE, CALENDAR) == duration


@given(moments, durations, durations)
def test_add_working_time_is_monotonic_in_duration(start, first, second):
    shorter, longer = sorted((first, second))
    assert add(start, shorter) <= add(start, longer)


@given(moments, moments, durations)
def test_add_working_time_is_monotonic_in_start(first, second, duration):
    earlier, later = sorted((first, second))
    assert add(earlier, duration) <= add(later, duration)


@given(moments, moments, moments)
def test_working_time_between_is_additive(one, two, three):
    first, middle, last = sorted((one, two, three))
    whole = working_time_between(first, last, OFFICE, CALENDAR)
    parts = working_time_between(first, middle, OFFICE, CALENDAR) + working_time_between(
        middle, last, OFFICE, CALENDAR
    )
    assert whole == parts


@given(moments, durations.filter(lambda duration: duration > timedelta(0)))
def test_a_working_deadline_falls_inside_working_hours(start, duration):
    result = add(start, duration)
    intervals = OFFICE.utc_intervals(result.date(), shortened=CALENDAR.is_shortened(result.date()))
    assert CALENDAR.is_working_day(result.date())
    assert any(begin < result <= end for begin, end in intervals)


# --- add_working_days: date-level periods in working days (248-ФЗ deadlines) ---------------------------


def test_add_working_days_skips_the_may_holidays():
    # 30 April 2026 (Thu): 1 May (Fri) and the weekend are days off; 4, 5, 6 May are working days.
    assert add_working_days(date(2026, 4, 30), 3, CALENDAR) == date(2026, 5, 6)


def test_add_working_days_does_not_count_the_start_day():
    assert add_working_days(date(2026, 3, 2), 1, CALENDAR) == date(2026, 3, 3)  # Monday → Tuesday
    assert add_working_days(date(2026, 3, 6), 1, CALENDAR) == date(2026, 3, 10)  # Fri → Tue (9 March off)


def test_add_working_days_zero_is_the_start_and_negative_is_refused():
    assert add_working_days(date(2026, 3, 7), 0, CALENDAR) == date(2026, 3, 7)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 3, 2), -1, CALENDAR)
    with pytest.raises(TypeError):
        add_working_days(datetime(2026, 3, 2, tzinfo=MSK), 1, CALENDAR)


def test_add_working_days_refuses_a_year_the_calendar_does_not_know():
    last = max(CALENDAR.known_years)
    with pytest.raises(CalendarYearUnknown) as error:
        add_working_days(date(last, 12, 28), 10, CALENDAR)
    assert error.value.year == last + 1


@given(st.dates(date(2025, 1, 1), date(2026, 10, 31)), st.integers(0, 40))
def test_add_working_days_lands_on_a_working_day_after_exactly_n_of_them(start, days):
    end = add_working_days(start, days, CALENDAR)
    counted = sum(
        CALENDAR.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )
    assert counted == days
    assert days == 0 or CALENDAR.is_working_day(end)

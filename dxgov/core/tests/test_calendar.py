"""The one working-day calendar: statutory holidays, configured days off, make-up working days."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.core.calendar import (
    HUNG_KINGS,
    TET,
    TZ,
    HolidayYearNotCovered,
    WorkingCalendar,
    calendar_of,
    statutory_calendar,
    vietnam_public_holidays,
)


@pytest.fixture(autouse=True, scope="module")
def _english() -> Iterator[None]:
    """The messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


MONDAY = datetime(2026, 8, 3, 9, 0, tzinfo=TZ)  # Monday 3 Aug 2026, 09:00


# --- working days ---------------------------------------------------------------------------


def test_working_days_skip_weekends_and_holidays() -> None:
    # Moved from the Decision 766 engine's tests with its calendar (`add_working_days` of a
    # moment is now `add_working_days_at`).
    cal = WorkingCalendar()
    friday = datetime(2026, 8, 7, 10, 0, tzinfo=TZ)
    assert cal.add_working_days_at(friday, 1) == datetime(2026, 8, 10, 10, 0, tzinfo=TZ)
    saturday = friday + timedelta(days=1)
    assert cal.add_working_days_at(saturday, 1) == datetime(2026, 8, 10, 10, 0, tzinfo=TZ)
    assert cal.add_working_days_at(MONDAY, 5) == MONDAY + timedelta(days=7)
    assert cal.add_working_days_at(MONDAY, 0) == MONDAY
    holidays = WorkingCalendar(holidays=frozenset({date(2026, 9, 2)}))
    tuesday = datetime(2026, 9, 1, 8, 0, tzinfo=TZ)
    assert holidays.add_working_days_at(tuesday, 1) == datetime(2026, 9, 3, 8, 0, tzinfo=TZ)
    assert not holidays.is_working_day(date(2026, 9, 2))
    assert holidays.is_working_day(date(2026, 9, 3))


def test_a_make_up_working_saturday_is_a_working_day() -> None:
    # Làm bù: Saturday 8 Feb 2025 was declared a working day (for the day off on Fri 31 Jan).
    saturday = date(2025, 2, 8)
    calendar = calendar_of(vietnam_public_holidays(2025), {saturday})
    assert calendar.is_working_day(saturday)
    assert not calendar.is_working_day(date(2025, 2, 9))  # the Sunday stays off
    friday = date(2025, 2, 7)
    assert calendar.add_working_days(friday, 1) == saturday
    assert calendar.add_working_days(friday, 2) == date(2025, 2, 10)
    assert calendar.add_working_days(saturday, 0) == saturday
    at_ten = datetime(2025, 2, 7, 10, 0, tzinfo=TZ)
    assert calendar.add_working_days_at(at_ten, 1) == datetime(2025, 2, 8, 10, 0, tzinfo=TZ)
    assert calendar.working_day_before(date(2025, 2, 10), 1) == saturday
    # Without the declaration the Saturday is a weekend day like any other.
    assert statutory_calendar([2025]).add_working_days(friday, 1) == date(2025, 2, 10)


def test_across_tet() -> None:
    # Tết 2026: Mon 16 Feb (eve) to Fri 20 Feb are days off.
    calendar = statutory_calendar([2026])
    friday = date(2026, 2, 13)
    assert calendar.add_working_days(friday, 1) == date(2026, 2, 23)
    assert calendar.working_day_after(friday, 5) == date(2026, 2, 27)
    assert calendar.working_day_before(date(2026, 2, 23), 1) == friday
    assert statutory_calendar([2030]).holidays == frozenset(vietnam_public_holidays(2030))
    assert statutory_calendar([1990]).holidays == frozenset()  # outside the tables: none


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=0, max_value=60),
    st.sets(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 6, 1)), max_size=30),
    st.sets(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 6, 1)), max_size=10),
)
def test_working_days_before_undo_working_days_after(
    day: date, n: int, off: set[date], make_up: set[date]
) -> None:
    calendar = calendar_of(off - make_up, make_up)
    after = calendar.working_day_after(day, n)
    between = [day + timedelta(days=i) for i in range(1, (after - day).days + 1)]
    assert sum(calendar.is_working_day(d) for d in between) == n
    if n and calendar.is_working_day(day):
        assert calendar.working_day_before(after, n) == day


def test_the_memo_is_no_part_of_the_value() -> None:
    one, other = calendar_of({date(2026, 9, 2)}), calendar_of({date(2026, 9, 2)})
    one.working_day_after(date(2026, 9, 1), 3)
    assert one == other and hash(one) == hash(other)
    assert "_after" not in repr(one)


# --- holidays -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "tet", "hung_kings"),
    [
        (2015, date(2015, 2, 19), date(2015, 4, 28)),
        (2019, date(2019, 2, 5), date(2019, 4, 14)),
        (2020, date(2020, 1, 25), date(2020, 4, 2)),
        (2021, date(2021, 2, 12), date(2021, 4, 21)),
        (2022, date(2022, 2, 1), date(2022, 4, 10)),
        (2023, date(2023, 1, 22), date(2023, 4, 29)),
        (2024, date(2024, 2, 10), date(2024, 4, 18)),
        (2025, date(2025, 1, 29), date(2025, 4, 7)),
        (2026, date(2026, 2, 17), date(2026, 4, 26)),
        (2030, date(2030, 2, 2), date(2030, 4, 12)),
    ],
)
def test_known_lunar_holidays(year: int, tet: date, hung_kings: date) -> None:
    assert TET[year] == tet
    assert HUNG_KINGS[year] == hung_kings
    holidays = vietnam_public_holidays(year)
    tet_days = [tet + timedelta(days=i) for i in range(-1, 4)]
    assert all(d in holidays for d in tet_days)
    assert tet - timedelta(days=2) not in holidays
    assert tet + timedelta(days=4) not in holidays
    assert hung_kings in holidays


def test_lunar_tables_are_plausible() -> None:
    assert sorted(TET) == list(range(2015, 2041)) == sorted(HUNG_KINGS)
    for year, tet in TET.items():
        assert tet.year == year
        assert date(year, 1, 21) <= tet <= date(year, 2, 20)
        # The 10th day of the 3rd month is 2 or 3 lunar months (59–89 days) after Tết + 9 days.
        gap = (HUNG_KINGS[year] - tet).days
        assert 9 + 58 <= gap <= 9 + 89
        assert date(year, 3, 25) <= HUNG_KINGS[year] <= date(year, 4, 30)


def test_the_holidays_of_2025() -> None:
    holidays = vietnam_public_holidays(2025)
    assert list(holidays) == [
        date(2025, 1, 1),
        date(2025, 1, 28),
        date(2025, 1, 29),
        date(2025, 1, 30),
        date(2025, 1, 31),
        date(2025, 2, 1),
        date(2025, 4, 7),
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 9, 1),
        date(2025, 9, 2),
    ]
    assert all(isinstance(name, str) and name for name in holidays.values())


def test_national_day_adjacent_day() -> None:
    assert date(2024, 9, 3) in vietnam_public_holidays(2024)
    assert date(2024, 9, 1) not in vietnam_public_holidays(2024)
    assert date(2026, 9, 1) in vietnam_public_holidays(2026)
    # The Labour Code 2012 (to 2020) gave 2 Sep alone.
    assert date(2020, 9, 2) in vietnam_public_holidays(2020)
    assert date(2020, 9, 1) not in vietnam_public_holidays(2020)
    assert date(2020, 9, 3) not in vietnam_public_holidays(2020)


@given(st.integers(min_value=2015, max_value=2040))
def test_every_covered_year_has_eleven_statutory_days(year: int) -> None:
    holidays = vietnam_public_holidays(year)
    assert len(holidays) == (11 if year >= 2021 else 10)
    assert all(d.year == year for d in holidays)
    assert list(holidays) == sorted(holidays)


@pytest.mark.parametrize("year", [2014, 2041, 1990])
def test_uncovered_years_are_refused(year: int) -> None:
    with pytest.raises(HolidayYearNotCovered, match="by hand") as excinfo:
        vietnam_public_holidays(year)
    assert excinfo.value.year == year


# --- the calendar of the database (statutory days and the configured ones) -------------------


@pytest.mark.django_db
def test_the_configured_days_join_the_statutory_ones() -> None:
    from dxgov.core.holidays import calendar_for
    from dxgov.core.models import Holiday

    saturday, swap = date(2025, 2, 8), date(2025, 5, 2)
    Holiday.objects.create(day=saturday, name="Làm bù Tết", working=True)
    Holiday.objects.create(day=swap, name="Nghỉ bù", working=False)
    Holiday.objects.create(day=date(2025, 9, 1), name="Đi làm", working=True)  # a holiday cancelled
    calendar = calendar_for({2025})
    assert calendar.is_working_day(saturday)  # a make-up working Saturday counts
    assert not calendar.is_working_day(swap)
    assert calendar.is_working_day(date(2025, 9, 1))
    assert not calendar.is_working_day(date(2025, 1, 29))  # Tết
    assert calendar.add_working_days(date(2025, 2, 7), 1) == saturday
    assert calendar_for({2025}) is calendar  # equal calendars are one object (its memo kept)
    assert calendar_for({2024}).is_working_day(date(2025, 2, 8)) is False

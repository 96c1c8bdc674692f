"""Decree 09/2019 periods: codes, spans, Art. 12 cut-off windows, working days, holidays."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.core.calendar import vietnam_public_holidays
from dxgov.reporting.periods import (
    Frequency,
    InvalidPeriod,
    Period,
    add_working_days,
    due_date,
    is_working_day,
    parse_period,
    period_containing,
    periods_between,
)


@pytest.fixture(autouse=True, scope="module")
def _english() -> Iterator[None]:
    """The messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


F = Frequency
INDEX_COUNT = {F.MONTH: 12, F.QUARTER: 4, F.HALF_YEAR: 2, F.NINE_MONTHS: 1, F.YEAR: 1}


@st.composite
def periods(draw: st.DrawFn, frequency: Frequency | None = None) -> Period:
    freq = frequency or draw(st.sampled_from(list(Frequency)))
    year = draw(st.integers(min_value=1001, max_value=9998))
    index = draw(st.integers(min_value=1, max_value=INDEX_COUNT[freq]))
    return Period(freq, year, index)


days = st.dates(min_value=date(1001, 1, 1), max_value=date(9998, 12, 31))


# --- codes and labels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "code", "label_vi", "label_en"),
    [
        (Period(F.MONTH, 2025, 3), "202503", "Tháng 3/2025", "March 2025"),
        (Period(F.MONTH, 2025, 12), "202512", "Tháng 12/2025", "December 2025"),
        (Period(F.QUARTER, 2025, 1), "2025Q1", "Quý I/2025", "Q1 2025"),
        (Period(F.QUARTER, 2025, 4), "2025Q4", "Quý IV/2025", "Q4 2025"),
        (Period(F.HALF_YEAR, 2025, 1), "2025S1", "6 tháng đầu năm 2025", "First half of 2025"),
        (Period(F.HALF_YEAR, 2025, 2), "2025S2", "6 tháng cuối năm 2025", "Second half of 2025"),
        (Period(F.NINE_MONTHS, 2025), "2025N9", "9 tháng năm 2025", "Nine months of 2025"),
        (Period(F.YEAR, 2025), "2025", "Năm 2025", "Year 2025"),
    ],
)
def test_code_and_labels(period: Period, code: str, label_vi: str, label_en: str) -> None:
    assert period.code == code
    assert str(period) == code
    assert period.label_vi == label_vi
    assert period.label_en == label_en
    assert parse_period(code) == period


@given(periods())
def test_codes_round_trip(period: Period) -> None:
    assert parse_period(period.code) == period
    assert parse_period(f"  {period.code.lower()} ") == period


def test_frequency_given_as_text_is_normalised() -> None:
    period = Period("quarter", 2025, 2)  # type: ignore[arg-type]
    assert period.frequency is F.QUARTER
    assert period == Period(F.QUARTER, 2025, 2)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "   ",
        "2025-03",
        "202513",
        "202500",
        "2025Q0",
        "2025Q5",
        "2025S0",
        "2025S3",
        "2025N8",
        "2025M03",
        "25Q1",
        "0999",
        "20251",
        "2025W10",
        "Q12025",
        "２０２５",  # full-width digits are not accepted
    ],
)
def test_invalid_codes_are_refused_with_guidance(code: str) -> None:
    with pytest.raises(InvalidPeriod) as excinfo:
        parse_period(code)
    assert isinstance(excinfo.value, ValueError)
    message = str(excinfo.value)
    assert excinfo.value.message == message
    assert "2025Q1" in message or "out of range" in message or "index" in message


def test_invalid_code_message_names_the_code() -> None:
    with pytest.raises(InvalidPeriod, match="2025-03"):
        parse_period("2025-03")


def test_non_string_code_is_refused() -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(202503)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("frequency", "year", "index"),
    [
        (F.MONTH, 2025, 0),
        (F.MONTH, 2025, 13),
        (F.QUARTER, 2025, 5),
        (F.HALF_YEAR, 2025, 3),
        (F.NINE_MONTHS, 2025, 2),
        (F.YEAR, 2025, 2),
        (F.YEAR, 999, 1),
        (F.YEAR, 10000, 1),
        ("week", 2025, 1),
        (F.YEAR, True, 1),
        (F.MONTH, 2025, 1.0),
    ],
)
def test_invalid_period_values_are_refused(frequency: object, year: object, index: object) -> None:
    with pytest.raises(InvalidPeriod):
        Period(frequency, year, index)  # type: ignore[arg-type]


# --- calendar spans and cut-off windows -------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "start", "end", "cutoff_start", "cutoff_end"),
    [
        ("202501", date(2025, 1, 1), date(2025, 1, 31), date(2024, 12, 15), date(2025, 1, 14)),
        ("202502", date(2025, 2, 1), date(2025, 2, 28), date(2025, 1, 15), date(2025, 2, 14)),
        ("202402", date(2024, 2, 1), date(2024, 2, 29), date(2024, 1, 15), date(2024, 2, 14)),
        ("202503", date(2025, 3, 1), date(2025, 3, 31), date(2025, 2, 15), date(2025, 3, 14)),
        ("202512", date(2025, 12, 1), date(2025, 12, 31), date(2025, 11, 15), date(2025, 12, 14)),
        ("2025Q1", date(2025, 1, 1), date(2025, 3, 31), date(2024, 12, 15), date(2025, 3, 14)),
        ("2025Q2", date(2025, 4, 1), date(2025, 6, 30), date(2025, 3, 15), date(2025, 6, 14)),
        ("2025Q3", date(2025, 7, 1), date(2025, 9, 30), date(2025, 6, 15), date(2025, 9, 14)),
        ("2025Q4", date(2025, 10, 1), date(2025, 12, 31), date(2025, 9, 15), date(2025, 12, 14)),
        ("2025S1", date(2025, 1, 1), date(2025, 6, 30), date(2024, 12, 15), date(2025, 6, 14)),
        ("2025S2", date(2025, 7, 1), date(2025, 12, 31), date(2025, 6, 15), date(2025, 12, 14)),
        ("2025N9", date(2025, 1, 1), date(2025, 9, 30), date(2024, 12, 15), date(2025, 9, 14)),
        ("2025", date(2025, 1, 1), date(2025, 12, 31), date(2024, 12, 15), date(2025, 12, 14)),
    ],
)
def test_spans_and_article_12_windows(
    code: str, start: date, end: date, cutoff_start: date, cutoff_end: date
) -> None:
    period = parse_period(code)
    assert (period.start, period.end) == (start, end)
    assert (period.cutoff_start, period.cutoff_end) == (cutoff_start, cutoff_end)
    assert period.contains(cutoff_start)
    assert period.contains(cutoff_end)
    assert not period.contains(cutoff_start - timedelta(days=1))
    assert not period.contains(cutoff_end + timedelta(days=1))


@given(periods())
def test_windows_are_the_union_of_consecutive_month_windows(period: Period) -> None:
    months = period.months()
    assert all(m.frequency is F.MONTH and m.year == period.year for m in months)
    assert months[0].cutoff_start == period.cutoff_start
    assert months[-1].cutoff_end == period.cutoff_end
    assert months[0].start == period.start
    assert months[-1].end == period.end
    for before, after in itertools.pairwise(months):
        assert before.cutoff_end + timedelta(days=1) == after.cutoff_start
        assert before.next() == after
    expected_length = {F.MONTH: 1, F.QUARTER: 3, F.HALF_YEAR: 6, F.NINE_MONTHS: 9, F.YEAR: 12}
    assert len(months) == expected_length[period.frequency]


def test_months_of_each_frequency() -> None:
    assert [m.code for m in parse_period("2025Q2").months()] == ["202504", "202505", "202506"]
    assert [m.index for m in parse_period("2025S2").months()] == [7, 8, 9, 10, 11, 12]
    assert [m.index for m in parse_period("2025N9").months()] == list(range(1, 10))
    assert parse_period("202507").months() == [parse_period("202507")]


@given(periods(F.MONTH))
def test_month_windows_tile_time(period: Period) -> None:
    assert period.next().cutoff_start == period.cutoff_end + timedelta(days=1)
    assert period.previous().cutoff_end == period.cutoff_start - timedelta(days=1)
    assert period.next().start == period.end + timedelta(days=1)


# --- stepping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "previous", "following"),
    [
        ("202501", "202412", "202502"),
        ("202512", "202511", "202601"),
        ("2025Q1", "2024Q4", "2025Q2"),
        ("2025Q4", "2025Q3", "2026Q1"),
        ("2025S1", "2024S2", "2025S2"),
        ("2025S2", "2025S1", "2026S1"),
        ("2025N9", "2024N9", "2026N9"),
        ("2025", "2024", "2026"),
    ],
)
def test_previous_and_next(code: str, previous: str, following: str) -> None:
    period = parse_period(code)
    assert period.previous().code == previous
    assert period.next().code == following


@given(periods())
def test_next_and_previous_are_inverse_and_ordered(period: Period) -> None:
    assert period.next().previous() == period
    assert period.previous().next() == period
    assert period.previous() < period < period.next()
    assert period.next().cutoff_start > period.cutoff_end or period.frequency is F.NINE_MONTHS


def test_stepping_out_of_the_year_range_is_refused() -> None:
    with pytest.raises(InvalidPeriod):
        Period(F.MONTH, 9999, 12).next()
    with pytest.raises(InvalidPeriod):
        Period(F.QUARTER, 1000, 1).previous()


# --- which period a day belongs to ------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "day", "code"),
    [
        (F.MONTH, date(2024, 12, 14), "202412"),
        (F.MONTH, date(2024, 12, 15), "202501"),
        (F.MONTH, date(2024, 12, 31), "202501"),
        (F.MONTH, date(2025, 1, 1), "202501"),
        (F.MONTH, date(2025, 1, 14), "202501"),
        (F.MONTH, date(2025, 1, 15), "202502"),
        (F.MONTH, date(2024, 2, 29), "202403"),
        (F.QUARTER, date(2024, 12, 15), "2025Q1"),
        (F.QUARTER, date(2025, 3, 14), "2025Q1"),
        (F.QUARTER, date(2025, 3, 15), "2025Q2"),
        (F.QUARTER, date(2025, 12, 14), "2025Q4"),
        (F.QUARTER, date(2025, 12, 15), "2026Q1"),
        (F.HALF_YEAR, date(2025, 6, 14), "2025S1"),
        (F.HALF_YEAR, date(2025, 6, 15), "2025S2"),
        (F.HALF_YEAR, date(2025, 12, 15), "2026S1"),
        (F.NINE_MONTHS, date(2024, 12, 15), "2025N9"),
        (F.NINE_MONTHS, date(2025, 9, 14), "2025N9"),
        (F.YEAR, date(2024, 12, 14), "2024"),
        (F.YEAR, date(2024, 12, 15), "2025"),
    ],
)
def test_period_containing(frequency: Frequency, day: date, code: str) -> None:
    assert period_containing(frequency, day).code == code


@pytest.mark.parametrize("day", [date(2025, 9, 15), date(2025, 11, 1), date(2025, 12, 14)])
def test_no_nine_month_window_after_mid_september(day: date) -> None:
    with pytest.raises(InvalidPeriod, match="nine-month"):
        period_containing(F.NINE_MONTHS, day)


@given(st.sampled_from([f for f in Frequency if f is not F.NINE_MONTHS]), days)
def test_the_containing_period_contains_the_day(frequency: Frequency, day: date) -> None:
    period = period_containing(frequency, day)
    assert period.frequency is frequency
    assert period.contains(day)
    assert not period.previous().contains(day)
    assert not period.next().contains(day)


@given(days)
def test_nine_month_windows_cover_exactly_mid_december_to_mid_september(day: date) -> None:
    in_window = not (date(day.year, 9, 15) <= day <= date(day.year, 12, 14))
    if in_window:
        assert period_containing(F.NINE_MONTHS, day).contains(day)
    else:
        with pytest.raises(InvalidPeriod):
            period_containing(F.NINE_MONTHS, day)


def test_periods_between() -> None:
    codes = [p.code for p in periods_between(F.MONTH, date(2024, 11, 20), date(2025, 2, 14))]
    assert codes == ["202412", "202501", "202502"]
    quarters = periods_between(F.QUARTER, date(2024, 12, 15), date(2025, 12, 14))
    assert [p.code for p in quarters] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert [p.code for p in periods_between(F.YEAR, date(2024, 12, 14), date(2024, 12, 15))] == [
        "2024",
        "2025",
    ]
    nine = periods_between(F.NINE_MONTHS, date(2024, 1, 1), date(2026, 1, 1))
    assert [p.code for p in nine] == ["2024N9", "2025N9", "2026N9"]
    assert periods_between(F.NINE_MONTHS, date(2025, 9, 15), date(2025, 12, 14)) == []
    assert periods_between(F.MONTH, date(2025, 2, 1), date(2025, 1, 1)) == []
    assert [p.code for p in periods_between(F.HALF_YEAR, date(2025, 3, 3), date(2025, 3, 3))] == [
        "2025S1"
    ]


@given(
    st.sampled_from(list(Frequency)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
def test_periods_between_lists_every_overlapping_window_once(
    frequency: Frequency, first: date, length: int
) -> None:
    last = first + timedelta(days=length)
    found = periods_between(frequency, first, last)
    assert found == sorted(set(found))
    covered = {
        d
        for p in found
        for d in (first + timedelta(days=i) for i in range(length + 1))
        if p.contains(d)
    }
    for i in range(length + 1):
        day = first + timedelta(days=i)
        try:
            expected = period_containing(frequency, day)
        except InvalidPeriod:
            assert day not in covered
            continue
        assert expected in found
    for period in found:
        assert period.cutoff_start <= last and period.cutoff_end >= first


# --- working days -----------------------------------------------------------------------------

SAT = date(2025, 3, 15)
SUN = date(2025, 3, 16)
MON = date(2025, 3, 17)
FRI = date(2025, 3, 14)


def test_is_working_day() -> None:
    assert is_working_day(FRI)
    assert is_working_day(MON)
    assert not is_working_day(SAT)
    assert not is_working_day(SUN)
    assert not is_working_day(MON, {MON})
    assert is_working_day(MON, {SUN})


@pytest.mark.parametrize(
    ("day", "n", "holidays", "expected"),
    [
        (FRI, 0, set(), FRI),
        (SAT, 0, set(), MON),
        (SUN, 0, set(), MON),
        (SAT, 0, {MON}, date(2025, 3, 18)),
        (FRI, 1, set(), MON),
        (FRI, 2, set(), date(2025, 3, 18)),
        (SAT, 1, set(), MON),
        (SUN, 1, set(), MON),
        (date(2025, 3, 12), 2, set(), FRI),
        (date(2025, 3, 12), 3, set(), MON),
        (FRI, 5, set(), date(2025, 3, 21)),
        (FRI, 1, {MON}, date(2025, 3, 18)),
        (FRI, 10, set(), date(2025, 3, 28)),
    ],
)
def test_add_working_days(day: date, n: int, holidays: set[date], expected: date) -> None:
    assert add_working_days(day, n, holidays) == expected


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(FRI, -1)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(min_value=0, max_value=60),
    st.sets(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 6, 1)), max_size=30),
)
def test_add_working_days_counts_exactly_n_working_days(
    day: date, n: int, holidays: set[date]
) -> None:
    result = add_working_days(day, n, holidays)
    assert is_working_day(result, holidays)
    assert result >= day
    between = [day + timedelta(days=i) for i in range(1, (result - day).days + 1)]
    counted = sum(is_working_day(d, holidays) for d in between)
    if n == 0:
        assert all(not is_working_day(d, holidays) for d in [day, *between][:-1])
    else:
        assert counted == n


# --- deadlines ------------------------------------------------------------------------------


def test_due_date_two_working_days_after_cutoff() -> None:
    # March 2025 closes on Fri 14 Mar: two working days later is Tue 18 Mar.
    assert due_date(parse_period("202503"), 2) == date(2025, 3, 18)
    # June 2025 closes on Sat 14 Jun: Mon 16 and Tue 17 are the two working days.
    assert due_date(parse_period("202506"), 2) == date(2025, 6, 17)
    # Zero days after a Saturday cut-off is the Monday.
    assert due_date(parse_period("202506"), 0) == date(2025, 6, 16)
    assert due_date(parse_period("2025Q1"), 0) == date(2025, 3, 14)


def test_due_date_across_tet() -> None:
    holidays = vietnam_public_holidays(2026)
    # February 2026 closes on Sat 14 Feb; Tết 2026 is Tue 17 Feb, eve Mon 16 Feb, then to Fri 20.
    february = parse_period("202602")
    assert due_date(february, 2) == date(2026, 2, 17)
    assert due_date(february, 2, holidays) == date(2026, 2, 24)
    assert due_date(february, 1, holidays) == date(2026, 2, 23)
    # January 2025 closes on Tue 14 Jan, well before Tết (28 Jan – 1 Feb).
    assert due_date(parse_period("202501"), 2, vietnam_public_holidays(2025)) == date(2025, 1, 16)
    # February 2024 closes Wed 14 Feb 2024, the day after the statutory Tết days (9–13 Feb).
    assert due_date(parse_period("202402"), 2, vietnam_public_holidays(2024)) == date(2024, 2, 16)


def test_due_date_with_configured_extra_holidays() -> None:
    holidays = set(vietnam_public_holidays(2025)) | {date(2025, 5, 2)}  # an announced swap
    # April 2025 closes Mon 14 Apr, with no holiday near.
    assert due_date(parse_period("202504"), 2, holidays) == date(2025, 4, 16)
    # May 2025 window ends Wed 14 May; unaffected. Year 2025 closes Sun 14 Dec: Mon 15, Tue 16.
    assert due_date(parse_period("2025"), 2, holidays) == date(2025, 12, 16)
    # 30 Apr (Wed), 1 May (Thu) and the configured 2 May (Fri): from Tue 29 Apr, next is 5 May.
    assert add_working_days(date(2025, 4, 29), 1, holidays) == date(2025, 5, 5)

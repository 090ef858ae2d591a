"""Period labels: examples from the harvest, round trips and rejection of everything else."""
import calendar
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from helpers.periods import KINDS, Period, PeriodError, parse_period, period_sort_key

years = st.integers(min_value=1, max_value=9998)


@pytest.mark.parametrize("text, kind, start, end", [
    ("2021", "year", date(2021, 1, 1), date(2021, 12, 31)),
    ("2021K1", "quarter", date(2021, 1, 1), date(2021, 3, 31)),
    ("2013K4", "quarter", date(2013, 10, 1), date(2013, 12, 31)),
    ("2011M11", "month", date(2011, 11, 1), date(2011, 11, 30)),
    ("2024M02", "month", date(2024, 2, 1), date(2024, 2, 29)),
    ("2009-01", "month", date(2009, 1, 1), date(2009, 1, 31)),
    ("2021-01-01", "date", date(2021, 1, 1), date(2021, 1, 1)),
    ("2020/21", "school_year", date(2020, 8, 1), date(2021, 7, 31)),
    ("1999/00", "school_year", date(1999, 8, 1), date(2000, 7, 31)),
    ("2011-2020", "year_range", date(2011, 1, 1), date(2020, 12, 31)),
    ("2014-2018", "year_range", date(2014, 1, 1), date(2018, 12, 31)),
    ("", "undated", None, None),
])
def test_examples(text, kind, start, end):
    assert parse_period(text) == Period(kind, text, start, end)


@pytest.mark.parametrize("text", [
    "2021K5", "2021K0", "2021M13", "2021M00", "2021M1", "2020/22", "2020/2021", "2020-2019", "2020-2020",
    "2021-02-30", "2021-13", "2021-00", " 2021", "2021 ", "21", "20211", "2021k1", "2021Q1", "0000",
    "2021-1-1", "20210101", "٢٠٢١", "2021.5", "ca. 2021", "2021-01-01T00:00", "-",
])
def test_rejects(text):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("value", [2021, None, 2021.0])
def test_rejects_non_text(value):
    with pytest.raises(PeriodError):
        parse_period(value)


@given(years)
def test_year_round_trip(year):
    p = parse_period(f"{year:04d}")
    assert (p.kind, p.start, p.end) == ("year", date(year, 1, 1), date(year, 12, 31))


@given(years, st.integers(1, 4))
def test_quarter_round_trip(year, quarter):
    p = parse_period(f"{year:04d}K{quarter}")
    assert p.kind == "quarter"
    assert p.start == date(year, 3 * quarter - 2, 1)
    # The day after a quarter's end is the first day of the next quarter.
    assert p.end + timedelta(days=1) == (date(year, 3 * quarter + 1, 1) if quarter < 4 else date(year + 1, 1, 1))


@given(years, st.integers(1, 12), st.sampled_from(["{y:04d}M{m:02d}", "{y:04d}-{m:02d}"]))
def test_month_round_trip(year, month, form):
    p = parse_period(form.format(y=year, m=month))
    assert (p.kind, p.start) == ("month", date(year, month, 1))
    assert p.end == date(year, month, calendar.monthrange(year, month)[1])


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_date_round_trip(day):
    p = parse_period(day.isoformat())
    assert (p.kind, p.start, p.end) == ("date", day, day)


@given(years)
def test_school_year_round_trip(year):
    p = parse_period(f"{year:04d}/{(year + 1) % 100:02d}")
    assert (p.kind, p.start, p.end) == ("school_year", date(year, 8, 1), date(year + 1, 7, 31))


@given(years, st.integers(1, 99), st.integers(1, 99))
def test_school_year_must_span_one_year(year, second, _):
    text = f"{year:04d}/{second:02d}"
    if second == (year + 1) % 100:
        assert parse_period(text).kind == "school_year"
    else:
        with pytest.raises(PeriodError):
            parse_period(text)


@given(years, years)
def test_year_range(first, last):
    text = f"{first:04d}-{last:04d}"
    if first < last:
        p = parse_period(text)
        assert (p.kind, p.start, p.end) == ("year_range", date(first, 1, 1), date(last, 12, 31))
    else:
        with pytest.raises(PeriodError):
            parse_period(text)


@given(years, st.integers(0, 99))
def test_quarter_and_month_out_of_range_are_rejected(year, number):
    for text, ok in ((f"{year:04d}K{number}", 1 <= number <= 4), (f"{year:04d}M{number:02d}", 1 <= number <= 12)):
        if ok:
            parse_period(text)
        else:
            with pytest.raises(PeriodError):
                parse_period(text)


ACCEPTED = re.compile(r"|[0-9]{4}|[0-9]{4}K[1-4]|[0-9]{4}M[0-9]{2}|[0-9]{4}-[0-9]{2}(-[0-9]{2})?"
                      r"|[0-9]{4}/[0-9]{2}|[0-9]{4}-[0-9]{4}")


@given(st.text(max_size=12))
def test_garbage_is_rejected(text):
    if ACCEPTED.fullmatch(text):
        return  # shape is valid; range checks are covered above
    with pytest.raises(PeriodError):
        parse_period(text)


@given(st.one_of(
    years.map(lambda y: f"{y:04d}"),
    st.tuples(years, st.integers(1, 4)).map(lambda t: f"{t[0]:04d}K{t[1]}"),
    st.tuples(years, st.integers(1, 12)).map(lambda t: f"{t[0]:04d}M{t[1]:02d}"),
    st.dates().map(date.isoformat),
    years.map(lambda y: f"{y:04d}/{(y + 1) % 100:02d}"),
    st.tuples(years, years).filter(lambda t: t[0] < t[1]).map(lambda t: f"{t[0]:04d}-{t[1]:04d}"),
))
def test_valid_periods_are_ordered_and_labelled(text):
    p = parse_period(text)
    assert p.label == text
    assert p.kind in KINDS
    assert p.start <= p.end


def test_sort_key_is_chronological_with_undated_last():
    labels = ["", "2021", "2020/21", "2021K1", "2020", "2011-2020", "2021M01", "2021-01-01"]
    ordered = sorted(labels, key=period_sort_key)
    assert ordered == ["2011-2020", "2020", "2020/21", "2021-01-01", "2021M01", "2021K1", "2021", ""]

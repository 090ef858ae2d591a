"""Period labels as published, parsed into a kind and a first/last day.

Accepted forms (anything else raises `PeriodError`; nothing is guessed):

| kind        | label examples            | start .. end                          |
| ----------- | ------------------------- | ------------------------------------- |
| year        | `2021`                    | 2021-01-01 .. 2021-12-31              |
| quarter     | `2021K1`                  | 2021-01-01 .. 2021-03-31              |
| month       | `2011M11`, `2009-01`      | 2011-11-01 .. 2011-11-30              |
| date        | `2021-01-01`              | the day itself                        |
| school_year | `2020/21`                 | 2020-08-01 .. 2021-07-31              |
| year_range  | `2011-2020`               | 2011-01-01 .. 2020-12-31              |
| undated     | `` (empty)                | None .. None                          |
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

KINDS = ("year", "quarter", "month", "date", "school_year", "year_range", "undated")

# Danish school years run from 1 August to 31 July.
SCHOOL_YEAR_START_MONTH = 8

_YEAR = re.compile(r"([0-9]{4})")
_QUARTER = re.compile(r"([0-9]{4})K([0-9])")
_MONTH_STATBANK = re.compile(r"([0-9]{4})M([0-9]{2})")
_MONTH_ISO = re.compile(r"([0-9]{4})-([0-9]{2})")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_SCHOOL_YEAR = re.compile(r"([0-9]{4})/([0-9]{2})")
_YEAR_RANGE = re.compile(r"([0-9]{4})-([0-9]{4})")


class PeriodError(ValueError):
    """A period label that is not one of the accepted forms."""


@dataclass(frozen=True)
class Period:
    kind: str
    label: str
    start: date | None
    end: date | None


def _year(text: str, digits: str) -> int:
    year = int(digits)
    # date() cannot represent year 0; reject it here so the message names the label.
    if year < 1:
        raise PeriodError(f"period {text!r}: year {digits} is out of range")
    return year


def _month_period(text: str, year_digits: str, month_digits: str) -> Period:
    year, month = _year(text, year_digits), int(month_digits)
    if not 1 <= month <= 12:
        raise PeriodError(f"period {text!r}: month {month_digits} is not 01-12")
    last = calendar.monthrange(year, month)[1]
    return Period("month", text, date(year, month, 1), date(year, month, last))


def parse_period(text: str) -> Period:
    """Parse a published period label; raise `PeriodError` for anything not listed above."""
    if not isinstance(text, str):
        raise PeriodError(f"period must be text, got {type(text).__name__} {text!r}")
    if text == "":
        return Period("undated", "", None, None)

    if m := _YEAR.fullmatch(text):
        year = _year(text, m[1])
        return Period("year", text, date(year, 1, 1), date(year, 12, 31))

    if m := _QUARTER.fullmatch(text):
        year, quarter = _year(text, m[1]), int(m[2])
        if not 1 <= quarter <= 4:
            raise PeriodError(f"period {text!r}: quarter {quarter} is not 1-4")
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        return Period("quarter", text, date(year, first_month, 1),
                      date(year, last_month, calendar.monthrange(year, last_month)[1]))

    if m := _MONTH_STATBANK.fullmatch(text):
        return _month_period(text, m[1], m[2])

    if m := _DATE.fullmatch(text):
        try:
            day = date(_year(text, m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise PeriodError(f"period {text!r}: not a calendar date ({exc})") from None
        return Period("date", text, day, day)

    if m := _YEAR_RANGE.fullmatch(text):
        first, last = _year(text, m[1]), _year(text, m[2])
        # An equal or reversed range is almost certainly a typo; a single year has its own form.
        if first >= last:
            raise PeriodError(f"period {text!r}: a year range must go from an earlier to a later year")
        return Period("year_range", text, date(first, 1, 1), date(last, 12, 31))

    if m := _MONTH_ISO.fullmatch(text):
        return _month_period(text, m[1], m[2])

    if m := _SCHOOL_YEAR.fullmatch(text):
        first = _year(text, m[1])
        if int(m[2]) != (first + 1) % 100:
            raise PeriodError(f"period {text!r}: a school year must be one year, e.g. {first}/{(first + 1) % 100:02d}")
        if first + 1 > date.max.year:
            raise PeriodError(f"period {text!r}: year out of range")
        return Period("school_year", text, date(first, SCHOOL_YEAR_START_MONTH, 1),
                      date(first + 1, SCHOOL_YEAR_START_MONTH - 1, 31))

    raise PeriodError(f"period {text!r} is not a year (2021), quarter (2021K1), month (2021M05, 2021-05), "
                      "date (2021-01-01), school year (2020/21), year range (2011-2020) or empty")


def period_sort_key(period: Period | str) -> tuple:
    """Chronological order: by first day, then last day (shorter first); undated last."""
    if isinstance(period, str):
        period = parse_period(period)
    undated = period.start is None
    return (undated, period.start or date.max, period.end or date.max,
            KINDS.index(period.kind), period.label)

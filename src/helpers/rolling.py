"""Rolling multi-year windows (e.g. a copy's 3-year medians "2019-2021") as annual observations.

Open SDG compares one value per year. A series of rolling windows has no single year, so by
default helpers.progress does not assess it. When an indicator's record says
`rolling_window: true`, each window is read as an observation of its END year (the window
"2019-2021" counts as 2021), but only windows that START in the base year (2015) or later: a
window reaching back before 2015 would carry older years into the base value. This is a
deviation from Open SDG ("rolling_window" in helpers.progress.DEVIATIONS_DA) and says so.

Only pandas and helpers.series are imported here, so helpers.progress can import this module
(imports point down).
"""
from __future__ import annotations

import pandas as pd

from helpers.series import rget

WINDOW_TYPE = "year_range"


def is_rolling(record) -> bool:
    """The record's flag `rolling_window: true`."""
    return bool(rget(record, "rolling_window", False))


def windows_as_annual(rows: pd.DataFrame, first_start_year: int) -> pd.DataFrame:
    """Rows whose period is a window of years, re-dated to their end year, keeping the label.

    `period_type` becomes 'year' and `period_start`/`period_end` the end year's first and last
    day; `period` keeps the window label ("2019-2021"), so a reason names the window, not a year
    the data does not have. Windows starting before `first_start_year` are dropped, and so are
    rows that are not windows (a rolling series is compared only with itself). A window whose
    dates are not ISO dates is an error naming the row's origin."""
    if rows is None or rows.empty or "period_type" not in rows:
        return rows
    windows = rows[rows["period_type"].astype(str) == WINDOW_TYPE].copy()
    if windows.empty:
        return windows
    starts, ends = [], []
    for rec in windows.to_dict(orient="records"):
        start, end = str(rec.get("period_start", "")), str(rec.get("period_end", ""))
        if len(start) < 4 or len(end) < 4 or not (start[:4].isdigit() and end[:4].isdigit()):
            raise ValueError(f"rolling window {rec.get('period')!r} ({rec.get('origin', '?')}): period_start "
                             f"{start!r} and period_end {end!r} must be ISO dates")
        starts.append(int(start[:4]))
        ends.append(int(end[:4]))
    windows["_start"], windows["_end"] = starts, ends
    windows = windows[windows["_start"] >= int(first_start_year)]
    windows["period_type"] = "year"
    windows["period_start"] = windows["_end"].map(lambda y: f"{y:04d}-01-01")
    windows["period_end"] = windows["_end"].map(lambda y: f"{y:04d}-12-31")
    return windows.drop(columns=["_start", "_end"])

"""An indicator's series, and the basics every page, chart and ranking reads from one.

`Series` carries its catalog record with its rows (`helpers.load.load_indicator` builds it), so a
chart or a ranking reads the unit, decimals or direction from the series it was given and never
from the status module (`helpers.progress`). Below it sit only `helpers.records` and pandas.

The basics here are series-level facts, not assessment rules: which period types count as annual
(`PERIOD_PREFERENCE`, `ANNUAL_TYPES`), whether a row is a projection or a target
(`is_projection`, `is_target_row`), what a record says about its kind (`is_rank`,
`is_percentage`, `better_direction`, `is_profilmodel`, `is_projection_indicator`), how rows reduce
to one value per year (`usable_rows`, `choose_breakdown`, `annual_series`), and tolerant
access to a record or a series that may be a test's fake (`rget`, `record_of`, `frame_of`).
`helpers.progress` re-exports all of them, so `from helpers.progress import rget` keeps working.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.records import IndicatorRecord

__all__ = [
    "Series", "IndicatorData", "SOROE", "PERIOD_PREFERENCE", "ANNUAL_TYPES",
    "rget", "record_of", "frame_of", "is_projection", "is_target_row",
    "is_rank", "is_percentage", "better_direction", "is_profilmodel", "is_projection_indicator",
    "usable_rows", "choose_breakdown", "annual_series",
]

SOROE = "340"

PERIOD_PREFERENCE = ("year", "date", "quarter", "month", "school_year")
ANNUAL_TYPES = set(PERIOD_PREFERENCE)

# "fremskriv" anywhere (befolkningsfremskrivning) marks a projection; "prognose" only as a word of its
# own: an observed 1 January figure quoted from a forecast document names it "(befolkningsprognose ...)".
_PROJECTION = re.compile(r"fremskriv|\b(prognose|projection|projected|forecast)", re.IGNORECASE)
_TARGET_ROW = re.compile(r"\b(target|målsætning|måltal|mål for)\b", re.IGNORECASE)
_RANK_UNIT = re.compile(r"rang|placering", re.IGNORECASE)
_PERCENT_UNIT = re.compile(r"^\s*(%|pct\.?|procent)\s*$|\bprocent\b|\bpct\b", re.IGNORECASE)
_PROFILMODEL = re.compile(r"profilmodel|\bPROFMOD\b", re.IGNORECASE)


# ---------------------------------------------------------------- record access
def rget(obj: Any, key: str, default: Any = None) -> Any:
    """Read `key` from a catalog record that may be a mapping (a dict, an `IndicatorRecord`) or an
    object with attributes (a test's fake); a missing or null value gives `default`."""
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        value = obj.get(key, default)
    else:
        value = getattr(obj, key, default)
    return default if value is None else value


def record_of(data) -> Any:
    return rget(data, "record", None)


def frame_of(data) -> pd.DataFrame:
    frame = rget(data, "data", None)
    if frame is None and isinstance(data, pd.DataFrame):
        frame = data
    return frame if frame is not None else pd.DataFrame()


def is_rank(record) -> bool:
    """A place in a ranking: unit contains 'rang'/'placering', or the record says `rank: true`."""
    return bool(rget(record, "rank", False)) or bool(_RANK_UNIT.search(str(rget(record, "unit", "") or "")))


def is_percentage(record) -> bool:
    """Unit is a percentage (pct, 'pct.', procent, %): changes are told in percentage points."""
    return bool(_PERCENT_UNIT.search(str(rget(record, "unit", "") or "")))


def better_direction(record) -> str:
    """'up', 'down' or 'none'; rank indicators are always 'down' (a lower place is better)."""
    if is_rank(record):
        return "down"
    direction = str(rget(record, "direction", "none") or "none").lower()
    return direction if direction in ("up", "down") else "none"


def is_projection(note: str) -> bool:
    return bool(_PROJECTION.search(str(note or "")))


def is_target_row(note: str) -> bool:
    return bool(_TARGET_ROW.search(str(note or "")))


def is_profilmodel(record, frame: pd.DataFrame | None = None) -> bool:
    """The Profilmodel (a projection of a 9th-grade cohort's education) by record text or row table."""
    text = " ".join(str(rget(record, k, "") or "") for k in ("id", "title", "description"))
    text += " " + str(rget(rget(record, "sources", {}), "other", "") or "")
    if _PROFILMODEL.search(text):
        return True
    if frame is not None and len(frame) and "table" in frame:
        return bool(frame["table"].fillna("").astype(str).str.contains(_PROFILMODEL).any())
    return False


def is_projection_indicator(record, frame: pd.DataFrame | None = None) -> bool:
    """The indicator itself is a projection: record `projection: true`, or the Profilmodel."""
    return bool(rget(record, "projection", False)) or is_profilmodel(record, frame)


# ---------------------------------------------------------------- rows: one value per year
# The rule (helpers.progress's docstring tells it): rows of the series' dominant period type win;
# within a type the earliest period of the year; several versions: the most recently retrieved.
def usable_rows(frame: pd.DataFrame, area: str, keep_projections: bool = False) -> pd.DataFrame:
    """Rows of one area with a value, without target rows and (unless kept) projections."""
    if frame is None or frame.empty or "area_code" not in frame:
        return pd.DataFrame(columns=list(frame.columns) if frame is not None else [])
    rows = frame[frame["area_code"].astype(str) == str(area)].copy()
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if "value_flag" in rows:
        rows = rows[rows["value_flag"].fillna("").astype(str) == ""]
    notes = rows["note"].fillna("").astype(str) if "note" in rows else pd.Series("", index=rows.index)
    # astype(bool): on an empty frame map() keeps the string dtype, which `~`/`&` reject
    keep = ~notes.map(is_target_row).astype(bool)
    if not keep_projections:
        keep &= ~notes.map(is_projection).astype(bool)
    rows = rows[keep]
    rows["value"] = pd.to_numeric(rows["value"])
    return rows


def choose_breakdown(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep one sex/age breakdown: 'i alt'/'i alt' when present, else the one with most years."""
    if rows.empty:
        return rows
    sex = rows["sex"].fillna("").astype(str) if "sex" in rows else pd.Series("", index=rows.index)
    age = rows["age"].fillna("").astype(str) if "age" in rows else pd.Series("", index=rows.index)
    combos = sorted(set(zip(sex, age)))
    if len(combos) <= 1:
        return rows
    if ("i alt", "i alt") in combos:
        chosen = ("i alt", "i alt")
    else:
        def years(c):
            mask = (sex == c[0]) & (age == c[1])
            return rows.loc[mask, "period_start"].astype(str).str[:4].nunique()
        chosen = sorted(combos, key=lambda c: (-years(c), c[0] != "i alt", c[1] != "i alt", c))[0]
    return rows[(sex == chosen[0]) & (age == chosen[1])]


def annual_series(rows: pd.DataFrame) -> list[tuple[int, str, float]]:
    """One (year, period label, value) per year, oldest first; see the module docstring."""
    if rows.empty:
        return []
    rows = rows[rows["period_type"].astype(str).isin(ANNUAL_TYPES)]
    rows = rows[rows["period_start"].astype(str).str.match(r"^[0-9]{4}-")]
    if rows.empty:
        return []
    counts = rows["period_type"].value_counts()
    dominant = sorted(counts.index, key=lambda k: (-counts[k], PERIOD_PREFERENCE.index(k)))[0]
    order = {k: (0 if k == dominant else 1 + PERIOD_PREFERENCE.index(k)) for k in PERIOD_PREFERENCE}
    records = []
    for rec in rows.to_dict(orient="records"):
        start = str(rec["period_start"])
        records.append((
            int(start[:4]),
            order[str(rec["period_type"])],
            start,
            str(rec.get("period", "")),
            # newest retrieval first, then the last origin: negate by sorting descending below
            str(rec.get("retrieved", "") or ""),
            str(rec.get("origin", "") or ""),
            float(rec["value"]),
        ))
    # Sort ascending on (year, type rank, start, period) and descending on (retrieved, origin).
    records.sort(key=lambda r: (r[0], r[1], r[2], r[3], _desc(r[4]), _desc(r[5])))
    series, seen = [], set()
    for year, _rank, _start, period, _ret, _orig, value in records:
        if year in seen:
            continue
        seen.add(year)
        series.append((year, period, value))
    return series


def _desc(text: str) -> tuple:
    # Sort key that orders strings descending inside an ascending sort.
    return tuple(-ord(ch) for ch in text) + (1,)


# ---------------------------------------------------------------- the series
@dataclass
class Series:
    """One indicator's series: `record` (its catalog `IndicatorRecord`; a test may pass a plain dict)
    and `data` (snapshot rows, all columns, per observation the best source). Built by
    `helpers.load.load_indicator`."""

    record: IndicatorRecord | Mapping
    data: pd.DataFrame
    # Rows that a better source (or an equal one) supersedes, with `shown_value`, `shown_kind`
    # and `disagrees` (differs from the shown value beyond the record's rounding).
    cross_checks: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def disagreements(self) -> pd.DataFrame:
        """Cross-check rows whose value differs from the shown one beyond rounding."""
        if self.cross_checks.empty:
            return self.cross_checks
        return self.cross_checks[self.cross_checks["disagrees"]].reset_index(drop=True)

    # -- record shortcuts --------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def title(self) -> str:
        return self.record["title"]

    @property
    def description(self) -> str:
        return self.record["description"]

    @property
    def unit(self) -> str:
        return self.record["unit"]

    @property
    def decimals(self) -> int:
        return self.record["decimals"]

    @property
    def direction(self) -> str:
        return self.record["direction"]

    @property
    def target(self) -> dict | None:
        return self.record.get("target")

    @property
    def goals(self) -> list[str]:
        return list(self.record["goals"])

    @property
    def caveats(self) -> list[str]:
        return list(self.record.get("caveats") or [])

    @property
    def data_available(self) -> bool:
        return self.record["data_available"]

    @property
    def missing_reason(self) -> str | None:
        return self.record.get("missing_reason")

    @property
    def live_source(self) -> dict | None:
        return self.record["sources"].get("live")

    # -- data shortcuts ----------------------------------------------------------------------------
    @property
    def has_soroe_data(self) -> bool:
        """True when at least one row for Sorø Kommune (area 340) has a value."""
        rows = self.data[self.data["area_code"] == SOROE]
        return bool(rows["value"].notna().any())

    @property
    def areas(self) -> list[str]:
        """Area codes present in the data, in row order."""
        return list(dict.fromkeys(self.data["area_code"]))

    def for_area(self, area_code: str | int = SOROE) -> pd.DataFrame:
        return self.data[self.data["area_code"] == _area_code(area_code)].reset_index(drop=True)

    def in_unit(self, unit: str | None = None) -> pd.DataFrame:
        """Rows in `unit` (default: the record's unit); a few series mix e.g. pct and personer."""
        unit = self.unit if unit is None else unit
        return self.data[self.data["unit"] == unit].reset_index(drop=True)


IndicatorData = Series  # the name notebooks and tests know


def _area_code(area) -> str:
    if isinstance(area, bool):
        raise TypeError(f"area code {area!r} is not a code like '340'")
    if isinstance(area, int):
        return f"{area:03d}"
    if isinstance(area, str):
        return area
    raise TypeError(f"area code {area!r} is not a code like '340'")

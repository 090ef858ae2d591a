"""Sorø's place among Denmark's 98 municipalities, direction-aware.

    from helpers.rank import rank_indicator
    r = rank_indicator("employment_rate")        # None when no period has 90+ municipalities
    r.latest.place_text                           # "nr. 23 af 98"
    r.change                                      # places gained since the first comparable period

The rules (tests/test_rank.py checks each):

* Only municipalities are ranked: three-digit Statistics Denmark codes from 101 up. Hele landet
  (000), the regions (081-085) and Christiansø (411, administered by the state, not a
  municipality) are never ranked; Hele landet is kept as the reference line.
* A period is comparable when at least `MIN_MUNICIPALITIES` (90) municipalities have a value in it.
* Place 1 is the best by the record's direction (`up`: highest value; `down`: lowest; rank units
  always `down`). Ties share a place and the next place is skipped (1, 2, 2, 4). With direction
  `none` the places run from the highest value and say so (`ordered_by_size`).
* `n` is the number of municipalities with a value. A suppressed, missing or absent value is
  "ingen værdi": the municipality is left out of the count, never read as zero.
* Raw counts are never ranked as they are: they become per 1,000 inhabitants with the population
  (1 January, `population_total`) of the same year; a municipality without that population has no
  value. Shares, rates, averages and per-inhabitant measures are ranked as they are. A unit that is
  neither (`basis()` is `not_comparable`) is not ranked at all.
* Monthly and quarterly series are compared in the same month (quarter) of each year, the latest
  one with full coverage, so seasons do not move the ranks.
* Within a period one value per municipality: the source (publisher + table) that covers most
  municipalities, then the best source kind (helpers.sources), then the latest retrieval.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from helpers import areas as A
from helpers.series import annual_series, better_direction, choose_breakdown, frame_of, is_projection, \
    is_target_row, record_of, rget, usable_rows
from helpers.sources import SOURCE_KINDS, precedence

MIN_MUNICIPALITIES = 90
ALL_MUNICIPALITIES = 98
CHRISTIANSOE = "411"
POPULATION_ID = "population_total"

NO_VALUE_DA = "ingen værdi"

BASIS_AS_IS = "as_is"
BASIS_PER_1000 = "per_1000"
BASIS_NOT_COMPARABLE = "not_comparable"

# A share, rate, per-inhabitant measure, score or rank: comparable across municipalities as it is.
_RATE_UNIT = re.compile(
    r"pct|%|procent|promille|andel|score|point|karakter|rang|indeks|gennemsnit|mg/l"
    r"|pr\.\s*(indbygger|1\.000|1000|100\b|km2|ha\b|modtager|elev|person|husstand|bolig)", re.IGNORECASE)
# A count or total: grows with the size of the municipality.
_COUNT_UNIT = re.compile(
    r"^(personer|antal|fuldtidspersoner|husstande|medlemmer|boliger|kunder|bygninger|ha|km2|tj|gj|mw|mwh"
    r"|mio\.?|ton|t\b|timer|udlån|skader|kr\.?\s+i\s+alt)", re.IGNORECASE)
# Averages and medians per person or case whose unit names no denominator.
_AVERAGE_UNITS = {"år", "km", "kr", "kr.", "dage", "minutter"}


class RankError(ValueError):
    """An indicator that cannot be ranked as asked (the message names it)."""


def is_municipality(code) -> bool:
    """True for the 98 municipality codes (101-860); not Hele landet, regions or Christiansø."""
    code = str(code)
    return bool(re.fullmatch(r"[0-9]{3}", code)) and int(code) >= 100 and code != CHRISTIANSOE


def basis(record) -> str:
    """How an indicator is compared: as it is, per 1,000 inhabitants, or not at all."""
    unit = str(rget(record, "unit", "") or "").strip()
    if rget(record, "id", None) == POPULATION_ID:
        return BASIS_NOT_COMPARABLE  # the denominator itself: per 1,000 inhabitants is always 1,000
    measures = [str(m) for m in (rget(record, "measures", None) or [])]
    if _RATE_UNIT.search(unit):
        return BASIS_AS_IS
    if _COUNT_UNIT.match(unit) or "per_1000" in measures:
        return BASIS_PER_1000
    if unit.lower() in _AVERAGE_UNITS:
        return BASIS_AS_IS
    return BASIS_NOT_COMPARABLE


def direction_of(record) -> str:
    """'up', 'down' or 'none' (helpers.progress.better_direction: rank units are 'down')."""
    return better_direction(record)


# ------------------------------------------------------------------ population
@lru_cache(maxsize=8)
def _population_table(snapshot_key: str) -> dict[tuple[str, int], float]:
    from helpers.catalog import UnknownIndicatorError
    from helpers.load import load_indicator
    try:
        pop = load_indicator(POPULATION_ID)
    except UnknownIndicatorError:  # no population record: counts cannot be compared, and are not
        return {}
    frame = frame_of(pop)
    table: dict[tuple[str, int], float] = {}
    for code in frame["area_code"].astype(str).unique():
        if code != A.DENMARK and not is_municipality(code):
            continue
        for year, period, value in annual_series(choose_breakdown(usable_rows(frame, code))):
            # 1 January of the year; a year-end figure would belong to the next year.
            table[(code, year)] = value
    return table


def population_by_year() -> dict[tuple[str, int], float]:
    """(area code, year) -> population on 1 January, from the population_total snapshot."""
    from helpers.paths import snapshot_dir
    path = snapshot_dir() / f"{POPULATION_ID}.csv"
    stamp = f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}"
    return _population_table(stamp)


# ------------------------------------------------------------------ rows
def _mask(frame: pd.DataFrame, test) -> pd.Series:
    # A boolean Series even for an empty frame (an empty object Series would select columns).
    # `test` runs once per distinct code: a frame has ~100 codes over thousands of rows.
    codes = frame["area_code"].astype(str)
    verdict = {code: bool(test(code)) for code in codes.unique()}
    return pd.Series(codes.map(verdict).to_numpy(dtype=bool), index=frame.index, dtype=bool)


def _usable(frame: pd.DataFrame, record) -> pd.DataFrame:
    """Rows with a value, no projection or target row, in the record's unit, one breakdown."""
    if frame.empty:
        return frame
    work = frame.loc[_mask(frame, lambda c: is_municipality(c) or c == A.DENMARK)]
    unit = str(rget(record, "unit", "") or "")
    if "unit" in work and (work["unit"].astype(str) == unit).any():
        work = work[work["unit"].astype(str) == unit]
    values = pd.to_numeric(work["value"], errors="coerce")
    work = work[values.notna()].copy()
    if "value_flag" in work:
        work = work[work["value_flag"].fillna("").astype(str) == ""]
    notes = _text_col(work, "note")
    keep = [not (is_projection(n) or is_target_row(n)) for n in notes]
    work = work.loc[pd.Series(keep, index=work.index, dtype=bool)]
    if work.empty:
        return work
    work["value"] = pd.to_numeric(work["value"])
    return choose_breakdown(work)


def _text_col(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame:
        return frame[column].fillna("").astype(str)
    return pd.Series("", index=frame.index)


def _one_per_area(work: pd.DataFrame) -> pd.DataFrame:
    """One row per (period, area): widest source in the period, best kind, latest retrieval."""
    work = work.copy()
    work["_source"] = _text_col(work, "publisher") + "\u0000" + _text_col(work, "table")
    muni = work.loc[_mask(work, is_municipality)]
    cover = muni.groupby(["period", "_source"])["area_code"].nunique()
    keys = pd.MultiIndex.from_arrays([work["period"], work["_source"]])
    work["_cover"] = -cover.reindex(keys).fillna(0).astype(int).to_numpy()
    kinds = _text_col(work, "source_kind")
    ranks = {k: precedence(k) if k in SOURCE_KINDS else len(SOURCE_KINDS) for k in kinds.unique()}
    work["_kind"] = kinds.map(ranks).astype(int)
    work["_retrieved"] = _text_col(work, "retrieved")
    work["_origin"] = _text_col(work, "origin")
    work = work.sort_values(["period", "area_code", "_cover", "_kind", "_retrieved", "_origin"],
                            ascending=[True, True, True, True, False, True], kind="stable")
    work = work.drop_duplicates(["period", "area_code"], keep="first")
    return work.drop(columns=["_source", "_cover", "_kind", "_retrieved", "_origin"])


def _same_season(work: pd.DataFrame) -> pd.DataFrame:
    """Monthly/quarterly periods: keep the month (quarter) of the latest well-covered period."""
    kinds = work["period_type"].astype(str)
    fine = kinds.isin(["month", "quarter"])
    if not fine.any():
        return work
    sub = work[fine]
    counts = sub.loc[_mask(sub, is_municipality)].groupby("period_start")["area_code"].nunique()
    full = sorted(s for s, n in counts.items() if n >= MIN_MUNICIPALITIES)
    if not full:
        return work[~fine]
    month = full[-1][5:7]
    keep = ~fine | (work["period_start"].astype(str).str[5:7] == month)
    return work[keep]


def comparable_rows(data, population: dict | None = None) -> pd.DataFrame:
    """Rows of the comparable periods: one per municipality (and Hele landet) and period.

    Columns: area_code, area_name, period, period_start, value (as compared: per 1,000
    inhabitants for counts), raw_value, plus the provenance columns of the chosen row."""
    record, frame = record_of(data), frame_of(data)
    how = basis(record)
    if how == BASIS_NOT_COMPARABLE or frame.empty:
        return frame.iloc[0:0].assign(raw_value=pd.Series([], dtype=float))
    work = _usable(frame, record)
    if work.empty:
        return work.assign(raw_value=pd.Series([], dtype=float))
    work = _same_season(_one_per_area(work))
    work = work.assign(raw_value=work["value"].astype(float))
    if work.empty:
        return work
    if how == BASIS_PER_1000:
        population = population_by_year() if population is None else population
        per = []
        for code, start, raw in zip(work["area_code"].astype(str), work["period_start"].astype(str), work["raw_value"]):
            pop = population.get((code, int(start[:4]))) if re.match(r"[0-9]{4}", start) else None
            per.append(raw / pop * 1000 if pop else math.nan)
        work["value"] = per
        work = work[work["value"].notna()]
    muni = work.loc[_mask(work, is_municipality)]
    counts = muni.groupby("period")["area_code"].nunique()
    good = set(counts[counts >= MIN_MUNICIPALITIES].index)
    work = work[work["period"].isin(good)]
    return work.sort_values(["period_start", "period", "area_code"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ ranking
def rank_values(values: pd.DataFrame, direction: str) -> pd.DataFrame:
    """Places for one period: `values` has area_code and value (NaN = ingen værdi).

    Returns the municipalities with a value, with `place` (1 = best; ties share the lowest
    place), sorted by place then code. Non-municipalities and missing values are left out."""
    if direction not in ("up", "down", "none"):
        raise RankError(f"direction {direction!r} is not up, down or none")
    work = values.loc[_mask(values, is_municipality)].copy()
    work["value"] = pd.to_numeric(work["value"], errors="coerce")
    work = work[work["value"].notna()]
    if work["area_code"].duplicated().any():
        dup = sorted(work.loc[work["area_code"].duplicated(), "area_code"].astype(str))
        raise RankError(f"two values in one period for area(s) {dup}")
    # Rounded to 10 significant digits so that float noise from a division never splits a tie.
    key = work["value"].map(lambda v: float(f"{v:.10g}"))
    work["place"] = key.rank(method="min", ascending=(direction == "down")).astype(int)
    return work.sort_values(["place", "area_code"], kind="stable").reset_index(drop=True)


@dataclass
class PeriodRank:
    period: str
    period_start: str
    n: int                         # municipalities with a value
    place: int | None              # Sorø's place; None = ingen værdi for Sorø
    value: float | None            # Sorø's value (as compared)
    median: float                  # the median municipality's value
    reference: float | None        # Hele landet's value (as compared), when the data has one
    best: tuple[str, float]        # (code, value) of place 1 (the first code when tied)
    worst: tuple[str, float]
    missing: list[str] = field(default_factory=list)   # municipality codes without a value, when known
    shared: int = 1                # municipalities sharing Sorø's place

    @property
    def shared_text(self) -> str:
        """'delt med 1 anden' / 'delt med 3 andre' when Sorø shares its place, else ''."""
        others = self.shared - 1
        return f"delt med {others} {'anden' if others == 1 else 'andre'}" if others > 0 else ""

    @property
    def place_text(self) -> str:
        if self.place is None:
            return f"{NO_VALUE_DA} (af {self.n})"
        return f"nr. {self.place} af {self.n}" + (f" ({self.shared_text})" if self.shared_text else "")


@dataclass
class IndicatorRank:
    indicator_id: str
    title: str
    theme: int | None
    unit: str
    decimals: int
    direction: str                 # up | down | none
    basis: str                     # as_is | per_1000
    periods: list[PeriodRank]
    rows: pd.DataFrame = field(repr=False, default=None)     # comparable_rows() with `place`
    area: str = A.SORO

    @property
    def ordered_by_size(self) -> bool:
        """Direction none: place 1 is the highest value, not the best."""
        return self.direction == "none"

    @property
    def latest(self) -> PeriodRank:
        return self.periods[-1]

    @property
    def first(self) -> PeriodRank | None:
        """The first comparable period in which Sorø has a place."""
        placed = [p for p in self.periods if p.place is not None]
        return placed[0] if placed else None

    @property
    def change(self) -> int | None:
        """Places gained from the first comparable period to the latest (positive = better)."""
        first, latest = self.first, self.latest
        if first is None or latest.place is None or first is latest:
            return None
        return first.place - latest.place

    def period(self, label: str) -> PeriodRank:
        for p in self.periods:
            if p.period == label:
                return p
        raise RankError(f"{self.indicator_id}: no comparable period {label!r}; "
                        f"comparable: {[p.period for p in self.periods]}")


def rank_indicator(data, area: str = A.SORO, population: dict | None = None,
                   municipalities=None) -> IndicatorRank | None:
    """Sorø's place in every comparable period, or None when no period has 90+ municipalities.

    `data` is an indicator id or an IndicatorData-like object (record + data).
    `municipalities`: the codes expected (for the list of those without a value); default the
    codes of the map geometry when it is there."""
    if isinstance(data, str):
        from helpers.load import load_indicator
        data = load_indicator(data)
    record = record_of(data)
    how = basis(record)
    if how == BASIS_NOT_COMPARABLE:
        return None
    rows = comparable_rows(data, population=population)
    if rows.empty:
        return None
    if municipalities is None:
        municipalities = _known_municipalities()
    direction = direction_of(record)
    order = "up" if direction == "none" else direction
    periods, ranked_parts = [], []
    for (start, label), group in rows.groupby(["period_start", "period"], sort=True):
        ranked = rank_values(group[["area_code", "value"]], order)
        ranked_parts.append(group.merge(ranked[["area_code", "place"]], on="area_code", how="left"))
        mine = ranked[ranked["area_code"].astype(str) == str(area)]
        ref = group[group["area_code"].astype(str) == A.DENMARK]["value"]
        present = set(ranked["area_code"].astype(str))
        place = int(mine["place"].iloc[0]) if len(mine) else None
        periods.append(PeriodRank(
            period=str(label), period_start=str(start), n=len(ranked), place=place,
            value=float(mine["value"].iloc[0]) if len(mine) else None,
            median=float(ranked["value"].median()),
            reference=float(ref.iloc[0]) if len(ref) else None,
            best=(str(ranked["area_code"].iloc[0]), float(ranked["value"].iloc[0])),
            worst=(str(ranked["area_code"].iloc[-1]), float(ranked["value"].iloc[-1])),
            missing=sorted(c for c in municipalities if c not in present),
            shared=int((ranked["place"] == place).sum()) if place is not None else 0,
        ))
    unit = str(rget(record, "unit", "") or "")
    decimals = rget(record, "decimals", None)
    if how == BASIS_PER_1000:
        unit, decimals = f"{unit} pr. 1.000 indbyggere", max(1, int(decimals or 0))
    return IndicatorRank(
        indicator_id=str(rget(record, "id", "")), title=str(rget(record, "title", "")),
        theme=rget(record, "theme", None), unit=unit, decimals=int(decimals if decimals is not None else 1),
        direction=direction, basis=how, periods=periods,
        rows=pd.concat(ranked_parts, ignore_index=True), area=str(area))


def _known_municipalities() -> list[str]:
    from helpers.denmark import municipality_names
    try:
        return sorted(municipality_names())
    except FileNotFoundError:  # no geometry file: the list of missing municipalities stays empty
        return []


def comparable_indicators(catalog=None, population: dict | None = None) -> list[IndicatorRank]:
    """Every catalog indicator with at least one comparable period, in catalog order."""
    from helpers.catalog import load_catalog
    from helpers.load import load_indicator
    catalog = catalog if catalog is not None else load_catalog()
    population = population_by_year() if population is None else population
    result = []
    for indicator_id in catalog.indicators:
        if not catalog.indicators[indicator_id].get("data_available", True):
            continue
        ranked = rank_indicator(load_indicator(indicator_id, catalog=catalog), population=population)
        if ranked is not None:
            result.append(ranked)
    return result

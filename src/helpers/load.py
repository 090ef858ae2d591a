"""What notebooks call to get an indicator: its catalog record plus its snapshot rows.

    from helpers.load import load_indicator
    pop = load_indicator("population_total", areas=["340", "000"], start=2010)
    pop.title, pop.unit, pop.has_soroe_data
    pop.data            # every snapshot column, provenance included: per observation the best source
    pop.cross_checks    # the other sources' rows for the same observations (`disagrees` flags a mismatch)

The rows come from `helpers.snapshot.read_indicator` (data/snapshot/<id>.csv); the record from
`helpers.catalog.load_catalog()`. An id that is not in the catalog raises
`UnknownIndicatorError`, whose message lists the closest ids.
"""
from __future__ import annotations

import copy
import math
import re
from datetime import date, datetime
from typing import Iterable

import numpy as np
import pandas as pd

from helpers import snapshot
from helpers.sources import precedence
from helpers.catalog import Catalog, UnknownIndicatorError, load_catalog
from helpers.series import SOROE, IndicatorData, Series, _area_code  # noqa: F401  (re-exported)

__all__ = ["IndicatorData", "Series", "UnknownIndicatorError", "load_indicator", "pick_best", "SOROE"]

# One observation: rows with the same key are the same number from different sources. `unit` is
# part of it because a few series mix units (pct and personer) for the same cell.
OBSERVATION_KEY = ["area_code", "period", "sex", "age", "unit"]



def pick_best(frame: pd.DataFrame, decimals: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, cross_checks): per observation key the row of the best source kind.

    The best kind is `helpers.sources.precedence` (live > export > ... > wiki_mirror); a row
    with a value beats one without. Rows of the same kind and key are interchangeable only when
    their values agree within rounding; otherwise every one of them is marked `disagrees`, so a
    page can say so instead of silently trusting one. Row order (and so origin order) never
    decides which value is shown: among equal candidates the shown row is the one whose value
    all others agree with, and any choice among agreeing values shows the same number.
    `decimals` is the record's: values differing by at most half a unit in the last shown
    decimal count as the same.
    """
    columns = list(frame.columns)
    empty_checks = frame.iloc[0:0].assign(shown_value=pd.Series(dtype=float), shown_kind=pd.Series(dtype=str),
                                          disagrees=pd.Series(dtype=bool))
    if frame.empty:
        return frame, empty_checks
    tolerance = 0.5 * 10 ** (-decimals) + 1e-9
    work = frame.reset_index(drop=True)
    kinds = work["source_kind"]
    # precedence() once per distinct kind (pd.unique keeps first-seen order, so an unknown
    # kind raises for the same row as a row-by-row map would).
    rank_of = {kind: precedence(kind) for kind in pd.unique(kinds)}
    keys = work[OBSERVATION_KEY].astype(str)
    shown_index, groups = _observations(keys)
    checks: list[int] = []          # row positions of the cross-checks, in output order
    extra: list[tuple] = []         # (shown_value, shown_kind, disagrees) per cross-check
    if groups:
        values = work["value"].tolist()
        kind_list = kinds.tolist()
        missing = work["value"].isna().tolist()
        for group in groups:
            # Best first: a value before none, then precedence, then position.
            ranked = sorted(group, key=lambda i: (missing[i], rank_of[kind_list[i]], i))
            best = ranked[0]
            best_rank, best_missing = rank_of[kind_list[best]], missing[best]
            peers = {i for i in ranked if rank_of[kind_list[i]] == best_rank and missing[i] == best_missing}
            value, shown_kind = values[best], kind_list[best]
            peer_conflict = any(not _same(values[i], value, tolerance) for i in ranked if i in peers)
            shown_index.append(best)
            for i in ranked[1:]:
                other = values[i]
                differs = (not _isnan(other) and not _isnan(value) and not _same(other, value, tolerance))
                checks.append(i)
                extra.append((value, shown_kind, bool(differs or (peer_conflict and i in peers))))
            if peer_conflict:
                # The shown row itself is one of several same-kind rows that disagree: list it too.
                checks.append(best)
                extra.append((value, shown_kind, True))
    # take() keeps every column (columns == work.columns) and is cheaper than .loc[rows, columns].
    shown = work.take(sorted(shown_index)).reset_index(drop=True)
    if not checks:
        return shown, empty_checks
    # Built from records like the rows were before, so each column's dtype is inferred the same way.
    records = work.iloc[checks].to_dict(orient="records")
    for record, (value, shown_kind, disagrees) in zip(records, extra):
        record.update(shown_value=value, shown_kind=shown_kind, disagrees=disagrees)
    cross = pd.DataFrame(records, columns=columns + ["shown_value", "shown_kind", "disagrees"])
    return shown, cross.reset_index(drop=True)


def _observations(keys: pd.DataFrame) -> tuple[list[int], list[list[int]]]:
    """(positions of rows alone in their observation, the positions of each observation with
    several rows), the latter in observation-key order: the order cross-checks are listed in."""
    if keys.isna().to_numpy().any():
        # A missing key cell (never in a snapshot file, whose cells are text): pandas' grouping
        # of tuples, which puts NaN with NaN and orders it among the text, as it always has.
        tuples = keys.apply(tuple, axis=1)
        groups = [list(idx) for idx in tuples.groupby(tuples).groups.values()]
        return [g[0] for g in groups if len(g) == 1], [g for g in groups if len(g) > 1]
    # Most observations have one source: those rows are shown as they are. Only the rows whose
    # key repeats are grouped here (duplicated() hashes the columns; no per-row pandas work).
    repeated = keys.duplicated(keep=False).to_numpy()
    alone = np.flatnonzero(~repeated).tolist()
    positions = np.flatnonzero(repeated).tolist()
    grouped: dict[tuple, list[int]] = {}
    columns = (keys[c].to_numpy()[positions].tolist() for c in keys.columns)
    for i, key in zip(positions, zip(*columns)):
        grouped.setdefault(key, []).append(i)
    # Text tuples sort as pandas sorts them (lexicographically), so the order is unchanged.
    return alone, [grouped[key] for key in sorted(grouped)]


def _isnan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _same(a, b, tolerance: float) -> bool:
    if _isnan(a) or _isnan(b):
        return _isnan(a) and _isnan(b)
    return abs(float(a) - float(b)) <= tolerance


def _as_bound(value, name: str, *, end: bool) -> str | None:
    """ISO date text for a start/end bound: a year (int or '2015') or an ISO date."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError(f"{name}={value!r}: expected a year or an ISO date")
    if isinstance(value, int):
        year = value
    elif isinstance(value, datetime):
        return value.date().isoformat()
    elif isinstance(value, date):
        return value.isoformat()
    elif isinstance(value, str) and re.fullmatch(r"[0-9]{4}", value.strip()):
        year = int(value)
    elif isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise ValueError(f"{name}={value!r}: expected a year (2015) or an ISO date (2015-01-01)") from None
    else:
        raise TypeError(f"{name}={value!r}: expected a year or an ISO date")
    if not 1 <= year <= 9999:
        raise ValueError(f"{name}={value!r}: year out of range")
    return date(year, 12, 31).isoformat() if end else date(year, 1, 1).isoformat()


def check_claim(record: dict, frame: pd.DataFrame) -> None:
    """A catalog record that promises curated rows must have them.

    Without this an indicator whose snapshot file was lost would reach the page as
    "Ingen data for Sorø", a statement about Sorø that is really a statement about a file.
    """
    if (record.get("sources") or {}).get("curated") and frame.empty:
        indicator_id = record["id"]
        raise snapshot.SnapshotError(
            f"{snapshot.snapshot_path(indicator_id)}: missing, but data/catalog/indicators/{indicator_id}.yaml"
            " says sources.curated: true; run `make import`, or set sources.curated: false in the record")


def load_indicator(indicator_id: str, areas: str | int | Iterable[str | int] | None = None,
                   start=None, end=None, *, catalog: Catalog | None = None) -> Series:
    """The catalog record and snapshot rows of one indicator.

    areas: one area code or several (`"340"`, `["340", "000"]`); None keeps all.
    start, end: a year (`2010`) or an ISO date (`"2010-01-01"`), compared with `period_start`.
        A year as `end` means its last day, so `end=2020` keeps periods starting in 2020.
        With either bound set, undated rows (empty `period_start`) are left out.
    """
    catalog = catalog if catalog is not None else load_catalog()
    if not isinstance(indicator_id, str):
        raise UnknownIndicatorError(repr(indicator_id), catalog.indicators)
    record = catalog.indicator(indicator_id)  # UnknownIndicatorError with close ids
    frame = snapshot.read_indicator(indicator_id)
    check_claim(record, frame)

    if areas is not None:
        codes = [_area_code(areas)] if isinstance(areas, (str, int)) else [_area_code(a) for a in areas]
        frame = frame[frame["area_code"].isin(codes)]

    lo = _as_bound(start, "start", end=False)
    hi = _as_bound(end, "end", end=True)
    if lo and hi and lo > hi:
        raise ValueError(f"start ({start!r}) is after end ({end!r})")
    if lo or hi:
        starts = frame["period_start"].fillna("")
        keep = starts != ""
        if lo:
            keep &= starts >= lo   # ISO dates compare correctly as text
        if hi:
            keep &= starts <= hi
        frame = frame[keep]

    shown, cross_checks = pick_best(frame.reset_index(drop=True), record["decimals"])
    return Series(record=copy.deepcopy(record), data=shown, cross_checks=cross_checks)

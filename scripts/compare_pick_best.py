"""Compare helpers.load.pick_best with the row-by-row implementation it replaced.

    PYTHONPATH=src python scripts/compare_pick_best.py

The old implementation (grouping through `DataFrame.apply(tuple, axis=1)`) is kept here, not in
src, as the reference: for every snapshot file in data/snapshot, with the record's decimals (and
decimals 0..3 for files without a record), both must give the same shown rows and cross-checks,
value for value, dtype for dtype, in the same order. Also run on some hand-made frames that reach
the corners (ties, missing values, same-kind conflicts, NaN keys, extra columns, an odd index).
Prints one line per mismatch and a summary; exit 1 on any mismatch.

As a pytest plugin it checks every call the tests make (both must agree, or fail alike):

    PYTHONPATH=src:scripts pytest -p compare_pick_best tests/test_load.py tests/test_precedence.py ...
"""
from __future__ import annotations

import math
import sys
import time

import numpy as np
import pandas as pd

from helpers import load, snapshot
from helpers.catalog import load_catalog
from helpers.load import OBSERVATION_KEY
from helpers.sources import precedence


def old_pick_best(frame: pd.DataFrame, decimals: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """helpers.load.pick_best as of commit 047864b, verbatim."""
    columns = list(frame.columns)
    empty_checks = frame.iloc[0:0].assign(shown_value=pd.Series(dtype=float), shown_kind=pd.Series(dtype=str),
                                          disagrees=pd.Series(dtype=bool))
    if frame.empty:
        return frame, empty_checks
    tolerance = 0.5 * 10 ** (-decimals) + 1e-9
    work = frame.reset_index(drop=True)
    ranks = work["source_kind"].map(precedence)
    has_value = work["value"].notna()
    order = pd.DataFrame({"missing": ~has_value, "rank": ranks, "i": range(len(work))})
    shown_index, checks = [], []
    keys = work[OBSERVATION_KEY].astype(str).apply(tuple, axis=1)
    for _, idx in keys.groupby(keys).groups.items():
        idx = list(idx)
        if len(idx) == 1:
            shown_index.append(idx[0])
            continue
        ranked = order.loc[idx].sort_values(["missing", "rank", "i"])
        best = ranked.index[0]
        best_rank, best_missing = ranked.loc[best, "rank"], ranked.loc[best, "missing"]
        peers = [i for i in ranked.index if ranked.loc[i, "rank"] == best_rank and ranked.loc[i, "missing"] == best_missing]
        value = work.at[best, "value"]
        peer_conflict = any(not _same(work.at[i, "value"], value, tolerance) for i in peers)
        shown_index.append(best)
        for i in ranked.index[1:]:
            row = work.loc[i].to_dict()
            other = row["value"]
            differs = (not _isnan(other) and not _isnan(value) and not _same(other, value, tolerance))
            row.update(shown_value=value, shown_kind=work.at[best, "source_kind"],
                       disagrees=bool(differs or (peer_conflict and i in peers)))
            checks.append(row)
        if peer_conflict:
            row = work.loc[best].to_dict()
            row.update(shown_value=value, shown_kind=work.at[best, "source_kind"], disagrees=True)
            checks.append(row)
    shown = work.loc[sorted(shown_index), columns].reset_index(drop=True)
    cross = pd.DataFrame(checks, columns=columns + ["shown_value", "shown_kind", "disagrees"]) if checks else empty_checks
    return shown, cross.reset_index(drop=True)


def _isnan(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _same(a, b, tolerance: float) -> bool:
    if _isnan(a) or _isnan(b):
        return _isnan(a) and _isnan(b)
    return abs(float(a) - float(b)) <= tolerance


def mismatch(old: pd.DataFrame, new: pd.DataFrame) -> str | None:
    """Why two frames differ, or None when they are identical (index, columns, dtypes, values)."""
    try:
        pd.testing.assert_frame_equal(old, new, check_dtype=True, check_index_type=True,
                                      check_column_type=True, check_exact=True)
    except AssertionError as exc:
        return str(exc).splitlines()[0]
    # assert_frame_equal lets NaN equal NaN; that is what we want. Compare the cell objects'
    # types too, so a Python float never stands in for a numpy one in an object column.
    for column in old.columns:
        if old[column].dtype == object:
            if [type(v) for v in old[column]] != [type(v) for v in new[column]]:
                return f"column {column}: cell types differ"
    return None


def compare(label: str, frame: pd.DataFrame, decimals: int, new_pick_best=None) -> list[str]:
    problems = []
    results = []
    for fn in (old_pick_best, new_pick_best or load.pick_best):
        try:
            results.append(fn(frame.copy(), decimals))
        except Exception as exc:  # both must fail the same way
            results.append((type(exc).__name__, str(exc)))
    old, new = results
    failed = [isinstance(result[0], str) for result in results]
    if any(failed):
        if not all(failed) or old != new:
            show = [result if bad else "a result" for result, bad in zip(results, failed)]
            problems.append(f"{label}: old {show[0]}, new {show[1]}")
        return problems
    for name, a, b in (("shown", old[0], new[0]), ("cross_checks", old[1], new[1])):
        why = mismatch(a, b)
        if why:
            problems.append(f"{label} (decimals {decimals}): {name}: {why}")
    return problems


def row(kind, value, origin, area="340", period="2020", sex="", age="", unit="personer", **extra):
    base = {c: "" for c in snapshot.COLUMNS}
    base.update(indicator_id="x", area_code=area, period=period, sex=sex, age=age, unit=unit,
                source_kind=kind, value=value, origin=origin, publisher="p", source_url="u", quote="q")
    base.update(extra)
    return base


def corner_frames() -> dict[str, pd.DataFrame]:
    nan = math.nan
    frames = {
        "ties": [row("api_copy", 1.0, "a:1"), row("api_copy", 1.04, "a:2"), row("press", 3.0, "p:1"),
                 row("press", nan, "p:2"), row("live", nan, "l:1")],
        "conflict": [row("api_copy", 100.0, "a:1"), row("api_copy", 103.0, "b:1"), row("press", 100.0, "c:1")],
        "all missing": [row("press", nan, "a:1"), row("wiki_mirror", nan, "b:1"), row("press", nan, "c:1")],
        "many keys": [row(k, float(v), f"{k}:{v}", area=a, period=p)
                      for k in ("press", "api_copy", "wiki_mirror") for v, a in ((1, "340"), (2, "000"), (3, "101"))
                      for p in ("2019", "2020", "")],
        "one row": [row("press", 5.0, "a:1")],
        "units": [row("press", 5.0, "a:1", unit="pct"), row("press", 6.0, "a:2", unit="personer")],
        "sex age": [row("press", 5.0, "a:1", sex="mænd"), row("press", 6.0, "a:2", sex="kvinder"),
                    row("export", 6.0, "e:2", sex="kvinder", age="0-5"), row("api_copy", 6.0, "e:3", sex="kvinder")],
    }
    out = {name: pd.DataFrame(rows) for name, rows in frames.items()}
    # NaN in a key column (astype(str) makes it 'nan'), an index that is not 0..n-1, extra columns.
    odd = pd.DataFrame(frames["ties"] + frames["conflict"])
    odd.loc[1, "sex"] = None
    odd.loc[3, "age"] = math.nan
    odd.index = [10, 3, 7, 1, 99, 5, 6, 0]
    odd["extra"] = np.arange(len(odd))
    out["odd index, NaN keys, extra column"] = odd
    # Missing key cells inside groups of several rows: pandas groups NaN with NaN and sorts it last.
    out["NaN keys in groups"] = pd.DataFrame([
        row("press", 1.0, "a:1", sex=None), row("api_copy", 2.0, "a:2", sex=None), row("press", 1.0, "b:1", sex="m"),
        row("wiki_mirror", 1.0, "b:2", sex="m"), row("press", 3.0, "c:1", sex=math.nan), row("live", 3.0, "c:2"),
        row("press", 4.0, "d:1", age=math.nan, sex="k"), row("press", 5.0, "d:2", age=math.nan, sex="k"),
        row("export", 4.0, "d:3", age="0-5", sex="k")])
    mixed = out["NaN keys in groups"].astype(object)
    out["NaN keys in object columns"] = mixed
    ints = pd.DataFrame(frames["conflict"])
    ints["value"] = ints["value"].astype("int64")
    out["int values"] = ints
    out["empty"] = snapshot.empty_frame()
    bad = pd.DataFrame(frames["ties"])
    bad.loc[2, "source_kind"] = "curated"
    out["unknown kind"] = bad
    return out


COMPARED_CALLS = []


def pytest_configure(config):
    """Wrap helpers.load.pick_best so each call also runs the old one and compares."""
    new_pick_best = load.pick_best

    def checked(frame, decimals):
        problems = compare(f"call {len(COMPARED_CALLS) + 1}", frame, decimals, new_pick_best)
        COMPARED_CALLS.append(problems)
        assert not problems, "\n".join(problems)
        return new_pick_best(frame, decimals)

    load.pick_best = checked


def pytest_terminal_summary(terminalreporter):
    bad = sum(1 for problems in COMPARED_CALLS if problems)
    terminalreporter.write_line(f"compare_pick_best: {len(COMPARED_CALLS)} pick_best calls compared, {bad} mismatch(es)")


def main() -> int:
    catalog = load_catalog()
    problems, files = [], 0
    t_old = t_new = 0.0
    for indicator_id in snapshot.list_indicators():
        frame = snapshot.read_indicator(indicator_id)
        record = catalog.indicators.get(indicator_id)
        for decimals in ([record["decimals"]] if record else [0, 1, 2, 3]):
            problems += compare(indicator_id, frame, decimals)
            start = time.perf_counter()
            old_pick_best(frame, decimals)
            t_old += time.perf_counter() - start
            start = time.perf_counter()
            load.pick_best(frame, decimals)
            t_new += time.perf_counter() - start
        # Sorø only and a period window, as load_indicator passes them.
        subset = frame[frame["area_code"] == "340"].reset_index(drop=True)
        problems += compare(f"{indicator_id} (340)", subset, record["decimals"] if record else 1)
        files += 1
    for name, frame in corner_frames().items():
        for decimals in (0, 1, 2):
            problems += compare(name, frame, decimals)
    for problem in problems:
        print(f"MISMATCH {problem}")
    print(f"compared {files} snapshot files and {len(corner_frames())} hand-made frames: {len(problems)} mismatch(es);"
          f" old {t_old:.2f} s, new {t_new:.2f} s over the full files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""The tidy snapshot: one CSV per indicator in `data/snapshot/<indicator_id>.csv`.

`write_indicator` validates a whole frame before it touches the disk and then replaces the
file atomically, so a reader never sees half a file and a bad frame never replaces a good one.
Output is deterministic (column order, row order, number formatting, '\\n' line endings) so
that re-running an import or refresh without new data changes no bytes.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import math
import os
import re
import tempfile
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import validate
from helpers.paths import snapshot_dir
from helpers.periods import PeriodError, parse_period
from helpers.sources import SOURCE_KINDS as _SOURCE_KINDS, VIA

COLUMNS = [
    "indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
    "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url",
    "via", "quote", "retrieved", "updated", "note", "origin",
]
# The columns before `via` was added; read (never written) so older live rows survive a merge.
LEGACY_COLUMNS = [c for c in COLUMNS if c != "via"]
SORT_COLUMNS = ["area_code", "period_start", "period", "sex", "age", "origin"]
VALUE_FLAGS = ("", "suppressed", "missing")
# Kinds and their precedence live in helpers.sources; re-exported here for the validators.
SOURCE_KINDS = _SOURCE_KINDS
# A row cannot be traced back to its source without these.
REQUIRED_TEXT = ("indicator_id", "source_kind", "publisher", "source_url", "quote", "origin")

# Kinds whose value came through a public copy and so must name it in `via`.
COPY_KINDS = ("api_copy", "copy_computed")
INDICATOR_ID = re.compile(r"[a-z][a-z0-9_]*")
# Statistics Denmark codes are alphanumeric; local places add ':<slug>'.
AREA_CODE = re.compile(r"([0-9A-Za-z]+(:[a-z0-9-]+)?)?")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
MUNICIPALITY_CODE = re.compile(r"[0-9]{3}")
KOMMUNE_SUFFIX = " Kommune"


class SnapshotError(ValueError):
    """A snapshot file or frame that breaks the contract in docs/architecture.md."""


def snapshot_path(indicator_id: str) -> Path:
    check_indicator_id(indicator_id)
    return snapshot_dir() / f"{indicator_id}.csv"


def check_indicator_id(indicator_id: str) -> None:
    # The id becomes a file name, so it must not carry path separators or odd characters.
    if not isinstance(indicator_id, str) or not INDICATOR_ID.fullmatch(indicator_id):
        raise SnapshotError(f"indicator id {indicator_id!r} is not lower-case letters, digits and '_'")


def list_indicators() -> list[str]:
    """Ids of all indicators with a snapshot file, sorted."""
    folder = snapshot_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.csv") if INDICATOR_ID.fullmatch(p.stem))


def empty_frame() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series([], dtype=str) for c in COLUMNS})
    frame["value"] = pd.Series([], dtype=float)
    return frame


def read_indicator(indicator_id: str) -> pd.DataFrame:
    """The snapshot rows of one indicator: `value` as float (NaN when empty), all else text.

    A missing file gives an empty frame (whether that is allowed is the catalog's business,
    see helpers.load). Every row of an existing file is validated like a row being written,
    and the rows together by helpers.validate; errors name the file and line.

    A file whose bytes were validated before in this process is not validated again (see
    `_MEMO`); the caller gets its own copy of the frame either way.
    """
    path = snapshot_path(indicator_id)
    if not path.exists():
        return empty_frame()
    content = path.read_bytes()
    # Keyed by what the result depends on: the id (the rows must carry it) and the bytes.
    # An edit between two reads changes the digest, so it is always seen.
    key = (indicator_id, hashlib.sha256(content).hexdigest())
    frame = _MEMO.get(key)
    if frame is None:
        # A bad file raises here every time: only a frame that passed is remembered.
        frame = _parse(indicator_id, path, content)
        _MEMO[key] = frame
        if len(_MEMO) > MEMO_SIZE:
            _MEMO.popitem(last=False)
    else:
        _MEMO.move_to_end(key)
    # A deep copy: nothing a caller does to its frame can reach the memo or the next caller.
    return frame.copy(deep=True)


# Validated frames by (indicator id, sha256 of the file's bytes), least recently used first.
# Pages, scripts/check_data.py and helpers.provenance read the same files many times in one
# process, and validating ~90k rows in Python costs seconds each time. Not functools.lru_cache:
# its key would have to hold the file's bytes (the function needs them, not just their digest).
# MEMO_SIZE is above the number of snapshot files, so one pass over all of them stays memoised.
MEMO_SIZE = 512
_MEMO: OrderedDict[tuple[str, str], pd.DataFrame] = OrderedDict()


def clear_memo() -> None:
    """Forget every memoised frame (the next read validates its file again)."""
    _MEMO.clear()


def _parse(indicator_id: str, path: Path, content: bytes) -> pd.DataFrame:
    """Parse and validate the bytes of `path`; errors name `path` and the line."""
    records, lines = [], []
    # The same text layer as path.open(encoding="utf-8", newline=""), so a decoding error is
    # raised at the same point and with the same message as when reading the file directly.
    with io.TextIOWrapper(io.BytesIO(content), encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise SnapshotError(f"{path}:1: the file is empty (not even a header); delete it or restore it")
        if header not in (COLUMNS, LEGACY_COLUMNS):
            raise SnapshotError(f"{path}:1: columns are {header}, expected {COLUMNS}")
        # A file written before `via` existed (e.g. live rows from another branch): no copy named.
        legacy = header == LEGACY_COLUMNS
        width = len(header)
        # reader.line_num is the last physical line read; a record starts one line after the previous.
        start = reader.line_num + 1
        # Equal cells share one string object: most columns repeat a few values in a file, and
        # the memo keeps the frames (~125 MB of strings for the whole snapshot without this, ~15 with).
        shared: dict[str, str] = {}
        for record in reader:
            line, start = start, reader.line_num + 1
            if len(record) != width:
                raise SnapshotError(f"{path}:{line}: {len(record)} fields, expected {width}"
                                    " (a row cut short, a blank line or a stray comma)")
            if legacy:
                record.insert(COLUMNS.index("via"), "")
            records.append([shared.setdefault(cell, cell) for cell in record])
            lines.append(line)
    if not records:
        raise SnapshotError(f"{path}: a header and no rows; an indicator without rows has no file")
    wheres = [f"{path}:{line}" for line in lines]
    rows = [_check_row(indicator_id, line, dict(zip(COLUMNS, record)), where=where)
            for line, record, where in zip(lines, records, wheres)]
    problems = validate.duplicate_problems(rows, wheres)
    if problems:
        raise SnapshotError(validate.first_lines(problems))
    frame = pd.DataFrame(records, columns=COLUMNS, dtype=str)
    frame["value"] = pd.Series([float(t) if t != "" else math.nan for t in frame["value"]],
                               index=frame.index, dtype=float)
    return frame


def format_value(value) -> str:
    """Shortest text that reads back as the same float: 29993.0 -> '29993', 3.5 -> '3.5'."""
    if value is None or (isinstance(value, str) and value == ""):
        return ""
    if isinstance(value, str):
        if not PLAIN_NUMBER.fullmatch(value):
            raise ValueError(f"value {value!r} is not a plain number with '.' decimals")
        value = float(value)
    if isinstance(value, bool):
        raise ValueError(f"value {value!r} is not a number")
    number = float(value)
    if math.isnan(number):
        return ""
    if math.isinf(number):
        raise ValueError(f"value {value!r} is not finite")
    if number == 0:
        return "0"  # also folds -0.0
    # Positional (never exponent) and unique=True: the shortest digits that round-trip.
    return np.format_float_positional(number, unique=True, trim="-")


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__} {value!r}")
    return value


def _origin_key(origin: str) -> tuple:
    # Natural order for 'harvest/x.csv:9' < 'harvest/x.csv:10'.
    m = re.fullmatch(r"(.*):([0-9]+)", origin)
    return (m[1], int(m[2])) if m else (origin, -1)


def _row_key(row: dict) -> tuple:
    return (row["area_code"], row["period_start"], row["period"], row["sex"], row["age"],
            _origin_key(row["origin"]), row["origin"])


_TEXT_COLUMNS = tuple(c for c in COLUMNS if c != "value")


@functools.lru_cache(maxsize=4096)
def _period_columns(label: str) -> tuple[str, str, str]:
    """(period_type, period_start, period_end) that the label means.

    Memoised: a snapshot has ~90k rows but only a few hundred distinct labels. A label that
    does not parse raises PeriodError every time (lru_cache keeps only results).
    """
    period = parse_period(label)
    return (period.kind, period.start.isoformat() if period.start else "",
            period.end.isoformat() if period.end else "")


def _check_row(indicator_id: str, index: int, raw: dict, where: str | None = None) -> dict:
    """One validated row as text, or a SnapshotError naming the row (`where`, or its number and origin)."""
    named = where is not None
    where = where or f"{indicator_id} row {index}"
    try:
        # Cells read from a CSV are already text; _text is only needed for frames being written.
        row = {c: v if type(v := raw[c]) is str else _text(v) for c in _TEXT_COLUMNS}
        if not named:
            where += f" ({row['origin'] or 'no origin'})"
        row["value"] = format_value(raw["value"])
    except ValueError as exc:
        raise SnapshotError(f"{where}: {exc}") from None

    if row["indicator_id"] != indicator_id:
        raise SnapshotError(f"{where}: indicator_id {row['indicator_id']!r} does not match file {indicator_id!r}")
    for column in REQUIRED_TEXT:
        if not row[column].strip():
            raise SnapshotError(f"{where}: {column} is empty")
    if not AREA_CODE.fullmatch(row["area_code"]):
        raise SnapshotError(f"{where}: area_code {row['area_code']!r} is not a code like 340 or 340:slug")
    if row["source_kind"] not in SOURCE_KINDS:
        raise SnapshotError(f"{where}: source_kind {row['source_kind']!r} is not one of {SOURCE_KINDS}")

    # A value copied from someone else's cache must say which copy (repository@commit:path).
    if row["source_kind"] in COPY_KINDS and not VIA.fullmatch(row["via"]):
        raise SnapshotError(f"{where}: source_kind {row['source_kind']} needs via = <repository>@<commit>:<path>,"
                            f" got {row['via']!r}")
    if row["via"] and not VIA.fullmatch(row["via"]):
        raise SnapshotError(f"{where}: via {row['via']!r} is not <repository>@<commit>:<path>")

    try:
        expected = _period_columns(row["period"])
    except PeriodError as exc:
        raise SnapshotError(f"{where}: {exc}") from None
    found = (row["period_type"], row["period_start"], row["period_end"])
    if found != expected:
        raise SnapshotError(f"{where}: period {row['period']!r} means (period_type, period_start, period_end)"
                            f" = {expected}, the row says {found}")

    if row["value_flag"] not in VALUE_FLAGS:
        raise SnapshotError(f"{where}: value_flag {row['value_flag']!r} is not one of {VALUE_FLAGS}")
    # A flag explains why there is no number; a number with a flag would be ambiguous.
    if row["value"] == "" and row["value_flag"] == "":
        raise SnapshotError(f"{where}: value is empty but value_flag does not say why (suppressed/missing)")
    if row["value"] != "" and row["value_flag"] != "":
        raise SnapshotError(f"{where}: value {row['value']} has value_flag {row['value_flag']!r}")

    if row["retrieved"]:
        try:
            date.fromisoformat(row["retrieved"])
        except ValueError:
            raise SnapshotError(f"{where}: retrieved {row['retrieved']!r} is not an ISO date") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", row["retrieved"]):
            raise SnapshotError(f"{where}: retrieved {row['retrieved']!r} is not an ISO date (YYYY-MM-DD)")
    if row["updated"]:
        try:
            datetime.fromisoformat(row["updated"])
        except ValueError:
            raise SnapshotError(f"{where}: updated {row['updated']!r} is not an ISO date or time") from None
    return row


def validate_frame(indicator_id: str, frame: pd.DataFrame) -> list[dict]:
    """Validated rows as text in snapshot order; raises SnapshotError on the first problem."""
    check_indicator_id(indicator_id)
    if not isinstance(frame, pd.DataFrame):
        raise SnapshotError(f"{indicator_id}: expected a pandas DataFrame, got {type(frame).__name__}")
    columns = list(frame.columns)
    missing = [c for c in COLUMNS if c not in columns]
    extra = [c for c in columns if c not in COLUMNS]
    if missing or extra or len(columns) != len(set(columns)):
        raise SnapshotError(f"{indicator_id}: columns must be {COLUMNS}; missing {missing}, unexpected {extra}")
    # Column lists are much faster than DataFrame.to_dict for many small frames.
    records = zip(*(frame[c].tolist() for c in COLUMNS))
    rows = [_check_row(indicator_id, i, dict(zip(COLUMNS, raw))) for i, raw in enumerate(records, start=1)]
    problems = validate.duplicate_problems(
        rows, [f"{indicator_id} row {i} ({row['origin'] or 'no origin'})" for i, row in enumerate(rows, start=1)])
    if problems:
        raise SnapshotError(validate.first_lines(problems))
    rows.sort(key=_row_key)
    for previous, row in zip(rows, rows[1:]):
        if _row_key(previous) == _row_key(row):
            raise SnapshotError(f"{indicator_id}: two rows for area {row['area_code']!r}, period {row['period']!r},"
                                f" sex {row['sex']!r}, age {row['age']!r} from {row['origin']}")
    return rows


def render_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def atomic_write_bytes(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_indicator(indicator_id: str, frame: pd.DataFrame) -> Path:
    """Validate `frame` and atomically replace data/snapshot/<indicator_id>.csv with it."""
    return write_rows(indicator_id, validate_frame(indicator_id, frame))


def write_rows(indicator_id: str, rows: list[dict]) -> Path:
    """Atomically replace data/snapshot/<indicator_id>.csv with rows `validate_frame` returned.

    For a caller that validated everything before writing anything (helpers.import_harvest):
    the rows are not validated a second time.
    """
    path = snapshot_path(indicator_id)
    atomic_write_bytes(path, render_csv(rows))
    return path


# The identity of an observation within one indicator: live rows replace non-live rows with the same key.
KEY = ["area_code", "period", "sex", "age"]


def merge_live(existing: pd.DataFrame, live: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Existing snapshot rows + new live rows; returns (merged, number of rows the live ones outrank).

    Previous live rows are all replaced. Rows of every other kind are kept: they become the
    cross-checks of the live value (helpers.load.pick_best shows the best kind that has a value,
    docs/data-rules.md), so a refresh never deletes a harvested number.
    """
    others = existing[existing["source_kind"] != "live"]

    def keys(frame: pd.DataFrame) -> list[tuple]:
        return list(map(tuple, frame[KEY].astype(str).itertuples(index=False, name=None)))

    with_value = set(keys(live[live["value_flag"] == ""]))
    outranked = sum(k in with_value for k in keys(others))
    parts = [p for p in (others, live) if len(p)]
    merged = pd.concat(parts, ignore_index=True) if parts else live.iloc[0:0]
    return merged, outranked


def normalise_area_name(area_code: str, area_name: str) -> str:
    # Only municipalities: 'Frederiksberg (Sorø Kommune)' is a town and keeps its name.
    if MUNICIPALITY_CODE.fullmatch(area_code) and area_name.endswith(KOMMUNE_SUFFIX):
        return area_name[: -len(KOMMUNE_SUFFIX)]
    return area_name


def check_plain_value(value: str, where: str, error: type[Exception] = ValueError) -> str:
    """`value` as an importer read it: a plain number with '.' decimals, or "" for none."""
    if value != "" and not PLAIN_NUMBER.fullmatch(value):
        raise error(f"{where}: value {value!r} is not a plain number with '.' decimals")
    return value


def imported_row(*, indicator_id: str, area_code: str, area_name: str, period, value: str,
                 empty_flag: str = "missing", unit: str, sex: str, age: str,
                 source_kind: str, publisher: str, table: str, source_url: str, via: str = "", quote: str,
                 note: str = "", origin: str) -> dict:
    """One snapshot row (in `COLUMNS` order) from an importer's fields; `period` is parsed already.

    The harvest importers (`import_harvest`, `import_harvest2`) build their rows here, so the
    period columns and the municipality name are made the same way for both. `value` is the
    source's text as `check_plain_value` accepts it; "" is never 0 but flagged `empty_flag`
    (missing, or suppressed small numbers).
    """
    return {
        "indicator_id": indicator_id,
        "area_code": area_code,
        "area_name": normalise_area_name(area_code, area_name),
        "period": period.label,
        "period_type": period.kind,
        "period_start": period.start.isoformat() if period.start else "",
        "period_end": period.end.isoformat() if period.end else "",
        "value": value,
        # An empty value is never 0: the source had none (suppressed small numbers, or missing).
        "value_flag": "" if value != "" else empty_flag,
        "unit": unit,
        "sex": sex,
        "age": age,
        "source_kind": source_kind,
        "publisher": publisher,
        "table": table,
        "source_url": source_url,
        "via": via,
        "quote": quote,
        "retrieved": "",
        "updated": "",
        "note": note,
        "origin": origin,
    }

"""Harvest 2 (series for all 98 municipalities, copied from public caches) -> snapshot rows.

`helpers.import_harvest` calls `harvest2_rows()` and writes these rows together with the
harvest-1 rows through the same validated, atomic `helpers.snapshot` writer.

What each series becomes is an explicit table, `data/catalog/harvest2_map.yaml`: series_id ->
indicator id, source kind, unit, sex, age, period conversion, the publisher's URL for the table,
what an empty value means, and a Danish note on what the copy computed. A series in a value
file that the table does not name is an error (file and line named), never a guess.

Every row keeps: publisher and table from series.csv (the "Kilde"), `via` =
`<repository>@<commit>:<path>` of the copy, `quote` = the verbatim source line and
`origin` = `harvest2/<file>:<line>`.
"""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import yaml

from helpers import paths
from helpers.periods import PeriodError, parse_period
from helpers.snapshot import check_plain_value, imported_row

VALUE_COLUMNS = ["series_id", "area_code", "area_name", "period", "value", "ref", "verbatim"]
SERIES_COLUMNS = ["series_id", "title_da", "unit", "publisher", "table", "definition", "computed_by_copy",
                  "period_meaning", "via_repo", "via_path", "via_commit"]
KINDS = ("export", "api_copy", "copy_computed")
EMPTY_FLAGS = ("missing", "suppressed")
MAP_FILE = "harvest2_map.yaml"
# The national lines of doughnut_land.csv all share one series.csv row.
LAND_PREFIX = "doughnut-land:"


class Harvest2Error(ValueError):
    """A harvest2 file, row or mapping that cannot be imported; the message names where."""


def _year(label: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", label):
        raise PeriodError(f"expected a year like 2021, got {label!r}")
    return int(label)


def _quarter1(label: str) -> str:
    m = re.fullmatch(r"([0-9]{4})K1", label)
    if not m:
        raise PeriodError(f"expected a first quarter like 2025K1, got {label!r}")
    return f"{m[1]}-01-01"


def _january(label: str) -> str:
    m = re.fullmatch(r"([0-9]{4})M01", label)
    if not m:
        raise PeriodError(f"expected a January month like 2024M01, got {label!r}")
    return f"{m[1]}-01-01"


def _quarter_range(label: str) -> str:
    m = re.fullmatch(r"([0-9]{4})K1-([0-9]{4})K4", label)
    if not m:
        raise PeriodError(f"expected whole years of quarters like 2023K1-2025K4, got {label!r}")
    return f"{m[1]}-{m[2]}"


# How a source period label becomes a snapshot period (series.csv `period_meaning`).
PERIOD_RULES = {
    "as_is": lambda p: p,
    # END year of a school year: 2020 -> 2019/20.
    "school_year_end": lambda p: f"{_year(p) - 1}/{_year(p) % 100:02d}",
    # END year of HISBK's 5-year period: 2025 -> 2021-2025.
    "five_year_end": lambda p: f"{_year(p) - 4}-{_year(p)}",
    # END year of a 3-year rolling window: 2023 -> 2021-2023.
    "three_year_end": lambda p: f"{_year(p) - 2}-{_year(p)}",
    # Population on 1 January of the year: 2016 -> 2016-01-01.
    "january_1": lambda p: f"{_year(p)}-01-01",
    # 'Folketal 1. januar 2025' published as 2025K1.
    "quarter1_january_1": _quarter1,
    # FOLK1AM's 2024M01 is the population on 1 January 2024.
    "month_january_1": _january,
    "quarter_range_years": _quarter_range,
}


def default_harvest2_dir() -> Path:
    shared = paths.ROOT.parent / "shared" / "data" / "harvest2"
    return shared if shared.is_dir() else paths.data_dir() / "harvest2"


def _all_files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_harvest2(source: Path, target: Path) -> None:
    """Make `target` a verbatim copy of the whole harvest2 folder (sources/ included)."""
    if source.resolve() == target.resolve():
        return
    files = _all_files(source)
    target.mkdir(parents=True, exist_ok=True)
    for name, stale in _all_files(target).items():
        if name not in files:
            stale.unlink()
    for name, src in files.items():
        dst = target / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
            dst.chmod(0o644)


def map_path() -> Path:
    path = paths.catalog_dir() / MAP_FILE
    # A data folder without a catalog (a test's temporary data dir) uses the repository's table.
    return path if path.exists() else paths.ROOT / "data" / "catalog" / MAP_FILE


def load_map(path: Path | None = None) -> dict[str, dict]:
    """The mapping table, `like` entries resolved; raises Harvest2Error on a bad entry."""
    path = Path(path) if path is not None else map_path()
    with path.open(encoding="utf-8") as fh:
        raw = (yaml.safe_load(fh) or {}).get("series")
    if not isinstance(raw, dict):
        raise Harvest2Error(f"{path}: expected a mapping 'series: {{series_id: ...}}'")
    resolved = {}
    for sid, entry in raw.items():
        where = f"{path}: series {sid}"
        if not isinstance(entry, dict):
            raise Harvest2Error(f"{where}: expected a mapping")
        if "skip" in entry:
            resolved[sid] = {"skip": entry["skip"]}
            continue
        if "like" in entry:
            base = raw.get(entry["like"])
            if not isinstance(base, dict) or "indicator" not in base:
                raise Harvest2Error(f"{where}: like {entry['like']!r} is not a mapped series")
            entry = {**{k: v for k, v in base.items() if k not in ("also", "note", "kind")}, **entry}
            entry.pop("like")
        for key in ("indicator", "kind", "unit", "sex", "age", "period", "url"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise Harvest2Error(f"{where}: {key} is missing or empty")
        if entry["kind"] not in KINDS:
            raise Harvest2Error(f"{where}: kind {entry['kind']!r} is not one of {KINDS}")
        if entry["period"] not in PERIOD_RULES:
            raise Harvest2Error(f"{where}: period rule {entry['period']!r} is not one of {sorted(PERIOD_RULES)}")
        if entry.get("empty", "missing") not in EMPTY_FLAGS:
            raise Harvest2Error(f"{where}: empty {entry['empty']!r} is not one of {EMPTY_FLAGS}")
        also = entry.get("also")
        if also is not None and (not isinstance(also, dict) or also.get("period") not in PERIOD_RULES
                                 or not also.get("indicator")):
            raise Harvest2Error(f"{where}: also needs an indicator and a period rule")
        resolved[sid] = entry
    return resolved


def read_series(folder: Path) -> dict[str, dict]:
    path = folder / "series.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != SERIES_COLUMNS:
            raise Harvest2Error(f"{path}:1: columns are {reader.fieldnames}, expected {SERIES_COLUMNS}")
        return {r["series_id"]: r for r in reader}


def _series_row(series: dict[str, dict], sid: str) -> dict:
    return series[LAND_PREFIX + "*"] if sid.startswith(LAND_PREFIX) else series[sid]


def _publisher_row(series: dict[str, dict], sid: str, mapping: dict[str, dict]) -> dict:
    """The series.csv row naming publisher and table: a national line names its municipal twin's."""
    if sid.startswith(LAND_PREFIX):
        name = sid[len(LAND_PREFIX):]
        for prefix in ("doughnut:", "sundhedsprofil:"):
            if prefix + name in series:
                return series[prefix + name]
    return series[sid]


def value_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.csv") if p.name != "series.csv")


def _row(entry: dict, indicator_id: str, rule: str, src: dict, meta: dict, publisher: dict,
         where: str, origin: str) -> dict:
    try:
        label = PERIOD_RULES[rule](src["period"])
        period = parse_period(label)
    except PeriodError as exc:
        raise Harvest2Error(f"{where}: period {src['period']!r} ({rule}): {exc}") from None
    value = check_plain_value(src["value"], where, Harvest2Error)
    if not src["verbatim"].strip():
        raise Harvest2Error(f"{where}: verbatim source line is empty")
    return imported_row(
        indicator_id=indicator_id, area_code=src["area_code"], area_name=src["area_name"], period=period,
        value=value, empty_flag=entry.get("empty", "missing"),
        unit=entry["unit"], sex=entry["sex"], age=entry["age"], source_kind=entry["kind"],
        publisher=publisher["publisher"],
        # `table` in the map: series.csv's own words when the copy names no table are English
        # working notes ("table not named in the copy"); the reader sees none rather than those.
        table=entry["table"] if "table" in entry else publisher["table"],
        source_url=entry["url"], via=f"{meta['via_repo']}@{meta['via_commit']}:{meta['via_path']}",
        quote=src["verbatim"], note=entry.get("note", ""), origin=origin,
    )


def harvest2_rows(folder: Path, mapping: dict[str, dict] | None = None) -> list[dict]:
    """Snapshot rows (as text) for every value row of every harvest2 file in `folder`."""
    mapping = load_map() if mapping is None else mapping
    series = read_series(folder)
    rows = []
    for path in value_files(folder):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header != VALUE_COLUMNS:
                raise Harvest2Error(f"{path}:1: columns are {header}, expected {VALUE_COLUMNS}")
            start = reader.line_num + 1
            for record in reader:
                line, start = start, reader.line_num + 1
                where = f"{path}:{line}"
                if len(record) != len(VALUE_COLUMNS):
                    raise Harvest2Error(f"{where}: {len(record)} fields, expected {len(VALUE_COLUMNS)}")
                src = dict(zip(VALUE_COLUMNS, record))
                sid = src["series_id"]
                entry = mapping.get(sid)
                if entry is None:
                    raise Harvest2Error(f"{where}: series {sid!r} is not in {MAP_FILE}")
                if "skip" in entry:
                    continue
                try:
                    meta, publisher = _series_row(series, sid), _publisher_row(series, sid, mapping)
                except KeyError:
                    raise Harvest2Error(f"{where}: series {sid!r} is not in series.csv") from None
                origin = f"harvest2/{path.name}:{line}"
                rows.append(_row(entry, entry["indicator"], entry["period"], src, meta, publisher, where, origin))
                also = entry.get("also")
                if also and _month(src["period"]) in also.get("months", []):
                    rows.append(_row(entry, also["indicator"], also["period"], src, meta, publisher, where, origin))
    return rows


def _month(label: str) -> int | None:
    m = re.fullmatch(r"[0-9]{4}M([0-9]{2})", label)
    return int(m[1]) if m else None

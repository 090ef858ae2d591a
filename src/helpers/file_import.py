"""Import a file the analyst downloaded from a publisher that the refresh cannot reach by API.

    python -m helpers.file_import SPEC FILE [--retrieved YYYY-MM-DD] [--dry-run]

For Jobindsats.dk (without a token), uddannelsesstatistik.dk, the municipal energy and CO2
accounts (Energi- og CO2-regnskabet) and the national health profile (danskernessundhed.dk) the
book cannot fetch the numbers itself. The analyst downloads the table from the publisher's site
as CSV and imports it with a small spec (YAML, kept in ``data/imports/``; see
``docs/refresh.md``) that says which columns hold area, period and value and where the file came
from. The import:

1. keeps the downloaded file byte for byte in ``data/exports/<spec name>/`` (provenance: what
   was read), and records its sha256 in ``data/manifest.json`` under ``exports``;
2. turns every kept line into a snapshot row (``helpers.snapshot.COLUMNS``) with
   ``source_kind`` ``export`` (a first-hand export, helpers.sources), the publisher and URL of
   the spec, ``quote`` = the verbatim line, ``origin`` = ``export/<spec>/<file>:<line>`` and
   ``retrieved`` = the download date;
3. merges them into the indicator's snapshot file: rows from an earlier import of the same spec
   go; weaker rows with the same area/period/sex/age (copies, pages, press) stay as cross-checks
   (the page shows the export, helpers.load.pick_best), a live row keeps precedence and stays;
4. validates the file with ``helpers.snapshot.validate_frame`` before writing it atomically.

Bad input stops the import with one line naming the file, line and column.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers import paths
from helpers.areas import AREA_NAMES, REGION_SJAELLAND
from helpers.numbers import SUPPRESSED, parse_danish_number, parse_english_number
from helpers.periods import PeriodError, parse_period
from helpers.snapshot import KEY, normalise_area_name
from helpers.sources import SOURCE_KINDS

KIND = "export"
MANIFEST_NAME = "manifest.json"
SCHOOL_YEAR = re.compile(r"(\d{4})\s*/\s*(\d{4})")   # 2019/2020 -> 2019/20


class ImportError_(ValueError):
    """The spec or the downloaded file does not fit; the message names file, line and column."""


@dataclass
class ImportSpec:
    name: str
    indicator: str
    publisher: str
    source_url: str
    table: str
    unit: str
    area_column: str
    period_column: str
    value_column: str
    delimiter: str = ";"
    encoding: str = "utf-8-sig"
    decimal: str = ","
    skip_lines: int = 0
    area_kind: str = "name"                   # name | code
    areas: dict[str, str] = field(default_factory=dict)   # extra name -> code
    keep: dict[str, str] = field(default_factory=dict)    # column -> value: lines to keep
    sex: str = "i alt"
    age: str = "i alt"
    note: str = ""

    @classmethod
    def load(cls, path: Path) -> "ImportSpec":
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ImportError_(f"{path}: cannot read the spec ({exc})") from None
        if not isinstance(raw, dict):
            raise ImportError_(f"{path}: the spec must be a mapping")
        columns = raw.pop("columns", None) or {}
        known = set(cls.__dataclass_fields__) - {"name", "area_column", "period_column", "value_column"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ImportError_(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}, columns")
        missing = [k for k in ("indicator", "publisher", "source_url", "table", "unit") if not raw.get(k)]
        missing += [f"columns.{k}" for k in ("area", "period", "value") if not columns.get(k)]
        if missing:
            raise ImportError_(f"{path}: missing {', '.join(missing)}")
        if raw.get("area_kind", "name") not in ("name", "code"):
            raise ImportError_(f"{path}: area_kind must be 'name' or 'code'")
        if raw.get("decimal", ",") not in (",", "."):
            raise ImportError_(f"{path}: decimal must be ',' or '.'")
        return cls(name=path.stem, area_column=columns["area"], period_column=columns["period"],
                   value_column=columns["value"], **{k: v for k, v in raw.items()})


def area_code(spec: ImportSpec, text: str) -> str | None:
    """The Statistics Denmark code of an area cell, or None when the spec does not map it."""
    text = text.strip()
    if spec.area_kind == "code":
        return text if re.fullmatch(r"\d{3}", text) else None
    names = {**{v: k for k, v in AREA_NAMES.items()}, **{v: k for k, v in REGION_SJAELLAND.items()},
             **{k: str(v) for k, v in spec.areas.items()}}
    plain = re.sub(r"\s+Kommune$", "", text)
    return names.get(text) or names.get(plain)


def _period(text: str) -> Any:
    text = text.strip()
    m = SCHOOL_YEAR.fullmatch(text)
    if m and int(m[2]) == int(m[1]) + 1:
        text = f"{m[1]}/{m[2][2:]}"
    return parse_period(text)


def rows_from_file(spec: ImportSpec, content: bytes, file_label: str, retrieved: date) -> tuple[pd.DataFrame, int]:
    """Snapshot rows from the downloaded file, and the number of lines skipped (areas not mapped)."""
    from helpers.snapshot import COLUMNS

    try:
        text = content.decode(spec.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportError_(f"{file_label}: not {spec.encoding} ({exc})") from None
    lines = text.splitlines()[spec.skip_lines:]
    reader = csv.reader(lines, delimiter=spec.delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportError_(f"{file_label}: the file is empty") from None
    wanted = [spec.area_column, spec.period_column, spec.value_column, *spec.keep]
    absent = [c for c in wanted if c not in header]
    if absent:
        raise ImportError_(f"{file_label}: no column {', '.join(map(repr, absent))}; the header has "
                           f"{', '.join(header)}")
    parse = parse_danish_number if spec.decimal == "," else parse_english_number
    rows, skipped = [], 0
    for offset, cells in enumerate(reader):
        number = spec.skip_lines + offset + 2
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ImportError_(f"{file_label}:{number}: {len(cells)} fields, the header has {len(header)}")
        record = dict(zip(header, (c.strip() for c in cells)))
        if any(record[c] != str(v) for c, v in spec.keep.items()):
            continue
        code = area_code(spec, record[spec.area_column])
        if code is None:
            skipped += 1
            continue
        try:
            period = _period(record[spec.period_column])
        except PeriodError as exc:
            raise ImportError_(f"{file_label}:{number}: column {spec.period_column!r}: {exc}") from None
        cell = record[spec.value_column]
        try:
            value = parse(cell)
        except ValueError as exc:
            raise ImportError_(f"{file_label}:{number}: column {spec.value_column!r}: {exc}") from None
        flag = "" if value is not None else ("suppressed" if cell == SUPPRESSED else "missing")
        row = {column: "" for column in COLUMNS}
        row.update({
            "indicator_id": spec.indicator, "area_code": code,
            "area_name": normalise_area_name(code, record[spec.area_column]),
            "period": period.label, "period_type": period.kind,
            "period_start": period.start.isoformat() if period.start else "",
            "period_end": period.end.isoformat() if period.end else "",
            "value": value, "value_flag": flag, "unit": spec.unit, "sex": spec.sex, "age": spec.age,
            "source_kind": KIND, "publisher": spec.publisher, "table": spec.table,
            "source_url": spec.source_url, "quote": lines[number - 1 - spec.skip_lines],
            "retrieved": retrieved.isoformat(), "note": spec.note,
            "origin": f"{file_label}:{number}",
        })
        rows.append(row)
    if not rows:
        raise ImportError_(f"{file_label}: no line matched the spec ({skipped} line(s) had areas it does not map)")
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["value"] = pd.to_numeric(frame["value"]).astype(float)
    return frame, skipped


def _rank(kind: str) -> int:
    return SOURCE_KINDS.index(kind) if kind in SOURCE_KINDS else len(SOURCE_KINDS)


def merge_export(existing: pd.DataFrame, rows: pd.DataFrame, origin_prefix: str) -> tuple[pd.DataFrame, int]:
    """Existing rows + export rows; returns (merged, number of weaker rows the export outranks).

    The rows of an earlier import of the same spec (origin `exports/<spec>/`) are replaced. Rows
    of every other kind are kept, like helpers.snapshot.merge_live does for a refresh: the weaker
    ones become cross-checks (helpers.load.pick_best shows the best kind), and `make import`,
    which rewrites the harvest rows, would bring them back anyway.
    """
    existing = existing[~existing["origin"].str.startswith(origin_prefix)]
    keys = set(map(tuple, rows[rows["value_flag"] == ""][KEY].astype(str).itertuples(index=False, name=None)))
    row_keys = list(map(tuple, existing[KEY].astype(str).itertuples(index=False, name=None)))
    weaker = [k in keys and _rank(kind) > _rank(KIND) for k, kind in zip(row_keys, existing["source_kind"])]
    parts = [p for p in (existing, rows) if len(p)]
    return pd.concat(parts, ignore_index=True), sum(weaker)


def import_file(spec_path: Path, file_path: Path, retrieved: date, *, dry_run: bool = False) -> str:
    """Run one import; returns the one-line summary. Raises ImportError_ / SnapshotError."""
    from helpers.snapshot import atomic_write_bytes, read_indicator, render_csv, snapshot_path, validate_frame

    spec = ImportSpec.load(spec_path)
    try:
        content = file_path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{file_path}: {exc}") from None
    kept_copy = paths.data_dir() / "exports" / spec.name / file_path.name
    label = kept_copy.relative_to(paths.data_dir()).as_posix()
    rows, skipped = rows_from_file(spec, content, label, retrieved)
    existing = read_indicator(spec.indicator)
    merged, superseded = merge_export(existing, rows, f"exports/{spec.name}/")
    new_bytes = render_csv(validate_frame(spec.indicator, merged))
    summary = (f"{spec.indicator}: {len(rows)} rækker fra {file_path.name} ({spec.publisher}), "
               f"{superseded} svagere rækker erstattes, {skipped} linjer med andre områder sprunget over")
    if dry_run:
        return "(dry-run) " + summary
    manifest_file = paths.data_dir() / MANIFEST_NAME
    manifest = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
    manifest.setdefault("exports", {})[spec.indicator] = {
        "spec": f"data/imports/{spec_path.name}", "file": label, "publisher": spec.publisher,
        "source_url": spec.source_url, "retrieved": retrieved.isoformat(),
        "file_sha256": hashlib.sha256(content).hexdigest(), "rows": len(merged),
        "sha256": hashlib.sha256(new_bytes).hexdigest(),
    }
    atomic_write_bytes(kept_copy, content)
    atomic_write_bytes(snapshot_path(spec.indicator), new_bytes)
    atomic_write_bytes(manifest_file, (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
                                       + "\n").encode("utf-8"))
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.file_import", description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", type=Path, help="the import spec (YAML), e.g. data/imports/jobindsats_y25i09.yaml")
    parser.add_argument("file", type=Path, help="the file downloaded from the publisher (CSV)")
    parser.add_argument("--retrieved", type=date.fromisoformat, default=date.today(),
                        help="the day the file was downloaded (default today)")
    parser.add_argument("--dry-run", action="store_true", help="check and print, write nothing")
    args = parser.parse_args(argv)
    try:
        print(import_file(args.spec, args.file, args.retrieved, dry_run=args.dry_run))
    except ValueError as exc:
        print(f"FEJL / FAILED: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

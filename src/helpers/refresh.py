"""Refresh the snapshot from Statistics Denmark's Statbank API.

    python -m helpers.refresh [--only ID ...] [--dry-run | --plan] [--base-url URL]
                              [--include-unverified] [--timeout S] [--retries N]

(``make data ARGS="..."``; ``$STATBANK_BASE_URL`` sets the default API root.) The live block's
fields (national-only and elimination modes, per-record areas, client-side sums and shares,
time formats, the FOLK1A 1 January conversion) are described in docs/refresh.md.
``--plan`` prints each indicator's request(s) as a curl command and a GET URL and the shown
rows they would replace, without touching the network or any file.

For every catalog indicator whose ``sources.live`` names publisher Danmarks Statistik and a
table (and, unless ``--include-unverified``, is marked ``verified: true``), the command:

1. reads ``tableinfo`` and validates every query of the indicator (see :func:`plan_queries`)
   before fetching any;
2. fetches the data and turns it into tidy snapshot rows (``source_kind`` live, origin
   ``statbank:<TABLE>``, ``retrieved`` = fetch date, ``updated`` = ``tableinfo.updated``);
3. merges them with the indicator's snapshot file (``helpers.snapshot.merge_live``): the
   previous live rows are replaced; rows of every other source kind stay. A page shows per
   observation the best kind with a number (``helpers.load.pick_best``), so a live number
   outranks the rows with the same area/period/sex/age, which become cross-checks, and a
   live row without a number (suppressed or missing) gives way to a row that has one. The
   printed "N viste rækker erstattes" counts the rows shown before that a live number now outranks;
4. validates and writes the file atomically and records it in ``data/manifest.json``
   (also written atomically; per indicator: source, table, fetched_at, rows, sha256). When
   a new snapshot file appears, ``data/datapackage.json`` is rewritten to list it.

A failing indicator leaves its file byte-for-byte as it was; the others still proceed. At the
end every failure is printed on one line (to stderr) and the exit status is 1.
Unverified live queries are skipped by default: with ``variables: {}`` the API silently sums
every variable left out, which gives a number but not the indicator's number.

Exit status: 0 all good; 1 at least one indicator failed; 2 usage error (e.g. unknown id) or
a broken catalog (one line naming the file);
3 the API could not be reached (nothing was touched).
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from helpers import paths
from helpers.load import pick_best
from helpers.snapshot import KEY, merge_live, normalise_area_name  # noqa: F401  (KEY, merge_live re-exported)
from helpers.sources import SOURCE_KINDS
from helpers.statbank import (
    DEFAULT_BASE_URL, StatbankClient, StatbankError, StatbankOffline, TableInfo, data_request_body,
    data_request_url,
)

PUBLISHER = "Danmarks Statistik"
SOURCE_URL = "https://www.statbank.dk/{table}"
MANIFEST_NAME = "manifest.json"

OFFLINE_MESSAGE = ("Ingen forbindelse til Statbank-API'et ({url}): intet er ændret. "
                   "/ No connection to the Statbank API: nothing was changed.")

# Variables whose fixed code becomes the snapshot's sex / age column.
SEX_VARIABLES = {"køn", "koen", "kon"}
AGE_VARIABLES = {"alder"}
TOTAL_CODES = {"tot", "ialt", "i alt"}
# Sex totals differ by table: AED06/AED021/AED022/AED07 use 100, the INDKP and NEET*-health
# tables MOK (statbank-tables.md, finding 4).
SEX_TOTAL_CODES = {"100", "MOK"}
SEX_TOTAL_TEXTS = {"i alt", "køn i alt", "begge køn", "mænd og kvinder i alt"}
NATIONAL = ("000", "Hele landet")
SUM_PART = "\x00sum"   # pseudo-code for a summed numerator (never a Statbank code)
BASE_URL_ENV = "STATBANK_BASE_URL"


class RefreshError(Exception):
    """An indicator cannot be refreshed; the message says why in one line."""


@dataclass
class Outcome:
    indicator_id: str
    table: str
    live_rows: int = 0
    superseded: int = 0
    changed: bool = False
    created: bool = False
    path: Path | None = None
    summary: str = ""


@dataclass
class LiveSource:
    table: str
    area_variable: str | None
    time_variable: str
    variables: dict[str, list[str]]
    unit: str
    verified: bool
    url: str
    national_only: bool = False
    areas: list[str] | None = None
    national: str | None = None
    sums: dict[str, list[str]] = field(default_factory=dict)
    share_of: dict[str, str] = field(default_factory=dict)
    time_format: str | None = None
    periods: str | None = None
    period_as: str | None = None
    sex_label: str | None = None
    age_label: str | None = None
    confirm: str = ""


# --------------------------------------------------------------------------- catalog access
def _field(obj: Any, name: str, default: Any = None) -> Any:
    """Read a field from a catalog record that may be a mapping or an object."""
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _codes(value: Any) -> list[str]:
    return [str(c) for c in (value if isinstance(value, (list, tuple)) else [value])]


def live_source(record: Any) -> LiveSource | None:
    """The record's Statbank live query, or None when it has none."""
    live = _field(_field(record, "sources"), "live")
    return live_source_from_block(live, record)


def live_source_from_block(live: Any, record: Any = None) -> LiveSource | None:
    """A ``sources.live`` block (see docs/refresh.md) as a LiveSource; None when not Statbank."""
    if not live or str(_field(live, "publisher", "")).strip().casefold() != PUBLISHER.casefold():
        return None
    table = str(_field(live, "table") or "").strip().upper()
    if not table:
        return None
    variables = _field(live, "variables") or {}
    sums = _field(live, "sum") or {}
    share = _field(live, "share_of") or {}
    areas = _field(live, "areas")
    return LiveSource(
        table=table,
        area_variable=_field(live, "area_variable") or None,
        time_variable=_field(live, "time_variable") or "Tid",
        variables={str(k): _codes(v) for k, v in dict(variables).items()},
        unit=str(_field(live, "unit") or _field(record, "unit") or ""),
        verified=bool(_field(live, "verified", False)),
        url=str(_field(live, "url") or SOURCE_URL.format(table=table)),
        national_only=bool(_field(live, "national_only", False)),
        areas=[str(a) for a in areas] if areas is not None else None,
        national=_field(live, "national") or None,
        sums={str(k): _codes(v) for k, v in dict(sums).items()},
        share_of={str(k): str(v) for k, v in dict(share).items()},
        time_format=_field(live, "time_format") or None,
        periods=_field(live, "periods") or None,
        period_as=_field(live, "period_as") or None,
        sex_label=_field(live, "sex_label") or None,
        age_label=_field(live, "age_label") or None,
        confirm=str(_field(live, "confirm") or ""),
    )


def load_catalog():
    """The catalog (``helpers.catalog.load_catalog``); a seam for tests."""
    from helpers.catalog import load_catalog as _load

    return _load()


# --------------------------------------------------------------------------- queries
@dataclass
class QueryPart:
    """One ``data`` request of an indicator: the query and how its rows get an area."""

    query: dict[str, list[str]]
    # None: the area variable is in the query. Otherwise every row gets this (code, name):
    # national-only tables, and the national total by eliminating the area variable.
    fixed_area: tuple[str, str] | None = None
    how: str = ""


@dataclass
class Plan:
    indicator_id: str
    live: LiveSource
    parts: list[QueryPart]
    notes: list[str]          # e.g. comparison areas the table lacks (logged, not queried)


def plan_queries(indicator_id: str, record: Any, live: LiveSource) -> Plan:
    """The request(s) an indicator's live block means, without asking the API.

    * ``area_variable`` + the area list (``sources.live.areas`` when given, else the record's
      ``comparison_areas``); comparison areas outside an explicit ``areas`` list are logged;
    * ``national_only: true`` (no area variable): one query, every row is Hele landet (000);
    * ``national: elimination``: a second query without the area variable gives Hele landet
      for tables that have municipalities only (BEV107, DEMO19 ...);
    * fixed ``variables`` (one code each), ``sum`` (one variable, several codes, summed here,
      client-side) and ``share_of`` (a variable whose code in ``variables`` is divided by the
      code given here, times 100).
    """
    notes: list[str] = []
    if live.national_only and live.area_variable:
        raise RefreshError("sources.live has both national_only and area_variable")
    if not live.national_only and not live.area_variable:
        raise RefreshError("sources.live has no area_variable, so rows cannot be given an area_code "
                           "(say national_only: true for a table without areas)")
    base: dict[str, list[str]] = {live.time_variable: ["*"]}
    special = {live.time_variable.casefold()} | ({live.area_variable.casefold()} if live.area_variable else set())
    for variable, codes in live.variables.items():
        if len(codes) != 1:
            raise RefreshError(f"fixed variable {variable} must have exactly one code, has {codes} "
                               "(use sum: for several codes)")
        if variable.casefold() in special:
            raise RefreshError(f"variable {variable} is both fixed and the area/time variable")
        base[variable] = list(codes)
    if len(live.sums) > 1:
        raise RefreshError(f"sum: may name one variable, names {', '.join(live.sums)}")
    for variable, codes in live.sums.items():
        if variable in base or variable.casefold() in special:
            raise RefreshError(f"variable {variable} is both summed and fixed")
        if len(codes) < 2:
            raise RefreshError(f"sum: {variable} needs at least two codes, has {codes}")
        base[variable] = list(codes)
    if len(live.share_of) > 1:
        raise RefreshError(f"share_of: may name one variable, names {', '.join(live.share_of)}")
    for variable, whole in live.share_of.items():
        # The numerator is the variable's fixed code, or the sum of its codes in sum:.
        if variable in live.sums:
            if whole in live.sums[variable]:
                raise RefreshError(f"share_of: {variable} whole {whole} is also a summed part")
            base[variable] = [*live.sums[variable], whole]
            continue
        if variable not in live.variables:
            raise RefreshError(f"share_of: {variable} must also be fixed in variables or summed in sum: "
                               "(the numerator)")
        if whole == live.variables[variable][0]:
            raise RefreshError(f"share_of: {variable} divides {whole} by itself")
        base[variable] = [live.variables[variable][0], whole]
    if live.national_only:
        return Plan(indicator_id, live, [QueryPart(base, NATIONAL, "landstal (tabellen har ingen områder)")],
                    notes)

    comparison = [str(a) for a in (_field(record, "comparison_areas") or [])]
    areas = live.areas if live.areas is not None else comparison
    if live.areas is not None:
        lacking = [a for a in comparison if a not in live.areas
                   and not (a == NATIONAL[0] and live.national == "elimination")]
        if lacking:
            notes.append(f"{', '.join(lacking)} findes ikke i {live.table} og hentes ikke "
                         f"/ not in {live.table}, not queried")
    if not areas:
        raise RefreshError("the record has no comparison_areas to query")
    parts = [QueryPart({live.area_variable: list(areas), **base})]
    if live.national == "elimination":
        parts.append(QueryPart(dict(base), NATIONAL,
                               f"Hele landet ved eliminering af {live.area_variable} (summen af alle områder)"))
    elif live.national:
        raise RefreshError(f"national: {live.national!r} is not 'elimination'")
    return Plan(indicator_id, live, parts, notes)


def build_query(indicator_id: str, record: Any, live: LiveSource) -> dict[str, list[str]]:
    """The first (main) query of an indicator; see :func:`plan_queries`."""
    return plan_queries(indicator_id, record, live).parts[0].query


# --------------------------------------------------------------------------- transform
def _sex_label(code: str, text: str) -> str:
    lowered = text.strip().casefold()
    if code.casefold() in TOTAL_CODES or code.upper() in SEX_TOTAL_CODES or lowered in SEX_TOTAL_TEXTS:
        return "i alt"
    if lowered in {"mænd", "mand"}:
        return "mænd"
    if lowered in {"kvinder", "kvinde"}:
        return "kvinder"
    raise RefreshError(f"cannot map KØN code {code!r} ({text!r}) to i alt/mænd/kvinder")


def _age_label(code: str, text: str) -> str:
    lowered = text.strip().casefold()
    if code.casefold() in TOTAL_CODES or lowered in {"i alt", "alder i alt"}:
        return "i alt"
    if m := re.fullmatch(r"(\d+) år og derover", lowered):
        return f"{m[1]}+"
    if m := re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))? år", lowered):
        return f"{m[1]}-{m[2]}" if m[2] else m[1]
    return text.strip()


def _combine(frame: pd.DataFrame, by: list[str], how: str) -> pd.DataFrame:
    """Sum (``how='sum'``) the cells of each group: a number only when every part has one."""
    records = []
    for key, group in frame.groupby(by, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        suppressed = bool(group["suppressed"].any())
        complete = not suppressed and not bool(group["missing"].any())
        value = float(group["value"].sum()) if complete else math.nan
        records.append((*key, value, suppressed, not complete and not suppressed,
                        bool(group["implicit_zero"].any())))
    return pd.DataFrame.from_records(records, columns=[*by, "value", "suppressed", "missing", "implicit_zero"])


def _share(frame: pd.DataFrame, variable: str, part: str, whole: str, by: list[str]) -> pd.DataFrame:
    """100 * part / whole per group; no number when either lacks one or the whole is 0."""
    records = []
    for key, group in frame.groupby(by, sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        cells = {row[variable]: row for row in group.to_dict(orient="records")}
        top, bottom = cells.get(part), cells.get(whole)
        if top is None or bottom is None:
            raise RefreshError(f"share_of: {variable} {part}/{whole} incomplete for {key}")
        suppressed = bool(top["suppressed"] or bottom["suppressed"])
        ok = not suppressed and not top["missing"] and not bottom["missing"] and bottom["value"] != 0
        value = 100.0 * top["value"] / bottom["value"] if ok else math.nan
        records.append((*key, value, suppressed, not ok and not suppressed,
                        bool(top["implicit_zero"] or bottom["implicit_zero"])))
    return pd.DataFrame.from_records(records, columns=[*by, "value", "suppressed", "missing", "implicit_zero"])


def _period(live: LiveSource, label: str, info: TableInfo):
    from helpers.periods import PeriodError, parse_period

    try:
        period = parse_period(_period_label(label))
    except PeriodError as exc:
        raise RefreshError(f"{info.id}: {exc}") from None
    if live.time_format and period.kind != live.time_format:
        raise RefreshError(f"{info.id}: period {label!r} is a {period.kind}, sources.live.time_format says "
                           f"{live.time_format}")
    if live.period_as == "start_date":
        # FOLK1A's 2024K1 is the population on 1 January 2024: stored as that date so it meets
        # the curated and copied "1. januar 2024" rows of the same indicator.
        period = parse_period(period.start.isoformat())
    elif live.period_as:
        raise RefreshError(f"period_as: {live.period_as!r} is not 'start_date'")
    return period


def _period_label(label: str) -> str:
    # HISBK writes a 5-year period as 2021:2025; the snapshot's year range is 2021-2025.
    m = re.fullmatch(r"(\d{4}):(\d{4})", str(label))
    return f"{m[1]}-{m[2]}" if m else str(label)


def _keep_period(live: LiveSource, label: str) -> bool:
    return not live.periods or str(label).endswith(str(live.periods))


def live_rows(indicator_id: str, live: LiveSource, info: TableInfo, frame: pd.DataFrame,
              query: Mapping[str, Sequence[str]], retrieved: date,
              fixed_area: tuple[str, str] | None = None, how: str = "") -> pd.DataFrame:
    """Tidy snapshot rows (helpers.snapshot.COLUMNS) from a StatbankClient.data frame."""
    from helpers.snapshot import COLUMNS

    area_var = info.variable(live.area_variable) if fixed_area is None else None
    time_var = info.variable(live.time_variable)
    sum_vars = {info.variable(v).id: codes for v, codes in live.sums.items()}
    share = {info.variable(v).id: (live.variables[v][0] if v in live.variables else SUM_PART, whole)
             for v, whole in live.share_of.items()}
    structural = {time_var.id} | ({area_var.id} if area_var else set())
    fixed = [info.variable(v) for v in query
             if info.variable(v).id not in structural | set(sum_vars) | set(share)]
    sex, age = "i alt", "i alt"
    described = []
    for variable in fixed:
        code = query[variable.id][0]
        text = variable.text_of(code)
        described.append(f"{variable.id}={code} ({text})")
        if variable.id.casefold() in SEX_VARIABLES:
            sex = _sex_label(code, text)
        elif variable.id.casefold() in AGE_VARIABLES:
            age = _age_label(code, text)
    by = [c for c in frame.columns if c in {v.id for v in fixed} | structural]
    for variable_id, codes in sum_vars.items():
        described.append(f"summen af {variable_id}={'+'.join(codes)} "
                         f"({' + '.join(info.variable(variable_id).text_of(c) for c in codes)})")
        if variable_id in share:
            # Summed numerator of a share: the parts become one pseudo-code, the whole stays.
            frame = frame.assign(**{variable_id: frame[variable_id].where(~frame[variable_id].isin(codes),
                                                                          SUM_PART)})
        frame = _combine(frame, by + [v for v in share if v in frame.columns], "sum")
    for variable_id, (part, whole) in share.items():
        variable = info.variable(variable_id)
        part_text = "summen ovenfor" if part == SUM_PART else f"{variable_id}={part} ({variable.text_of(part)})"
        described.append(f"andel: {part_text} i pct. af {variable_id}={whole} ({variable.text_of(whole)})")
        frame = _share(frame, variable_id, part, whole, by)
    sex = live.sex_label or sex
    age = live.age_label or age
    source_url = SOURCE_URL.format(table=info.id)
    rows = []
    for record in frame.to_dict(orient="records"):
        period_label = record[time_var.id]
        if not _keep_period(live, period_label):
            continue
        period = _period(live, period_label, info)
        if area_var is not None:
            code = record[area_var.id]
            area_name = normalise_area_name(code, area_var.text_of(code))
            where = f"{area_var.id}={code} ({area_name})"
        else:
            code, area_name = fixed_area
            where = how or area_name
        note = ""
        if record["suppressed"]:
            value, flag = None, "suppressed"
        elif record["missing"]:
            value, flag = None, "missing"
        else:
            value, flag = float(record["value"]), ""
            if record["implicit_zero"]:
                note = "BULK-udtræk: kombinationen var ikke med, hvilket ifølge Danmarks Statistik betyder 0"
        quote = (f"Statistikbanken {info.id} ({info.text}), API-forespørgsel: "
                 f"{where}; " + "".join(f"{t}; " for t in described) + f"{time_var.id}={period_label}")
        row = {column: "" for column in COLUMNS}   # columns added later (e.g. `via`) stay empty
        row.update({
            "indicator_id": indicator_id,
            "area_code": code,
            "area_name": area_name,
            "period": period.label,
            "period_type": period.kind,
            "period_start": period.start.isoformat() if period.start else "",
            "period_end": period.end.isoformat() if period.end else "",
            "value": value,
            "value_flag": flag,
            "unit": live.unit or info.unit,
            "sex": sex,
            "age": age,
            "source_kind": "live",
            "publisher": PUBLISHER,
            "table": info.id,
            "source_url": source_url,
            "quote": quote,
            "retrieved": retrieved.isoformat(),
            "updated": info.updated,
            "note": note,
            "origin": f"statbank:{info.id}",
        })
        rows.append(row)
    result = pd.DataFrame(rows, columns=COLUMNS)
    result["value"] = pd.to_numeric(result["value"], errors="raise").astype(float)
    return result


# --------------------------------------------------------------------------- what a page shows
def _rank(kind: str) -> int:
    # Kinds from before helpers.sources (e.g. `curated`) rank below every listed kind.
    return SOURCE_KINDS.index(kind) if kind in SOURCE_KINDS else len(SOURCE_KINDS)


def shown_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows a page shows: per (area, period, sex, age, unit) the best source kind with a value.

    helpers.load.pick_best's own choice (a row with a number beats one without, then
    helpers.sources precedence; same-kind twins count once), without its cross-checks: those
    depend on the record's decimals, the choice does not.
    """
    if frame.empty:
        return frame
    shown, _cross_checks = pick_best(frame, decimals=0)
    return shown


def rows_to_replace(existing: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Shown non-live rows a refresh could supersede: same areas, sex and age, a compatible period."""
    live = plan.live
    shown = shown_rows(existing)
    if shown.empty:
        return shown
    areas: set[str] = set()
    for part in plan.parts:
        areas |= {part.fixed_area[0]} if part.fixed_area else set(part.query[live.area_variable])
    kinds = {"year": {"year"}, "quarter": {"quarter"}, "month": {"month"}, "year_range": {"year_range"}}
    wanted = kinds.get(live.time_format or "", None)
    if live.period_as == "start_date":
        wanted = {"date"}
    mask = shown["area_code"].isin(areas) & (shown["source_kind"] != "live")
    if live.sex_label or not any(v.casefold() in SEX_VARIABLES for v in live.variables):
        mask &= shown["sex"] == (live.sex_label or "i alt")
    if live.age_label:
        mask &= shown["age"] == live.age_label
    if wanted:
        mask &= shown["period_type"].isin(wanted)
    if live.period_as == "start_date" and live.periods == "K1":
        mask &= shown["period"].str.endswith("-01-01")
    return shown[mask]


def _kinds_summary(frame: pd.DataFrame) -> str:
    counts = frame["source_kind"].value_counts()
    return ", ".join(f"{kind} {counts[kind]}" for kind in sorted(counts.index, key=_rank))


# --------------------------------------------------------------------------- files
def manifest_path() -> Path:
    return paths.data_dir() / MANIFEST_NAME


def read_manifest() -> dict:
    path = manifest_path()
    if not path.exists():
        return {"description": "Seneste Statbank-opdatering pr. indikator (helpers.refresh).", "indicators": {}}
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(manifest.get("indicators", {}), dict):
        raise RefreshError(f"{path}: 'indicators' is not an object")
    manifest.setdefault("indicators", {})
    return manifest


def render_manifest(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --------------------------------------------------------------------------- one indicator
def fetch_live_rows(client: StatbankClient, indicator_id: str, record: Any, live: LiveSource,
                    now: datetime) -> tuple[Plan, TableInfo, pd.DataFrame]:
    """Validate every query of the plan against tableinfo first, then fetch and transform."""
    plan = plan_queries(indicator_id, record, live)
    info = client.tableinfo(live.table)
    validated = [client.validate_query(info, part.query) for part in plan.parts]
    frames = []
    for part, query in zip(plan.parts, validated):
        frame = client.data(info.id, query)
        if frame.empty:
            raise RefreshError(f"{info.id} returned no rows for {query}")
        frames.append(live_rows(indicator_id, live, info, frame, query, now.date(), part.fixed_area, part.how))
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if rows.empty:
        raise RefreshError(f"{info.id}: no period matched periods: {live.periods!r}")
    return plan, info, rows


def refresh_indicator(client: StatbankClient, indicator_id: str, record: Any, live: LiveSource, *,
                      dry_run: bool, now: datetime) -> Outcome:
    """Fetch, merge, validate and (unless dry_run) write one indicator; raises on any failure."""
    from helpers.snapshot import (
        atomic_write_bytes, read_indicator, render_csv, snapshot_path, validate_frame,
    )

    plan, info, rows = fetch_live_rows(client, indicator_id, record, live, now)
    path = snapshot_path(indicator_id)
    old_bytes = path.read_bytes() if path.exists() else None
    existing = read_indicator(indicator_id)
    merged, _ = merge_live(existing, rows)
    # What a reader notices: shown rows (best kind before the refresh) that a live number now
    # outranks. They stay in the file as cross-checks; rows that were cross-checks already are not counted.
    with_value = set(map(tuple, rows.loc[rows["value_flag"] == "", KEY].astype(str).itertuples(index=False, name=None)))
    before = shown_rows(existing)
    before = before[before["source_kind"] != "live"] if len(before) else before
    outranked = before[[k in with_value for k in map(tuple, before[KEY].astype(str).itertuples(index=False, name=None))]] \
        if len(before) else before
    superseded = len(outranked)
    new_bytes = render_csv(validate_frame(indicator_id, merged))
    outcome = Outcome(indicator_id, info.id, live_rows=len(merged[merged["source_kind"] == "live"]),
                      superseded=superseded, changed=new_bytes != old_bytes, created=old_bytes is None,
                      path=path)
    previous_live = existing[existing["source_kind"] == "live"]
    verdict = "erstattet / replaced" if outcome.changed else "uændret / unchanged"
    outcome.summary = (f"{indicator_id}: {verdict}: {info.id}, {outcome.live_rows} live rækker "
                       f"(før {len(previous_live)}), {superseded} viste rækker erstattes"
                       + (f" ({_kinds_summary(outranked)})" if superseded else "")
                       + f", {'filen ændres' if outcome.changed else 'filen er uændret'}"
                       + "".join(f"; {note}" for note in plan.notes))
    if dry_run:
        return outcome

    manifest = read_manifest()
    manifest["indicators"][indicator_id] = {
        "source": f"statbank:{info.id}",
        "publisher": PUBLISHER,
        "table": info.id,
        "source_url": SOURCE_URL.format(table=info.id),
        "fetched_at": now.isoformat(timespec="seconds"),
        "table_updated": info.updated,
        "rows": len(merged),
        "live_rows": outcome.live_rows,
        "requests": [data_request_body(info.id, client.validate_query(info, part.query), "CSV", client.lang)
                     for part in plan.parts],
        "sha256": sha256(new_bytes),
    }
    manifest_bytes = render_manifest(manifest)
    if outcome.changed:
        atomic_write_bytes(path, new_bytes)
    try:
        atomic_write_bytes(manifest_path(), manifest_bytes)
    except BaseException:
        # Keep file and manifest consistent: put the previous snapshot back.
        if outcome.changed:
            if old_bytes is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write_bytes(path, old_bytes)
        raise
    return outcome


# --------------------------------------------------------------------------- plan
def describe_plan(plan: Plan, base_url: str, existing: pd.DataFrame) -> list[str]:
    """What ``--plan`` prints for one indicator: the request(s), as sent, and the rows they replace.

    Offline by design: it reads the catalog and the snapshot only. The API itself puts the
    variables in table order and may switch an oversized CSV request to BULK (statbank.py).
    """
    live = plan.live
    state = "verificeret / verified" if live.verified else "IKKE verificeret / NOT verified"
    lines = [f"== {plan.indicator_id}: {live.table} ({state})"]
    if not live.verified and live.confirm:
        lines.append(f"   bekræft online / confirm online: {live.confirm}")
    for number, part in enumerate(plan.parts, start=1):
        body = json.dumps(data_request_body(live.table, part.query), ensure_ascii=False)
        if len(plan.parts) > 1 or part.how:
            lines.append(f"   forespørgsel {number}" + (f" ({part.how})" if part.how else ""))
        lines.append(f"   curl -s -X POST {base_url.rstrip('/')}/data -H 'Content-Type: application/json' "
                     f"-d '{body}'")
        lines.append(f"   GET {data_request_url(base_url, live.table, part.query)}")
    extra = []
    if live.sums:
        extra += [f"summeres her / summed here: {v}={'+'.join(c)}" for v, c in live.sums.items()]
    if live.share_of:
        extra += [f"andel beregnes her / share computed here: {v}={live.variables[v][0]} / {v}={w} x 100"
                  for v, w in live.share_of.items()]
    if live.periods:
        extra.append(f"kun perioder der ender på {live.periods}")
    if live.period_as == "start_date":
        extra.append("perioden gemmes som dens første dag (2024K1 -> 2024-01-01)")
    lines += [f"   {e}" for e in extra] + [f"   {note}" for note in plan.notes]
    replace = rows_to_replace(existing, plan)
    if len(replace):
        periods = sorted(replace["period"])
        lines.append(f"   erstatter / replaces {len(replace)} viste rækker ({_kinds_summary(replace)}) "
                     f"for {', '.join(sorted(replace['area_code'].unique()))}, {periods[0]} .. {periods[-1]}, "
                     f"når tabellen har perioden / where the table has the period")
    else:
        lines.append("   erstatter ingen viste rækker / replaces no shown rows (adds new ones)")
    return lines


# --------------------------------------------------------------------------- command line
def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, (StatbankError, RefreshError, ValueError)):
        text = f"{type(exc).__name__}: {text}"
    return text


def _catalog_line(exc: BaseException) -> str:
    problems = list(getattr(exc, "problems", None) or [str(exc)])
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return " ".join(problems[0].split()) + more


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    default_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    parser = argparse.ArgumentParser(
        prog="python -m helpers.refresh",
        description="Refresh the snapshot of every catalog indicator with a Statbank live source.")
    parser.add_argument("--only", nargs="+", metavar="ID", help="refresh only these indicator ids")
    parser.add_argument("--dry-run", action="store_true",
                        help="fetch and validate, print what would change, write nothing")
    parser.add_argument("--plan", action="store_true",
                        help="print each indicator's request(s) and the shown rows they would replace; "
                             "no network, writes nothing")
    parser.add_argument("--base-url", default=default_url,
                        help=f"API root (default ${BASE_URL_ENV} or {DEFAULT_BASE_URL})")
    parser.add_argument("--include-unverified", action="store_true",
                        help="also try live queries marked verified: false")
    parser.add_argument("--timeout", type=float, default=30.0, help="read timeout per request, seconds (30)")
    parser.add_argument("--retries", type=int, default=3, help="retries after a transient failure (3)")
    return parser.parse_args(argv)


def run_plan(selected, skipped, base_url: str, out) -> int:
    from helpers.snapshot import read_indicator

    failures = 0
    for indicator_id, record, live in selected + [s for s in skipped if s[2] is not None]:
        try:
            plan = plan_queries(indicator_id, record, live)
            lines = describe_plan(plan, base_url, read_indicator(indicator_id))
        except Exception as exc:  # noqa: BLE001 - one broken block must not hide the others
            failures += 1
            lines = [f"== {indicator_id}: FEJL / FAILED: {_one_line(exc)}"]
        print("\n".join(lines), file=out)
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None, *, now: Callable[[], datetime] | None = None,
         sleep: Callable[[float], None] | None = None) -> int:
    args = parse_args(argv)
    out, err = sys.stdout, sys.stderr
    try:
        catalog = load_catalog()
    except ValueError as exc:  # CatalogError (a ValueError): one line, not a traceback
        print(f"FEJL / FAILED katalog / catalog: {_catalog_line(exc)}", file=err)
        return 2
    indicators: Mapping[str, Any] = _field(catalog, "indicators") or {}

    if args.only:
        unknown = [i for i in args.only if i not in indicators]
        if unknown:
            for i in unknown:
                close = difflib.get_close_matches(i, list(indicators), n=3)
                print(f"Ukendt indikator / unknown indicator: {i}"
                      + (f" (mente du {', '.join(close)}?)" if close else ""), file=err)
            return 2
    selected, skipped = [], []
    for indicator_id in (args.only or sorted(indicators)):
        record = indicators[indicator_id]
        live = live_source(record)
        if live is None:
            if args.only:
                skipped.append((indicator_id, record, None,
                                "har ingen Statbank-kilde (sources.live) / no Statbank live source"))
            continue
        if not live.verified and not args.include_unverified:
            reason = f"{live.table} er ikke verificeret (verified: false); brug --include-unverified"
            if live.confirm:
                reason += f"; bekræft / confirm: {live.confirm}"
            skipped.append((indicator_id, record, live, reason))
            continue
        selected.append((indicator_id, record, live))

    if args.plan:
        return run_plan(selected, [(i, r, lv) for i, r, lv, _ in skipped], args.base_url, out)

    if not selected:
        for indicator_id, _, _, reason in skipped:
            print(f"springes over / skipped {indicator_id}: {reason}", file=out)
        print("Ingen indikatorer at opdatere / nothing to refresh.", file=out)
        return 0

    client_kwargs: dict[str, Any] = {"timeout": args.timeout, "retries": args.retries}
    if sleep is not None:
        client_kwargs["sleep"] = sleep
    client = StatbankClient(base_url=args.base_url, **client_kwargs)
    try:
        client.probe(connect_timeout=3.0, read_timeout=min(args.timeout, 15.0))
    except StatbankOffline:
        print(OFFLINE_MESSAGE.format(url=args.base_url), file=err)
        return 3
    except StatbankError:
        pass  # it answered: every indicator reports its own problem below

    for indicator_id, _, _, reason in skipped:
        print(f"springes over / skipped {indicator_id}: {reason}", file=out)
    clock = now or (lambda: datetime.now(timezone.utc).astimezone())
    failures: list[tuple[str, str]] = []
    created = False
    for indicator_id, record, live in selected:
        try:
            outcome = refresh_indicator(client, indicator_id, record, live, dry_run=args.dry_run, now=clock())
        except Exception as exc:  # noqa: BLE001 - any failure must leave the others running
            failures.append((indicator_id, _one_line(exc)))
            print(f"FEJL / FAILED {indicator_id}: {_one_line(exc)}", file=err)
            continue
        created = created or (outcome.created and not args.dry_run)
        prefix = "(dry-run) " if args.dry_run else ""
        print(prefix + outcome.summary, file=out)

    if created:
        # A new snapshot file must be listed in data/datapackage.json as well.
        try:
            from helpers.import_harvest import write_datapackage

            write_datapackage()
        except Exception as exc:  # noqa: BLE001
            failures.append(("datapackage.json", _one_line(exc)))
            print(f"FEJL / FAILED datapackage.json: {_one_line(exc)}", file=err)

    if failures:
        print(f"{len(failures)} af {len(selected)} indikatorer fejlede; deres filer er uændrede.", file=err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

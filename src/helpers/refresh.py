"""Refresh the snapshot from Statistics Denmark's Statbank API.

    python -m helpers.refresh [--only ID ...] [--dry-run] [--base-url URL]
                              [--include-unverified] [--timeout S] [--retries N]

For every catalog indicator whose ``sources.live`` names publisher Danmarks Statistik and a
table (and, unless ``--include-unverified``, is marked ``verified: true``), the command:

1. reads ``tableinfo`` and validates the query: ``area_variable`` = the record's
   ``comparison_areas``, ``time_variable`` = ``*``, plus the fixed ``variables``;
2. fetches the data and turns it into tidy snapshot rows (``source_kind`` live, origin
   ``statbank:<TABLE>``, ``retrieved`` = fetch date, ``updated`` = ``tableinfo.updated``);
3. merges them with the indicator's snapshot file: the previous live rows are replaced; a
   live row with a number supersedes curated rows with the same area/period/sex/age; a
   live row without a number (suppressed or missing) gives way to a curated row that has
   one; all other curated rows stay;
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
import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from helpers import paths
from helpers.snapshot import KEY, merge_live, normalise_area_name  # noqa: F401  (KEY, merge_live re-exported)
from helpers.statbank import DEFAULT_BASE_URL, StatbankClient, StatbankError, StatbankOffline, TableInfo

PUBLISHER = "Danmarks Statistik"
SOURCE_URL = "https://www.statbank.dk/{table}"
MANIFEST_NAME = "manifest.json"

OFFLINE_MESSAGE = ("Ingen forbindelse til Statbank-API'et ({url}): intet er ændret. "
                   "/ No connection to the Statbank API: nothing was changed.")

# Variables whose fixed code becomes the snapshot's sex / age column.
SEX_VARIABLES = {"køn", "koen", "kon"}
AGE_VARIABLES = {"alder"}
TOTAL_CODES = {"tot", "ialt", "i alt"}


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


# --------------------------------------------------------------------------- catalog access
def _field(obj: Any, name: str, default: Any = None) -> Any:
    """Read a field from a catalog record that may be a mapping or an object."""
    if obj is None:
        return default
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def live_source(record: Any) -> LiveSource | None:
    """The record's Statbank live query, or None when it has none."""
    live = _field(_field(record, "sources"), "live")
    if not live or str(_field(live, "publisher", "")).strip().casefold() != PUBLISHER.casefold():
        return None
    table = str(_field(live, "table") or "").strip().upper()
    if not table:
        return None
    variables = _field(live, "variables") or {}
    return LiveSource(
        table=table,
        area_variable=_field(live, "area_variable") or None,
        time_variable=_field(live, "time_variable") or "Tid",
        variables={str(k): [str(c) for c in (v if isinstance(v, (list, tuple)) else [v])]
                   for k, v in dict(variables).items()},
        unit=str(_field(live, "unit") or _field(record, "unit") or ""),
        verified=bool(_field(live, "verified", False)),
        url=str(_field(live, "url") or SOURCE_URL.format(table=table)),
    )


def load_catalog():
    """The catalog (``helpers.catalog.load_catalog``); a seam for tests."""
    from helpers.catalog import load_catalog as _load

    return _load()


# --------------------------------------------------------------------------- transform
def build_query(indicator_id: str, record: Any, live: LiveSource) -> dict[str, list[str]]:
    if not live.area_variable:
        raise RefreshError("sources.live has no area_variable, so rows cannot be given an area_code")
    areas = [str(a) for a in (_field(record, "comparison_areas") or [])]
    if not areas:
        raise RefreshError("the record has no comparison_areas to query")
    query: dict[str, list[str]] = {live.area_variable: areas, live.time_variable: ["*"]}
    for variable, codes in live.variables.items():
        if len(codes) != 1:
            raise RefreshError(f"fixed variable {variable} must have exactly one code, has {codes}")
        if variable.casefold() in {live.area_variable.casefold(), live.time_variable.casefold()}:
            raise RefreshError(f"variable {variable} is both fixed and the area/time variable")
        query[variable] = codes
    return query


def _sex_label(code: str, text: str) -> str:
    lowered = text.strip().casefold()
    if code.casefold() in TOTAL_CODES or lowered in {"i alt", "køn i alt", "begge køn"}:
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


def live_rows(indicator_id: str, live: LiveSource, info: TableInfo, frame: pd.DataFrame,
              query: Mapping[str, Sequence[str]], retrieved: date) -> pd.DataFrame:
    """Tidy snapshot rows (helpers.snapshot.COLUMNS) from a StatbankClient.data frame."""
    from helpers.periods import PeriodError, parse_period
    from helpers.snapshot import COLUMNS

    area_var = info.variable(live.area_variable)
    time_var = info.variable(live.time_variable)
    fixed = [info.variable(v) for v in query if info.variable(v).id not in (area_var.id, time_var.id)]
    sex, age = "i alt", "i alt"
    fixed_text = []
    for variable in fixed:
        code = query[variable.id][0]
        text = variable.text_of(code)
        fixed_text.append(f"{variable.id}={code} ({text})")
        if variable.id.casefold() in SEX_VARIABLES:
            sex = _sex_label(code, text)
        elif variable.id.casefold() in AGE_VARIABLES:
            age = _age_label(code, text)
    source_url = SOURCE_URL.format(table=info.id)
    rows = []
    for record in frame.to_dict(orient="records"):
        code, period_label = record[area_var.id], record[time_var.id]
        try:
            period = parse_period(period_label)
        except PeriodError as exc:
            raise RefreshError(f"{info.id}: {exc}") from None
        area_name = normalise_area_name(code, area_var.text_of(code))
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
                 f"{area_var.id}={code} ({area_name}); " + "".join(f"{t}; " for t in fixed_text)
                 + f"{time_var.id}={period_label}")
        rows.append({
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
    result = pd.DataFrame(rows, columns=COLUMNS)
    result["value"] = pd.to_numeric(result["value"], errors="raise").astype(float)
    return result


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
def refresh_indicator(client: StatbankClient, indicator_id: str, record: Any, live: LiveSource, *,
                      dry_run: bool, now: datetime) -> Outcome:
    """Fetch, merge, validate and (unless dry_run) write one indicator; raises on any failure."""
    from helpers.snapshot import (
        atomic_write_bytes, read_indicator, render_csv, snapshot_path, validate_frame,
    )

    query = build_query(indicator_id, record, live)
    info = client.tableinfo(live.table)
    query = client.validate_query(info, query)
    frame = client.data(info.id, query)
    if frame.empty:
        raise RefreshError(f"{info.id} returned no rows for {query}")
    rows = live_rows(indicator_id, live, info, frame, query, now.date())

    path = snapshot_path(indicator_id)
    old_bytes = path.read_bytes() if path.exists() else None
    existing = read_indicator(indicator_id)
    merged, superseded = merge_live(existing, rows)
    new_bytes = render_csv(validate_frame(indicator_id, merged))
    outcome = Outcome(indicator_id, info.id, live_rows=len(merged[merged["source_kind"] == "live"]),
                      superseded=superseded, changed=new_bytes != old_bytes, created=old_bytes is None,
                      path=path)
    previous_live = existing[existing["source_kind"] == "live"]
    outcome.summary = (f"{indicator_id}: {info.id}, {outcome.live_rows} live rækker (før {len(previous_live)}), "
                       f"{superseded} kuraterede rækker erstattes, "
                       f"{'filen ændres' if outcome.changed else 'filen er uændret'}")
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
    parser = argparse.ArgumentParser(
        prog="python -m helpers.refresh",
        description="Refresh the snapshot of every catalog indicator with a Statbank live source.")
    parser.add_argument("--only", nargs="+", metavar="ID", help="refresh only these indicator ids")
    parser.add_argument("--dry-run", action="store_true",
                        help="fetch and validate, print what would change, write nothing")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"API root (default {DEFAULT_BASE_URL})")
    parser.add_argument("--include-unverified", action="store_true",
                        help="also try live queries marked verified: false")
    parser.add_argument("--timeout", type=float, default=30.0, help="read timeout per request, seconds (30)")
    parser.add_argument("--retries", type=int, default=3, help="retries after a transient failure (3)")
    return parser.parse_args(argv)


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
                skipped.append((indicator_id, "har ingen Statbank-kilde (sources.live) / no Statbank live source"))
            continue
        if not live.verified and not args.include_unverified:
            skipped.append((indicator_id, f"{live.table} er ikke verificeret (verified: false); "
                                          "brug --include-unverified"))
            continue
        selected.append((indicator_id, record, live))

    if not selected:
        for indicator_id, reason in skipped:
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

    for indicator_id, reason in skipped:
        print(f"springes over / skipped {indicator_id}: {reason}", file=out)
    clock = now or (lambda: datetime.now(timezone.utc).astimezone())
    failures: list[tuple[str, str]] = []
    created = False
    for indicator_id, record, live in selected:
        try:
            outcome = refresh_indicator(client, indicator_id, record, live, dry_run=args.dry_run, now=clock())
        except Exception as exc:  # noqa: BLE001 - any failure must leave the others running
            failures.append((indicator_id, _one_line(exc)))
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

    for indicator_id, reason in failures:
        print(f"FEJL / FAILED {indicator_id}: {reason}", file=err)
    if failures:
        print(f"{len(failures)} af {len(selected)} indikatorer fejlede; deres filer er uændrede.", file=err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

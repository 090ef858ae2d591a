"""Import the curated harvest into the tidy snapshot and describe it in data/datapackage.json.

    python -m helpers.import_harvest [--harvest DIR] [--prune]

DIR defaults to ../shared/data/harvest next to the repository (the shared harvest), or to
the verbatim copy in data/harvest when that does not exist. The files of DIR are first copied
verbatim into data/harvest (unless DIR is that folder), then every row of every *.csv becomes
one snapshot row with origin `harvest/<file>.csv:<line>` and a source kind (publisher_page,
press or wiki_mirror) given by `helpers.source_classes.classify` on its URL and publisher.
Then `helpers.import_harvest2` adds the series of data/harvest2 (api_copy, copy_computed, export).

Everything is read and checked before anything is written (docs/data-rules.md): a bad row, an
empty or header-only file, an indicator id the catalog does not know, an ambiguous number, or a
file or indicator that left the harvest stops the import with an error and changes nothing.
Only `--prune` removes what left the harvest: the copied file, and the harvest rows of an
indicator (its snapshot file too when nothing else remains in it); the import lists them.

Rows that did not come from the harvests (origin not `harvest/...` or `harvest2/...`, e.g. `live`
rows from helpers.refresh) are kept. Running the import twice gives byte-identical files.
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

from helpers import import_harvest2, paths, validate
from helpers.catalog import close_matches, load_catalog
from helpers.periods import KINDS, PeriodError, parse_period
from helpers.source_classes import classify
from helpers.sources import SOURCE_KIND_LABELS_DA, SOURCE_KINDS
from helpers.snapshot import (
    COLUMNS, INDICATOR_ID, PLAIN_NUMBER, atomic_write_bytes, check_plain_value, imported_row,
    list_indicators, merge_live, normalise_area_name, read_indicator, snapshot_path, validate_frame, write_rows,
)

HARVEST_COLUMNS = ["indicator_id", "indicator_da", "area_code", "area_name", "period", "value", "unit",
                   "sex", "age", "source_publisher", "source_table", "source_url", "excerpt", "note"]
# Files of the harvest folder that belong to it; anything else there is not copied.
HARVEST_PATTERNS = ("*.csv", "*.tables.md", "README.md")
# The origin of every snapshot row this importer writes starts with this.
ORIGIN_PREFIX = "harvest/"


class HarvestError(ValueError):
    """A harvest file or row that cannot be imported; the message names file and line."""


def default_harvest_dir() -> Path:
    shared = paths.ROOT.parent / "shared" / "data" / "harvest"
    return shared if shared.is_dir() else paths.data_dir() / "harvest"


def harvest_files(folder: Path) -> list[Path]:
    found = {p for pattern in HARVEST_PATTERNS for p in folder.glob(pattern) if p.is_file()}
    return sorted(found)


def copy_harvest(source: Path, target: Path) -> None:
    """Make `target` a verbatim copy of the harvest files in `source`.

    Files in `target` that `source` lacks are removed: `import_harvest` only gets here when
    there are none, or when --prune asked for their removal.
    """
    if source.resolve() == target.resolve():
        return
    files = harvest_files(source)
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in files}
    for stale in harvest_files(target):
        if stale.name not in wanted:
            stale.unlink()
    for src in files:
        dst = target / src.name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
            dst.chmod(0o644)


def read_harvest_csv(path: Path) -> list[dict]:
    """Snapshot rows (as text) for every data row of one harvest CSV."""
    origin_file = f"{ORIGIN_PREFIX}{path.name}"
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None:
            raise HarvestError(f"{path}: the file is empty; restore it, or delete it and import with --prune")
        if header != HARVEST_COLUMNS:
            raise HarvestError(f"{path}:1: columns are {header}, expected {HARVEST_COLUMNS}")
        # reader.line_num is the last physical line read; a record starts one line after the previous.
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if len(record) != len(HARVEST_COLUMNS):
                raise HarvestError(f"{path}:{line}: {len(record)} fields, expected {len(HARVEST_COLUMNS)}")
            rows.append(convert_row(dict(zip(HARVEST_COLUMNS, record)), path, line, origin_file))
    if not rows:
        raise HarvestError(f"{path}: a header and no rows; restore the rows, or delete the file and import with --prune")
    return rows


def convert_row(src: dict, path: Path, line: int, origin_file: str) -> dict:
    where = f"{path}:{line}"
    if not INDICATOR_ID.fullmatch(src["indicator_id"]):
        raise HarvestError(f"{where}: indicator_id {src['indicator_id']!r} is not lower-case letters, digits and '_'")
    for column in ("source_publisher", "source_url", "excerpt"):
        if not src[column].strip():
            raise HarvestError(f"{where}: {column} is empty")
    try:
        period = parse_period(src["period"])
    except PeriodError as exc:
        raise HarvestError(f"{where}: {exc}") from None
    value = check_plain_value(src["value"], where, HarvestError)
    return imported_row(
        indicator_id=src["indicator_id"], area_code=src["area_code"], area_name=src["area_name"], period=period,
        value=value, unit=src["unit"], sex=src["sex"], age=src["age"],
        source_kind=classify(src["source_url"], src["source_publisher"]), publisher=src["source_publisher"],
        table=src["source_table"], source_url=src["source_url"], quote=src["excerpt"], note=src["note"],
        origin=f"{origin_file}:{line}",
    )


HARVEST2_PREFIX = "harvest2/"


def _owned(frame: pd.DataFrame) -> pd.Series:
    """Rows this importer wrote (and rewrites): origin harvest/<file>.csv:<line> or harvest2/..."""
    return frame["origin"].str.startswith(ORIGIN_PREFIX) | frame["origin"].str.startswith(HARVEST2_PREFIX)


def _origin_files(frame: pd.DataFrame) -> set[str]:
    harvest1 = frame["origin"].str.startswith(ORIGIN_PREFIX)
    return {o[len(ORIGIN_PREFIX):].rsplit(":", 1)[0] for o in frame.loc[harvest1, "origin"]}


def _where(row: dict, source: Path) -> str:
    # origin is harvest/<file>.csv:<line>; the analyst edits the file in `source`.
    return str(source / row["origin"][len(ORIGIN_PREFIX):])


def import_harvest(harvest: Path | None = None, harvest2: Path | None = None, *, prune: bool = False,
                   report=None) -> dict[str, int]:
    """Check the harvest against the catalog and the snapshot, then copy it and rewrite the snapshot.

    Returns the number of harvest rows (harvest 1 + harvest 2) per indicator id. Raises HarvestError (nothing written)
    for anything in docs/data-rules.md. `report(line)` receives what --prune removed.
    """
    report = report or (lambda line: print(line))
    source = Path(harvest) if harvest is not None else default_harvest_dir()
    if not source.is_dir():
        raise HarvestError(f"harvest folder {source} does not exist")
    target = paths.data_dir() / "harvest"
    catalog = load_catalog()  # CatalogError names the catalog file

    csv_files = sorted(source.glob("*.csv"))
    if not csv_files:
        raise HarvestError(f"no *.csv files in {source}")
    existing = {indicator_id: read_indicator(indicator_id) for indicator_id in list_indicators()}

    # A harvest file that disappeared would silently take its rows with it.
    present = {p.name for p in harvest_files(source)}
    known = set()
    if target.resolve() != source.resolve():
        known |= {p.name for p in harvest_files(target)}
    for frame in existing.values():
        known |= _origin_files(frame)
    gone = sorted(known - present)
    if gone and not prune:
        raise HarvestError(f"{len(gone)} harvest file(s) known from data/harvest or the snapshot are missing from"
                           f" {source}: {', '.join(gone)}; restore them, or import with --prune to remove"
                           " their rows")

    curated: dict[str, list[dict]] = defaultdict(list)
    all_rows, wheres = [], []
    for path in csv_files:
        for row in read_harvest_csv(path):
            curated[row["indicator_id"]].append(row)
            all_rows.append(row)
            wheres.append(_where(row, source))

    unknown = {}
    for row, where in zip(all_rows, wheres):
        if row["indicator_id"] not in catalog.indicators:
            unknown.setdefault(row["indicator_id"], where)
    if unknown:
        lines = []
        for indicator_id, where in sorted(unknown.items(), key=lambda item: item[1]):
            close = close_matches(indicator_id, catalog.indicators, n=3)
            lines.append(f"{where}: indicator_id {indicator_id!r} is not in the catalog (data/catalog/indicators/)"
                         + (f"; closest known ids: {', '.join(close)}" if close else "; no similar id is known"))
        raise HarvestError(validate.first_lines(lines))
    # The same line twice is a slip of the editor, not a second source backing the first.
    problems = validate.exact_duplicate_problems([{k: v for k, v in row.items() if k != "origin"} for row in all_rows],
                                                 wheres)
    problems += validate.curated_number_problems(all_rows, wheres)
    if problems:
        raise HarvestError(validate.first_lines(problems))
    # Harvest 2 rows are written by the same code path below, as rows of their own kinds.
    source2 = Path(harvest2) if harvest2 is not None else import_harvest2.default_harvest2_dir()
    if not source2.is_dir():
        raise HarvestError(f"harvest2 folder {source2} does not exist")
    target2 = paths.data_dir() / "harvest2"
    rows2 = import_harvest2.harvest2_rows(source2)
    for row in rows2:
        curated[row["indicator_id"]].append(row)

    # Validate everything before writing anything, so a bad row leaves the snapshot untouched.
    frames, leaving = {}, []
    empty = pd.DataFrame(columns=COLUMNS)
    for indicator_id in sorted(set(curated) | set(existing)):
        old = existing.get(indicator_id, empty)
        owned = _owned(old) if len(old) else pd.Series([], dtype=bool)
        kept = old[~owned] if len(old) else old
        if indicator_id not in curated and owned.any():
            leaving.append((indicator_id, int(owned.sum()), len(kept)))
        live = kept[kept["source_kind"] == "live"]
        others = kept[kept["source_kind"] != "live"]
        new = pd.DataFrame(curated.get(indicator_id, []), columns=COLUMNS)
        # Re-importing must not bring back curated rows that a live refresh has superseded.
        merged = merge_live(new, live)[0] if len(live) else new
        parts = [part for part in (merged, others) if len(part)]
        frames[indicator_id] = pd.concat(parts, ignore_index=True) if parts else new
    if leaving and not prune:
        listed = "; ".join(f"{i} ({n} harvest rows{', file removed' if not rest else ''})" for i, n, rest in leaving)
        raise HarvestError(f"{len(leaving)} indicator(s) in data/snapshot left the harvest and would lose their"
                           f" harvest rows: {listed}; import with --prune to remove them")
    for indicator_id, record in sorted(catalog.indicators.items()):
        promised = (record.get("sources") or {}).get("curated")
        if promised and not len(frames.get(indicator_id, empty)):
            raise HarvestError(f"data/catalog/indicators/{indicator_id}.yaml says sources.curated: true, but the"
                               f" harvest in {source} has no row for {indicator_id}; add its rows or set"
                               " sources.curated: false")
    # The validated rows are what gets written (write_rows), so nothing is validated twice.
    validated = {indicator_id: validate_frame(indicator_id, frame) for indicator_id, frame in frames.items()}

    copy_harvest(source, target)
    import_harvest2.copy_harvest2(source2, target2)
    for indicator_id, frame in frames.items():
        if len(frame):
            write_rows(indicator_id, validated[indicator_id])
        else:
            # --prune: the indicator left the harvest and nothing else remains to describe.
            snapshot_path(indicator_id).unlink(missing_ok=True)
    for name in gone:
        report(f"pruned: harvest file {name} (no longer in {source})")
    for indicator_id, n, rest in leaving:
        report(f"pruned: {n} harvest rows of {indicator_id}"
               + (f" ({rest} other rows kept)" if rest else f", {snapshot_path(indicator_id)} removed"))
    write_datapackage()
    return {k: len(v) for k, v in sorted(curated.items())}


# --- data package ---------------------------------------------------------------------------

PACKAGE_NAME = "vision-2026-i-tal"
PACKAGE_TITLE = "Vision 2026 i tal – data"
PACKAGE_DESCRIPTION = (
    "Tal til bogen 'Vision 2026 i tal', der følger Sorø Kommunes Vision 2026. "
    "Én CSV-fil pr. indikator i mappen snapshot/ (tidy form: én række pr. område, periode, køn og alder). "
    "Rækker med source_kind publisher_page, press eller wiki_mirror er hentet fra en kurateret samling "
    "af offentliggjorte tal (harvest/, kopieret ordret); rækker med export, api_copy eller copy_computed "
    "er serier for alle kommuner kopieret fra offentlige kopier af udgivernes API'er (harvest2/, kopieret "
    "ordret; kolonnen via angiver kopien som <repository>@<commit>:<sti>). Hver række har kildens udgiver "
    "(publisher), tabel, adresse (source_url) og det ordrette uddrag eller den ordrette kildelinje, der "
    "indeholder tallet (quote), samt origin = fil og linje i samlingen. Samlingerne registrerer ikke, "
    "hvornår hvert tal blev hentet, så kolonnen retrieved er tom for dem. Rækker med source_kind 'live' "
    "er hentet fra Danmarks Statistiks Statistikbank (API) på datoen i retrieved; updated er tabellens "
    "egen opdateringstid. Kildearterne har en rangorden (live bedst, wiki_mirror svagest); en side viser "
    "den bedste og beholder de andre som krydstjek. "
    "Kilde: Danmarks Statistik (CC BY 4.0) for tal fra Danmarks Statistik; andre udgivere "
    "(kommuner, ministerier, DI, Trap Danmark, lokale medier m.fl.) er navngivet i hver række "
    "i kolonnerne publisher og source_url, og deres egne vilkår gælder."
)
LICENSES = [{
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 – gælder tal fra Danmarks Statistik (Kilde: Danmarks Statistik)",
}]
SOURCES = [
    {"title": "Danmarks Statistik, Statistikbanken", "path": "https://www.statistikbanken.dk"},
    {"title": "Danmarks Statistik, Statistikbankens API", "path": "https://api.statbank.dk/v1"},
    {"title": "Kurateret samling af offentliggjorte tal om Sorø Kommune (harvest/README.md); "
              "udgiver og adresse står i hver række"},
    {"title": "Serier for alle kommuner kopieret fra offentlige kopier af officielle API'er "
              "(harvest2/README.md, harvest2/series.csv); udgiver, tabel og kopi står i hver række"},
]

FIELD_DESCRIPTIONS = {
    "indicator_id": "Indikatorens id i kataloget",
    "area_code": "Danmarks Statistiks områdekode (340 Sorø, 000 Hele landet, ...); 340:<slug> for lokale steder; tom når kilden ingen kode giver",
    "area_name": "Områdets navn som offentliggjort ('Sorø Kommune' -> 'Sorø')",
    "period": "Perioden som offentliggjort (2021, 2021K1, 2021M05, 2021-01-01, 2020/21, 2011-2020) eller tom",
    "period_type": "Periodens art",
    "period_start": "Periodens første dag",
    "period_end": "Periodens sidste dag",
    "value": "Tallet med punktum som decimaltegn; tomt når det mangler eller er diskretioneret",
    "value_flag": "suppressed (diskretioneret, '..' i Statistikbanken) eller missing; tom når der er et tal",
    "unit": "Enhed som offentliggjort",
    "sex": "Køn (i alt, mænd, kvinder)",
    "age": "Aldersgruppe",
    # the order and the reader's labels of helpers.sources, so the schema can never state
    # another precedence or name a kind otherwise than the pages do
    "source_kind": "Kildens art, bedste først: " + ", ".join(f"{k} ({SOURCE_KIND_LABELS_DA[k]})" for k in SOURCE_KINDS),
    "publisher": "Hvem der har offentliggjort tallet",
    "table": "Statistikbank-tabel eller anden tabel; tom når kilden ingen nævner",
    "source_url": "Udgiverens adresse for tallet eller tabellen",
    "via": "Den offentlige kopi, tallet er kopieret fra: <repository>@<commit>:<sti>; tom for førstehåndskilder",
    "quote": "Ordret uddrag eller kildelinje med tallet, eller beskrivelse af forespørgslen (live)",
    "retrieved": "Dato tallet blev hentet (tom for rækker fra samlingerne: de registrerer den ikke)",
    "updated": "Kildens egen opdateringstid (Statistikbankens tableinfo.updated); tom for rækker fra samlingerne",
    "note": "Forbehold: fremskrivning, sekundær kilde, modstridende versioner, ...",
    "origin": "harvest/<fil>.csv:<linje>, harvest2/<fil>.csv:<linje> eller statbank:<TABEL>",
}
FIELD_TYPES = {"period_start": "date", "period_end": "date", "retrieved": "date", "value": "number"}
FIELD_CONSTRAINTS = {
    "indicator_id": {"required": True, "pattern": INDICATOR_ID.pattern},
    "period_type": {"required": True, "enum": list(KINDS)},
    "value_flag": {"enum": ["suppressed", "missing"]},
    "source_kind": {"required": True, "enum": list(SOURCE_KINDS)},
    "publisher": {"required": True},
    "source_url": {"required": True},
    "quote": {"required": True},
    "origin": {"required": True},
}


SCHEMA_FILE = "snapshot.schema.json"


def table_schema() -> dict:
    fields = []
    for name in COLUMNS:
        field = {"name": name, "type": FIELD_TYPES.get(name, "string"), "description": FIELD_DESCRIPTIONS[name]}
        if name in FIELD_CONSTRAINTS:
            field["constraints"] = FIELD_CONSTRAINTS[name]
        fields.append(field)
    # Only empty cells are missing: 'NA' or '-' in a quote or note are text.
    return {"fields": fields, "missingValues": [""]}


def datapackage_descriptor() -> dict:
    resources = []
    for indicator_id in list_indicators():
        resources.append({
            "name": indicator_id,
            "path": f"snapshot/{indicator_id}.csv",
            "type": "table",
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            # One shared schema file keeps the descriptor small; every snapshot file has the same columns.
            "schema": SCHEMA_FILE,
        })
    return {
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "licenses": LICENSES,
        "sources": SOURCES,
        "resources": resources,
    }


def write_datapackage() -> Path:
    """(Re)write data/datapackage.json and its shared table schema from the snapshot files now on disk."""
    schema_text = json.dumps(table_schema(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(paths.data_dir() / SCHEMA_FILE, schema_text.encode("utf-8"))
    path = paths.data_dir() / "datapackage.json"
    text = json.dumps(datapackage_descriptor(), ensure_ascii=False, indent=2) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.import_harvest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--harvest", type=Path, default=None,
                        help="folder with the harvest CSV files (default: ../shared/data/harvest, else data/harvest)")
    parser.add_argument("--harvest2", type=Path, default=None,
                        help="the harvest2 folder (default: ../shared/data/harvest2, else data/harvest2)")
    parser.add_argument("--prune", action="store_true",
                        help="remove the harvest rows (and files) of indicators and harvest files that left the harvest")
    args = parser.parse_args(argv)
    try:
        counts = import_harvest(args.harvest, args.harvest2, prune=args.prune)
    except (HarvestError, ValueError) as exc:  # SnapshotError and CatalogError are ValueErrors
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"imported {sum(counts.values())} harvest rows into {len(counts)} indicator files"
          f" in {paths.snapshot_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Bad inputs an analyst could make, each built in a temporary copy of data/ or of the harvest.

Every case asserts the exact outcome: the error names the file and line, no byte of the data
changes, and where a page would have shown a wrong number the load (and so the book build)
fails. The rules are in docs/data-rules.md. The committed data is never touched.
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import page, validate
from helpers.load import load_indicator
from helpers.snapshot import COLUMNS, SnapshotError, read_indicator, write_indicator
from helpers.sources import SOURCE_KINDS, best_kind, precedence

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
INDICATOR = "population_total"   # headline of t2-bosaetning; a curated series with many rows
SNAPSHOT_NAME = f"{INDICATOR}.csv"
ENV = dict(os.environ, PYTHONPATH=str(REPO / "src"))


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def read_records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_records(path: Path, records: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A full copy of data/ that helpers.paths (and any subprocess or kernel) points at."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("geo"))
    monkeypatch.setenv("VISION_DATA_DIR", str(copy))
    return copy


@pytest.fixture
def harvest(data, tmp_path) -> Path:
    """An editable copy of the harvest, beside `data` (which holds the committed copy and snapshot)."""
    source = tmp_path / "harvest_source"
    shutil.copytree(data / "harvest", source)
    return source


# ------------------------------------------------------------------ 1. snapshot rows
def soro_line(records: list[list[str]]) -> int:
    """Index (0 = header) of the latest Sorø row with a value: what a page shows first."""
    col = {c: i for i, c in enumerate(records[0])}
    candidates = [i for i, r in enumerate(records[1:], start=1) if r[col["area_code"]] == "340" and r[col["value"]]]
    return max(candidates, key=lambda i: records[i][col["period_start"]])


def _cut_last_row(text: str) -> str:
    return text[: text.rstrip("\n").rfind(",") - 40]


def _empty_origin(text: str) -> str:
    # The last row cut exactly after its last comma: all fields, origin empty.
    return text[: text.rstrip("\n").rfind(",") + 1] + "\n"


def _set(column: str, value: str):
    def change(records):
        i = soro_line(records)
        records[i][COLUMNS.index(column)] = value
        return i
    return change


def _duplicate(records):
    i = soro_line(records)
    records.append(list(records[i]))
    return i


def _conflict(records):
    i = soro_line(records)
    other = list(records[i])
    other[COLUMNS.index("value")] = str(int(other[COLUMNS.index("value")]) + 1234)
    other[COLUMNS.index("origin")] = "harvest/theme2_lokalsamfund.csv:999"
    records.append(other)
    return i


TEXT_CASES = {
    "cut short": (_cut_last_row, r"{file}:{last}: \d+ fields, expected " + str(len(COLUMNS))),
    "empty origin": (_empty_origin, r"{file}:{last}: origin is empty"),
}
ROW_CASES = {
    "empty quote": (_set("quote", ""), r"{file}:{line}: quote is empty"),
    "empty origin mid-file": (_set("origin", " "), r"{file}:{line}: origin is empty"),
    "period_type contradicts period": (_set("period_type", "year"), r"{file}:{line}: period '[^']+' means"),
    "period_start contradicts period": (_set("period_start", "1999-01-01"), r"{file}:{line}: period '[^']+' means"),
    "exact duplicate": (_duplicate, r"{file}:{last}: exact duplicate of {file}:{line}"),
    "conflict": (_conflict, r"{file}:{line} and {file}:{last}: two rows for the same observation .* different values"),
}


def _expect(pattern: str, path: Path, line: int, last: int) -> str:
    return pattern.format(file=re.escape(str(path)), line=line, last=last)


@pytest.mark.parametrize("case", sorted(TEXT_CASES))
def test_broken_snapshot_text_is_an_error_naming_file_and_line(data, case):
    change, pattern = TEXT_CASES[case]
    path = data / "snapshot" / SNAPSHOT_NAME
    text = change(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    last = len(text.rstrip("\n").split("\n"))
    before = file_bytes(data)
    with pytest.raises(SnapshotError, match=_expect(pattern, path, 0, last)):
        read_indicator(INDICATOR)
    # The page never gets a frame: the scorecard raises instead of saying "Kan ikke vurderes".
    with pytest.raises(SnapshotError, match=re.escape(f"{path}:{last}")):
        page.scorecard_rows()
    assert file_bytes(data) == before


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_bad_snapshot_row_is_an_error_naming_file_and_line(data, case):
    change, pattern = ROW_CASES[case]
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    index = change(records)
    write_records(path, records)
    before = file_bytes(data)
    # Line numbers: the header is line 1, records[i] is line i + 1.
    expected = _expect(pattern, path, index + 1, len(records))
    with pytest.raises(SnapshotError, match=expected):
        read_indicator(INDICATOR)
    with pytest.raises(SnapshotError, match=expected):
        load_indicator(INDICATOR)
    with pytest.raises(SnapshotError, match=expected):
        page.scorecard_rows()
    assert file_bytes(data) == before


@pytest.mark.parametrize("kind", SOURCE_KINDS)
def test_same_observation_from_another_source_kind_is_kept(data, kind):
    """Not a conflict: both rows are kept, the page picks by precedence (helpers.sources)."""
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    i = _conflict(records)
    col = {c: n for n, c in enumerate(COLUMNS)}
    key = [col[c] for c in ("area_code", "period", "sex", "age", "unit")]
    twins = [r for r in records[1:-1] if [r[k] for k in key] == [records[i][k] for k in key]]
    assert twins == [records[i]], "the chosen observation has one row before the clash is built"
    # The clash is built explicitly: the original row gets a kind other than `kind`, the copy `kind`.
    base = "wiki_mirror" if kind != "wiki_mirror" else "press"
    records[i][col["source_kind"]] = base
    records[-1][col["source_kind"]] = kind
    for record, its_kind in ((records[i], base), (records[-1], kind)):
        # `via` names a public copy: required for the copy kinds, and kept only there.
        if its_kind not in ("api_copy", "copy_computed"):
            record[col["via"]] = ""
        elif not record[col["via"]]:
            record[col["via"]] = "owner/repo@" + "0" * 40 + ":file.csv"
    write_records(path, records)
    frame = read_indicator(INDICATOR)
    assert len(frame) == len(records) - 1
    pair = frame[frame["origin"].isin([records[i][-1], records[-1][-1]])]
    assert sorted(pair["source_kind"]) == sorted([base, kind])

    # The page shows the better kind; the weaker row is a cross-check that disagrees.
    shown_origin, weaker_origin = records[-1][-1], records[i][-1]
    if precedence(base) < precedence(kind):
        shown_origin, weaker_origin = weaker_origin, shown_origin
    loaded = load_indicator(INDICATOR)
    area, period = records[i][col["area_code"]], records[i][col["period"]]
    shown = loaded.data[(loaded.data["area_code"] == area) & (loaded.data["period"] == period)]
    assert shown["origin"].tolist() == [shown_origin]
    checks = loaded.cross_checks[loaded.cross_checks["origin"] == weaker_origin]
    assert len(checks) == 1 and bool(checks["disagrees"].iloc[0])
    assert checks["shown_kind"].iloc[0] == best_kind([base, kind])


def test_same_observation_in_another_unit_is_not_a_conflict(data):
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    _conflict(records)
    records[-1][COLUMNS.index("unit")] = "pct"
    records[-1][COLUMNS.index("value")] = "6.3"
    write_records(path, records)
    assert len(read_indicator(INDICATOR)) == len(records) - 1


def test_write_refuses_a_conflict_too(data):
    frame = read_indicator(INDICATOR)
    i = frame.index[(frame["area_code"] == "340") & frame["value"].notna()][0]
    other = frame.loc[[i]].copy()
    other["value"] += 1
    other["origin"] = "harvest/theme2_lokalsamfund.csv:999"
    before = file_bytes(data)
    with pytest.raises(SnapshotError, match=r"\(harvest/theme2_lokalsamfund\.csv:999\): two rows for the same observation"):
        write_indicator(INDICATOR, pd.concat([frame, other], ignore_index=True))
    assert file_bytes(data) == before


# ------------------------------------------------------------------ 2. missing / header-only file
def test_missing_snapshot_file_of_an_indicator_with_curated_data_is_an_error(data):
    path = data / "snapshot" / SNAPSHOT_NAME
    path.unlink()
    message = re.escape(f"{path}: missing, but data/catalog/indicators/{INDICATOR}.yaml says sources.curated: true")
    with pytest.raises(SnapshotError, match=message):
        load_indicator(INDICATOR)
    with pytest.raises(SnapshotError, match=message):
        page.scorecard_rows()


def test_header_only_snapshot_file_is_an_error(data):
    path = data / "snapshot" / SNAPSHOT_NAME
    path.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match=re.escape(f"{path}: a header and no rows")):
        load_indicator(INDICATOR)
    with pytest.raises(SnapshotError, match=re.escape(f"{path}: a header and no rows")):
        page.scorecard_rows()


def test_empty_snapshot_file_is_an_error(data):
    path = data / "snapshot" / SNAPSHOT_NAME
    path.write_bytes(b"")
    with pytest.raises(SnapshotError, match=re.escape(f"{path}:1: the file is empty")):
        load_indicator(INDICATOR)


def test_live_only_indicator_without_a_file_is_shown_as_missing(data):
    """A record that promises no curated rows may have no file yet: the page says what would fill it."""
    indicator = "moves_in"
    assert not (data / "snapshot" / f"{indicator}.csv").exists(), "the case needs a live-only indicator without a file"
    record = load_indicator(indicator)
    assert record.data.empty and record.live_source and not record.record["sources"]["curated"]


# ------------------------------------------------------------------ 3. the importer never deletes silently
def run_import(source: Path, *extra: str) -> subprocess.CompletedProcess:
    """`python -m helpers.import_harvest --harvest SOURCE ...` on the `data` copy, as its exit
    code, stdout and stderr.

    Run in this process, so the tests share helpers.snapshot's read memo (a new process would
    validate all 262 snapshot files again, ~3 s per import); the catalog cache is cleared
    first, as a new process starts without one. An exception main() does not turn into an
    `error:` line fails the test with its traceback. The command line itself runs as a
    subprocess in tests/test_import_harvest.py::test_cli_runs_from_the_committed_copy.
    """
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from helpers import catalog, import_harvest

    catalog.clear_cache()
    args = ["--harvest", str(source), *extra]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = import_harvest.main(args)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def _remove_file(source: Path) -> tuple[Path, str]:
    path = source / "theme4_klima.csv"
    path.unlink()
    return path, "1 harvest file(s) known from data/harvest or the snapshot are missing from"


def _empty_file(source: Path) -> tuple[Path, str]:
    path = source / "theme4_klima.csv"
    path.write_bytes(b"")
    return path, f"{path}: the file is empty"


def _header_only(source: Path) -> tuple[Path, str]:
    path = source / "theme4_klima.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    return path, f"{path}: a header and no rows"


def _unknown_id(source: Path) -> tuple[Path, str]:
    path = source / "theme2_lokalsamfund.csv"
    records = read_records(path)
    line = next(i for i, r in enumerate(records) if r[0] == INDICATOR)
    records[line][0] = "population_totl"
    write_records(path, records)
    return path, (f"{path}:{line + 1}: indicator_id 'population_totl' is not in the catalog"
                  " (data/catalog/indicators/); closest known ids: population_total")


def _indicator_left(source: Path) -> tuple[Path, str]:
    path = source / "theme2_lokalsamfund.csv"
    records = read_records(path)
    write_records(path, [r for r in records if r[0] != "town_population"])
    return path, ("1 indicator(s) in data/snapshot left the harvest and would lose their harvest rows:"
                  " town_population (")


def _repeated_line(source: Path) -> tuple[Path, str]:
    path = source / "theme2_lokalsamfund.csv"
    records = read_records(path)
    records.append(list(records[5]))
    write_records(path, records)
    return path, f"{path}:{len(records)}: exact duplicate of {path}:6; delete one of the two rows"


IMPORT_CASES = {
    "harvest line repeated": _repeated_line,
    "harvest file missing": _remove_file,
    "harvest file empty": _empty_file,
    "harvest file header only": _header_only,
    "unknown indicator id": _unknown_id,
    "indicator left the harvest": _indicator_left,
}


@pytest.mark.parametrize("case", sorted(IMPORT_CASES))
def test_bad_harvest_stops_the_import_and_changes_nothing(data, harvest, case):
    path, message = IMPORT_CASES[case](harvest)
    before = file_bytes(data)
    result = run_import(harvest)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert file_bytes(data) == before


def test_check_harvest_finds_a_repeated_line(harvest):
    path, _ = _repeated_line(harvest)
    result = check_harvest(harvest)
    lines = len(read_records(path))
    assert result.returncode == 1 and f"{path.name}:{lines}: exact duplicate of {path.name}:6" in result.stdout


def test_prune_refuses_when_the_catalog_still_promises_the_rows(data, harvest):
    _indicator_left(harvest)
    before = file_bytes(data)
    result = run_import(harvest, "--prune")
    assert result.returncode == 1
    assert ("data/catalog/indicators/town_population.yaml says sources.curated: true, but the harvest in"
            in result.stderr)
    assert file_bytes(data) == before


def test_prune_removes_an_indicator_that_left_the_harvest_and_says_so(data, harvest):
    _indicator_left(harvest)
    # The catalog must stop promising curated rows first, or the import refuses (test above).
    record = data / "catalog" / "indicators" / "town_population.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("curated: true", "curated: false"), encoding="utf-8")
    target = data / "snapshot" / "town_population.csv"
    rows = len(read_records(target)) - 1
    result = run_import(harvest, "--prune")
    assert result.returncode == 0, result.stderr
    assert f"pruned: {rows} harvest rows of town_population, {target} removed" in result.stdout
    assert not target.exists()
    assert "town_population" not in (data / "datapackage.json").read_text(encoding="utf-8")


def test_a_broken_snapshot_file_stops_the_import(data, harvest):
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    _conflict(records)
    write_records(path, records)
    before = file_bytes(data)
    result = run_import(harvest)
    assert result.returncode == 1 and f"{path}:" in result.stderr
    assert file_bytes(data) == before


# ------------------------------------------------------------------ 4. ambiguous numbers
def _set_harvest_value(source: Path, value: str, note: str | None = None) -> tuple[Path, int]:
    """Set the value of the first Sorø population row of theme 2; returns file and line."""
    path = source / "theme2_lokalsamfund.csv"
    records = read_records(path)
    header = records[0]
    i = next(i for i, r in enumerate(records) if r[0] == INDICATOR and r[header.index("area_code")] == "340")
    records[i][header.index("value")] = value
    if note is not None:
        records[i][header.index("note")] = note
    write_records(path, records)
    return path, i + 1


def check_harvest(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "tools" / "check_harvest.py"),
                           *map(str, sorted(folder.glob("*.csv")))], capture_output=True, text=True, timeout=60)


def test_thousands_separator_in_a_count_is_refused(data, harvest):
    path, line = _set_harvest_value(harvest, "30.478")
    message = (f"{path}:{line}: value '30.478' is not a whole number, but unit 'personer' counts whole things"
               " (in Danish '30.478' means 30478: '.' groups thousands)")
    before = file_bytes(data)
    result = run_import(harvest)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert file_bytes(data) == before
    checked = check_harvest(harvest)
    assert checked.returncode == 1
    assert f"{path.name}:{line}: value '30.478' is not a whole number" in checked.stdout


def test_value_a_factor_100_off_its_series_is_held_for_a_human(data, harvest):
    path, line = _set_harvest_value(harvest, "29993000")
    before = file_bytes(data)
    result = run_import(harvest)
    assert result.returncode == 1
    assert re.search(rf"{re.escape(str(path))}:{line}: value 29993000 for {INDICATOR} area '340' \(personer\) is"
                     r" \d+ times the median", result.stderr), result.stderr
    assert file_bytes(data) == before
    checked = check_harvest(harvest)
    assert checked.returncode == 1 and f"{path.name}:{line}: value 29993000" in checked.stdout


def test_a_checked_magnitude_is_imported(data, harvest):
    _set_harvest_value(harvest, "29993000", note=f"Typo in the source? {validate.MAGNITUDE_CHECKED}.")
    result = run_import(harvest)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value, unit, refused", [
    ("30.478", "personer", True), ("30478", "personer", False), ("2.5", "rang", True),
    ("12.5", "antal kunder", True), ("30.478", "pct", False), ("61.5", "personer pr. km2", False),
    ("3.5", "timer pr. uge", False), ("2030.0", "årstal", True),
])
def test_count_units(value, unit, refused):
    assert (validate.count_problem(value, unit, "f.csv:2") is not None) == refused


def test_the_real_harvest_passes_the_number_rules():
    rows, wheres = [], []
    for path in sorted((DATA / "harvest").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                rows.append(row)
                wheres.append(f"{path.name}:{line}")
    assert validate.curated_number_problems(rows, wheres) == []


# ------------------------------------------------------------------ 5. errors reach the build
def test_broken_catalog_gives_the_refresh_one_line_and_no_traceback(data):
    record = data / "catalog" / "indicators" / f"{INDICATOR}.yaml"
    record.write_text("id: population_total\ntitle: [unclosed\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "helpers.refresh", "--dry-run"], capture_output=True, text=True,
                            timeout=120, env=dict(ENV, VISION_DATA_DIR=str(data)))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("FEJL / FAILED katalog / catalog: ") and str(record) in lines[0]


def test_scorecard_only_says_not_assessable_for_assessed_outcomes(data):
    rows = page.scorecard_rows()
    assert all("kunne ikke indlæses" not in r["indicator"] for r in rows)
    # Every "Kan ikke vurderes" comes from helpers.progress with a reason, never from an exception.
    from helpers.progress import assess
    for r in rows:
        if r["status"] == "not_assessable" and r["indicator_id"]:
            assert assess(load_indicator(r["indicator_id"])).status == "not_assessable"


def test_the_status_page_fails_to_build_on_a_conflict(data):
    """The book executes every notebook with allow_errors false: this is the scorecard page's cell."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    i = _conflict(records)
    write_records(path, records)
    notebook = nbformat.read(REPO / "chapters" / "status.ipynb", as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, allow_errors=False, kernel_name="python3",
                                     resources={"metadata": {"path": str(REPO / "chapters")}})
    with pytest.raises(nbclient.exceptions.CellExecutionError) as info:
        client.execute(env=dict(ENV, VISION_DATA_DIR=str(data)))
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(info.value))
    assert "SnapshotError" in text and f"{path}:{i + 1} and {path}:{len(records)}" in text


def test_book_build_is_strict():
    import yaml
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    assert config["execute"]["allow_errors"] is False
    script = (REPO / "scripts" / "build_book.sh").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script and "-W" in script and "scripts/check_data.py" in script


# ------------------------------------------------------------------ 6. the data package
def check_data(data: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "scripts" / "check_data.py"), *extra], capture_output=True,
                          text=True, timeout=300, env=dict(ENV, VISION_DATA_DIR=str(data)))


def test_check_data_passes_on_the_real_data(data, tmp_path):
    """The command as the incremental build runs it (--stamp): the full check, the skipped
    check, the partial check and its failure."""
    stamp = tmp_path / "stamp"
    # a stamp this version cannot read (an older one) means the full check
    stamp.write_text("a digest from an earlier passing check\n", encoding="utf-8")
    result = check_data(data, "--stamp", str(stamp))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("check_data: ok: datapackage.json is valid")
    assert "Frictionless read only" not in result.stdout, "the first check must read every file"
    # the incremental build's second run with nothing changed skips the full check ...
    again = check_data(data, "--stamp", str(stamp))
    assert again.returncode == 0 and "unchanged since the last passing check" in again.stdout
    # ... and one changed byte in a snapshot file changes that file's digest only
    sys.path.insert(0, str(REPO / "scripts"))
    import check_data as checker  # noqa: E402  (scripts/ is not a package)

    recorded = checker.read_stamp(stamp)
    assert recorded == checker.inputs_digests(data) and len(recorded["files"]) > 200
    snapshot = data / "snapshot" / SNAPSHOT_NAME
    snapshot.write_bytes(snapshot.read_bytes().replace(b"Danmarks", b"Danmarkz", 1))
    assert checker.changed_files(recorded, checker.inputs_digests(data)) == [f"snapshot/{SNAPSHOT_NAME}"]
    # anything else (here the catalog) is the full check again
    record = data / "catalog" / "indicators" / f"{INDICATOR}.yaml"
    record.write_bytes(record.read_bytes() + b"\n")
    assert checker.changed_files(recorded, checker.inputs_digests(data)) is None
    record.write_bytes(record.read_bytes()[:-1])
    # Frictionless reads the changed file again: a row that breaks the schema fails this check
    # too, which reads only that file with Frictionless
    message = _bad_schema_value(data)
    assert checker.changed_files(recorded, checker.inputs_digests(data)) == [f"snapshot/{SNAPSHOT_NAME}"]
    broken = check_data(data, "--stamp", str(stamp))
    assert broken.returncode == 1 and message in broken.stderr, broken.stderr
    assert "Traceback" not in broken.stderr, broken.stderr
    assert not stamp.exists(), "a failing check leaves no stamp to skip the next one"


def _extra_file(data: Path) -> str:
    shutil.copyfile(data / "snapshot" / SNAPSHOT_NAME, data / "snapshot" / "population_copy.csv")
    return f"{data / 'snapshot' / 'population_copy.csv'}: not a resource of {data / 'datapackage.json'}"


def _lost_file(data: Path) -> str:
    (data / "snapshot" / "births.csv").unlink()
    return "(births): path snapshot/births.csv does not exist"


def _bad_schema_value(data: Path) -> str:
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    records[2][COLUMNS.index("period_start")] = "2021-13-01"
    write_records(path, records)
    return f"{path}:3: type-error"


def _bad_json(data: Path) -> str:
    (data / "datapackage.json").write_text("{", encoding="utf-8")
    return f"{data / 'datapackage.json'}: cannot be read as JSON"


# The package itself or its list of files broken, and (read by Frictionless in the full check,
# as the strict build runs it) a row that breaks the schema. The command's exit code, message and
# stamp on a failure are test_check_data_passes_on_the_real_data's.
PACKAGE_CASES = {"file not in the package": _extra_file, "resource without file": _lost_file,
                 "package is not JSON": _bad_json, "a row breaks the schema": _bad_schema_value}


@pytest.mark.parametrize("case", sorted(PACKAGE_CASES))
def test_check_data_names_a_broken_package(data, case):
    """The package's problems, found by check_data.package_problems over every resource (the
    function the command reports from; called here without a process per case)."""
    sys.path.insert(0, str(REPO / "scripts"))
    import check_data as checker  # noqa: E402  (scripts/ is not a package)

    message = PACKAGE_CASES[case](data)
    problems = checker.package_problems(data)
    assert any(message in p for p in problems), problems


def test_a_broken_population_file_is_not_a_missing_per_1000_view(data):
    from helpers import charts
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    _conflict(records)
    write_records(path, records)
    with pytest.raises(SnapshotError, match=re.escape(str(path))):
        charts._population_by_area_year(["340"])


@pytest.mark.parametrize("kind", SOURCE_KINDS)
def test_two_publishers_of_one_kind_that_disagree_are_a_conflict(data, kind):
    """Only the legacy kind `curated` tells sources apart by publisher; a real kind does not."""
    path = data / "snapshot" / SNAPSHOT_NAME
    records = read_records(path)
    i = _conflict(records)
    for index in (i, -1):
        records[index][COLUMNS.index("source_kind")] = kind
    records[-1][COLUMNS.index("publisher")] = "Another publisher"
    write_records(path, records)
    with pytest.raises(SnapshotError, match=re.escape(f"{path}:{i + 1} and {path}:{len(records)}: two rows")):
        read_indicator(INDICATOR)

"""The curated import: every harvest row lands in the snapshot, traceably and reproducibly.

Expectations are read from data/harvest/*.csv with the csv module, not from the importer.
"""
import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers import import_harvest
from helpers.import_harvest import HarvestError, main
from helpers.load import load_indicator
from helpers.source_classes import classify
from helpers.snapshot import COLUMNS, read_indicator, write_indicator

REPO = Path(__file__).resolve().parents[1]
HARVEST = REPO / "data" / "harvest"
SNAPSHOT = REPO / "data" / "snapshot"
# The harvest README states the number of figures; the files are read independently below.
HARVEST_ROWS = 577


def harvest_rows() -> dict[str, dict]:
    """Harvest rows keyed by the origin the importer must give them: harvest/<file>:<line>."""
    rows = {}
    for path in sorted(HARVEST.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            lines = fh.read().splitlines()
        # No field in the harvest spans lines, so line i + 2 is data row i (header = line 1).
        assert len(lines) == len(list(csv.reader(lines))), f"{path.name} has multi-line fields"
        for line, record in enumerate(csv.DictReader(lines), start=2):
            rows[f"harvest/{path.name}:{line}"] = record
    return rows


def snapshot_rows(folder: Path = SNAPSHOT) -> dict[str, dict]:
    rows = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for record in csv.DictReader(fh):
                assert record["indicator_id"] == path.stem, f"{path.name}: row of {record['indicator_id']}"
                if record["origin"].startswith("harvest/"):
                    assert record["origin"] not in rows, f"origin {record['origin']} twice"
                    rows[record["origin"]] = record
    return rows


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def tmp_data(tmp_path, monkeypatch):
    """A source copy of the harvest and a data folder with only the catalog, that helpers.paths points at."""
    source = tmp_path / "harvest_source"
    shutil.copytree(HARVEST, source)
    data = tmp_path / "data"
    data.mkdir()
    # The importer checks every indicator id against the catalog.
    shutil.copytree(REPO / "data" / "catalog", data / "catalog")
    monkeypatch.setenv("VISION_DATA_DIR", str(data))
    return source, data


@pytest.fixture(scope="module")
def imported_once(tmp_path_factory):
    """The import run once for the module, as `tmp_data` then `main(["--harvest", source])`:
    (source, data). Tests start from a copy of `data` (`imported`); the source is only read."""
    root = tmp_path_factory.mktemp("imported")
    source = root / "harvest_source"
    shutil.copytree(HARVEST, source)
    data = root / "data"
    data.mkdir()
    shutil.copytree(REPO / "data" / "catalog", data / "catalog")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VISION_DATA_DIR", str(data))
        assert main(["--harvest", str(source)]) == 0
    return source, data


@pytest.fixture
def imported(imported_once, tmp_path, monkeypatch):
    """A fresh copy of the once-imported data folder that helpers.paths points at: a test that
    re-imports or edits it starts where the first import left off, without importing again."""
    source, first = imported_once
    data = tmp_path / "data"
    shutil.copytree(first, data)
    monkeypatch.setenv("VISION_DATA_DIR", str(data))
    return source, data


def test_harvest_has_the_documented_row_count():
    assert len(harvest_rows()) == HARVEST_ROWS


def test_snapshot_holds_every_harvest_row():
    harvest, snap = harvest_rows(), snapshot_rows()
    assert sorted(snap) == sorted(harvest)
    for origin, src in harvest.items():
        out = snap[origin]
        assert out["indicator_id"] == src["indicator_id"], origin
        assert float(out["value"]) == float(src["value"]), origin
        for target, source in [("source_url", "source_url"), ("publisher", "source_publisher"),
                               ("quote", "excerpt"), ("table", "source_table"), ("note", "note"),
                               ("area_code", "area_code"), ("period", "period"), ("unit", "unit"),
                               ("sex", "sex"), ("age", "age")]:
            assert out[target] == src[source], f"{origin}: {target}"
        assert out["retrieved"] == "" and out["updated"] == "", origin
        assert out["source_kind"] == classify(src["source_url"], src["source_publisher"]), origin
        assert out["via"] == "", origin


def test_no_row_lacks_its_source():
    for path in sorted(SNAPSHOT.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for line, record in enumerate(csv.DictReader(fh), start=2):
                for column in ("source_url", "publisher", "quote", "origin"):
                    assert record[column].strip(), f"{path.name}:{line}: empty {column}"


def test_area_names_are_normalised_only_for_municipalities():
    snap = snapshot_rows()
    for origin, src in harvest_rows().items():
        name, code = src["area_name"], src["area_code"]
        if len(code) == 3 and code.isdigit() and name.endswith(" Kommune"):
            assert snap[origin]["area_name"] == name.removesuffix(" Kommune"), origin
        else:
            assert snap[origin]["area_name"] == name, origin
    assert not any(r["area_name"] == "Sorø Kommune" for r in snap.values())


def test_committed_harvest_is_a_verbatim_copy_of_the_shared_one():
    shared = REPO.parent / "shared" / "data" / "harvest"
    if not shared.is_dir():
        pytest.skip("the shared harvest is not next to this checkout")
    assert file_bytes(HARVEST) == file_bytes(shared)


def test_committed_harvest2_is_a_verbatim_copy_of_the_shared_one():
    shared = REPO.parent / "shared" / "data" / "harvest2"
    if not shared.is_dir():
        pytest.skip("the shared harvest2 is not next to this checkout")
    # The whole folder, sources/ included: sources/FOLK1AM.csv is the first-hand export.
    assert file_bytes(REPO / "data" / "harvest2") == file_bytes(shared)
    assert "sources/FOLK1AM.csv" in file_bytes(shared)


def test_check_harvest_passes():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "check_harvest.py")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{HARVEST_ROWS} rows checked, 0 problems" in result.stdout


def test_import_is_idempotent_and_matches_the_committed_snapshot(imported):
    source, data = imported  # the first import ran in another folder: nothing in it may depend on that
    first = file_bytes(data)
    assert main(["--harvest", str(source)]) == 0
    assert file_bytes(data) == first
    # The harvest copies are verbatim, and the second run (both harvests) changed no byte.
    assert file_bytes(data / "harvest") == file_bytes(source)
    assert file_bytes(data / "harvest2") == file_bytes(REPO / "data" / "harvest2")
    assert any(p.name == "population_monthly.csv" for p in (data / "snapshot").glob("*.csv"))
    # The committed snapshot is what the import produces now (curated rows only: refresh adds live ones).
    assert snapshot_rows(data / "snapshot") == snapshot_rows()
    # The datapackage only lists files, so it matches when the committed snapshot has no extra files.
    if sorted(p.name for p in SNAPSHOT.glob("*.csv")) == sorted(p.name for p in (data / "snapshot").glob("*.csv")):
        assert first["datapackage.json"] == (REPO / "data" / "datapackage.json").read_bytes()


def test_cli_runs_from_the_committed_copy(tmp_data):
    _, data = tmp_data
    shutil.copytree(HARVEST, data / "harvest")
    before = file_bytes(data / "harvest")
    result = subprocess.run([sys.executable, "-m", "helpers.import_harvest", "--harvest", str(data / "harvest")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert file_bytes(data / "harvest") == before
    assert len(snapshot_rows(data / "snapshot")) == HARVEST_ROWS


def test_live_rows_survive_a_reimport(imported):
    source, data = imported
    existing = read_indicator("population_total")
    live = existing.iloc[[0]].copy()
    live["period"], live["period_type"] = "1990K3", "quarter"
    live["period_start"], live["period_end"] = "1990-07-01", "1990-09-30"
    live["source_kind"], live["origin"], live["retrieved"] = "live", "statbank:FOLK1A", "2025-01-02"
    write_indicator("population_total", pd.concat([existing, live], ignore_index=True))
    main(["--harvest", str(source)])
    after = read_indicator("population_total")
    assert (after["source_kind"] == "live").sum() == 1
    assert len(after) == len(existing) + 1


def test_reimport_keeps_the_live_row_and_the_weaker_rows_of_its_observation(imported):
    source, data = imported
    existing = read_indicator("population_total")
    target = existing[(existing["area_code"] == "340") & existing["value"].notna()].iloc[[0]]
    key = tuple(target[["area_code", "period", "sex", "age"]].iloc[0])
    live = target.copy()
    live["value"] = target["value"] + 1
    live["source_kind"], live["origin"], live["retrieved"] = "live", "statbank:FOLK1A", "2025-01-02"
    live["table"], live["publisher"], live["via"] = "FOLK1A", "Danmarks Statistik", ""
    write_indicator("population_total", pd.concat([existing, live], ignore_index=True))
    main(["--harvest", str(source)])
    after = read_indicator("population_total")

    def at_key(frame):
        return frame[(frame["area_code"] == key[0]) & (frame["period"] == key[1])
                     & (frame["sex"] == key[2]) & (frame["age"] == key[3])]
    same_key = at_key(after)
    assert sorted(same_key["origin"]) == sorted([*at_key(existing)["origin"], "statbank:FOLK1A"]), \
        "the live row stays and the harvest rows of its observation stay beside it"
    assert len(after) == len(existing) + 1
    loaded = load_indicator("population_total")
    shown = at_key(loaded.data)
    assert shown[["source_kind", "value"]].values.tolist() == [["live", target["value"].iloc[0] + 1]]
    checks = at_key(loaded.cross_checks)
    assert target["origin"].iloc[0] in set(checks["origin"]) and checks["disagrees"].all()
    assert set(checks["shown_kind"]) == {"live"}


def test_indicator_dropped_from_harvest_loses_its_curated_file_only_with_prune(imported, capsys):
    source, data = imported
    stale = data / "snapshot" / "not_in_harvest.csv"
    shutil.copyfile(data / "snapshot" / "population_total.csv", stale)
    text = stale.read_text(encoding="utf-8").replace("population_total,", "not_in_harvest,")
    stale.write_text(text, encoding="utf-8")
    assert main(["--harvest", str(source)]) == 1
    assert "not_in_harvest" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == text
    assert main(["--harvest", str(source), "--prune"]) == 0
    assert f"{stale} removed" in capsys.readouterr().out
    assert not stale.exists()
    assert "not_in_harvest" not in (data / "datapackage.json").read_text(encoding="utf-8")


def _corrupt(source: Path, column: str, value: str) -> tuple[str, int]:
    """Set `column` of the third data row of the first CSV; return the file name and its line."""
    path = sorted(source.glob("*.csv"))[0]
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    records[3][records[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)
    return path.name, 4


@pytest.mark.parametrize("column, value, message", [
    ("period", "2021K5", "2021K5"),
    ("period", "omkring 2020", "omkring 2020"),
    ("value", "1,5", "not a plain number"),
    ("source_url", "", "source_url is empty"),
    ("source_publisher", "", "source_publisher is empty"),
    ("indicator_id", "Bad Id", "indicator_id"),
])
def test_bad_harvest_row_names_file_and_line_and_writes_nothing(tmp_data, column, value, message):
    source, data = tmp_data
    name, line = _corrupt(source, column, value)
    with pytest.raises(HarvestError) as info:
        import_harvest.import_harvest(source)
    assert f"{name}:{line}" in str(info.value) and message in str(info.value)
    assert not (data / "snapshot").exists()
    assert main(["--harvest", str(source)]) == 1


def test_wrong_header_is_reported(tmp_data):
    source, _ = tmp_data
    path = sorted(source.glob("*.csv"))[0]
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(HarvestError, match=f"{path.name}:1: columns"):
        import_harvest.import_harvest(source)


def test_snapshot_columns_in_every_file():
    for path in sorted(SNAPSHOT.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == COLUMNS, path.name

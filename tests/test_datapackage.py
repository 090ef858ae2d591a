"""data/datapackage.json is a valid Frictionless package that describes every snapshot file."""
import csv
import json
import shutil
from pathlib import Path

import frictionless
import pytest

from helpers.import_harvest import write_datapackage
from helpers.snapshot import COLUMNS
from helpers.sources import SOURCE_KINDS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "data" / "datapackage.json"
SNAPSHOT = REPO / "data" / "snapshot"


def descriptor() -> dict:
    return json.loads(PACKAGE.read_text(encoding="utf-8"))


# That Frictionless finds the committed package valid, every row against the schema, is
# tests/test_bad_inputs.py::test_check_data_passes_on_the_real_data (scripts/check_data.py runs
# frictionless.validate on the package, ~8 core-seconds); the tests here check what the
# package says and that a broken copy fails.


def test_one_resource_per_snapshot_file():
    package = descriptor()
    paths = [r["path"] for r in package["resources"]]
    assert paths == sorted(f"snapshot/{p.name}" for p in SNAPSHOT.glob("*.csv"))
    assert len({r["name"] for r in package["resources"]}) == len(paths)


def test_schema_types_and_constraints():
    schema_paths = {resource["schema"] for resource in descriptor()["resources"]}
    assert len(schema_paths) == 1, "every snapshot file shares one table schema"
    schema = json.loads((PACKAGE.parent / schema_paths.pop()).read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert list(fields) == COLUMNS
    assert fields["value"]["type"] == "number"
    assert fields["period_start"]["type"] == fields["period_end"]["type"] == "date"
    assert fields["source_url"]["constraints"]["required"] is True
    assert set(fields["source_kind"]["constraints"]["enum"]) == set(SOURCE_KINDS)
    assert "school_year" in fields["period_type"]["constraints"]["enum"]


def test_licence_and_attribution():
    package = descriptor()
    assert package["title"] == "Vision 2026 i tal – data"
    assert [lic["name"] for lic in package["licenses"]] == ["CC-BY-4.0"]
    assert package["sources"]
    assert "Kilde: Danmarks Statistik" in package["description"]
    assert "retrieved" in package["description"]


@pytest.fixture
def small_package(tmp_path, monkeypatch):
    """A package over two copied snapshot files, so corrupting one is quick to validate."""
    monkeypatch.setenv("VISION_DATA_DIR", str(tmp_path))
    (tmp_path / "snapshot").mkdir()
    for name in ("population_total.csv", "area_km2.csv"):
        shutil.copyfile(SNAPSHOT / name, tmp_path / "snapshot" / name)
    return write_datapackage(), tmp_path / "snapshot" / "population_total.csv"


def _set_cell(path: Path, column: str, value: str) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    records[1][records[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(records)


def test_write_datapackage_is_deterministic(small_package):
    package, _ = small_package
    first = package.read_bytes()
    write_datapackage()
    assert package.read_bytes() == first
    assert frictionless.validate(str(package)).valid


@pytest.mark.parametrize("column, value, error", [
    ("value", "abc", "type-error"),
    ("period_start", "1. januar", "type-error"),
    ("source_url", "", "constraint-error"),
    ("source_kind", "guessed", "constraint-error"),
    ("period_type", "decade", "constraint-error"),
])
def test_corrupted_copy_fails_validation(small_package, column, value, error):
    package, target = small_package
    _set_cell(target, column, value)
    report = frictionless.validate(str(package))
    assert not report.valid
    errors = report.flatten(["fieldName", "type"])
    assert [column, error] in errors

"""The snapshot contract: read/write round trip, validation, atomic replacement, formatting."""
import csv
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers import snapshot
from helpers.snapshot import COLUMNS, SnapshotError, list_indicators, read_indicator, write_indicator

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def row(**changes):
    base = {
        "indicator_id": "test_indicator", "area_code": "340", "area_name": "Sorø", "period": "2021",
        "period_type": "year", "period_start": "2021-01-01", "period_end": "2021-12-31", "value": 29993.0,
        "value_flag": "", "unit": "personer", "sex": "i alt", "age": "i alt", "source_kind": "publisher_page",
        "publisher": "Danmarks Statistik", "table": "FOLK1A", "source_url": "https://www.statbank.dk/FOLK1A",
        "via": "", "quote": "29.993 indbyggere", "retrieved": "", "updated": "", "note": "", "origin": "harvest/t.csv:2",
    }
    base.update(changes)
    return base


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VISION_DATA_DIR", str(tmp_path))
    return tmp_path


def test_columns_match_architecture():
    # The table in docs/architecture.md is the contract; read it independently of the code.
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## Tidy snapshot")[1].split("\n## ")[0]
    documented = re.findall(r"^\| ([a-z_]+) \|", section, flags=re.M)
    assert documented[0] == "column"  # the table's header row
    assert documented[1:] == COLUMNS


def test_round_trip_and_formatting(data_dir):
    frame = pd.DataFrame([
        row(),
        row(area_code="000", area_name="Hele landet", value=3.5, origin="harvest/t.csv:3"),
        row(period="2020", period_start="2020-01-01", period_end="2020-12-31", value=0.1 + 0.2,
            origin="harvest/t.csv:10"),
        row(period="2020K1", period_type="quarter", period_start="2020-01-01", period_end="2020-03-31",
            value=float("nan"), value_flag="suppressed", origin="statbank:FOLK1A", source_kind="live",
            retrieved="2025-01-02", updated="2024-11-11T08:00:00"),
        row(area_code="000", area_name="Hele landet", period="", period_type="undated", period_start="",
            period_end="", value="-12.50", origin="harvest/t.csv:9"),
    ])
    path = write_indicator("test_indicator", frame)
    raw = path.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    records = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    assert list(records[0].keys()) == COLUMNS
    # Sorted by area_code, period_start, period, sex, age, origin.
    assert [(r["area_code"], r["period"]) for r in records] == [
        ("000", ""), ("000", "2021"), ("340", "2020"), ("340", "2020K1"), ("340", "2021")]
    assert [r["value"] for r in records] == ["-12.5", "3.5", "0.30000000000000004", "", "29993"]

    back = read_indicator("test_indicator")
    assert list(back.columns) == COLUMNS
    assert back["value"].dtype == float
    assert math.isnan(back["value"].iloc[3])
    assert back["area_code"].tolist() == ["000", "000", "340", "340", "340"]
    assert all(isinstance(v, str) for c in COLUMNS if c != "value" for v in back[c])
    # Writing what was read changes no byte.
    write_indicator("test_indicator", back)
    assert path.read_bytes() == raw
    assert list_indicators() == ["test_indicator"]


def test_missing_file_gives_empty_frame(data_dir):
    frame = read_indicator("nothing_here")
    assert list(frame.columns) == COLUMNS and len(frame) == 0
    assert list_indicators() == []


@pytest.mark.parametrize("changes, message", [
    ({"source_url": ""}, "source_url is empty"),
    ({"publisher": "  "}, "publisher is empty"),
    ({"quote": ""}, "quote is empty"),
    ({"origin": ""}, "origin is empty"),
    ({"indicator_id": "other"}, "does not match"),
    ({"period_type": "quarter"}, "period '2021' means"),
    ({"period_end": "2021-12-30"}, "period '2021' means"),
    ({"period": "2021K5", "period_type": "quarter"}, "2021K5"),
    ({"value": "1,5"}, "not a plain number"),
    ({"value": "abc"}, "not a plain number"),
    ({"value": float("inf")}, "not finite"),
    ({"value": float("nan")}, "value_flag does not say why"),
    ({"value": 3.0, "value_flag": "suppressed"}, "has value_flag"),
    ({"value": "", "value_flag": "unknown"}, "value_flag"),
    ({"source_kind": "guess"}, "source_kind"),
    ({"area_code": "34 0"}, "area_code"),
    ({"retrieved": "02-01-2025"}, "retrieved"),
    ({"updated": "last week"}, "updated"),
])
def test_validation_errors_name_the_row(data_dir, changes, message):
    frame = pd.DataFrame([row(), row(**{"origin": "harvest/t.csv:7", **changes})])
    with pytest.raises(SnapshotError, match=re.escape(message)) as info:
        write_indicator("test_indicator", frame)
    assert "row 2" in str(info.value)
    assert not (data_dir / "snapshot").exists() or not any((data_dir / "snapshot").iterdir())


def test_columns_are_checked(data_dir):
    with pytest.raises(SnapshotError, match="missing \\['origin'\\]"):
        write_indicator("test_indicator", pd.DataFrame([row()]).drop(columns="origin"))
    with pytest.raises(SnapshotError, match="unexpected \\['extra'\\]"):
        write_indicator("test_indicator", pd.DataFrame([row(extra="x")]))


def test_duplicate_rows_are_rejected(data_dir):
    with pytest.raises(SnapshotError, match="two rows"):
        write_indicator("test_indicator", pd.DataFrame([row(), row(value=1.0)]))


@pytest.mark.parametrize("bad_id", ["../escape", "Upper", "with space", "", "a/b"])
def test_bad_indicator_ids(data_dir, bad_id):
    with pytest.raises(SnapshotError):
        write_indicator(bad_id, pd.DataFrame([row(indicator_id=bad_id)]))


def test_failed_validation_leaves_old_file_byte_identical(data_dir):
    path = write_indicator("test_indicator", pd.DataFrame([row()]))
    before = path.read_bytes()
    bad = pd.DataFrame([row(value=1.0), row(origin="harvest/t.csv:3", period="2021K9")])
    with pytest.raises(SnapshotError):
        write_indicator("test_indicator", bad)
    assert path.read_bytes() == before
    # No temporary file is left behind either.
    assert sorted(p.name for p in path.parent.iterdir()) == ["test_indicator.csv"]


def test_failed_write_leaves_old_file_and_no_temp(data_dir, monkeypatch):
    path = write_indicator("test_indicator", pd.DataFrame([row()]))
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(snapshot.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_indicator("test_indicator", pd.DataFrame([row(value=5.0)]))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["test_indicator.csv"]


def test_read_rejects_wrong_header(data_dir):
    folder = data_dir / "snapshot"
    folder.mkdir()
    (folder / "broken.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match="broken.csv"):
        read_indicator("broken")


def test_read_names_file_and_line_of_bad_value(data_dir):
    path = write_indicator("test_indicator", pd.DataFrame([row(), row(origin="harvest/t.csv:3", area_code="341")]))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",29993,", ",n/a,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"test_indicator\.csv:3: value 'n/a'"):
        read_indicator("test_indicator")


def test_copied_rows_must_name_their_copy(data_dir):
    with pytest.raises(SnapshotError, match="needs via"):
        write_indicator("test_indicator", pd.DataFrame([row(source_kind="api_copy")]))
    with pytest.raises(SnapshotError, match="is not <repository>@<commit>:<path>"):
        write_indicator("test_indicator", pd.DataFrame([row(source_kind="export", via="somewhere")]))
    ok = row(source_kind="copy_computed", via="owner/repo@" + "a" * 40 + ":data/x.csv")
    write_indicator("test_indicator", pd.DataFrame([ok]))
    assert read_indicator("test_indicator")["via"].tolist() == [ok["via"]]


def test_file_without_via_column_is_read_with_empty_via(data_dir):
    legacy = [c for c in COLUMNS if c != "via"]
    path = data_dir / "snapshot" / "test_indicator.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    r = row(source_kind="live", origin="statbank:FOLK1A")
    path.write_text(",".join(legacy) + "\n" + ",".join(str(r[c]) for c in legacy) + "\n", encoding="utf-8")
    frame = read_indicator("test_indicator")
    assert list(frame.columns) == COLUMNS and frame["via"].tolist() == [""]

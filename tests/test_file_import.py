"""helpers.file_import: a file downloaded from a publisher becomes export rows with provenance."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import file_import
from helpers.periods import parse_period
from helpers.load import pick_best
from helpers.snapshot import COLUMNS, read_indicator, write_indicator

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "data" / "imports" / "jobindsats_long_term_unemployed.yaml"
DOWNLOAD = Path(__file__).parent / "fixtures" / "publishers" / "jobindsats_y25i09.csv"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("VISION_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def row(kind, area, period, value, origin):
    p = parse_period(period)
    r = {c: "" for c in COLUMNS}
    r.update(indicator_id="long_term_unemployed", area_code=area, area_name="x", period=period,
             period_type=p.kind, period_start=p.start.isoformat(), period_end=p.end.isoformat(), value=value,
             unit="personer", sex="i alt", age="i alt", source_kind=kind, publisher="p",
             source_url="https://example.org", quote="q", origin=origin)
    if kind in ("api_copy", "copy_computed"):
        r["via"] = "owner/copy@" + "1" * 40 + ":jobindsats.csv"  # a fixture copy, never in the book
    return r


def test_import_keeps_the_file_and_writes_export_rows(data_dir, capsys):
    write_indicator("long_term_unemployed", pd.DataFrame([
        row("api_copy", "340", "2024M01", 90.0, "harvest2/jobindsats.csv:7"),     # outranked: a cross-check
        row("live", "000", "2024M01", 17500.0, "jobindsats:y25i09"),             # stronger: stays
        row("api_copy", "340", "2023M12", 93.0, "harvest2/jobindsats.csv:6"),     # no twin: stays
    ], columns=COLUMNS))
    assert file_import.main([str(SPEC), str(DOWNLOAD), "--retrieved", "2026-11-30"]) == 0
    line = capsys.readouterr().out
    assert "4 rækker" in line and "1 svagere rækker erstattes" in line and "1 linjer" in line

    frame = read_indicator("long_term_unemployed")
    export = frame[frame["source_kind"] == "export"]
    assert sorted(zip(export["area_code"], export["period"])) == [
        ("000", "2024M01"), ("330", "2024M01"), ("340", "2024M01"), ("340", "2024M02")]
    sorø = export[(export["area_code"] == "340") & (export["period"] == "2024M01")].iloc[0]
    assert sorø["value"] == 95.0 and sorø["quote"] == "Sorø;2024M01;95"
    assert sorø["origin"] == "exports/jobindsats_long_term_unemployed/jobindsats_y25i09.csv:3"
    assert (sorø["retrieved"], sorø["table"]) == ("2026-11-30", "y25i09")
    national = export[export["area_code"] == "000"].iloc[0]
    assert national["value"] == 17512.0, "thousands dot"
    assert export[export["period"] == "2024M02"]["value_flag"].tolist() == ["suppressed"]
    assert export[export["area_code"] == "330"]["area_name"].tolist() == ["Slagelse"]
    kinds = sorted(frame[frame["area_code"].isin(["000", "340"])]["source_kind"])
    assert kinds == ["api_copy", "api_copy", "export", "export", "export", "live"], "nothing is deleted"
    shown, checks = pick_best(frame, 0)
    sorø_jan = shown[(shown["area_code"] == "340") & (shown["period"] == "2024M01")]
    assert sorø_jan[["source_kind", "value"]].values.tolist() == [["export", 95.0]], "the export outranks the copy"
    assert checks[checks["origin"] == "harvest2/jobindsats.csv:7"]["shown_value"].tolist() == [95.0]
    national = shown[(shown["area_code"] == "000") & (shown["period"] == "2024M01")]
    assert national["source_kind"].tolist() == ["live"], "a stronger live row stays shown"

    kept = data_dir / "exports" / "jobindsats_long_term_unemployed" / "jobindsats_y25i09.csv"
    assert kept.read_bytes() == DOWNLOAD.read_bytes()
    entry = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))["exports"]["long_term_unemployed"]
    assert entry["file"] == "exports/jobindsats_long_term_unemployed/jobindsats_y25i09.csv"
    assert len(entry["file_sha256"]) == 64 and entry["retrieved"] == "2026-11-30"

    # Importing the same download again changes nothing.
    before = (data_dir / "snapshot" / "long_term_unemployed.csv").read_bytes()
    assert file_import.main([str(SPEC), str(DOWNLOAD), "--retrieved", "2026-11-30"]) == 0
    assert (data_dir / "snapshot" / "long_term_unemployed.csv").read_bytes() == before


def test_a_renamed_column_is_named_and_nothing_is_written(data_dir, tmp_path, capsys):
    bad = tmp_path / "renamed.csv"
    bad.write_bytes(DOWNLOAD.read_bytes().replace("Langtidsledige".encode(), b"Antal"))
    assert file_import.main([str(SPEC), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "'Langtidsledige'" in err and "renamed.csv" in err
    assert not (data_dir / "snapshot" / "long_term_unemployed.csv").exists()


def test_a_bad_number_names_file_line_and_column(data_dir, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(DOWNLOAD.read_bytes().replace(b";95\r\n", b";9S\r\n"))
    with pytest.raises(ValueError, match=r"bad\.csv:3: column 'Langtidsledige'"):
        file_import.import_file(SPEC, bad, date(2026, 11, 30))


def test_every_spec_in_data_imports_loads():
    specs = sorted((ROOT / "data" / "imports").glob("*.yaml"))
    assert len(specs) >= 4
    from helpers.catalog import load_catalog

    ids = load_catalog().indicators
    for path in specs:
        spec = file_import.ImportSpec.load(path)
        assert spec.indicator in ids, f"{path.name}: unknown indicator {spec.indicator}"
        assert spec.source_url.startswith("https://")


def test_a_spec_with_an_unknown_key_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(SPEC.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown key.*colour"):
        file_import.ImportSpec.load(path)


def test_school_years_are_normalised():
    assert file_import._period("2019/2020").label == "2019/20"

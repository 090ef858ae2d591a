"""Harvest 2 in the snapshot: every value row lands once per mapped indicator, with full provenance.

Expectations are read from data/harvest2/*.csv and series.csv with the csv module.
"""
import csv
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import import_harvest2
from helpers.import_harvest2 import Harvest2Error, harvest2_rows, load_map

REPO = Path(__file__).resolve().parents[1]
HARVEST2 = REPO / "data" / "harvest2"
SNAPSHOT = REPO / "data" / "snapshot"
MAP = yaml.safe_load((REPO / "data" / "catalog" / "harvest2_map.yaml").read_text(encoding="utf-8"))["series"]


def value_rows() -> dict[str, dict]:
    rows = {}
    for path in sorted(HARVEST2.glob("*.csv")):
        if path.name == "series.csv":
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            lines = fh.read().splitlines()
        assert len(lines) == len(list(csv.reader(lines))), f"{path.name} has multi-line fields"
        for line, record in enumerate(csv.DictReader(lines), start=2):
            rows[f"harvest2/{path.name}:{line}"] = record
    return rows


def snapshot_rows() -> dict[tuple[str, str], dict]:
    rows = {}
    for path in sorted(SNAPSHOT.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for record in csv.DictReader(fh):
                if record["origin"].startswith("harvest2/"):
                    rows[(path.stem, record["origin"])] = record
    return rows


def series() -> dict[str, dict]:
    with (HARVEST2 / "series.csv").open(encoding="utf-8", newline="") as fh:
        return {r["series_id"]: r for r in csv.DictReader(fh)}


def entry_for(series_id: str) -> dict:
    entry = MAP[series_id]
    return {**MAP[entry["like"]], **entry} if "like" in entry else entry


def test_every_value_row_is_in_the_snapshot_with_its_source():
    snap, meta = snapshot_rows(), series()
    seen = set()
    for origin, src in value_rows().items():
        entry = entry_for(src["series_id"])
        if "skip" in entry:
            continue
        out = snap[(entry["indicator"], origin)]
        seen.add((entry["indicator"], origin))
        assert out["quote"] == src["verbatim"], origin
        assert out["area_code"] == src["area_code"], origin
        if src["value"] == "":
            assert out["value"] == "" and out["value_flag"] in ("missing", "suppressed"), origin
        else:
            assert float(out["value"]) == float(src["value"]) and out["value_flag"] == "", origin
        m = meta["doughnut-land:*"] if src["series_id"].startswith("doughnut-land:") else meta[src["series_id"]]
        assert out["via"] == f"{m['via_repo']}@{m['via_commit']}:{m['via_path']}", origin
        if not src["series_id"].startswith("doughnut-land:"):
            # the map may replace series.csv's table wording (an English working note) by none
            table = entry["table"] if "table" in entry else m["table"]
            assert (out["publisher"], out["table"]) == (m["publisher"], table), origin
        assert out["source_kind"] == entry["kind"], origin
    # FOLK1AM January rows also give population_total on 1 January.
    extra = set(snap) - seen
    assert extra and all(k[0] == "population_total" and "dst_folk1am" in k[1] for k in extra)
    assert all(snap[k]["period"].endswith("-01-01") for k in extra)


def test_kinds_follow_series_csv():
    meta = series()
    for sid, entry in MAP.items():
        if "skip" in entry or "like" in entry:
            continue
        if sid.startswith("dst:"):
            assert entry["kind"] == "export", sid
        elif meta[sid]["computed_by_copy"].startswith("yes"):
            assert entry["kind"] == "copy_computed", sid
        if entry["kind"] == "copy_computed":
            assert entry.get("note"), f"{sid}: a computed value must say what the copy computed"
    for sid, entry in MAP.items():
        if sid.startswith("doughnut-land:") and "skip" not in entry:
            assert entry["kind"] == "copy_computed", sid   # the copy's own national line


def test_periods_follow_period_meaning():
    snap = snapshot_rows()
    by_indicator = {}
    for (iid, _), r in snap.items():
        by_indicator.setdefault(iid, set()).add(r["period_type"])
    assert by_indicator["population_monthly"] == {"month"}
    assert by_indicator["population_total"] == {"date"}
    assert by_indicator["exam_grade_9th_avg"] == {"school_year"}
    assert by_indicator["life_expectancy_birth_5y"] == {"year_range"}
    assert by_indicator["household_waste_collected_recycling_pct"] == {"year_range"}
    soroe_2020 = [r for (iid, _), r in snap.items() if iid == "exam_grade_9th_avg" and r["area_code"] == "340"
                  and r["period"] == "2019/20"]
    assert soroe_2020, "the school year ending 2020 is stored as 2019/20"


def test_unmapped_series_is_an_error_naming_file_and_line(tmp_path):
    folder = tmp_path / "h2"
    shutil.copytree(HARVEST2, folder)
    with (folder / "klimaregnskab_2023.csv").open("a", encoding="utf-8") as fh:
        fh.write("made:up,340,Sorø,2023,1,ref,line\n")
    with pytest.raises(Harvest2Error, match=r"klimaregnskab_2023.csv:\d+: series 'made:up' is not in"):
        harvest2_rows(folder)


def test_bad_period_is_an_error(tmp_path):
    mapping = load_map()
    mapping["sundhedsprofil:rygning"] = {**mapping["sundhedsprofil:rygning"], "period": "school_year_end"}
    rows = harvest2_rows(HARVEST2, mapping)   # a year still converts
    assert any(r["period"] == "2009/10" for r in rows if r["origin"].startswith("harvest2/sundhedsprofil"))
    mapping["dst:FOLK1AM"] = {**mapping["dst:FOLK1AM"], "period": "january_1"}
    with pytest.raises(Harvest2Error, match=r"dst_folk1am.csv:2: period '2021M10'"):
        harvest2_rows(HARVEST2, mapping)


def test_empty_value_is_flagged_never_zero():
    rows = [r for r in harvest2_rows(HARVEST2) if r["value"] == ""]
    assert rows, "harvest2 has suppressed cells (jobindsats, fjernvarme, nitrat)"
    assert {r["value_flag"] for r in rows} <= {"missing", "suppressed"}
    assert all(r["value_flag"] == "suppressed" for r in rows if r["indicator_id"].startswith("jobindsats"))


def test_copy_is_verbatim_and_drops_stale_files(tmp_path):
    target = tmp_path / "copy"
    target.mkdir()
    (target / "stale.csv").write_text("x\n")
    import_harvest2.copy_harvest2(HARVEST2, target)
    assert not (target / "stale.csv").exists()
    assert (target / "sources" / "FOLK1AM.csv").read_bytes() == (HARVEST2 / "sources" / "FOLK1AM.csv").read_bytes()

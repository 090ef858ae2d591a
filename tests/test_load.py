"""helpers.load.load_indicator: record + snapshot rows, filters, errors.

Expected rows are computed from the snapshot CSV with the csv module, not with the code under test.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import snapshot
from helpers.catalog import clear_cache
from helpers.load import IndicatorData, UnknownIndicatorError, load_indicator

ROOT = Path(__file__).resolve().parents[1]
REAL_DATA = ROOT / "data"

# The snapshot columns as written in docs/architecture.md (kept here on purpose: a change of the
# contract must show up as a failing test).
CONTRACT_COLUMNS = [
    "indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
    "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url", "via",
    "quote", "retrieved", "updated", "note", "origin",
]

# (area_code, period, period_type, period_start, period_end, value, value_flag, unit)
SYNTHETIC = [
    ("000", "2009", "year", "2009-01-01", "2009-12-31", "100", "", "personer"),
    ("000", "2015", "year", "2015-01-01", "2015-12-31", "110", "", "personer"),
    ("085", "2014K4", "quarter", "2014-10-01", "2014-12-31", "50", "", "personer"),
    ("329", "2020M07", "month", "2020-07-01", "2020-07-31", "7", "", "personer"),
    ("340", "2010-01-01", "date", "2010-01-01", "2010-01-01", "29000", "", "personer"),
    ("340", "2015", "year", "2015-01-01", "2015-12-31", "29500", "", "personer"),
    ("340", "2020", "year", "2020-01-01", "2020-12-31", "", "suppressed", "personer"),
    ("340", "2021", "year", "2021-01-01", "2021-12-31", "3.5", "", "pct"),
    ("340", "", "undated", "", "", "300", "", "personer"),
    ("340:soroe", "2011-2020", "year_range", "2011-01-01", "2020-12-31", "8000", "", "personer"),
]


def write_snapshot(path: Path, indicator_id: str, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CONTRACT_COLUMNS)
        for n, (area, period, ptype, start, end, value, flag, unit) in enumerate(rows, start=2):
            writer.writerow([indicator_id, area, f"Område {area}", period, ptype, start, end, value, flag, unit,
                             "i alt", "i alt", "publisher_page", "Testkilde", "", "https://example.org/x", "",
                             f"citat {n}", "2024-01-01", "", "", f"harvest/test.csv:{n}"])


def read_expected(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A private data folder: the real catalog plus a synthetic snapshot for births."""
    shutil.copytree(REAL_DATA / "catalog", tmp_path / "catalog")
    write_snapshot(tmp_path / "snapshot" / "births.csv", "births", SYNTHETIC)
    monkeypatch.setenv("VISION_DATA_DIR", str(tmp_path))
    clear_cache()
    yield tmp_path
    clear_cache()


def origins(frame) -> list[str]:
    return list(frame["origin"])


def test_contract_columns_match_snapshot_module():
    assert snapshot.COLUMNS == CONTRACT_COLUMNS


def test_no_filter_returns_every_row_with_provenance(data_dir):
    result = load_indicator("births")
    expected = read_expected(data_dir / "snapshot" / "births.csv")
    assert isinstance(result, IndicatorData)
    assert list(result.data.columns) == CONTRACT_COLUMNS
    assert sorted(origins(result.data)) == sorted(r["origin"] for r in expected)
    assert list(result.data.index) == list(range(len(expected)))


def test_record_comes_from_the_catalog_file(data_dir):
    record = yaml.safe_load((data_dir / "catalog" / "indicators" / "births.yaml").read_text(encoding="utf-8"))
    result = load_indicator("births")
    assert result.record == record
    assert (result.id, result.title, result.unit, result.decimals) == (
        record["id"], record["title"], record["unit"], record["decimals"])
    # the record is read-only, and a copy: changing what it holds does not change the catalog
    with pytest.raises(TypeError):
        result.record["title"] = "ændret"
    result.record["sources"]["curated"] = "ændret"
    assert load_indicator("births").record["sources"] == record["sources"]


@pytest.mark.parametrize("areas, wanted", [
    ("340", {"340"}),
    (["340", "000"], {"340", "000"}),
    (("085",), {"085"}),
    (329, {"329"}),
    (["340:soroe"], {"340:soroe"}),
    ([], set()),
])
def test_area_filter(data_dir, areas, wanted):
    expected = [r["origin"] for r in read_expected(data_dir / "snapshot" / "births.csv") if r["area_code"] in wanted]
    result = load_indicator("births", areas=areas)
    assert sorted(origins(result.data)) == sorted(expected)
    assert set(result.data["area_code"]) == wanted


@pytest.mark.parametrize("start, end, lo, hi", [
    (2015, None, "2015-01-01", None),
    (None, 2014, None, "2014-12-31"),
    (2010, 2015, "2010-01-01", "2015-12-31"),
    ("2014-10-01", "2020-07-01", "2014-10-01", "2020-07-01"),
    ("2011", "2020", "2011-01-01", "2020-12-31"),
    (2020, 2020, "2020-01-01", "2020-12-31"),
])
def test_period_filter(data_dir, start, end, lo, hi):
    rows = read_expected(data_dir / "snapshot" / "births.csv")
    expected = [r["origin"] for r in rows if r["period_start"]
                and (lo is None or r["period_start"] >= lo) and (hi is None or r["period_start"] <= hi)]
    result = load_indicator("births", start=start, end=end)
    assert sorted(origins(result.data)) == sorted(expected)
    assert "" not in set(result.data["period_start"])  # undated rows are left out once a bound is set


def test_end_year_keeps_periods_starting_inside_it(data_dir):
    result = load_indicator("births", areas="329", end=2020)
    assert list(result.data["period"]) == ["2020M07"]


def test_area_and_period_filters_combine(data_dir):
    rows = read_expected(data_dir / "snapshot" / "births.csv")
    expected = [r["origin"] for r in rows if r["area_code"] in ("340", "000")
                and r["period_start"] and "2010-01-01" <= r["period_start"] <= "2020-12-31"]
    result = load_indicator("births", areas=["340", "000"], start=2010, end=2020)
    assert sorted(origins(result.data)) == sorted(expected)
    assert len(expected) == 4  # guards the fixture itself


def test_values_are_numbers_and_flags_kept(data_dir):
    result = load_indicator("births", areas="340", start=2020, end=2020)
    row = result.data.iloc[0]
    assert row["value_flag"] == "suppressed"
    assert row["value"] != row["value"]  # NaN


def test_has_soroe_data(data_dir):
    assert load_indicator("births").has_soroe_data is True
    # only a suppressed Sorø value -> no Sorø data
    assert load_indicator("births", start=2020, end=2020).has_soroe_data is False
    assert load_indicator("births", areas="000").has_soroe_data is False


def test_in_unit_and_for_area(data_dir):
    result = load_indicator("births")
    rows = read_expected(data_dir / "snapshot" / "births.csv")
    assert len(result.in_unit("pct")) == sum(r["unit"] == "pct" for r in rows)
    assert len(result.in_unit()) == sum(r["unit"] == result.unit for r in rows)
    assert len(result.for_area("085")) == sum(r["area_code"] == "085" for r in rows)
    assert result.areas[0] == rows[0]["area_code"]


def test_missing_snapshot_gives_empty_frame(data_dir):
    result = load_indicator("flood_heavy_rain_exposure")
    assert result.data.empty
    assert list(result.data.columns) == CONTRACT_COLUMNS
    assert result.has_soroe_data is False
    assert result.data_available is False and result.missing_reason


def test_unknown_id_suggests_close_ids(data_dir):
    with pytest.raises(UnknownIndicatorError) as info:
        load_indicator("populaton_total")
    assert isinstance(info.value, LookupError)
    assert "populaton_total" in str(info.value)
    assert "population_total" in str(info.value)
    with pytest.raises(KeyError):
        load_indicator("employment")


def test_unknown_id_with_no_similar_ids(data_dir):
    with pytest.raises(UnknownIndicatorError) as info:
        load_indicator("zzzzqqq")
    assert "zzzzqqq" in str(info.value)


@pytest.mark.parametrize("kwargs, word", [
    ({"start": "1. januar 2015"}, "start"),
    ({"end": "2015-13-01"}, "end"),
    ({"start": 2016, "end": 2015}, "after"),
])
def test_bad_bounds_are_clear_errors(data_dir, kwargs, word):
    with pytest.raises(ValueError) as info:
        load_indicator("births", **kwargs)
    assert word in str(info.value)


def test_bad_bound_type(data_dir):
    with pytest.raises(TypeError):
        load_indicator("births", start=2015.5)


# ------------------------------------------------------------------------------------------------
# the real snapshot written by the harvest import


def test_real_snapshot_filters(monkeypatch):
    monkeypatch.delenv("VISION_DATA_DIR", raising=False)
    path = REAL_DATA / "snapshot" / "population_total.csv"
    if not path.exists():
        pytest.skip("data/snapshot/population_total.csv not imported yet")
    rows = read_expected(path)
    expected = [r["origin"] for r in rows if r["area_code"] in ("340", "000")
                and r["period_start"] and "2010-01-01" <= r["period_start"] <= "2020-12-31"]
    assert expected, "the real snapshot should have Sorø or national rows 2010-2020"
    result = load_indicator("population_total", areas=["340", "000"], start=2010, end=2020)
    # Every row is either shown (the best source of its observation) or kept as a cross-check.
    assert set(origins(result.data)) | set(result.cross_checks["origin"]) == set(expected)
    keys = result.data[["area_code", "period", "sex", "age", "unit"]].apply(tuple, axis=1)
    assert keys.is_unique
    assert result.has_soroe_data == any(r["area_code"] == "340" and r["value"] != "" for r in rows)

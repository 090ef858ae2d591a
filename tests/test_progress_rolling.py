"""Rolling multi-year windows (record flag `rolling_window`) and `no_direction_reason` in
helpers.progress.assess. CAGRs are computed by hand here. Fixtures: small frames built below."""
import pandas as pd
import pytest

from helpers.progress import DEVIATIONS_DA, assess
from helpers.rolling import windows_as_annual

COLUMNS = ["indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
           "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url", "via",
           "quote", "retrieved", "updated", "note", "origin"]


def window(area, first, last, value):
    return dict(indicator_id="x", area_code=area, area_name=area, period=f"{first}-{last}", period_type="year_range",
                period_start=f"{first}-01-01", period_end=f"{last}-12-31", value=float(value), value_flag="",
                unit="pct", sex="i alt", age="i alt", source_kind="copy_computed", publisher="Danmarks Statistik",
                table="T", source_url="https://example.org/t", via="r@c:p", quote=str(value), retrieved="2024-01-01",
                updated="", note="", origin=f"harvest2/x.csv:{area}{first}")


class Data:
    def __init__(self, record, rows):
        self.record = record
        self.data = pd.DataFrame(rows, columns=COLUMNS)


def rec(rolling=True, direction="up", **extra):
    out = {"id": "x", "title": "X", "unit": "pct", "decimals": 0, "direction": direction, "data_available": True}
    if rolling:
        out["rolling_window"] = True
    out.update(extra)
    return out


ROWS = [window("340", 2013, 2015, 30), window("340", 2014, 2016, 40), window("340", 2015, 2017, 50),
        window("340", 2018, 2020, 55), window("340", 2021, 2023, 60)]


def test_windows_are_not_assessed_without_the_flag():
    a = assess(Data(rec(rolling=False), ROWS))
    assert a.status == "not_assessable"
    assert "perioder over flere år" in a.reason_da


def test_windows_count_as_their_end_year_from_windows_starting_2015():
    a = assess(Data(rec(), ROWS))
    # base = the first window starting in 2015 (2015-2017 -> 2017), not 2013-2015 though it ends in 2015
    assert (a.base_period, a.latest_period) == ("2015-2017", "2021-2023")
    assert (a.base_year, a.latest_year, a.base_value, a.latest_value) == (2017, 2023, 50, 60)
    assert a.cagr == pytest.approx((60 / 50) ** (1 / 6) - 1)  # 3.09 % a year
    assert a.status == "on_track"
    assert "rolling_window" in a.deviations and DEVIATIONS_DA["rolling_window"] in a.deviations_da
    assert "sidste år" in a.method_da


def test_a_fall_in_windows_is_deterioration():
    rows = [window("340", 2015, 2017, 60), window("340", 2019, 2021, 54)]
    a = assess(Data(rec(), rows))
    assert a.status == "deterioration" and a.trend == "down" and a.trend_good is False


def test_only_windows_reaching_before_2015_give_no_status():
    rows = [window("340", 2012, 2014, 30), window("340", 2013, 2015, 40), window("340", 2014, 2016, 45)]
    a = assess(Data(rec(), rows))
    assert a.status == "not_assessable"


def test_windows_as_annual_keeps_the_label_and_redates():
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    out = windows_as_annual(frame, 2015)
    assert list(out["period"]) == ["2015-2017", "2018-2020", "2021-2023"]
    assert list(out["period_type"]) == ["year"] * 3
    assert list(out["period_start"]) == ["2017-01-01", "2020-01-01", "2023-01-01"]
    assert list(out["period_end"]) == ["2017-12-31", "2020-12-31", "2023-12-31"]


def test_windows_as_annual_bad_dates_name_the_origin():
    bad = dict(window("340", 2015, 2017, 50), period_start="", origin="harvest2/x.csv:7")
    with pytest.raises(ValueError, match="harvest2/x.csv:7"):
        windows_as_annual(pd.DataFrame([bad], columns=COLUMNS), 2015)


def test_no_direction_reason_is_told():
    rows = [dict(window("340", 2015, 2015, 10), period="2015", period_type="year"),
            dict(window("340", 2020, 2020, 12), period="2020", period_type="year")]
    plain = assess(Data(rec(rolling=False, direction="none"), rows))
    said = assess(Data(rec(rolling=False, direction="none", no_direction_reason="målet er kvalitativt"), rows))
    assert plain.status == said.status == "not_assessable"
    assert "målet er kvalitativt" in said.reason_da and "målet er kvalitativt" not in plain.reason_da


def test_catalog_flags_the_recycling_windows_and_schema_accepts_the_fields():
    from helpers.catalog import load_catalog
    catalog = load_catalog()
    assert catalog.indicator("household_waste_collected_recycling_pct").get("rolling_window") is True
    assert catalog.indicator("commute_distance_avg_km").get("no_direction_reason")

"""helpers.explore: the widget panel redraws the chart when its widgets change (no browser)."""
import pandas as pd

from helpers.charts import MEASURE_INDEX
from helpers.explore import explore

COLUMNS = ["indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
           "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url", "via",
           "quote", "retrieved", "updated", "note", "origin"]


def row(area, year, value):
    return dict(indicator_id="x", area_code=area, area_name=area, period=str(year), period_type="year",
                period_start=f"{year}-01-01", period_end=f"{year}-12-31", value=float(value), value_flag="",
                unit="personer", sex="i alt", age="i alt", source_kind="publisher_page", publisher="DST", table="T",
                source_url="https://example.org", via="", quote="q", retrieved="2024-01-01", updated="", note="",
                origin=f"o{area}{year}")


class Data:
    record = {"id": "x", "title": "Test", "unit": "personer", "decimals": 0, "direction": "up",
              "comparison_areas": ["340", "000"]}
    data = pd.DataFrame([row(a, y, v) for a, base in (("340", 100), ("000", 5000), ("329", 300))
                         for y, v in ((2015, base), (2016, base * 1.1), (2017, base * 1.2))], columns=COLUMNS)


def plotted(chart):
    spec = chart.to_dict()
    return [v for values in spec["datasets"].values() for v in values if "omraade" in v]


def test_panel_redraws_on_change():
    panel = explore("x", data=Data(), render=False)
    assert set(panel.last_args["areas"]) == {"340", "000"}
    assert {v["omraade"] for v in plotted(panel.last_chart)} == {"Sorø", "Hele landet"}

    panel.areas_widget.value = ("340", "329")
    assert {v["omraade"] for v in plotted(panel.last_chart)} == {"Sorø", "Ringsted"}

    panel.period_widget.value = (2016, 2017)
    assert sorted({v["aar"] for v in plotted(panel.last_chart)}) == [2016, 2017]

    panel.measure_widget.value = MEASURE_INDEX
    assert panel.last_args["measure"] == MEASURE_INDEX
    soro = sorted((v["aar"], v["vaerdi"]) for v in plotted(panel.last_chart) if v["omraade"] == "Sorø")
    # index: first year in the range (2016, value 110) = 100; 2017: 120 / 110 * 100
    assert soro[0][1] == 100 and abs(soro[1][1] - 120 / 110 * 100) < 1e-9

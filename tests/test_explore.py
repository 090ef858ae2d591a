"""helpers.explore / helpers.explorer with a kernel-side view: widgets change, the chart follows.

No browser: the Python callbacks mirror the controls into the chart's traits and add the status
of every chosen area; the fixture is three areas x three years of made-up values.
"""
import pandas as pd
import pytest

from helpers.explore import explore
from helpers.explorer.ids import model_id, stable_model_ids
from helpers.explorer.payload import payload_digest

COLUMNS = ["indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
           "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url", "via",
           "quote", "retrieved", "updated", "note", "origin"]


def row(area, year, value, kind="export"):
    return dict(indicator_id="x", area_code=area, area_name=area, period=str(year), period_type="year",
                period_start=f"{year}-01-01", period_end=f"{year}-12-31", value=float(value), value_flag="",
                unit="personer", sex="i alt", age="i alt", source_kind=kind, publisher="DST", table="T",
                source_url="https://example.org", via="", quote="q", retrieved="2024-01-01", updated="", note="",
                origin=f"o{area}{year}")


class Data:
    def __init__(self, rows=None):
        self.record = {"id": "x", "title": "Test", "unit": "personer", "decimals": 0, "direction": "up",
                       "comparison_areas": ["340", "000"], "measures": ["level"]}
        self.data = pd.DataFrame(rows or [row(a, y, v) for a, base in (("340", 100), ("000", 5000), ("329", 300))
                                          for y, v in ((2015, base), (2016, base * 1.1), (2017, base * 1.2))],
                                 columns=COLUMNS)


def test_controls_feed_the_chart_and_the_status_callback():
    ex = explore("x", data=Data())
    codes = [a[0] for a in ex.payload["areas"]]
    assert [codes[i] for i in ex.chart.area_index] == ["340", "000"]
    assert [item[0] for item in ex.chart.area_status["items"]] == ["Sorø", "Hele landet"]

    ex.areas.value = ("340", "329")
    assert [codes[i] for i in ex.chart.area_index] == ["340", "329"]
    assert [item[0] for item in ex.chart.area_status["items"]] == ["Sorø", "Ringsted"]

    ex.period.value = (2016, 2017)
    assert ex.chart.period == [2016, 2017]
    ex.measure.index = 1  # "Indeks (fælles basisår = 100)": the fixture has 3 positive years
    assert ex.chart.measure_keys[ex.chart.measure_index] == "index"


def test_payload_is_compact_and_every_source_kind_is_accepted():
    rows = [row("340", 2015, 1, "wiki_mirror"), row("340", 2015, 2, "live"), row("340", 2016, 3, "curated"),
            row("340", 2017, 4, "press")]
    ex = explore("x", data=Data(rows))
    ind = ex.payload["indicators"][0]
    # one row per area and period, the best source kind winning (live beats wiki_mirror)
    assert ind["rows"]["v"] == [2, 3, 4]
    assert set(ind["rows"]) == {"a", "p", "v", "s"}


def test_unknown_source_kind_is_an_error_naming_it():
    with pytest.raises(ValueError, match="rumour"):
        explore("x", data=Data([row("340", 2015, 1, "rumour")]))


def test_a_changed_value_changes_the_digest_and_the_text_nbval_compares():
    a, b = Data(), Data()
    b.data.loc[0, "value"] = 101.0
    ea, eb = explore("x", data=a), explore("x", data=b)
    assert payload_digest(ea.payload) != payload_digest(eb.payload)
    assert ea._repr_mimebundle_()["text/plain"] != eb._repr_mimebundle_()["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in ea._repr_mimebundle_()


def test_model_ids_are_stable_per_namespace():
    import ipywidgets as W

    with stable_model_ids("test-ns-unique"):
        first = W.IntSlider()
    assert first.model_id == model_id("test-ns-unique", 0)
    assert first.layout.model_id == model_id("test-ns-unique", 1)
    with stable_model_ids("test-ns-unique"):
        again = W.IntSlider()  # same process: fresh ids, never a clash
    assert again.model_id not in (first.model_id, first.layout.model_id)
    assert W.IntSlider().model_id != model_id("test-ns-unique", 4)  # outside: random again


def monthly_rows(areas, years=range(2015, 2020)):
    out = []
    for a in areas:
        for y in years:
            for m in range(1, 13):
                r = row(a, y, 100 + m)
                r.update(period=f"{y}M{m:02d}", period_type="month", period_start=f"{y}-{m:02d}-01",
                         period_end=f"{y}-{m:02d}-28", origin=f"o{a}{y}{m}")
                out.append(r)
    return out


def test_big_monthly_series_are_thinned_with_a_danish_note_not_silently():
    from helpers.explorer.payload import PayloadTooLargeError, payload_from

    others = [f"{n:03d}" for n in range(400, 460)]  # made-up codes outside the comparison set
    data = Data(monthly_rows(["340"] + others))
    full = payload_from([data], {"number": 9}, "", max_bytes=10 ** 9)
    thin = payload_from([data], {"number": 9}, "", max_bytes=full["bytes"] // 3)
    rows_full, rows_thin = (p["indicators"][0]["rows"] for p in (full, thin))
    assert len(rows_thin["v"]) < len(rows_full["v"]) / 3
    soro = [p["areas"].index(next(a for a in p["areas"] if a[0] == "340")) for p in (full, thin)]
    assert rows_thin["a"].count(soro[1]) == rows_full["a"].count(soro[0]) == 60  # Sorø kept whole
    assert any("Af hensyn til sidens størrelse" in n for n in thin["indicators"][0]["notes"])
    with pytest.raises(PayloadTooLargeError, match="x"):
        payload_from([data], {"number": 9}, "", max_bytes=1000)

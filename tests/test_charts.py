"""helpers.charts: bound parameters, target layer, fixed Sorø colour, gaps, specs that render.

Test fixtures: small snapshot-shaped frames and records built here."""
import json
import math

import pandas as pd
import pytest
import vl_convert as vlc

from helpers import areas as A
from helpers.charts import (MEASURE_INDEX, MEASURE_LEVEL, MEASURE_PER_1000, bar_compare_chart, chart_rows,
                            indicator_chart, map_chart, prepare)

COLUMNS = ["indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
           "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url", "via",
           "quote", "retrieved", "updated", "note", "origin"]


def row(area, period, value, kind=None, sex="i alt", age="i alt", note=""):
    p = str(period)
    kind = kind or ("year" if len(p) == 4 else "year_range" if len(p) == 9 else "date")
    start, end = {"year": (f"{p}-01-01", f"{p}-12-31"), "date": (p, p),
                  "year_range": (f"{p[:4]}-01-01", f"{p[5:]}-12-31"), "undated": ("", "")}[kind]
    return dict(indicator_id="x", area_code=area, area_name=A.area_label(area), period=p, period_type=kind,
                period_start=start, period_end=end, value=float(value), value_flag="", unit="personer", sex=sex,
                age=age, source_kind="publisher_page", publisher="Danmarks Statistik", table="FOLK1A",
                source_url="https://www.statbank.dk/FOLK1A", via="", quote=str(value), retrieved="2024-01-01", updated="",
                note=note, origin=f"harvest/x.csv:{area}-{p}-{sex}")


class Data:
    def __init__(self, record, rows):
        self.record = record
        self.data = pd.DataFrame(rows, columns=COLUMNS)


def rec(**kw):
    base = {"id": "x", "title": "Folketal", "unit": "personer", "decimals": 0, "direction": "up",
            "measures": ["level", "index"], "comparison_areas": ["340", "000", "329"]}
    base.update(kw)
    return base


def series(area, years, start=100):
    return [row(area, y, start + i) for i, y in enumerate(years)]


def params(spec):
    found = {p["name"]: p for p in spec.get("params", [])}
    for layer in spec.get("layer", []):
        for p in layer.get("params", []):
            found[p["name"]] = p
    return found


def dataset(spec, column):
    for values in spec["datasets"].values():
        if values and column in values[0]:
            return values
    raise AssertionError(f"no dataset with column {column}")


def svg(spec):
    return vlc.vegalite_to_svg(spec, format_locale="da-DK", time_format_locale="da-DK")


DATA = Data(rec(), series("340", [2015, 2016, 2018, 2019]) + series("000", [2015, 2016, 2017, 2018, 2019], 5000)
            + series("329", [2016, 2017], 200))


def test_params_bound_to_inputs():
    spec = indicator_chart(DATA).to_dict()
    p = params(spec)
    assert p["fra_aar"]["bind"]["input"] == "range" and p["til_aar"]["bind"]["input"] == "range"
    assert p["fra_aar"]["bind"]["min"] == 2015 and p["til_aar"]["bind"]["max"] == 2019
    assert p["visning"]["bind"]["input"] == "radio"
    assert p["visning"]["bind"]["options"] == [MEASURE_LEVEL, MEASURE_INDEX]
    assert p["omraade_valg"]["bind"] == "legend"
    text = json.dumps(spec)
    assert "joinaggregate" in text and "datum.vaerdi / datum.basis * 100" in text


def test_per_1000_only_with_population():
    record = rec(measures=["level", "index", "per_1000"])
    d = Data(record, series("340", [2015, 2016]))
    without = params(indicator_chart(d, population={}).to_dict())["visning"]["bind"]["options"]
    assert MEASURE_PER_1000 not in without
    pop = {("340", 2015): 20000.0, ("340", 2016): 20100.0}
    spec = indicator_chart(d, population=pop).to_dict()
    assert MEASURE_PER_1000 in params(spec)["visning"]["bind"]["options"]
    values = dataset(spec, "pr1000")
    assert values[0]["pr1000"] == pytest.approx(100 / 20000 * 1000)  # 5 per 1,000


def test_measure_options_off():
    spec = indicator_chart(DATA, measure_options=False).to_dict()
    assert "visning" not in params(spec)


def test_no_bridging_over_missing_year():
    plot = prepare(DATA).plot
    soro = plot[plot["area_code"] == "340"].sort_values("start")
    seg = dict(zip(soro["aar"], soro["seg"]))
    assert seg[2015] == seg[2016]          # consecutive years: one line
    assert seg[2018] != seg[2016]          # 2017 missing: the line breaks
    assert seg[2018] == seg[2019]
    denmark = plot[plot["area_code"] == "000"]
    assert denmark["seg"].nunique() == 1   # no gap: one segment
    spec = indicator_chart(DATA).to_dict()
    line = [l for l in spec["layer"] if l["mark"]["type"] == "line"][0]
    assert line["encoding"]["detail"]["field"] == "seg"


def test_soro_colour_is_fixed():
    for areas in (None, ["329", "340"], ["340"]):
        spec = indicator_chart(DATA, areas=areas).to_dict()
        scale = spec["layer"][0]["encoding"]["color"]["scale"]
        colours = dict(zip(scale["domain"], scale["range"]))
        assert colours["Sorø"] == A.SORO_COLOR == "#D55E00"
    assert len(set(A.AREA_COLORS.values())) == len(A.AREA_COLORS)  # every comparison area its own colour


def test_target_layer_level():
    d = Data(rec(target={"kind": "level", "value": 150, "year": 2030, "text": "150 i 2030"}), DATA.data.to_dict("records"))
    spec = indicator_chart(d).to_dict()
    rules = [l for l in spec["layer"] if l["mark"]["type"] == "rule"]
    assert rules, "no target rule"
    target_rows = dataset(spec, "etiket")
    assert target_rows[0]["vist"] == 150 and target_rows[0]["start"] == "2030-01-01"
    assert "Mål 2030" in target_rows[0]["etiket"]
    assert rules[0]["encoding"]["y"]["type"] == "quantitative"
    assert not [l for l in indicator_chart(DATA).to_dict()["layer"] if l["mark"]["type"] == "rule"]


def test_target_change_from_base():
    rows = [row("340", 1990, 1000), row("340", 2019, 600), row("340", 2020, 500)]
    d = Data(rec(target={"kind": "change_from_base", "value": -70, "base_year": 1990, "year": 2030}), rows)
    spec = indicator_chart(d).to_dict()
    assert dataset(spec, "etiket")[0]["vist"] == pytest.approx(1000 * 0.3)
    missing_base = Data(rec(target={"kind": "change_from_base", "value": -70, "base_year": 1990, "year": 2030}),
                        rows[1:])
    assert not [l for l in indicator_chart(missing_base).to_dict()["layer"] if l["mark"]["type"] == "rule"]


def test_breakdown_select_and_tooltips():
    rows = (series("340", [2015, 2016]) + [row("340", 2015, 50, sex="mænd"), row("340", 2016, 52, sex="mænd")])
    spec = indicator_chart(Data(rec(), rows)).to_dict()
    p = params(spec)
    assert p["koen_valg"]["bind"]["input"] == "select"
    assert p["koen_valg"]["bind"]["options"] == ["i alt", "mænd"] and p["koen_valg"]["value"] == "i alt"
    assert "alder_valg" not in p
    points = [l for l in spec["layer"] if l["mark"]["type"] == "point"][0]
    titles = [t["title"] for t in points["encoding"]["tooltip"]]
    assert titles[:4] == ["Område", "Periode", "Værdi", "Enhed"] and "Kilde" in titles and "Note" in titles
    svg(spec)


def test_projection_rows_dashed_and_separate():
    rows = series("340", [2019, 2020]) + [row("340", 2021, 130, note="fremskrivning")]
    plot = prepare(Data(rec(), rows)).plot
    assert plot.loc[plot["aar"] == 2021, "seg"].iloc[0] != plot.loc[plot["aar"] == 2020, "seg"].iloc[0]
    spec = indicator_chart(Data(rec(), rows)).to_dict()
    line = [l for l in spec["layer"] if l["mark"]["type"] == "line"][0]
    assert line["encoding"]["strokeDash"]["field"] == "type"


def test_default_areas_are_comparison_areas():
    rows = DATA.data.to_dict("records") + series("999", [2015, 2016])
    assert set(chart_rows(Data(rec(), rows))["area_code"]) == {"340", "000", "329"}
    assert set(chart_rows(Data(rec(), rows), areas=["999"])["area_code"]) == {"999"}


def test_one_row_per_year():
    rows = series("340", [2015, 2016]) + [row("340", "2016-01-01", 999)]
    got = chart_rows(Data(rec(), rows))
    assert list(got["period"]) == ["2015", "2016"]


def test_line_chart_renders():
    out = svg(indicator_chart(Data(rec(target={"kind": "level", "value": 150, "year": 2030}),
                                   DATA.data.to_dict("records"))).to_dict())
    assert out.startswith("<svg") and "Folketal" in out


def test_year_range_falls_back_to_bars():
    rows = [row("340", "2011-2020", 12), row("000", "2011-2020", 15)]
    d = Data(rec(), rows)
    assert prepare(d).mode == "bar"
    spec = indicator_chart(d).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "bar"
    assert "12" in svg(spec)


def test_bar_compare_chart_latest_per_area():
    rows = [row("340", 2020, 10), row("340", 2021, 11), row("000", 2021, 20)]
    spec = bar_compare_chart(Data(rec(), rows)).to_dict()
    values = dataset(spec, "vaerdi")
    assert sorted((v["omraade"], v["vaerdi"]) for v in values) == [("Hele landet", 20.0), ("Sorø", 11.0)]
    svg(spec)


def test_empty_data_gives_text_chart():
    spec = indicator_chart(Data(rec(), [])).to_dict()
    assert spec["mark"]["type"] == "text"


def test_map_chart_renders():
    frame = pd.DataFrame({"area_code": list(A.REGION_SJAELLAND), "value": [float(i) for i in range(17)]})
    spec = map_chart(frame, title="Test").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert "Geodatastyrelsen & Danske Kommuner (DAGI)" in text
    assert '"mercator"' in text
    assert svg(spec).startswith("<svg")


def test_map_chart_keeps_missing_municipalities_grey():
    codes = [c for c in A.REGION_SJAELLAND if c != "336"]
    frame = pd.DataFrame({"area_code": codes, "value": [float(i) for i in range(len(codes))]})
    spec = map_chart(frame, title="Test", unit="%").to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert '"invalid": null' in text and "ingen data" in text and "Grå: ingen data" in text
    assert svg(spec).startswith("<svg")


def _y_axes(node):
    """Every y encoding's axis in a (layered) spec."""
    found = []
    if isinstance(node, dict):
        enc = node.get("encoding", {})
        if isinstance(enc.get("y"), dict) and "axis" in enc["y"]:
            found.append(enc["y"]["axis"])
        for value in node.values():
            found += _y_axes(value)
    elif isinstance(node, list):
        for value in node:
            found += _y_axes(value)
    return found


def test_rank_axis_shows_whole_places_reversed():
    rows = [dict(r, unit="rang") for r in series("340", [2015, 2016, 2017], start=41)]
    spec = indicator_chart(Data(rec(unit="rang", direction="down", measures=["level"]), rows)).to_dict()
    axes = [a for a in _y_axes(spec) if a]
    assert axes and all(a.get("format") == "d" and a.get("tickMinStep") == 1 for a in axes)
    vlc.vegalite_to_svg(spec)


def test_source_text_is_stored_once_and_reaches_every_tooltip():
    rows = series("340", range(2015, 2024)) + series("000", range(2015, 2024), 5000)
    rows[3]["table"] = "BY1"   # a second (source, note) pair
    spec = indicator_chart(Data(rec(), rows)).to_dict()
    data_rows = dataset(spec, "vaerdi")
    assert len(data_rows) == len(rows) and all("kilde" not in r and "ki" in r for r in data_rows)
    table = json.dumps(spec)
    source = "Danmarks Statistik, tabel FOLK1A"
    assert table.count(source) <= 4          # once per lookup table, not once per row (18 rows)
    lookups = [t for t in spec["layer"][1].get("transform", []) if "lookup" in t]
    assert lookups and set(lookups[0]["from"]["fields"]) == {"kilde", "note"}
    # the points (the layer with the tooltip) get kilde from the lookup, before any filter
    assert "kilde" in json.dumps(spec["layer"][1]["encoding"]["tooltip"])
    assert "lookup" in spec["layer"][1]["transform"][0]
    ref = lookups[0]["from"]["data"]
    pairs = ref["values"] if "values" in ref else spec["datasets"][ref["name"]]
    assert len(pairs) == 2 and {p["ki"] for p in pairs} == {r["ki"] for r in data_rows}


def test_a_projection_says_so_in_danish_and_no_english_note_is_shown():
    rows = series("340", range(2015, 2024))
    rows[-1]["note"] = "projection (DST FRKM)"
    rows[-2]["note"] = "Rounded by the source"          # English, not listed: not shown
    plot = prepare(Data(rec(), rows)).plot
    notes = dict(zip(plot["periode"], plot["note"]))
    from helpers.charts import PROJECTION_NOTE_DA
    assert notes["2023"] == PROJECTION_NOTE_DA and notes["2022"] == "" and notes["2015"] == ""


def _all_municipalities(period, soro_value, direction_values=None):
    from helpers import denmark
    codes = sorted(denmark.municipality_names())
    out = []
    for i, code in enumerate(codes):
        r = row(code, period, soro_value if code == "340" else 10 + i)
        r["unit"] = "pct"
        out.append(r)
    return out, len(codes)


def test_single_period_bars_place_soro_among_all_municipalities():
    rows, n = _all_municipalities(2024, 10 + 200)       # Sorø above every other municipality
    record = rec(unit="pct", decimals=1, direction="up", measures=["level"])
    spec = indicator_chart(Data(record, rows)).to_dict()
    assert " ".join(spec["title"]["subtitle"]) == (f"Sorø er nr. 1 af {n} kommuner i 2024 (nr. 1 har den højeste værdi).")
    # a text label with the value beside every bar, and the areas of the record (not all 98) drawn
    assert any(layer["mark"]["type"] == "text" for layer in spec["layer"])
    assert {r["omraade"] for r in dataset(spec, "vaerdi")} == {"Sorø", "Ringsted"}
    down = indicator_chart(Data(dict(record, direction="down"), rows)).to_dict()
    assert " ".join(down["title"]["subtitle"]).startswith(f"Sorø er nr. {n} af {n} kommuner i 2024 (nr. 1 har den laveste")
    # a handful of areas only: no place among the municipalities is claimed
    few = indicator_chart(Data(record, [r for r in rows if r["area_code"] in ("340", "329", "000")])).to_dict()
    assert "subtitle" not in few.get("title", {})


def test_two_period_lines_label_each_value():
    spec = indicator_chart(Data(rec(), series("340", [2021, 2022]) + series("000", [2021, 2022], 5000))).to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text" and layer["encoding"].get("text", {}).get("field") == "vist"]
    assert len(texts) == 1 and texts[0]["encoding"]["text"]["format"] == ",.0f"
    many = indicator_chart(Data(rec(), series("340", range(2015, 2024)))).to_dict()
    assert not any(layer["mark"]["type"] == "text" and layer["encoding"].get("text", {}).get("field") == "vist"
                   for layer in many["layer"])


def test_a_shared_place_is_said_after_the_count():
    rows, n = _all_municipalities(2024, 10)             # Sorø ties with the first municipality (10 + 0)
    spec = indicator_chart(Data(rec(unit="pct", decimals=1, measures=["level"]), rows)).to_dict()
    assert " ".join(spec["title"]["subtitle"]) == (f"Sorø er nr. {n - 1} af {n} kommuner i 2024 "
                                         "(nr. 1 har den højeste værdi, delt med 1 anden).")

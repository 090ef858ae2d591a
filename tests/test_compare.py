"""helpers.compare and helpers.denmark: what the pages show about Sorø among all municipalities.

The indicator frames are invented fixtures (never in the book)."""
from __future__ import annotations

import json
from html import escape as html_escape
import math
import posixpath

import pandas as pd

from helpers import compare, denmark, render
from helpers import rank as R
from helpers.paths import ROOT
from helpers.periods import parse_period

CODES = sorted(denmark.municipality_names())


def _row(code, period, value, unit="pct"):
    p = parse_period(period)
    return {"indicator_id": "fixture", "area_code": code, "area_name": code, "period": period,
            "period_type": p.kind, "period_start": p.start.isoformat(), "period_end": p.end.isoformat(),
            "value": math.nan if value is None else float(value), "value_flag": "suppressed" if value is None else "",
            "unit": unit, "sex": "i alt", "age": "i alt", "source_kind": "export", "publisher": "Fixture",
            "table": "T", "source_url": "https://example.org", "quote": "q", "retrieved": "2026-01-01",
            "updated": "", "note": "", "origin": f"fixture:{code}:{period}"}


def fixture_rank(direction="up"):
    rows = []
    for year, shift in (("2020", 0.0), ("2024", 0.5)):
        for i, code in enumerate(CODES):
            # Sorø's value is the same both years; the others rise, so Sorø loses places.
            value = 50.0 if code == "340" else i + shift * i
            rows.append(_row(code, year, None if code == "101" else value))
        rows.append(_row("000", year, 55.5))
        rows.append(_row("411", year, 1e6))
    record = {"id": "fixture", "title": "Fixture-tal", "unit": "pct", "decimals": 1, "direction": direction, "theme": 1}
    return R.rank_indicator({"record": record, "data": pd.DataFrame(rows)})


def test_geometry_has_the_98_municipalities_and_is_small():
    names = denmark.municipality_names()
    assert len(names) == 98 and names["340"] == "Sorø" and "411" not in names
    assert denmark.topojson_path().stat().st_size < 300_000


def test_geometry_url_is_relative_to_the_page_and_points_at_the_file():
    for page in ("chapters/kort", "chapters/tema1-hverdagsliv/t1-trivsel", "intro"):
        url = denmark.url_from(page)
        assert "//" not in url
        assert (ROOT / posixpath.normpath(posixpath.join(posixpath.dirname(page), url))) == denmark.topojson_path()


def test_payload_rows_hold_values_and_python_places_per_slot():
    ranked = fixture_rank()
    rows, history, slots = compare.payload([ranked])
    assert slots == [(0, "2020"), (0, "2024")]
    by_code = {r["c"]: r for r in rows}
    assert set(by_code) == set(CODES) | {"000"} and "411" not in by_code
    for s, (_, period) in enumerate(slots):
        p = ranked.period(period)
        assert by_code["340"]["r"][s] == p.place and by_code["340"]["v"][s] == 50.0
        assert by_code["101"]["v"][s] is None and by_code["101"]["r"][s] is None   # ingen værdi, not 0
        assert by_code["000"]["r"][s] is None and by_code["000"]["v"][s] == 55.5
    assert [h["r"] for h in history] == [p.place for p in ranked.periods]
    assert by_code["340"]["k"] == compare.KIND_SORO and by_code["329"]["k"] == compare.KIND_NEIGHBOUR


def test_texts_are_danish_and_state_the_change():
    ranked = fixture_rank()
    first, latest = ranked.periods
    assert latest.place > first.place  # the others rose past Sorø
    text = compare.period_text(ranked, latest)
    assert text.startswith(f"Sorø: nr. {latest.place} af 97 i 2024 (50,0 %).")
    assert "Hele landet: 55,5 %." in text
    assert "Ingen værdi: København." in text   # 101 is suppressed
    lost = latest.place - first.place
    assert text.endswith(f"Siden 2020 (nr. {first.place} af 97): {lost} pladser tilbage.")
    assert "laveste" in compare.direction_text(fixture_rank("down"))


def test_comparison_page_renders_offline_with_pickers_and_state():
    ranked = fixture_rank()
    html = compare.comparison_page(ranks=[ranked]).html
    assert 'select name="indikator"' in html and 'optgroup label="Tema 1: ' in html
    assert "kommuner.topojson" in html and "https://" not in html.split("<details")[0].replace(
        "https://example.org", "")
    meta = json.loads(html.split('id="v26-compare-meta">')[1].split("</script>")[0])
    assert [p["slot"] for p in meta["indicators"][0]["periods"]] == [0, 1]
    assert meta["indicators"][0]["dir"] == 1 and meta["indicators"][0]["fmt"] == ",.1f"
    assert html_escape(denmark.ATTRIBUTION) in html
    # Both specs pass the offline renderer (no remote data) and carry the map geometry as a local URL.
    spec = compare.view_spec(*compare.payload([ranked])[:1], 1, ranked, geo_url=denmark.url_from("chapters/kort"))
    assert render.chart_html(spec)
    assert spec["vconcat"][0]["layer"][0]["data"]["url"] == "../_static/kommuner.topojson"


def test_empty_page_says_there_is_nothing_to_compare():
    html = compare.comparison_page(ranks=[]).html
    assert "mindst 90 kommuner" in html and "v26-compare-meta" not in html


def test_rank_block_and_cell(monkeypatch):
    ranked = fixture_rank()
    monkeypatch.setattr(compare, "rank_of", lambda i: ranked if i == "fixture" else None)
    assert compare.rank_cell("fixture") == f"nr. {ranked.latest.place} af 97 (2024)"
    assert compare.rank_cell("other") == ""
    block = compare.rank_block("fixture", from_page="chapters/tema1-hverdagsliv/t1-trivsel")
    assert f"nr. {ranked.latest.place} af 97" in block.html
    assert block.html.count('class="vision-chart"') == 2          # distribution + rank over time
    assert block.html.count("data:text/csv") == 2                # each with its CSV
    assert 'href="../kort.html#indikator=fixture"' in block.html
    assert compare.rank_block("other").html == ""
    assert 0 < compare.rank_sort_value("fixture") < 1


def test_csv_rows_carry_the_published_value_not_the_per_1000_one():
    rows = [_row(c, "2024", 10.0 * (i + 1), unit="personer") for i, c in enumerate(CODES)]
    population = {(c, 2024): 1000.0 * (i + 1) for i, c in enumerate(CODES)}
    record = {"id": "fixture", "title": "Antal", "unit": "personer", "decimals": 0, "direction": "down", "theme": 2}
    ranked = R.rank_indicator({"record": record, "data": pd.DataFrame(rows)}, population=population)
    assert set(ranked.rows["value"]) == {10.0}                    # 10 per 1,000 everywhere: all tied
    assert ranked.latest.place == 1 and ranked.latest.shared == 98
    csv = compare.csv_rows(ranked, "2024")
    assert sorted(csv["value"]) == sorted(10.0 * (i + 1) for i in range(len(CODES)))
    assert "fixture-2024.csv" in compare.csv_link(ranked, csv, "2024")


def test_page_opens_with_the_default_indicator_and_notes_once(monkeypatch):
    import dataclasses
    one, two = fixture_rank(), fixture_rank("down")
    two = dataclasses.replace(two, indicator_id="other_fixture", title="Andet tal")
    monkeypatch.setattr(compare, "DEFAULT_INDICATOR", "other_fixture")
    html = compare.comparison_page(ranks=[one, two]).html
    meta = json.loads(html.split('id="v26-compare-meta">')[1].split("</script>")[0])
    assert meta["default"] == "other_fixture"
    assert 'data-indicator="other_fixture"' in html and '<option value="other_fixture" selected>' in html
    assert '<option value="fixture">' in html                       # the other stays a plain choice
    # the opening text is the default's, and the note matches its direction (lower is better)
    assert html_escape(compare.period_text(two, two.latest)) in html
    assert html_escape(compare.direction_text(two)) in html
    assert len(meta["notes"]) == 2 and {m["note"] for m in meta["indicators"]} == {0, 1}
    # the map view opens on the default's latest slot, the history on its index
    index = [m["id"] for m in meta["indicators"]].index("other_fixture")
    slot = meta["indicators"][index]["periods"][-1]["slot"]
    assert f'"name":"slot","value":{slot}' in html and f'"name":"indikator","value":{index}' in html
    # without the default among the comparable ones, the first indicator opens the page
    monkeypatch.setattr(compare, "DEFAULT_INDICATOR", "not_there")
    fallback = json.loads(compare.comparison_page(ranks=[one, two]).html.split('id="v26-compare-meta">')[1]
                          .split("</script>")[0])
    assert fallback["default"] == fallback["indicators"][0]["id"]

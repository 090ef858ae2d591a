"""Danish reader text (helpers.fmt, helpers.notes) and the site's HTML rewriting (scripts/sphinx_reader.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

from helpers import charts, fmt, notes

ROOT = Path(__file__).resolve().parents[1]


def _reader_ext():
    spec = importlib.util.spec_from_file_location("sphinx_reader", ROOT / "scripts" / "sphinx_reader.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_human_periods():
    assert fmt.human_period("2024-01-01") == "1. jan. 2024"
    assert fmt.human_period("2021K1") == "2021 K1"
    assert fmt.human_period("2015M11") == "nov. 2015"
    assert fmt.human_period("2011-2020") == "2011–2020"
    assert fmt.human_period("") == "uden dato"
    assert fmt.human_period("not a period") == "not a period"


def test_source_text_names_what_the_value_came_through_for_any_kind():
    assert fmt.source_text("Danmarks Statistik", "FOLK1A") == "Danmarks Statistik, tabel FOLK1A"
    text = fmt.source_text("Danmarks Statistik", "FOLK1A", "api_copy", "statbank-kopi")
    assert "offentlig kopi" in text and "via statbank-kopi" in text
    assert fmt.source_text("P", float("nan"), "curated", None) == "P"  # unknown kind, empty cells


def test_a_copys_commit_is_shortened_for_the_reader_and_nothing_else_is_lost():
    via = "augustseptimius-beep/doughnut@378426df6d968a3e6882ae30e9e8b8755f5eb6e7:data/trend_history_raw.csv"
    text = fmt.source_text("Danmarks Statistik", "RAS200", "api_copy", via)
    assert "via augustseptimius-beep/doughnut (data/trend_history_raw.csv, commit 378426d)" in text
    assert "378426df6d96" not in text
    assert fmt.via_text("not a repo reference") == "not a repo reference"


def test_reader_note_only_in_danish(tmp_path, monkeypatch):
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "reader_notes_da.yaml").write_text(
        'notes:\n  "Rounded by source.": "Afrundet af kilden."\n', encoding="utf-8")
    monkeypatch.setenv("VISION_DATA_DIR", str(tmp_path))
    notes._mapping.cache_clear()
    try:
        assert notes.reader_note("Rounded by source.") == "Afrundet af kilden."
        assert notes.reader_note("Some other English note.") == ""
        assert notes.reader_note("x", "Dansk note") == "Dansk note"
    finally:
        notes._mapping.cache_clear()


def test_theme_strings_become_danish_and_fontawesome_goes():
    ext = _reader_ext()
    html = ('<head><script defer src="_static/scripts/fontawesome.js?digest=1"></script></head>'
            '<a class="skip-link" href="#main">Skip to main content</a>'
            '<button title="Back to top" aria-label="Color mode"></button>'
            '<p class="component-author">\nVed Vision 2026 i tal\n</p><script src="searchindex.js"></script>')
    out = ext.translate_html(html)
    assert "fontawesome" not in out and "searchindex" not in out
    assert "Gå til hovedindholdet" in out and 'title="Til toppen"' in out and 'aria-label="Farvetema"' in out
    assert "Udgivet af Vision 2026 i tal" in out
    assert "searchindex" in ext.translate_html(html, search_page=True)


def test_an_indicator_of_targets_only_is_drawn_as_target_markers():
    record = {"id": "t", "title": "Mål", "unit": "pct"}
    rows = pd.DataFrame([{"indicator_id": "t", "area_code": "340", "area_name": "Sorø", "period": "2030",
                          "period_type": "year", "period_start": "2030-01-01", "period_end": "2030-12-31",
                          "value": 70.0, "unit": "pct", "sex": "i alt", "age": "i alt", "publisher": "Sorø Kommune",
                          "table": "", "source_url": "", "quote": "", "note": "Target for 2030", "retrieved": "",
                          "origin": "x:1"}])
    data = {"record": record, "data": rows}
    spec = charts.indicator_chart(data).to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in spec["layer"]]
    assert "bar" not in marks and "point" in marks
    # with a measurement beside it, the target row is not drawn as data
    measured = pd.concat([rows, rows.assign(period="2020", period_start="2020-01-01", period_end="2020-12-31",
                                            value=40.0, note="", origin="x:2")])
    prep = charts.prepare({"record": record, "data": measured})
    assert list(prep.plot["vaerdi"]) == [40.0]


def test_inline_csv_downloads_become_files_with_the_same_bytes(tmp_path):
    import base64
    reader = _reader_ext()
    csv_a, csv_b = "a,b\n1,ø\n", "\ufeffa;b\r\n1;2\r\n"
    uri = lambda t: "data:text/csv;charset=utf-8;base64," + base64.b64encode(t.encode("utf-8")).decode()  # noqa: E731
    page = tmp_path / "chapters" / "tema1" / "side.html"
    page.parent.mkdir(parents=True)
    html = (f'<a class="v26-csv" href="{uri(csv_a)}" download="tal.csv">Hent data (CSV)</a>'
            f'<a class="v26-excel" href="{uri(csv_b)}" download="tal-excel.csv">Hent data (Excel)</a>'
            f'<a href="{uri(csv_a)}" download="tal.csv">igen</a>')
    out = reader.extract_downloads(html, page, tmp_path)
    assert "data:text/csv" not in out
    hrefs = __import__("re").findall(r'href="([^"]+)" download="([^"]+)"', out)
    assert len(hrefs) == 3 and hrefs[0][0] == hrefs[2][0] and hrefs[0][0] != hrefs[1][0]
    for href, name in hrefs:
        assert href.startswith("../../_static/hent/") and href.endswith("/" + name)
    assert (page.parent / hrefs[0][0]).read_bytes() == csv_a.encode("utf-8")
    assert (page.parent / hrefs[1][0]).read_bytes() == csv_b.encode("utf-8")   # the BOM and CRLF kept
    assert reader.extract_downloads("<p>ingen data</p>", page, tmp_path) == "<p>ingen data</p>"


def test_icon_font_rules_are_stripped_and_everything_else_is_kept():
    reader = _reader_ext()
    css = ('@charset "UTF-8";.fade{opacity:0}.fa,.fas{display:inline-block}.fa-bars:before{content:"\\f0c9"}'
           '@media (min-width:1px){.fa-lg{font-size:2em}.x{color:red}}'
           '#pst-back-to-top .fa-arrow-up{margin:1px}.fa-sr-only,.sr-only{height:1px}'
           '@font-face{font-family:Font Awesome\\ 6 Free;src:url(a.woff2)}@font-face{font-family:Other;src:url(b)}'
           '@keyframes fa-spin{0%{transform:rotate(0)}to{transform:rotate(1turn)}}'
           '/*# sourceMappingURL=pydata-sphinx-theme.css.map*/')
    out = reader.strip_icon_font(css)
    for gone in ('.fa,.fas', '.fa-bars:before', '.fa-lg', 'Font Awesome', 'fa-spin', 'sourceMappingURL'):
        assert gone not in out, gone
    for kept in ('@charset "UTF-8";', '.fade{opacity:0}', '.x{color:red}', '#pst-back-to-top .fa-arrow-up{margin:1px}',
                 '.fa-sr-only,.sr-only{height:1px}', 'font-family:Other'):
        assert kept in out, kept

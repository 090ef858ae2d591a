"""helpers.provenance: second-hand counts, disagreeing sources named, the official span of a
headline chart. Fixtures are small frames built here; expected values are written by hand."""
import pandas as pd
import pytest

from helpers import provenance as P
from helpers.load import IndicatorData, pick_best

COLUMNS = ["indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
           "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url", "via",
           "quote", "retrieved", "updated", "note", "origin"]


def row(area, period, value, kind, publisher="Danmarks Statistik", table="FOLK1A", origin=None):
    p = str(period)
    if len(p) == 4:
        ptype, start, end = "year", f"{p}-01-01", f"{p}-12-31"
    else:
        ptype, start, end = "date", p, p
    return dict(indicator_id="x", area_code=area, area_name=area, period=p, period_type=ptype, period_start=start,
                period_end=end, value=value, value_flag="", unit="personer", sex="i alt", age="i alt",
                source_kind=kind, publisher=publisher, table=table, source_url="https://example.org",
                via="r@c:p" if kind in ("api_copy", "copy_computed") else "", quote=str(value),
                retrieved="2024-01-01", updated="", note="", origin=origin or f"h/{area}{p}{kind}")


RECORD = {"id": "x", "title": "Folketal", "unit": "personer", "decimals": 0, "direction": "up",
          "comparison_areas": ["340", "000"], "data_available": True}


def data_of(rows):
    frame = pd.DataFrame(rows, columns=COLUMNS)
    shown, checks = pick_best(frame, 0)
    return IndicatorData(RECORD, shown, checks)


def test_kind_counts_counts_shown_rows_by_kind():
    d = data_of([row("340", 1787, 7168, "press", "Trap Danmark", ""),
                 row("340", 2005, 28336, "wiki_mirror"),
                 row("340", "2007-01-01", 28956, "api_copy"),
                 row("340", "2007-01-01", 28950, "press", "Sjællandske", ""),  # a cross-check, not shown
                 row("340", "2022-01-01", 30018, "export"),
                 row("340", "2023-01-01", 30444, "publisher_page", "Sorø Kommune", "")])
    counts = P.kind_counts([d.data])
    assert counts["press"] == 1 and counts["wiki_mirror"] == 1 and counts["publisher_page"] == 1
    assert counts["api_copy"] == 1 and counts["export"] == 1 and counts["live"] == 0
    text = P.second_hand_sentence(counts, "Test")
    assert "5 tal" in text and "2 (40,0 %)" in text and "1 (20,0 %) står på udgiverens egen side" in text


def test_kind_counts_rejects_an_unknown_kind():
    frame = pd.DataFrame([row("340", 2020, 1, "blog")], columns=COLUMNS)
    with pytest.raises(ValueError, match="blog"):
        P.kind_counts([frame])


def test_second_hand_markdown_reads_the_catalog_it_is_given():
    catalog = {"indicators": {"a": {"data_available": True}, "b": {"data_available": False}}}
    d = data_of([row("340", "2020-01-01", 1, "press", "Avis", ""), row("000", "2020-01-01", 2, "api_copy")])
    text = P.second_hand_markdown(catalog, loader=lambda iid: {"a": d}[iid])
    assert "Alle viste tal (alle indikatorer og områder): 2 tal. Heraf er 1 (50,0 %)" in text
    assert "Viste tal for Sorø: 1 tal. Heraf er 1 (100,0 %)" in text


def test_disagreement_names_both_sources_and_values():
    d = data_of([row("340", "2023-01-01", 30444, "export", table="FOLK1AM"),
                 row("340", "2023-01-01", 30450, "press", "Sjællandske", "")])
    lines = P.disagreement_lines(d)
    assert len(lines) == 1
    line = lines[0]
    assert "Sorø" in line and "30.444" in line and "30.450" in line
    assert "Danmarks Statistik" in line and "FOLK1AM" in line and "Sjællandske" in line
    assert "Kilderne er ikke enige" in P.disagreement_html(d)


def test_agreeing_sources_and_other_areas_say_nothing():
    d = data_of([row("340", "2023-01-01", 30444, "export"), row("340", "2023-01-01", 30444.4, "press", "Avis", ""),
                 row("370", "2023-01-01", 84574, "export"), row("370", "2023-01-01", 84579, "press", "Avis", "")])
    assert P.disagreement_lines(d, areas=["340"]) == []
    assert P.disagreement_html(d, areas=["340"]) == ""
    assert len(P.disagreement_lines(d)) == 1


def test_official_span_splits_older_second_hand_rows():
    rows = [row("340", 1787, 7168, "press", "Trap Danmark", ""), row("340", 2005, 28336, "wiki_mirror"),
            row("340", "2007-01-01", 28956, "api_copy"), row("340", "2021-01-01", 29993, "press", "Avis", ""),
            row("340", "2022-01-01", 30018, "export")]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    inside, older, start = P.split_official_span(frame)
    assert start == "2007-01-01"
    assert list(older["period"]) == ["1787", "2005"]
    # a second-hand row inside the official span stays in the chart
    assert list(inside["period"]) == ["2007-01-01", "2021-01-01", "2022-01-01"]
    note = P.older_rows_note_da(older, start, inside)
    assert "1. jan. 2007" in note and "2 ældre tal (1787–2005)" in note and "Trap Danmark" in note
    assert "sekundære kilder" in note and "CSV-filen" in note


def test_no_official_series_means_no_split():
    # a publisher's page and the press are no series from the publisher's API: nothing is split off
    frame = pd.DataFrame([row("340", 2015, 1, "publisher_page"), row("340", 2010, 2, "press", "Avis", "")],
                         columns=COLUMNS)
    inside, older, start = P.split_official_span(frame)
    assert start is None and older.empty and len(inside) == 2


def test_a_series_the_copy_computed_is_an_official_span():
    frame = pd.DataFrame([row("340", 2015, 1, "copy_computed"), row("340", 2010, 2, "press", "Avis", "")],
                         columns=COLUMNS)
    inside, older, start = P.split_official_span(frame)
    assert start == "2015-01-01" and list(older["period"]) == ["2010"] and len(inside) == 1


def test_headline_chart_of_population_starts_at_the_official_series_and_keeps_the_csv():
    """The real snapshot: population_total reaches back to 1787 via second-hand rows."""
    import re
    from helpers import page
    from helpers.load import load_indicator
    data = load_indicator("population_total")
    years = pd.to_numeric(data.data["period_start"].str[:4], errors="coerce")
    assert years.min() < 1900  # the premise: old second-hand rows exist
    full = page.chart_block("population_total", official_span=False).html
    cut = page.chart_block("population_total").html
    first = lambda h: min(int(y) for y in re.findall(r'"aar": ?(\d{4})', h))
    assert first(full) < 1900 and first(cut) >= 2000
    count = lambda h: re.findall(r"\((\d+) rækker med kilder", h)
    assert count(full) == count(cut)  # the CSV keeps every row
    assert "ældre tal" in cut and "ældre tal" not in full

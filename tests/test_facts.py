"""helpers.facts: the numbers goal pages glue into their prose.

Test fixtures: small snapshot-shaped frames (from test_progress) with hand-picked values; the
expected texts are written by hand in Danish format."""
from test_progress import Data, rec, row

from helpers import facts as F


def _facts(rows, record, monkeypatch):
    monkeypatch.setattr("helpers.compare.rank_of", lambda indicator_id: None)
    return F.facts("x", data=Data(record, rows))


def test_levels_periods_reference_and_change_in_points(monkeypatch):
    rows = [row("340", 2014, 70.0), row("340", 2015, 71.04), row("340", 2020, 73.96),
            row("000", 2020, 75.0), row("101", 2020, 60.0)]
    out = _facts(rows, rec("up"), monkeypatch)
    assert out["n"] == "3"
    assert (out["first_period"], out["last_period"]) == ("2014", "2020")
    assert out["last_value"] == "74,0 %" and out["ref_value"] == "75,0 %"
    assert (out["base_period"], out["latest_period"]) == ("2015", "2020")
    # the change is told in points and from the values as shown: 71,0 -> 74,0 is +3,0
    assert out["change"] == "+3,0 procentpoint"
    assert out["place"] == "–" and out["status"] != ""


def test_missing_area_gives_dashes_never_a_number(monkeypatch):
    out = _facts([row("000", 2020, 75.0)], rec("up"), monkeypatch)
    assert out["n"] == "0"
    assert {out[k] for k in ("first_period", "last_period", "last_value", "change")} == {"–"}


def test_year_change_spread_counts_municipal_falls():
    rows = [row("340", 2023, 30.0), row("340", 2024, 24.0),   # -20 %
            row("101", 2023, 20.0), row("101", 2024, 20.5),
            row("147", 2023, 10.0), row("147", 2024, 8.5),    # -15 %
            row("000", 2023, 25.0), row("000", 2024, 25.2)]
    out = F.year_change_spread("x", "2023", "2024", drop=0.10, data=Data(rec("none"), rows))
    assert out == {"2023": "30,0 %", "2024": "24,0 %", "ref_change": "+0,2 procentpoint", "drops": "2", "n": "3"}


def test_periods_as_a_reader_says_them():
    assert F.period_da("2026-01-01") == "1. januar 2026"
    assert F.period_da("2021M10") == "oktober 2021"
    assert [F.period_da(p) for p in ("2024", "2016K3", "2023-2025")] == ["2024", "2016K3", "2023-2025"]

"""helpers.progress.assess: each status and target kind, with CAGRs computed by hand here.

Test fixtures: small snapshot-shaped frames and catalog-shaped records built in the tests."""
import math

import pandas as pd
import pytest

from helpers.progress import assess, annual_series, usable_rows

COLUMNS = ["indicator_id", "area_code", "area_name", "period", "period_type", "period_start", "period_end",
           "value", "value_flag", "unit", "sex", "age", "source_kind", "publisher", "table", "source_url", "via",
           "quote", "retrieved", "updated", "note", "origin"]


def row(area, period, value, note="", kind=None, sex="i alt", age="i alt", unit="pct", origin=None, retrieved="2024-01-01"):
    """One fixture row; the period kind and dates follow the snapshot contract for simple labels."""
    p = str(period)
    if kind is None:
        kind = "year" if len(p) == 4 else "date" if len(p) == 10 else "quarter"
    if kind == "year":
        start, end = f"{p}-01-01", f"{p}-12-31"
    elif kind == "date":
        start = end = p
    elif kind == "quarter":
        y, q = int(p[:4]), int(p[-1])
        start, end = f"{y}-{3 * q - 2:02d}-01", f"{y}-{3 * q:02d}-28"
    else:
        start = end = ""
    return dict(indicator_id="x", area_code=area, area_name=area, period=p, period_type=kind, period_start=start,
                period_end=end, value=float(value) if value is not None else math.nan, value_flag="" if value is not None else "missing",
                unit=unit, sex=sex, age=age, source_kind="publisher_page", publisher="Danmarks Statistik", table="T1",
                source_url="https://example.org/t1", via="", quote=f"{value}", retrieved=retrieved, updated="", note=note,
                origin=origin or f"harvest/x.csv:{area}{p}{sex}{age}")


class Data:
    def __init__(self, record, rows):
        self.record = record
        self.data = pd.DataFrame(rows, columns=COLUMNS)


def rec(direction="up", target=None, unit="pct", decimals=1):
    return {"id": "x", "title": "X", "unit": unit, "decimals": decimals, "direction": direction,
            "target": target, "data_available": True}


def soro(*pairs, **kw):
    return [row("340", p, v, **kw) for p, v in pairs]


# ---------------------------------------------------------------- direction only
def test_direction_up_on_track():
    a = assess(Data(rec("up"), soro((2015, 100), (2020, 110))))
    expected = (110 / 100) ** (1 / 5) - 1  # 1.92 % a year
    assert a.cagr == pytest.approx(expected)
    assert a.status == "on_track" and a.label_da == "På rette vej"
    assert (a.base_period, a.latest_period, a.base_value, a.latest_value) == ("2015", "2020", 100, 110)


@pytest.mark.parametrize("latest,status", [(103, "moderate"), (101, "limited"), (95, "deterioration")])
def test_direction_thresholds(latest, status):
    a = assess(Data(rec("up"), soro((2015, 100), (2020, latest))))
    # 103: 0.59 % (>= 0.5 %), 101: 0.20 % (> 0), 95: -1.02 %
    assert a.cagr == pytest.approx((latest / 100) ** (1 / 5) - 1)
    assert a.status == status


def test_direction_down_flips_sign():
    a = assess(Data(rec("down"), soro((2015, 100), (2020, 90))))
    assert a.cagr == pytest.approx(0.9 ** 0.2 - 1)  # -2.09 %: improving when lower is better
    assert a.status == "on_track"
    assert assess(Data(rec("down"), soro((2015, 100), (2020, 110)))).status == "deterioration"


def test_rank_without_place_target_is_compared_plainly_not_assessed():
    a = assess(Data(rec("up", unit="rang"), soro((2016, 20), (2021, 10))))
    # no growth rate of a place: the reason compares the places and gives no status
    assert a.status == "not_assessable" and a.cagr is None
    assert "nr. 20 (2016) → nr. 10 (2021)" in a.reason_da and "10 pladser bedre" in a.reason_da
    assert (a.trend, a.trend_good) == ("down", True)  # lower place is better even if the record says up
    assert "Rang" in a.method_da and a.deviations == ["rank_places"]


@pytest.mark.parametrize("unit,flag", [("placering", False), ("antal", True)])
def test_rank_by_placering_unit_or_record_flag(unit, flag):
    r = rec("up", unit=unit)
    if flag:
        r["rank"] = True
    a = assess(Data(r, soro((2016, 20), (2021, 21))))
    assert a.status == "not_assessable" and "1 plads dårligere" in a.reason_da


def test_rank_with_place_target_uses_places_per_year():
    t = {"kind": "level", "value": 5, "year": 2026}
    a = assess(Data(rec("down", t, unit="rang"), soro((2016, 20), (2021, 10))))
    # 10 places up in 5 years = 2 a year; 15 places needed in 10 years = 1.5 a year -> ratio 1.33
    assert a.cagr is None and a.ratio == pytest.approx(2 / 1.5)
    assert a.status == "on_track" and a.method == "rank_places"
    assert "pladser" in a.reason_da


def test_no_direction_not_assessable():
    a = assess(Data(rec("none"), soro((2015, 100), (2020, 110))))
    assert a.status == "not_assessable" and a.label_da == "Kan ikke vurderes"


def test_negative_values_without_target_not_assessable():
    a = assess(Data(rec("up"), soro((2015, -10), (2020, -5))))
    assert a.status == "not_assessable"
    assert "0 eller derunder" in a.reason_da


# ---------------------------------------------------------------- level target
def test_level_target_on_track_ratio():
    t = {"kind": "level", "value": 90, "year": 2030}
    a = assess(Data(rec("up", t), soro((2015, 80), (2020, 84))))
    observed = (84 / 80) ** (1 / 5) - 1       # 0.98 %
    required = (90 / 80) ** (1 / 15) - 1      # 0.79 %
    assert a.required_cagr == pytest.approx(required)
    assert a.ratio == pytest.approx(observed / required)  # 1.24
    assert a.status == "on_track"


def test_level_target_moderate_and_limited():
    t = {"kind": "level", "value": 90, "year": 2030}
    required = (90 / 80) ** (1 / 15) - 1
    a = assess(Data(rec("up", t), soro((2015, 80), (2020, 82))))
    assert a.ratio == pytest.approx(((82 / 80) ** 0.2 - 1) / required)  # 0.63
    assert a.status == "moderate"
    b = assess(Data(rec("up", t), soro((2015, 80), (2020, 81))))
    assert b.ratio == pytest.approx(((81 / 80) ** 0.2 - 1) / required)  # 0.32
    assert b.status == "limited"
    c = assess(Data(rec("up", t), soro((2015, 80), (2020, 79))))
    assert c.status == "deterioration"


def test_level_target_achieved():
    t = {"kind": "level", "value": 90, "year": 2030}
    a = assess(Data(rec("up", t), soro((2015, 80), (2020, 91))))
    assert a.status == "achieved" and a.label_da == "Mål nået"


def test_level_target_absolute_rule_for_negative_values():
    t = {"kind": "level", "value": 0, "year": 2025}
    a = assess(Data(rec("up", t), soro((2015, -10), (2020, -5))))
    # observed (−5 − −10)/5 = 1 a year; required (0 − −10)/10 = 1 a year -> ratio 1
    assert a.ratio == pytest.approx(1.0)
    assert a.status == "on_track"
    assert "absolut" in a.reason_da


# ---------------------------------------------------------------- change from base
def test_change_from_base_measures_progress_from_2015_not_the_target_base():
    t = {"kind": "change_from_base", "value": -70, "base_year": 1990, "year": 2030}
    a = assess(Data(rec("down", t), soro((1990, 1000), (2015, 800), (2020, 500))))
    target = 1000 * (1 - 0.70)                # 300: the target value comes from 1990
    observed = (500 / 800) ** (1 / 5) - 1     # -8.97 % a year since 2015
    required = (target / 800) ** (1 / 15) - 1  # -6.33 % a year from 2015 to 2030
    assert a.target_value == pytest.approx(target)
    assert a.ratio == pytest.approx(observed / required)  # 1.42
    assert a.status == "on_track"
    assert a.base_period == "2015"


def test_change_from_base_without_two_points_since_2015():
    t = {"kind": "change_from_base", "value": -70, "base_year": 1990, "year": 2030}
    a = assess(Data(rec("down", t), soro((1990, 1000), (2020, 500))))
    assert a.status == "not_assessable" and "kun 1" in a.reason_da and "2020" in a.reason_da


def test_change_from_base_missing_base_year():
    t = {"kind": "change_from_base", "value": -70, "base_year": 1990, "year": 2030}
    a = assess(Data(rec("down", t), soro((2015, 1000), (2020, 500))))
    assert a.status == "not_assessable"
    assert "1990" in a.reason_da


# ---------------------------------------------------------------- at least reference
def test_at_least_reference_gap_closing():
    t = {"kind": "at_least_reference", "reference_area": "000"}
    rows = soro((2016, 70), (2020, 73)) + [row("000", 2016, 75), row("000", 2020, 76)]
    a = assess(Data(rec("up", t), rows))
    # gap −5 -> −3: +0.5 a year; closing −5 by 2026 (default year) needs 5/10 = 0.5 a year
    assert a.ratio == pytest.approx(0.5 / 0.5)
    assert a.status == "on_track"


def test_at_least_reference_widening_gap():
    t = {"kind": "at_least_reference", "reference_area": "000", "year": 2026}
    rows = soro((2016, 70), (2020, 68)) + [row("000", 2016, 75), row("000", 2020, 76)]
    a = assess(Data(rec("up", t), rows))
    assert a.ratio == pytest.approx(((-8) - (-5)) / 4 / (5 / 10))  # -1.5
    assert a.status == "deterioration"


def test_at_least_reference_single_common_year_not_assessable():
    t = {"kind": "at_least_reference", "reference_area": "000"}
    rows = soro((2020, 77)) + [row("000", 2020, 76)]
    a = assess(Data(rec("up", t), rows))
    assert a.status == "not_assessable" and "fælles år med Hele landet" in a.reason_da


def test_at_least_reference_year_by_year_gap_in_percentage_points():
    t = {"kind": "at_least_reference", "reference_area": "000"}
    rows = (soro((2010, 60), (2016, 74.0), (2018, 75.5), (2020, 77.0))
            + [row("000", y, v) for y, v in ((2010, 70), (2016, 75.0), (2018, 75.5), (2020, 76.2))])
    a = assess(Data(rec("up", t, unit="pct"), rows))
    # 2010 lies before 2015 and is not the base; gaps: 2016 −1.0, 2018 0.0, 2020 +0.8
    assert [(y, round(g, 6)) for y, _o, _r, g in a.gaps] == [(2016, -1.0), (2018, 0.0), (2020, 0.8)]
    assert a.status == "achieved" and a.base_period == "2016"
    assert "0,8 procentpoint over Hele landet" in a.reason_da
    assert "1,0 procentpoint under Hele landet" in a.reason_da
    assert "1,8 procentpoint til fordel for Sorø" in a.reason_da
    assert a.trend == "up" and a.trend_good is True and "reference_gap" in a.deviations


def test_at_least_reference_without_reference_rows():
    t = {"kind": "at_least_reference", "reference_area": "000"}
    a = assess(Data(rec("up", t), soro((2016, 70), (2020, 72))))
    assert a.status == "not_assessable" and a.reason_da == "Ingen fælles år for Sorø og Hele landet."


def test_at_least_reference_unchanged_gap_is_limited():
    t = {"kind": "at_least_reference", "reference_area": "000"}
    rows = soro((2016, 70), (2020, 72)) + [row("000", 2016, 75), row("000", 2020, 77)]
    a = assess(Data(rec("up", t), rows))
    assert a.ratio == 0 and a.status == "limited"
    assert a.trend == "up" and a.trend_good is None  # Sorø rose, but the gap did not move


# ---------------------------------------------------------------- series handling
def test_gaps_use_first_and_last_year():
    a = assess(Data(rec("up"), soro((2015, 100), (2016, 90), (2019, 120))))
    assert a.cagr == pytest.approx((120 / 100) ** (1 / 4) - 1)
    assert a.latest_period == "2019"


def test_projections_and_target_rows_ignored():
    rows = soro((2015, 100), (2020, 101)) + [row("340", 2030, 500, note="Befolkningsfremskrivning 2030"),
                                             row("340", 2025, 400, note="Kommunens target for 2025")]
    a = assess(Data(rec("up"), rows))
    assert a.latest_period == "2020"
    assert a.status == "limited"


def test_too_few_points():
    a = assess(Data(rec("up"), soro((2020, 100))))
    assert a.status == "not_assessable" and "mindst to" in a.reason_da
    # two rows in the same year are still one year
    b = assess(Data(rec("up"), soro((2020, 100), ("2020-06-01", 105))))
    assert b.status == "not_assessable"


def test_no_soro_rows():
    a = assess(Data(rec("up"), [row("000", 2015, 1), row("000", 2020, 2)]))
    assert a.status == "not_assessable" and a.reason_da == "Ingen data for Sorø."


def test_data_available_false():
    r = rec("up")
    r["data_available"] = False
    r["missing_reason"] = "Tallet offentliggøres ikke."
    a = assess(Data(r, []))
    assert a.status == "not_assessable" and "offentliggøres ikke" in a.reason_da


def test_dominant_period_type_wins_within_a_year():
    rows = soro((2015, 100), (2016, 101), (2017, 102), (2018, 110)) + soro(("2018-06-01", 999))
    series = annual_series(usable_rows(Data(rec(), rows).data, "340"))
    assert [(y, v) for y, _p, v in series] == [(2015, 100), (2016, 101), (2017, 102), (2018, 110)]


def test_mixed_types_fill_years():
    rows = soro((2015, 100), (2016, 101)) + soro(("2021-01-01", 110))
    a = assess(Data(rec("up"), rows))
    assert a.latest_period == "2021-01-01"
    assert a.cagr == pytest.approx((110 / 100) ** (1 / 6) - 1)


def test_baseline_from_2015_when_two_recent_points():
    a = assess(Data(rec("up"), soro((2000, 50), (2010, 80), (2016, 100), (2020, 104))))
    assert a.base_period == "2016"
    assert a.cagr == pytest.approx((104 / 100) ** (1 / 4) - 1)


def test_total_breakdown_preferred():
    rows = soro((2015, 100), (2020, 110)) + soro((2015, 100), (2020, 50), sex="mænd")
    assert assess(Data(rec("up"), rows)).status == "on_track"


def test_latest_retrieval_wins_for_conflicting_versions():
    rows = soro((2015, 100)) + [row("340", 2020, 120, retrieved="2023-01-01", origin="a"),
                                row("340", 2020, 110, retrieved="2024-05-01", origin="b")]
    assert assess(Data(rec("up"), rows)).latest_value == 110


def test_projection_notes_are_recognised_but_a_named_forecast_document_is_not():
    from helpers.progress import is_projection
    assert is_projection("Projection (DST fremskrivning 2020).")
    assert is_projection("Forecast (kommunal prognose), not observation.")
    assert is_projection("Fremskrivning: Sorø Kommune's own befolkningsprognose 2022-28")
    # An observed figure whose note only names the forecast document it was quoted from.
    assert not is_projection("Næstved byråd (befolkningsprognose 2014-2023).")


# ---------------------------------------------------------------- base window (2015 or after, never before)
def test_base_never_before_2015():
    a = assess(Data(rec("up"), soro((1787, 5), (2010, 50), (2016, 100))))
    assert a.status == "not_assessable" and a.base_period is None
    assert "kun 1 årlig observation (2016) fra 2015 og frem" in a.reason_da
    assert "1787–2010" in a.reason_da and "mindst to" in a.reason_da


def test_base_is_first_year_after_2015_when_2015_is_missing():
    a = assess(Data(rec("up"), soro((2012, 1), (2017, 100), (2022, 110))))
    assert a.base_period == "2017" and a.cagr == pytest.approx((110 / 100) ** (1 / 5) - 1)


# ---------------------------------------------------------------- zero change
@pytest.mark.parametrize("direction", ["up", "down"])
def test_zero_change_is_limited_not_deterioration(direction):
    a = assess(Data(rec(direction), soro((2015, 100), (2020, 100))))
    assert a.cagr == 0 and a.status == "limited" and a.label_da == "Begrænset fremskridt"
    assert (a.trend, a.trend_good) == ("flat", None)


def test_zero_change_with_level_target_is_limited():
    t = {"kind": "level", "value": 90, "year": 2030}
    assert assess(Data(rec("up", t), soro((2015, 80), (2020, 80)))).status == "limited"


# ---------------------------------------------------------------- method breaks
def test_window_starts_at_the_last_method_break():
    r = rec("up")
    r["breaks"] = [{"year": 2018, "text": "Ny opgørelse"}, {"year": 2021, "text": "Ny registreringspraksis"}]
    a = assess(Data(r, soro((2015, 50), (2019, 60), (2021, 100), (2023, 100 * 1.01 ** 2))))
    assert a.base_period == "2021" and a.cagr == pytest.approx(0.01)
    assert a.status == "moderate"


def test_break_leaving_one_observation_refuses_with_its_text():
    r = rec("up")
    r["breaks"] = [{"year": 2023, "text": "Ny registreringspraksis"}]
    a = assess(Data(r, soro((2015, 50), (2019, 60), (2023, 100))))
    assert a.status == "not_assessable"
    assert "Metodebrud i 2023: Ny registreringspraksis" in a.reason_da and "mindst to" in a.reason_da


def test_change_from_base_across_a_break_refuses():
    t = {"kind": "change_from_base", "value": -70, "base_year": 1990, "year": 2030}
    r = rec("down", t)
    r["breaks"] = [{"year": 2010, "text": "Ny metode"}]
    a = assess(Data(r, soro((1990, 1000), (2015, 800), (2020, 500))))
    assert a.status == "not_assessable" and "metodebrud i 2010" in a.reason_da


def test_catalog_schema_accepts_breaks_projection_and_rank():
    import json
    import jsonschema
    from helpers.paths import ROOT
    schema = json.loads((ROOT / "data" / "catalog" / "schema" / "indicator.schema.json").read_text(encoding="utf-8"))
    record = {"id": "x", "title": "X", "description": "Fixture.", "theme": 1, "goals": [], "sdg": [3],
              "unit": "pct", "decimals": 1, "direction": "up", "measures": ["level"], "comparison_areas": ["000"],
              "data_available": True, "sources": {"curated": True},
              "breaks": [{"year": 2021, "text": "Ny metode"}], "projection": True, "rank": False}
    jsonschema.validate(record, schema)
    record["breaks"] = [{"text": "no year"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, schema)


# ---------------------------------------------------------------- projections
def test_projection_flag_keeps_projected_rows_and_says_so():
    r = rec("up", {"kind": "level", "value": 90, "year": 2030})
    r["projection"] = True
    rows = soro((2016, 80), (2021, 85), note="Fremskrivning (Profilmodellen)")
    a = assess(Data(r, rows))
    assert a.status == "on_track" and a.projection and "projection" in a.deviations
    assert "det er fremskrivningen, der er på rette vej, ikke det målte resultat" in a.reason_da


def test_profilmodel_is_a_projection_by_its_table():
    rows = soro((2016, 80), (2021, 79))
    for r in rows:
        r["table"] = "PROFMOD"
    a = assess(Data(rec("up"), rows))
    assert a.projection and a.status == "deterioration"
    assert "Profilmodellens fremskrivning" in a.reason_da
    assert "det er fremskrivningen, der går den forkerte vej, ikke det målte resultat" in a.reason_da


def test_observed_indicator_still_ignores_projection_rows():
    rows = soro((2016, 80), (2021, 85)) + [row("340", 2030, 99, note="fremskrivning")]
    a = assess(Data(rec("up"), rows))
    assert not a.projection and a.latest_period == "2021" and "fremskrivning" not in a.reason_da


# ---------------------------------------------------------------- percentage points
@pytest.mark.parametrize("unit", ["pct", "pct.", "procent", "%"])
def test_percentage_changes_in_percentage_points(unit):
    a = assess(Data(rec("up", unit=unit), soro((2015, 80), (2020, 84))))
    assert "+4,0 procentpoint" in a.reason_da


def test_counts_are_not_told_in_percentage_points():
    a = assess(Data(rec("up", unit="antal"), soro((2015, 80), (2020, 84))))
    assert "procentpoint" not in a.reason_da


# ---------------------------------------------------------------- trend vs badge
def test_rising_good_number_with_limited_status_gets_a_rising_arrow():
    from helpers.page import status_badge
    a = assess(Data(rec("up"), soro((2015, 100), (2020, 101))))
    assert a.status == "limited" and (a.trend, a.trend_good) == ("up", True)
    badge = status_badge(a.status, a.label_da, a.trend)
    assert "↗" in badge and "↘" not in badge


def test_falling_number_that_is_good_and_rising_one_that_is_bad():
    good = assess(Data(rec("down"), soro((2015, 100), (2020, 90))))
    bad = assess(Data(rec("down"), soro((2015, 100), (2020, 110))))
    assert (good.trend, good.trend_good) == ("down", True)
    assert (bad.trend, bad.trend_good) == ("up", False)


# ---------------------------------------------------------------- method and deviations
def test_method_id_and_deviations():
    plain = assess(Data(rec("up"), soro((2015, 100), (2020, 110))))
    assert plain.method == "open_sdg_direction_cagr" and plain.deviations == []
    t = {"kind": "level", "value": 0, "year": 2025}
    absolute = assess(Data(rec("up", t), soro((2015, -10), (2020, -5))))
    assert absolute.method == "absolute_change" and absolute.deviations == ["absolute_change"]
    assert absolute.deviations_da and "2015" in absolute.method_da


def test_every_deviation_is_listed_in_om_data_og_metode():
    import re
    from helpers.paths import ROOT
    from helpers.progress import DEVIATIONS_DA
    text = (ROOT / "om-data-og-metode.md").read_text(encoding="utf-8")
    assert "## Afvigelser fra Open SDG-metoden" in text
    section = re.sub(r"\s+", " ", text.split("## Afvigelser fra Open SDG-metoden", 1)[1].split("\n## ", 1)[0])
    for key, danish in DEVIATIONS_DA.items():
        assert danish in section, key


# ---------------------------------------------------------------- any source kind, any column order
def test_any_source_kind_and_column_order():
    from helpers.sources import SOURCE_KINDS
    rows = soro((2015, 100), (2018, 104), (2020, 110))
    for r, kind in zip(rows, SOURCE_KINDS[::2]):
        r["source_kind"] = kind
    frame = pd.DataFrame(rows, columns=COLUMNS)
    shuffled = frame[list(reversed(COLUMNS))].assign(via="repo/path@commit")
    a = assess(Data(rec("up"), rows))
    d = Data(rec("up"), [])
    d.data = shuffled
    b = assess(d)
    assert (a.status, a.cagr, a.base_period) == (b.status, b.cagr, b.base_period) == (
        "on_track", pytest.approx((110 / 100) ** (1 / 5) - 1), "2015")

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


def test_rank_unit_lower_is_better_even_if_record_says_up():
    a = assess(Data(rec("up", unit="rang"), soro((2016, 20), (2021, 10))))
    assert a.status == "on_track"
    assert "Rang" in a.method_da


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
def test_change_from_base():
    t = {"kind": "change_from_base", "value": -70, "base_year": 1990, "year": 2030}
    a = assess(Data(rec("down", t), soro((1990, 1000), (2020, 500))))
    target = 1000 * (1 - 0.70)                # 300
    observed = (500 / 1000) ** (1 / 30) - 1  # -2.28 %
    required = (target / 1000) ** (1 / 40) - 1  # -2.97 %
    assert a.target_value == pytest.approx(target)
    assert a.ratio == pytest.approx(observed / required)  # 0.77
    assert a.status == "moderate"
    assert a.base_period == "1990"


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


def test_at_least_reference_achieved_single_period():
    t = {"kind": "at_least_reference", "reference_area": "000"}
    rows = soro((2020, 77)) + [row("000", 2020, 76)]
    assert assess(Data(rec("up", t), rows)).status == "achieved"


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

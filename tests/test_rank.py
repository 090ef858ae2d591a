"""Rank rules of helpers.rank on hand-made frames (fixtures: invented values, never in the book)."""
from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

from helpers import rank as R
from helpers.periods import parse_period

# 95 invented municipality codes (101-195) plus Sorø: enough for the 90-municipality rule.
OTHERS = [str(c) for c in range(101, 196)]


def row(code, period, value, *, flag="", unit="pct", publisher="Fixture", table="T1", kind="api_copy",
        sex="i alt", age="i alt", note="", retrieved="2026-01-01", origin=None):
    p = parse_period(period)
    return {
        "indicator_id": "fixture", "area_code": code, "area_name": f"Kommune {code}", "period": period,
        "period_type": p.kind, "period_start": p.start.isoformat(), "period_end": p.end.isoformat(),
        "value": math.nan if value is None else float(value), "value_flag": flag if value is None else "",
        "unit": unit, "sex": sex, "age": age, "source_kind": kind, "publisher": publisher, "table": table,
        "source_url": "https://example.org/fixture", "quote": "fixture", "retrieved": retrieved, "updated": "",
        "note": note, "origin": origin or f"fixture:{code}:{period}",
    }


def data(rows, direction="up", unit="pct", **extra):
    record = {"id": "fixture", "title": "Fixture", "unit": unit, "decimals": 1, "direction": direction,
              "theme": 1, "measures": ["level"], **extra}
    return {"record": record, "data": pd.DataFrame(rows)}


def spread(period, soro, others=None, **kw):
    """Sorø plus the 95 invented municipalities with values 1..95 (code 101 has 1)."""
    others = others if others is not None else {c: i + 1 for i, c in enumerate(OTHERS)}
    return [row("340", period, soro, **kw)] + [row(c, period, v, **kw) for c, v in others.items()]


def test_direction_up_puts_the_highest_first_and_down_the_lowest():
    rows = spread("2024", 90.5)  # above 90 of the 95 others (values 91..95 are higher)
    up = R.rank_indicator(data(rows, "up"), municipalities=[])
    down = R.rank_indicator(data(rows, "down"), municipalities=[])
    assert up.latest.place == 6 and up.latest.n == 96
    assert down.latest.place == 91
    assert up.latest.best == ("195", 95.0) and down.latest.best == ("101", 1.0)


def test_rank_units_are_always_lower_is_better():
    rows = spread("2024", 2.0, unit="rang")
    ranked = R.rank_indicator(data(rows, "up", unit="rang"), municipalities=[])
    assert ranked.direction == "down" and ranked.latest.place == 2


def test_ties_share_a_place_and_the_next_place_is_skipped():
    frame = pd.DataFrame({"area_code": ["101", "102", "103", "104"], "value": [5.0, 5.0, 3.0, 7.0]})
    places = dict(zip(*R.rank_values(frame, "up")[["area_code", "place"]].values.T))
    assert places == {"104": 1, "101": 2, "102": 2, "103": 4}
    # A value computed by division that differs only by float noise is still a tie.
    noisy = pd.DataFrame({"area_code": ["101", "102"], "value": [0.1 + 0.2, 0.3]})
    assert list(R.rank_values(noisy, "down")["place"]) == [1, 1]


def test_tied_soro_says_how_many_share_the_place():
    others = {c: (50.0 if i < 2 else i + 0.5) for i, c in enumerate(OTHERS)}
    ranked = R.rank_indicator(data(spread("2024", 50.0, others), "up"), municipalities=[])
    p = ranked.latest
    higher = sum(v > 50 for v in others.values())
    assert p.place == higher + 1 and p.shared == 3
    assert p.place_text == f"nr. {higher + 1} af 96 (delt med 2 andre)"


def test_suppressed_and_missing_values_are_no_value_not_zero():
    rows = spread("2024", 0.5)
    rows[1] = row(OTHERS[0], "2024", None, flag="suppressed")   # code 101 had the lowest value, 1
    rows[2] = row(OTHERS[1], "2024", None, flag="missing")
    del rows[3]                                                 # code 103: no row at all
    expected = ["340"] + OTHERS
    ranked = R.rank_indicator(data(rows, "down"), municipalities=expected)
    p = ranked.latest
    assert p.n == 93
    assert p.place == 1          # a suppressed value read as 0 would have beaten Sorø's 0.5
    assert p.missing == ["101", "102", "103"]
    assert "101" not in set(ranked.rows["area_code"])


def test_christiansoe_hele_landet_and_regions_are_never_ranked():
    rows = spread("2024", 50.0) + [row("411", "2024", 1000.0), row("000", "2024", 999.0),
                                  row("085", "2024", 998.0)]
    ranked = R.rank_indicator(data(rows, "up"), municipalities=[])
    p = ranked.latest
    assert p.n == 96 and p.best == ("195", 95.0)
    assert p.place == 46          # 45 of the invented values (51..95) are higher
    assert p.reference == 999.0   # Hele landet is the reference line
    assert not R.is_municipality("411") and not R.is_municipality("000") and not R.is_municipality("084")
    assert R.is_municipality("101") and R.is_municipality("860") and not R.is_municipality("340:soroe-by")


def test_a_period_with_fewer_than_90_municipalities_is_not_compared():
    few = {c: 1.0 for c in OTHERS[:88]}
    rows = spread("2023", 2.0, few) + spread("2024", 2.0)
    ranked = R.rank_indicator(data(rows, "up"), municipalities=[])
    assert [p.period for p in ranked.periods] == ["2024"]
    assert R.rank_indicator(data(spread("2023", 2.0, few), "up"), municipalities=[]) is None


def test_change_since_the_first_comparable_period():
    first = spread("2020", 10.5)   # 85 invented values above 10.5 -> place 86
    latest = spread("2024", 80.5)  # 15 above -> place 16
    ranked = R.rank_indicator(data(first + latest, "up"), municipalities=[])
    assert [p.place for p in ranked.periods] == [86, 16]
    assert ranked.first.period == "2020" and ranked.change == 70


def test_counts_are_ranked_per_1000_inhabitants_of_the_same_year():
    # Sorø has the largest count but the smallest population: per 1,000 it is the highest.
    counts = {c: 100.0 for c in OTHERS}
    rows = spread("2024", 150.0, counts, unit="personer")
    population = {(c, 2024): 10_000.0 for c in OTHERS} | {("340", 2024): 1_000.0}
    population[(OTHERS[0], 2023)] = 10.0   # another year's population must not be used
    del population[(OTHERS[0], 2024)]       # -> no per-1,000 value for code 101
    ranked = R.rank_indicator(data(rows, "down", unit="personer"), population=population, municipalities=[])
    assert ranked.basis == R.BASIS_PER_1000 and "pr. 1.000 indbyggere" in ranked.unit
    p = ranked.latest
    assert p.value == pytest.approx(150.0) and p.n == 95
    assert p.place == 95   # the worst: 150 per 1,000 against 10 per 1,000 elsewhere
    assert p.median == pytest.approx(10.0)


def test_basis_by_unit():
    assert R.basis({"unit": "pct"}) == R.BASIS_AS_IS
    assert R.basis({"unit": "t CO2e pr. indbygger"}) == R.BASIS_AS_IS
    assert R.basis({"unit": "år"}) == R.BASIS_AS_IS
    assert R.basis({"unit": "personer"}) == R.BASIS_PER_1000
    assert R.basis({"unit": "fuldtidspersoner"}) == R.BASIS_PER_1000
    assert R.basis({"unit": "årstal"}) == R.BASIS_NOT_COMPARABLE
    assert R.basis({"id": "population_total", "unit": "personer"}) == R.BASIS_NOT_COMPARABLE
    assert R.rank_indicator(data(spread("2024", 1.0, unit="årstal"), unit="årstal"), municipalities=[]) is None


def test_monthly_series_compare_the_same_month_each_year():
    rows = spread("2023M07", 1.0) + spread("2024M01", 1.0) + spread("2024M07", 1.0)
    ranked = R.rank_indicator(data(rows, "up"), municipalities=[])
    assert [p.period for p in ranked.periods] == ["2023M07", "2024M07"]


def test_one_value_per_municipality_from_the_widest_source_then_the_best_kind():
    rows = spread("2024", 50.5)
    rows.append(row("340", "2024", 99.0, publisher="Lokalavis", table=""))  # one-area source
    rows.append(row("340", "2024", 50.5, kind="live"))
    for kind in ("export", "copy_computed", "publisher_page", "press", "wiki_mirror"):
        rows.append(row("101", "2024", 1.0, kind=kind))  # every source kind is accepted
    ranked = R.rank_indicator(data(rows, "up"), municipalities=[])
    assert ranked.latest.value == 50.5 and ranked.latest.place == 46
    chosen = ranked.rows[ranked.rows["area_code"] == "340"]
    assert list(chosen["source_kind"]) == ["live"]


def test_projections_and_other_breakdowns_are_left_out():
    rows = spread("2024", 50.5) + [row("340", "2024", 99.0, sex="kvinder"),
                                   row("340", "2025", 99.0, note="fremskrivning")]
    ranked = R.rank_indicator(data(rows, "up"), municipalities=[])
    assert [p.period for p in ranked.periods] == ["2024"] and ranked.latest.value == 50.5


def test_bad_direction_is_an_error():
    with pytest.raises(R.RankError, match="direction"):
        R.rank_values(pd.DataFrame({"area_code": ["101"], "value": [1.0]}), "sideways")


def test_two_values_for_one_municipality_in_rank_values_is_an_error():
    with pytest.raises(R.RankError, match="101"):
        R.rank_values(pd.DataFrame({"area_code": ["101", "101"], "value": [1.0, 2.0]}), "up")


# ------------------------------------------------------------------ against the snapshot file
def _first_ranked():
    from helpers.catalog import load_catalog
    catalog = load_catalog()
    for ranked in R.comparable_indicators(catalog):
        if ranked.basis == R.BASIS_AS_IS and ranked.latest.place is not None:
            return catalog.indicator(ranked.indicator_id), ranked
    return None, None


def test_one_rank_equals_a_count_done_directly_on_the_snapshot_file():
    """Sorø's place = 1 + the municipalities with a strictly better value, counted with csv."""
    from helpers.snapshot import snapshot_path
    record, ranked = _first_ranked()
    if ranked is None:
        pytest.skip("no indicator in the snapshot has a period with 90+ municipalities yet")
    p = ranked.latest
    chosen = ranked.rows[ranked.rows["period"] == p.period]
    source = set(zip(chosen["publisher"], chosen["table"]))
    values = {}
    with snapshot_path(ranked.indicator_id).open(encoding="utf-8", newline="") as fh:
        for line in csv.DictReader(fh):
            code = line["area_code"]
            if (line["period"] == p.period and line["value"] != "" and len(code) == 3 and code.isdigit()
                    and 100 <= int(code) and code != "411" and line["unit"] == record["unit"]
                    and line["sex"] in ("i alt", "") and line["age"] in ("i alt", "")
                    and (line["publisher"], line["table"]) in source):
                values.setdefault(code, float(line["value"]))
    soro = values["340"]
    better = [c for c, v in values.items() if (v > soro if ranked.direction != "down" else v < soro)]
    assert len(values) == p.n
    assert p.place == 1 + len(better), (ranked.indicator_id, p.period)

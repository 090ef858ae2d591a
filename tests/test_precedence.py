"""Which row a page shows when several sources give the same observation (helpers.load.pick_best).

Small hand-made frames; the expected picks follow from helpers.sources.SOURCE_KINDS, not from
the code under test.
"""
import math

import pandas as pd
import pytest

from helpers.load import pick_best
from helpers.snapshot import COLUMNS
from helpers.sources import SOURCE_KINDS


def row(kind, value, origin, period="2020", area="340", unit="pct"):
    base = {c: "" for c in COLUMNS}
    base.update(indicator_id="x", area_code=area, area_name="Sorø", period=period, unit=unit, sex="i alt",
                age="i alt", source_kind=kind, publisher="P", source_url="https://example.org", quote="q",
                origin=origin, value=math.nan if value is None else float(value),
                value_flag="" if value is not None else "missing")
    return base


def frame(*rows):
    return pd.DataFrame(list(rows), columns=COLUMNS)


def test_best_kind_wins_whatever_the_row_or_origin_order():
    rows = [row("wiki_mirror", 10.0, "a:1"), row("api_copy", 10.04, "z:9"), row("press", 10.0, "b:2")]
    for ordering in (rows, rows[::-1], [rows[1], rows[0], rows[2]]):
        shown, checks = pick_best(frame(*ordering), decimals=1)
        assert list(shown["source_kind"]) == ["api_copy"]
        assert sorted(checks["source_kind"]) == ["press", "wiki_mirror"]
        # 10.0 vs 10.04 is the same number at one decimal.
        assert not checks["disagrees"].any()


def test_every_pair_of_kinds_follows_the_documented_order():
    for better, worse in zip(SOURCE_KINDS, SOURCE_KINDS[1:]):
        shown, _ = pick_best(frame(row(worse, 1, "a:1"), row(better, 1, "b:1")), decimals=0)
        assert shown["source_kind"].tolist() == [better]


def test_the_publishers_own_figure_beats_a_value_the_copy_computed():
    # harvest2 README: the copy's national NEET line for 2015 is its own computation (11.29) where
    # Statistics Denmark's release says 10.5; the first-hand value is the one to show.
    shown, checks = pick_best(frame(row("copy_computed", 11.29, "harvest2/doughnut_land.csv:7", area="000"),
                                    row("publisher_page", 10.5, "harvest/t1.csv:3", area="000")), decimals=1)
    assert shown["value"].tolist() == [10.5]
    assert checks["source_kind"].tolist() == ["copy_computed"] and checks["disagrees"].all()


def test_disagreement_beyond_rounding_is_flagged():
    shown, checks = pick_best(frame(row("export", 29970, "e:1", unit="personer"),
                                    row("press", 29900, "p:1", unit="personer")), decimals=0)
    assert shown["value"].tolist() == [29970.0]
    assert checks["disagrees"].tolist() == [True]
    assert checks["shown_value"].tolist() == [29970.0] and checks["shown_kind"].tolist() == ["export"]


def test_a_value_beats_a_better_kind_without_one():
    shown, checks = pick_best(frame(row("live", None, "statbank:T"), row("press", 5, "p:1")), decimals=0)
    assert shown["source_kind"].tolist() == ["press"] and shown["value"].tolist() == [5.0]
    assert checks["source_kind"].tolist() == ["live"] and not checks["disagrees"].any()


def test_same_kind_rows_that_disagree_are_all_flagged():
    shown, checks = pick_best(frame(row("api_copy", 100, "a:1"), row("api_copy", 103, "b:1")), decimals=0)
    assert len(shown) == 1
    assert set(checks["origin"]) == {"a:1", "b:1"} and checks["disagrees"].all()


def test_different_keys_and_units_are_separate_observations():
    shown, checks = pick_best(frame(row("press", 1, "a:1", period="2020"), row("press", 2, "a:2", period="2021"),
                                    row("press", 3, "a:3", unit="personer")), decimals=0)
    assert len(shown) == 3 and checks.empty


@pytest.mark.parametrize("decimals, other, disagrees", [(0, 10.4, False), (0, 10.6, True), (1, 10.06, True)])
def test_tolerance_follows_the_record_decimals(decimals, other, disagrees):
    _, checks = pick_best(frame(row("api_copy", 10.0, "a:1"), row("press", other, "p:1")), decimals=decimals)
    assert checks["disagrees"].tolist() == [disagrees]

"""Every Statbank live block in the catalog, checked against reconstructed tableinfo fixtures.

The blocks come from the records (data/catalog/indicators/*.yaml) and from
data/catalog/live_blocks_pending.yaml (blocks for records another branch creates). Each is
validated with the same ``StatbankClient.validate_query`` the refresh uses, against
tests/fixtures/statbank/reconstructed/tableinfo_<TABLE>.json, which are RECONSTRUCTED from the
documented evidence (see build.py there), not recorded. A second test sends every indicator's
requests to a mocked API and compares the exact URL and JSON body with the specification in
../shared/docs/statbank-tables.md, written out by hand below.
"""
from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
import responses
import yaml

from helpers import refresh
from helpers.catalog import load_catalog
from helpers.statbank import StatbankClient, TableInfo, expand_selection

ROOT = Path(__file__).resolve().parents[1]
RECONSTRUCTED = Path(__file__).parent / "fixtures" / "statbank" / "reconstructed"
PENDING = ROOT / "data" / "catalog" / "live_blocks_pending.yaml"
SCHEMA = ROOT / "data" / "catalog" / "schema" / "indicator.schema.json"
BASE = "https://api.statbank.dk/v1"
COMPARISON = ["340", "000", "085", "329", "330", "370", "316", "326"]
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


def pending_blocks() -> dict[str, dict]:
    # Blocks waiting for their record (none since the harvest2 records landed and took theirs).
    return (yaml.safe_load(PENDING.read_text(encoding="utf-8")) or {}) if PENDING.exists() else {}


def all_blocks() -> dict[str, tuple[dict, dict]]:
    """id -> (record, live block); pending blocks get a record with the usual comparison areas."""
    catalog = load_catalog()
    found = {}
    for ident, record in catalog.indicators.items():
        live = (record.get("sources") or {}).get("live")
        if live and live.get("publisher") == refresh.PUBLISHER:
            found[ident] = (record, live)
    for ident, live in pending_blocks().items():
        record = dict(catalog.indicators[ident]) if ident in catalog.indicators else {
            "id": ident, "unit": live.get("unit", ""), "comparison_areas": COMPARISON}
        found[f"{ident}"] = (record, live)
    return found


BLOCKS = all_blocks()


def tableinfo(table: str) -> TableInfo:
    path = RECONSTRUCTED / f"tableinfo_{table}.json"
    assert path.exists(), f"no reconstructed tableinfo fixture for {table}: add it to {RECONSTRUCTED / 'build.py'}"
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert payload["_reconstructed"].startswith("RECONSTRUCTED"), path
    return TableInfo.from_json(payload)


def test_the_catalog_has_the_expected_blocks():
    assert len(BLOCKS) >= 39 + 17  # the records' own blocks and those of the harvest2 series
    assert {"population_monthly", "sports_membership_pct", "moves_in", "moves_out"} <= set(BLOCKS)


def test_pending_blocks_follow_the_record_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    live_schema = {**schema["$defs"]["live"], "$defs": schema["$defs"]}
    validator = jsonschema.Draft202012Validator(live_schema)
    for ident, block in pending_blocks().items():
        errors = [e.message for e in validator.iter_errors(block)]
        assert not errors, f"live_blocks_pending.yaml: {ident}: {errors}"


@pytest.mark.parametrize("key", sorted(BLOCKS))
def test_block_validates_against_its_tableinfo(key):
    record, block = BLOCKS[key]
    live = refresh.live_source_from_block(block, record)
    info = tableinfo(live.table)
    plan = refresh.plan_queries(key, record, live)
    client = StatbankClient(base_url=BASE)
    for part in plan.parts:
        query = client.validate_query(info, part.query)
        assert set(query) == {info.variable(v).id for v in part.query}
    # Time codes must have the declared format (and convert as declared).
    time_variable = info.variable(live.time_variable)
    assert time_variable.time, f"{key}: {live.time_variable} is not the table's time variable"
    kept = [c for c in time_variable.codes if refresh._keep_period(live, c)]
    assert kept, f"{key}: periods {live.periods!r} keeps no time code"
    for code in kept:
        refresh._period(live, code, info)   # raises RefreshError on a mismatch
    # Fixed sex and age codes must map to snapshot labels.
    for variable, codes in live.variables.items():
        text = info.variable(variable).text_of(codes[0])
        if variable.casefold() in refresh.SEX_VARIABLES:
            assert refresh._sex_label(codes[0], text) in {"i alt", "mænd", "kvinder"}
    if not live.verified:
        assert live.confirm, f"{key}: an unverified block must say what to confirm online"


def test_a_wrong_code_fails_the_validation():
    """The check above can fail: a code the fixture lacks is rejected with the valid codes."""
    record, block = BLOCKS["employment_rate_16_64"]
    wrong = {**block, "variables": {**block["variables"], "HERKOMST": ["0"]}}
    live = refresh.live_source_from_block(wrong, record)
    with pytest.raises(Exception, match="HERKOMST.*'0'.*00"):
        StatbankClient(base_url=BASE).validate_query(tableinfo("RAS200"), refresh.build_query("x", record, live))


# ---------------------------------------------------------------------------------------------
# The exact requests. Written from statbank-tables.md (corrected spec column and per-table notes),
# not from the catalog: a change to a block must be mirrored here on purpose.
MUNI = ["340", "329", "330", "370", "316", "326"]
NO085 = ["340", "000", "329", "330", "370", "316", "326"]
T = ["*"]
ARE = {"OMRÅDE": COMPARISON, "Tid": T}
AED_HOURS = {"OMRÅDE": COMPARISON, "YDELSESTYPE": ["450"], "ALDER": ["50"], "KOEN": ["100"], "Tid": T}
U1 = {"UDDANNELSE": ["TOT"], "KØN": ["TOT"], "HERKOMST": ["0"], "Tid": T}
U1_2024 = {**U1, "ALDER": ["20", "21", "22", "23", "24"]}
U6 = {"UDDANNELSE": ["TOT"], "GRUNDBEL": NO085, "Tid": T}
RAS = {"OMRÅDE": COMPARISON, "HERKOMST": ["00"], "ALDER": ["16-64"], "KØN": ["TOT"], "Tid": T}
REGK = {"OMRÅDE": COMPARISON, "DRANST": ["1"], "ART": ["TOT"], "PRISENHED": ["INDL"], "Tid": T}


def bev(code):
    return [("BEV107", {"OMRÅDE": MUNI, "BEVÆGELSE": [code], "Tid": T}),
            ("BEV107", {"BEVÆGELSE": [code], "Tid": T})]


EXPECTED = {
    "agricultural_area_km2": [("AREALDK", {"ARE1": ["D"], **ARE, "ENHED": ["0120"]})],
    "agricultural_area_pct": [("AREALDK", {"ARE1": ["D"], **ARE, "ENHED": ["0140"]})],
    "area_km2": [("ARE207", ARE)],
    "artificial_area_km2": [("AREALDK", {"ARE1": ["A", "B", "C"], **ARE, "ENHED": ["0120"]})],
    "artificial_area_pct": [("AREALDK", {"ARE1": ["A", "B", "C"], **ARE, "ENHED": ["0140"]})],
    "avg_commute_distance": [("AFSTB4", {"BOPOMR": COMPARISON, "SOCIO": ["02"], "KØN": ["TOT"], "Tid": T})],
    "commute_distance_avg_km": [("AFSTB4", {"BOPOMR": COMPARISON, "SOCIO": ["02"], "KØN": ["TOT"], "Tid": T})],
    "births": bev("B02"),
    "deaths": bev("B03"),
    "natural_increase": bev("B04"),
    "moves_in": bev("B05"),
    "moves_out": bev("B06"),
    "emigrations": [("VAN2AAR", ARE)],
    "immigrations": [("VAN1AAR", ARE)],
    "employment_rate_16_64": [("RAS200", {**RAS, "BEREGNING": ["BFK"]})],
    "labour_force_participation_rate": [("RAS200", {**RAS, "BEREGNING": ["EFK"]})],
    "forest_share": [("AREALDK", {"ARE1": ["E"], **ARE, "ENHED": ["0140"]})],
    "nature_area_km2": [("AREALDK", {"ARE1": ["F"], **ARE, "ENHED": ["0120"]})],
    "nature_area_pct": [("AREALDK", {"ARE1": ["F"], **ARE, "ENHED": ["0140"]})],
    "home_help_hours_per_recipient_week": [("AED021", AED_HOURS)],
    "home_help_hours_per_recipient_week_65plus": [("AED021", {**AED_HOURS, "ALDER": ["850"]})],
    "home_help_hours_visited": [("AED022", AED_HOURS)],
    "home_help_hours_visited_week_total": [("AED022", AED_HOURS)],
    "home_help_recipients_own_home": [("AED06", {"OMRÅDE": COMPARISON, "YDELSESTYPE": ["100"], "TIMEUGE": ["50"],
                                                 "ALDER": ["50"], "KOEN": ["100"], "Tid": T})],
    "home_help_share_65plus": [("AED21", {"OMRÅDE": NO085, "SERVYD": ["140"], "Tid": T})],
    "home_help_share_67plus": [("AED21", {"OMRÅDE": NO085, "SERVYD": ["140"], "Tid": T})],
    "nursing_home_residents_65plus": [("AED07", {"OMRÅDE": COMPARISON, "ALDER": ["200", "850"], "KØN": ["100"],
                                                 "Tid": T})],
    "nursing_home_share_65plus": [("AED21", {"OMRÅDE": NO085, "SERVYD": ["150"], "Tid": T})],
    "new_firms": [("DEMO19", {"REGI07A": NO085, "MÆNGDE4": ["NYE"], "Tid": T})],
    "new_firms_fulltime_employees": [("DEMO19", {"REGI07A": NO085, "MÆNGDE4": ["AFU"], "Tid": T})],
    "parish_population": [("KM1", {"SOGN": ["7227", "7245", "7338", "7339", "7341", "7342", "7383", "7384",
                                            "7386", "7387", "7388", "7389", "7390", "7391", "9353"], "Tid": T})],
    "population_total": [("FOLK1A", {"OMRÅDE": COMPARISON, "KØN": ["TOT"], "ALDER": ["IALT"],
                                     "CIVILSTAND": ["TOT"], "Tid": T})],
    "town_population": [("BY1", {"BYER": ["340*"], "Tid": T})],
    "unemployment_rate_gross_sa": [("AUS08", {"OMRÅDE": COMPARISON, "SAESONFAK": ["9"], "Tid": T})],
    "youth_edu_completed_20_24": [("STATUSU1", {"UDDSTAT": ["FULDFOERT", "AA_TOTAL"], **U1_2024})],
    "youth_edu_not_started_20_24": [("STATUSU1", {"UDDSTAT": ["INGENREG", "AA_TOTAL"], **U1_2024})],
    "youth_edu_completed_25": [("STATUSU1", {"UDDSTAT": ["FULDFOERT", "AA_TOTAL"], **U1, "ALDER": ["25"]})],
    "youth_edu_dropped_25": [("STATUSU1", {"UDDSTAT": ["AFBRUDT", "AA_TOTAL"], **U1, "ALDER": ["25"]})],
    "youth_edu_in_progress_25": [("STATUSU1", {"UDDSTAT": ["IGANG", "AA_TOTAL"], **U1, "ALDER": ["25"]})],
    "sports_membership_pct": [("IDRAKT02", {"BLSTKOM": MUNI, "KON": ["10"], "ALDER1": ["TOT"], "Tid": T})],
    "voter_turnout_municipal": [("LABY08", {"KOMGRP": ["340", "000"], "VALRES": ["STEMPCT"], "Tid": T})],
    "child_poverty_pct": [("LABY07", {"KOMGRP": ["340", "000"], "ALDER": ["0117"], "Tid": T})],
    "vulnerable_children_pct": [("BU43", {"OMRÅDE": NO085, "FORANSTALT": ["IALT"], "ALDER": ["TOT22"],
                                                  "Tid": T})],
    "household_waste_collected_recycling_pct": [("LABY25", {"KOMGRP": ["340", "000"], "BNOGLE": ["GENPCT"],
                                                                    "Tid": T})],
    "household_waste_kg_per_capita": [("LABY25", {"KOMGRP": ["340", "000"], "BNOGLE": ["AFFALDIND"],
                                                          "Tid": T})],
    "culture_spending_per_capita": [("REGK31", {**REGK, "FUNKTION": ["33561", "33562", "33563", "33564"]})],
    "civil_society_spending_per_capita": [("REGK31", {**REGK, "FUNKTION": ["33873"]})],
    "edu_vocational_or_higher_30_34": [("HFUDD11", {
        "BOPOMR": COMPARISON, "HERKOMST": ["TOT"],
        "HFUDD": ["H20", "H30", "H35", "H40", "H50", "H60", "H70", "H80", "TOT"],
        "ALDER": ["30-34"], "KØN": ["TOT"], "Tid": T})],
    "population_monthly": [("FOLK1AM", {"OMRÅDE": COMPARISON, "KØN": ["TOT"], "ALDER": ["IALT"], "Tid": T})],
    "life_expectancy_birth_5y": [("HISBK", {"OMRÅDE": NO085, "KØN": ["TOT"], "Tid": T})],
    "neet_16_24_dst": [("NEET1", {"STATUSNEET": ["10", "0"], "KØN": ["TOT"], "BOPOMR": COMPARISON,
                                          "SOCIO": ["TOT"], "Tid": T})],
    "employment_rate_16_64": [("RAS200", {**RAS, "BEREGNING": ["BFK"]})],
    "commute_distance_avg_km": [("AFSTB4", {"BOPOMR": COMPARISON, "SOCIO": ["02"], "KØN": ["TOT"],
                                                    "Tid": T})],
    "population_total": [("FOLK1A", {"OMRÅDE": COMPARISON, "KØN": ["TOT"], "ALDER": ["IALT"],
                                             "CIVILSTAND": ["TOT"], "Tid": T})],
}
for _name, _code in {"completed": "FULDFOERT", "in_progress": "IGANG", "dropped_out": "AFBRUDT",
                     "none": "INGENREG", "total": "AA_TOTAL"}.items():
    EXPECTED[f"youth_status_18_25_{_name}"] = [("STATUSU6", {"UDDSTAT": [_code], **U6})]


def test_every_block_has_an_expected_request():
    assert sorted(EXPECTED) == sorted(BLOCKS)


class FakeApi:
    """Answers tableinfo from the reconstructed fixtures and data with one cell per combination."""

    def __init__(self, rsps):
        self.bodies: list[tuple[str, dict]] = []
        rsps.add_callback(responses.POST, f"{BASE}/tableinfo", callback=self.tableinfo)
        rsps.add_callback(responses.POST, f"{BASE}/data", callback=self.data)

    def tableinfo(self, request):
        table = json.loads(request.body)["table"]
        return 200, {"Content-Type": "application/json"}, (RECONSTRUCTED / f"tableinfo_{table}.json").read_bytes()

    def data(self, request):
        body = json.loads(request.body)
        self.bodies.append((request.url, body))
        info = tableinfo(body["table"])
        names = [v["code"] for v in body["variables"]]
        codes = [expand_selection(info.variable(v["code"]), v["values"]) for v in body["variables"]]
        lines = [";".join(names + ["INDHOLD"])]
        lines += [";".join(combo + ("7",)) for combo in itertools.product(*codes)]
        return 200, {"Content-Type": "text/csv; charset=UTF-8"}, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("key", sorted(BLOCKS))
def test_exact_request(key):
    record, block = BLOCKS[key]
    live = refresh.live_source_from_block(block, record)
    client = StatbankClient(base_url=BASE, retries=0)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        api = FakeApi(rsps)
        plan, info, rows = refresh.fetch_live_rows(client, key.split(":")[-1], record, live, NOW)
    sent = [(url, body) for url, body in api.bodies]
    assert [url for url, _ in sent] == [f"{BASE}/data"] * len(EXPECTED[key])
    for (url, body), (table, variables) in zip(sent, EXPECTED[key]):
        assert {k: body[k] for k in ("table", "format", "lang", "valuePresentation")} == {
            "table": table, "format": "CSV", "lang": "da", "valuePresentation": "Code"}
        assert {v["code"]: v["values"] for v in body["variables"]} == variables
        order = [v.id for v in info.variables]
        assert [v["code"] for v in body["variables"]] == [v for v in order if v in variables], "table order"
    assert len(rows) and (rows["source_kind"] == "live").all()
    if live.share_of:
        (variable,) = live.share_of
        parts = len(live.sums.get(variable, [None]))   # a summed numerator over one whole cell
        assert (rows["value"] == 100.0 * parts).all(), "every cell is 7: the share is 7n / 7 x 100"
    elif live.sums:
        parts = len(next(iter(live.sums.values())))
        assert (rows["value"] == 7.0 * parts).all()
    else:
        assert (rows["value"] == 7.0).all()

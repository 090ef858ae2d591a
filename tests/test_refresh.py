"""End-to-end tests for `python -m helpers.refresh` on a temporary data folder (no network).

The catalog is a small in-memory fixture (the refresh reads records through the contract in
docs/architecture.md: `indicators[id]["sources"]["live"]`, `comparison_areas`); snapshot
files are written with helpers.snapshot; the API is mocked with `responses`.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import requests
import responses

from helpers import refresh
from helpers.load import load_indicator, pick_best
from helpers.periods import parse_period
from helpers.snapshot import COLUMNS, read_indicator, write_indicator

FIXTURES = Path(__file__).parent / "fixtures" / "statbank"
BASE = "https://api.statbank.dk/v1"
NOW = datetime(2024, 6, 3, 9, 30, tzinfo=timezone(timedelta(hours=2)))
ROOT = Path(__file__).resolve().parents[1]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def live(table, variables, verified=True, area_variable="OMRÅDE", unit="personer"):
    block = {"publisher": "Danmarks Statistik", "table": table, "verified": verified,
             "url": f"https://www.statbank.dk/{table}", "time_variable": "Tid",
             "variables": variables, "unit": unit}
    if area_variable:
        block["area_variable"] = area_variable
    return block


def record(indicator_id, areas, live_block=None, unit="personer"):
    sources = {"curated": True}
    if live_block:
        sources["live"] = live_block
    return {"id": indicator_id, "title": indicator_id, "unit": unit, "comparison_areas": areas, "sources": sources}


def make_catalog(**overrides):
    indicators = {
        "population_total": record("population_total", ["000", "340", "329"],
                                   live("FOLK1A", {"KØN": ["TOT"], "ALDER": ["IALT"], "CIVILSTAND": ["TOT"]})),
        "unemployment_rate": record("unemployment_rate", ["000", "340", "330"],
                                    live("AUP01", {"YDELSESTYPE": ["TOT"]}, unit="pct"), unit="pct"),
        "forest_share": record("forest_share", ["340"], live("AREALDK", {}, verified=False, unit="pct")),
        "wellbeing": record("wellbeing", ["340"]),
    }
    indicators.update(overrides)
    return SimpleNamespace(indicators=indicators)


def curated(indicator_id, area_code, area_name, period, value, line, unit="personer"):
    p = parse_period(period)
    return {
        "indicator_id": indicator_id, "area_code": area_code, "area_name": area_name, "period": period,
        "period_type": p.kind, "period_start": p.start.isoformat() if p.start else "",
        "period_end": p.end.isoformat() if p.end else "", "value": value,
        "value_flag": "" if value is not None else "missing", "unit": unit, "sex": "i alt", "age": "i alt",
        "source_kind": "publisher_page", "publisher": "Danmarks Statistik", "table": "",
        "source_url": "https://example.org/kilde", "via": "", "quote": f"citat {line}", "retrieved": "", "updated": "",
        "note": "", "origin": f"harvest/theme2_lokalsamfund.csv:{line}",
    }


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("VISION_DATA_DIR", str(folder))
    write_indicator("population_total", pd.DataFrame([
        curated("population_total", "340", "Sorø", "2024K1", 30000.0, 10),     # outranked by live 30512
        curated("population_total", "340", "Sorø", "2021-01-01", 29993.0, 11),  # no live twin: stays
        curated("population_total", "329", "Ringsted", "2023K4", 35950.0, 12),  # live is '..': curated stays
    ], columns=COLUMNS))
    write_indicator("wellbeing", pd.DataFrame([
        curated("wellbeing", "340", "Sorø", "2021", 71.5, 20, unit="pct")], columns=COLUMNS))
    return folder


@pytest.fixture
def catalog(monkeypatch):
    cat = make_catalog()
    monkeypatch.setattr(refresh, "load_catalog", lambda: cat)
    return cat


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Api:
    """A mocked Statbank API: /subjects, /tableinfo and /data per table, with overrides."""

    def __init__(self, rsps):
        self.rsps = rsps
        self.data = {"FOLK1A": (200, fixture_bytes("data_FOLK1A.csv")),
                     "AUP01": (200, fixture_bytes("data_AUP01.csv"))}
        rsps.add(responses.POST, f"{BASE}/subjects", body=fixture_bytes("subjects.json"))
        rsps.add_callback(responses.POST, f"{BASE}/tableinfo", callback=self.tableinfo)
        rsps.add_callback(responses.POST, f"{BASE}/data", callback=self.data_callback)

    def tableinfo(self, request):
        table = json.loads(request.body)["table"]
        path = FIXTURES / f"tableinfo_{table}.json"
        if not path.exists():
            return (400, {}, json.dumps({"errorTypeCode": "TABLE-NOTFOUND", "message": f"{table} findes ikke"}))
        return (200, {"Content-Type": "application/json"}, path.read_bytes())

    def data_callback(self, request):
        answer = self.data[json.loads(request.body)["table"]]
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return (status, {"Content-Type": "text/csv; charset=UTF-8"}, body)

    def data_calls(self, table=None):
        return [c for c in self.rsps.calls if c.request.url.endswith("/data")
                and (table is None or json.loads(c.request.body)["table"] == table)]


@pytest.fixture
def api():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield Api(rsps)


def loadable(cat):
    """The fixture catalog as helpers.load.load_indicator reads it (records with decimals)."""
    return SimpleNamespace(indicators=cat.indicators, indicator=lambda i: {"decimals": 0, **cat.indicators[i]})


def run(argv, sleeps=None):
    return refresh.main(argv, now=lambda: NOW, sleep=(sleeps.append if sleeps is not None else (lambda s: None)))


# ------------------------------------------------------------------ success
def test_live_rows_outrank_curated_and_carry_provenance(data_dir, catalog, api, capsys):
    wellbeing_before = (data_dir / "snapshot" / "wellbeing.csv").read_bytes()
    assert run([]) == 0
    out = capsys.readouterr()
    assert "population_total" in out.out and "unemployment_rate" in out.out
    assert "forest_share" in out.out and "verified: false" in out.out, "unverified queries are skipped, visibly"
    assert not api.data_calls("AREALDK")

    frame = read_indicator("population_total")
    live_rows = frame[frame["source_kind"] == "live"]
    assert len(live_rows) == 9, "9 cells; 329/2023K4 is '..' and stays as a suppressed live row"
    row = live_rows[(live_rows["area_code"] == "340") & (live_rows["period"] == "2024K1")].iloc[0]
    assert row["value"] == 30512.0
    assert (row["publisher"], row["table"], row["source_url"], row["origin"]) == (
        "Danmarks Statistik", "FOLK1A", "https://www.statbank.dk/FOLK1A", "statbank:FOLK1A")
    assert (row["retrieved"], row["updated"]) == ("2024-06-03", "2024-05-10T08:00:00")
    assert (row["period_type"], row["period_start"], row["period_end"]) == ("quarter", "2024-01-01", "2024-03-31")
    assert (row["area_name"], row["sex"], row["age"], row["unit"]) == ("Sorø", "i alt", "i alt", "personer")
    for part in ("FOLK1A", "OMRÅDE=340", "KØN=TOT", "ALDER=IALT", "CIVILSTAND=TOT", "Tid=2024K1"):
        assert part in row["quote"]

    curated_rows = frame[frame["source_kind"] != "live"]
    assert sorted(curated_rows["origin"]) == [f"harvest/theme2_lokalsamfund.csv:{n}" for n in (10, 11, 12)], \
        "a refresh deletes no harvested row: the outranked one stays as a cross-check"

    # What the page shows: the live number where there is one, the curated number where live is '..'.
    loaded = load_indicator("population_total", catalog=loadable(catalog))
    shown = {(r.area_code, r.period): (r.source_kind, r.value) for r in loaded.data.itertuples()}
    assert shown[("340", "2024K1")] == ("live", 30512.0)
    assert shown[("329", "2023K4")] == ("publisher_page", 35950.0)
    assert shown[("340", "2021-01-01")] == ("publisher_page", 29993.0)
    checks = {(r.area_code, r.period, r.source_kind): (r.value, r.shown_value, r.disagrees)
              for r in loaded.cross_checks.itertuples()}
    assert checks[("340", "2024K1", "publisher_page")] == (30000.0, 30512.0, True)
    assert ("329", "2023K4", "live") in checks, "the suppressed live cell is a cross-check"

    unemployment = read_indicator("unemployment_rate")
    suppressed = unemployment[unemployment["value_flag"] == "suppressed"]
    assert suppressed[["area_code", "period"]].values.tolist() == [["340", "2023"]]
    assert unemployment.loc[(unemployment["area_code"] == "330") & (unemployment["period"] == "2023"),
                            "value"].tolist() == [3.9]
    assert (data_dir / "snapshot" / "wellbeing.csv").read_bytes() == wellbeing_before

    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    for indicator_id, table in [("population_total", "FOLK1A"), ("unemployment_rate", "AUP01")]:
        entry = manifest["indicators"][indicator_id]
        content = (data_dir / "snapshot" / f"{indicator_id}.csv").read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["rows"] == content.count(b"\n") - 1
        assert entry["table"] == table and entry["source"] == f"statbank:{table}"
        assert entry["fetched_at"] == "2024-06-03T09:30:00+02:00"
    assert set(manifest["indicators"]) == {"population_total", "unemployment_rate"}
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert "snapshot/unemployment_rate.csv" in [r["path"] for r in package["resources"]], "the new file is listed"


def test_second_run_changes_no_snapshot_bytes(data_dir, catalog, api):
    assert run([]) == 0
    first = snapshot_bytes(data_dir)
    assert run([]) == 0
    assert snapshot_bytes(data_dir) == first


def test_only_limits_the_run(data_dir, catalog, api):
    assert run(["--only", "unemployment_rate"]) == 0
    assert api.data_calls("AUP01") and not api.data_calls("FOLK1A")
    assert read_indicator("population_total")["source_kind"].ne("live").all()


def test_dry_run_writes_nothing_and_says_what_would_change(data_dir, catalog, api, capsys):
    before = snapshot_bytes(data_dir)
    assert run(["--dry-run"]) == 0
    assert snapshot_bytes(data_dir) == before
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "population_total" in line)
    assert "dry-run" in line and "9 live" in line and "1 viste rækker erstattes (publisher_page 1)" in line and "ændres" in line
    assert api.data_calls("FOLK1A"), "a dry run still fetches and validates"


# ------------------------------------------------------------------ failures
TRUNCATED = fixture_bytes("data_FOLK1A.csv")[:-12]
DRIFTED = fixture_bytes("data_FOLK1A.csv").replace("OMRÅDE".encode(), b"KOMMUNE", 1)


@pytest.mark.parametrize("answer, reason", [
    ((400, fixture_bytes("error_request_limit.json")), "REQUEST-LIMIT"),
    ((500, b"Internal Server Error"), "HTTP 500"),
    ((200, TRUNCATED), "cut short"),
    ((200, DRIFTED), "KOMMUNE"),
    (requests.exceptions.ReadTimeout("read timed out"), "no answer within"),
    ((200, fixture_bytes("data_FOLK1A.csv").replace(b"30512", b"3O512")), "3O512"),
], ids=["request-limit", "http-500", "truncated", "schema-drift", "timeout", "bad-number"])
def test_failure_leaves_files_unchanged_and_others_proceed(data_dir, catalog, api, capsys, answer, reason):
    before = snapshot_bytes(data_dir)
    api.data["FOLK1A"] = answer
    sleeps: list[float] = []
    assert run(["--retries", "1"], sleeps) == 1
    err = capsys.readouterr().err
    failed = [line for line in err.splitlines() if "population_total" in line]
    assert len(failed) == 1 and reason in failed[0], err
    after = snapshot_bytes(data_dir)
    assert after["snapshot/population_total.csv"] == before["snapshot/population_total.csv"]
    assert after["snapshot/wellbeing.csv"] == before["snapshot/wellbeing.csv"]
    assert "snapshot/unemployment_rate.csv" in after, "the other indicator was still refreshed"
    manifest = json.loads(after["manifest.json"])
    assert set(manifest["indicators"]) == {"unemployment_rate"}


def test_bad_code_is_caught_before_fetching(data_dir, monkeypatch, api, capsys):
    cat = make_catalog(population_total=record(
        "population_total", ["340", "341"], live("FOLK1A", {"KØN": ["TOT"], "ALDER": ["IALT"], "CIVILSTAND": ["TOT"]})))
    monkeypatch.setattr(refresh, "load_catalog", lambda: cat)
    before = snapshot_bytes(data_dir)
    assert run([]) == 1
    line = next(line for line in capsys.readouterr().err.splitlines() if "population_total" in line)
    assert "'341'" in line and "OMRÅDE" in line
    assert not api.data_calls("FOLK1A")
    assert snapshot_bytes(data_dir)["snapshot/population_total.csv"] == before["snapshot/population_total.csv"]


def test_missing_area_variable_is_a_failure(data_dir, monkeypatch, api, capsys):
    cat = make_catalog(population_total=record(
        "population_total", ["340"], live("FOLK1A", {}, area_variable=None)))
    monkeypatch.setattr(refresh, "load_catalog", lambda: cat)
    assert run(["--only", "population_total"]) == 1
    assert "area_variable" in capsys.readouterr().err


def test_manifest_failure_restores_the_snapshot(data_dir, catalog, api, monkeypatch, capsys):
    before = snapshot_bytes(data_dir)
    blocker = data_dir / "blocker"
    blocker.write_text("not a folder")
    monkeypatch.setattr(refresh, "manifest_path", lambda: blocker / "manifest.json")
    assert run(["--only", "population_total"]) == 1
    assert "population_total" in capsys.readouterr().err
    after = snapshot_bytes(data_dir)
    assert after["snapshot/population_total.csv"] == before["snapshot/population_total.csv"]


def test_unknown_only_id_is_a_usage_error(data_dir, catalog, capsys):
    assert run(["--only", "population_totl"]) == 2
    assert "population_total" in capsys.readouterr().err


# ------------------------------------------------------------------ offline
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_offline_prints_one_line_and_touches_nothing(data_dir, catalog, capsys):
    before = snapshot_bytes(data_dir)
    started = time.monotonic()
    assert run(["--base-url", f"http://127.0.0.1:{closed_port()}/v1"]) == 3
    assert time.monotonic() - started < 5
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.splitlines()
    assert len(lines) == 1 and "Ingen forbindelse til Statbank-API'et" in lines[0] and "No connection" in lines[0]
    assert snapshot_bytes(data_dir) == before


def test_cli_offline_as_a_subprocess(tmp_path):
    """The real command, real catalog loader, a copy of the catalog, a closed port."""
    pytest.importorskip("helpers.catalog")
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "catalog", folder / "catalog")
    env = {**os.environ, "VISION_DATA_DIR": str(folder)}
    check = subprocess.run([sys.executable, "-c", "from helpers.catalog import load_catalog; load_catalog()"],
                           env=env, capture_output=True, text=True)
    if check.returncode:
        pytest.skip(f"the catalog does not load yet: {check.stderr.strip().splitlines()[-1:]}")
    before = snapshot_bytes(folder)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "helpers.refresh", "--base-url",
                             f"http://127.0.0.1:{closed_port()}/v1"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert time.monotonic() - started < 20
    assert result.returncode == 3, result
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert "Ingen forbindelse" in result.stderr
    assert snapshot_bytes(folder) == before


# ------------------------------------------------------------------ units
def test_merge_rules():
    def row(kind, area, period, value, origin):
        r = curated("x", area, "", period, value, 1)
        r.update(source_kind=kind, origin=origin, value_flag="" if value is not None else "suppressed")
        return r

    existing = pd.DataFrame([
        row("publisher_page", "340", "2020", 1.0, "h:1"),      # outranked by a live number: stays
        row("publisher_page", "340", "2021", 2.0, "h:2"),      # live is suppressed: curated stays shown
        row("publisher_page", "340", "2022", 3.0, "h:3"),      # no live twin
        row("live", "340", "2019", 9.0, "statbank:OLD"),  # old live rows go
    ], columns=COLUMNS)
    new = pd.DataFrame([
        row("live", "340", "2020", 1.5, "statbank:T"),
        row("live", "340", "2021", None, "statbank:T"),
        row("live", "340", "2023", None, "statbank:T"),  # no curated twin: kept as suppressed
    ], columns=COLUMNS)
    merged, outranked = refresh.merge_live(existing, new)
    assert outranked == 1
    assert sorted(zip(merged["period"], merged["origin"])) == [
        ("2020", "h:1"), ("2020", "statbank:T"), ("2021", "h:2"), ("2021", "statbank:T"), ("2022", "h:3"),
        ("2023", "statbank:T")], "only the old live row goes"
    shown, checks = pick_best(merged, 0)
    assert sorted(zip(shown["period"], shown["origin"])) == [
        ("2020", "statbank:T"), ("2021", "h:2"), ("2022", "h:3"), ("2023", "statbank:T")]
    assert sorted(zip(checks["period"], checks["origin"])) == [("2020", "h:1"), ("2021", "statbank:T")]


@pytest.mark.parametrize("code, text, label", [
    ("IALT", "Alder i alt", "i alt"), ("25", "25 år", "25"), ("65-69", "65-69 år", "65-69"),
    ("100OV", "100 år og derover", "100+"), ("X", "Under 1 år", "Under 1 år"),
])
def test_age_labels(code, text, label):
    assert refresh._age_label(code, text) == label


def test_live_source_reads_the_contract():
    rec = record("p", ["340"], live("folk1a", {"KØN": "TOT"}, verified=False))
    source = refresh.live_source(rec)
    assert (source.table, source.area_variable, source.time_variable, source.variables, source.verified) == (
        "FOLK1A", "OMRÅDE", "Tid", {"KØN": ["TOT"]}, False)
    assert refresh.live_source(record("q", ["340"])) is None
    other = record("r", ["340"], {"publisher": "Energistyrelsen", "table": "X"})
    assert refresh.live_source(other) is None


# ------------------------------------------------------------------ sex totals, plan
@pytest.mark.parametrize("code, text", [("100", "Mænd og kvinder i alt"), ("MOK", "Mænd og kvinder i alt"),
                                        ("TOT", "I alt"), ("10", "Køn i alt")])
def test_sex_totals(code, text):
    assert refresh._sex_label(code, text) == "i alt"


def test_sex_label_still_refuses_unknown_codes():
    with pytest.raises(refresh.RefreshError, match="'X'"):
        refresh._sex_label("X", "Ukendt")


def test_plan_prints_the_requests_and_the_rows_they_replace_offline(data_dir, monkeypatch, capsys):
    block = live("FOLK1A", {"KØN": ["TOT"], "ALDER": ["IALT"], "CIVILSTAND": ["TOT"]})
    block.update(time_format="quarter")
    bev = live("BEV107", {"BEVÆGELSE": ["B02"]}, verified=False)
    bev.update(areas=["340", "329"], national="elimination", confirm="check B02")
    cat = make_catalog(population_total=record("population_total", ["000", "340", "329"], block),
                       births=record("births", ["340", "085", "329"], bev))
    monkeypatch.setattr(refresh, "load_catalog", lambda: cat)
    before = snapshot_bytes(data_dir)
    closed = f"http://127.0.0.1:{closed_port()}/v1"
    assert run(["--plan", "--base-url", closed, "--only", "population_total", "births"]) == 0
    out = capsys.readouterr().out
    assert snapshot_bytes(data_dir) == before
    body = {"table": "FOLK1A", "format": "CSV", "lang": "da", "valuePresentation": "Code",
            "variables": [{"code": "OMRÅDE", "values": ["000", "340", "329"]}, {"code": "Tid", "values": ["*"]},
                          {"code": "KØN", "values": ["TOT"]}, {"code": "ALDER", "values": ["IALT"]},
                          {"code": "CIVILSTAND", "values": ["TOT"]}]}
    curl = next(line for line in out.splitlines() if "curl" in line and "FOLK1A" in line)
    assert json.loads(curl.split("-d '", 1)[1].rstrip("'")) == body
    assert f"GET {closed}/data/FOLK1A/CSV?lang=da&valuePresentation=Code&OMR%C3%85DE=000,340,329&Tid=*" in out
    population = out.split("== population_total")[1].split("==")[0]
    assert "erstatter / replaces 2 viste rækker (publisher_page 2) for 329, 340, 2023K4 .. 2024K1" in population
    births = out.split("== births")[1].split("==")[0]
    assert "IKKE verificeret" in births and "check B02" in births
    assert births.count("curl") == 2 and "eliminering af OMRÅDE" in births
    assert "085 findes ikke i BEV107" in births

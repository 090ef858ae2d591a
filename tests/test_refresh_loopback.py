"""`make data` end to end against a loopback server that replays recorded Statbank answers.

The server (http.server on 127.0.0.1) answers `subjects`, `tableinfo` (the reconstructed fixtures)
and `data` from tests/fixtures/statbank/recorded/requests.json: a `data` request is answered only
when its JSON body equals a recorded request exactly, otherwise with the API's HTTP 400 error
shape. The refresh runs as the analyst runs it (`make data`), on a copy of data/, for the
RAS200, FOLK1A and BEV107 indicators. See tests/fixtures/statbank/recorded/README.md.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from helpers.load import load_indicator

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "statbank"
RECORDED = FIXTURES / "recorded"
RECONSTRUCTED = FIXTURES / "reconstructed"
INDICATORS = ["population_total", "employment_rate_16_64", "labour_force_participation_rate",
              "births", "deaths", "natural_increase", "moves_in", "moves_out"]


class Replay(BaseHTTPRequestHandler):
    recorded: list[dict] = []
    seen: list[dict] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        endpoint = self.path.rsplit("/", 1)[-1]
        self.seen.append({"endpoint": endpoint, **body})
        if endpoint == "subjects":
            return self._send(200, (FIXTURES / "subjects.json").read_bytes(), "application/json")
        if endpoint == "tableinfo":
            path = RECONSTRUCTED / f"tableinfo_{body['table']}.json"
            if path.exists():
                return self._send(200, path.read_bytes(), "application/json")
        if endpoint == "data":
            for entry in self.recorded:
                if entry["request"] == body:
                    return self._send(200, (RECORDED / entry["response"]).read_bytes(), "text/csv; charset=UTF-8")
        error = {"errorTypeCode": "NOT-RECORDED", "message": f"no recorded answer for {endpoint} {body}"}
        return self._send(400, json.dumps(error).encode(), "application/json")


@pytest.fixture
def server():
    Replay.recorded = json.loads((RECORDED / "requests.json").read_text(encoding="utf-8"))
    Replay.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_make_data_refreshes_ras200_folk1a_bev107_end_to_end(tmp_path, server, monkeypatch):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    before = files(data)
    env = {**os.environ, "VISION_DATA_DIR": str(data), "STATBANK_BASE_URL": server, "VISION_SKIP_VENV": "1",
           "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(["make", "-s", "data", f"ARGS=--only {' '.join(INDICATORS)}"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.split(":")[0] in INDICATORS]
    assert sorted(line.split(":")[0] for line in lines) == sorted(INDICATORS), result.stdout
    assert all("erstattet / replaced" in line for line in lines), result.stdout
    assert "085 findes ikke i BEV107" in next(line for line in lines if line.startswith("births:"))

    after = files(data)
    refreshed = {f"snapshot/{i}.csv" for i in INDICATORS}
    expected_changes = refreshed | {"manifest.json", "datapackage.json"}
    unchanged = {name for name in before if name not in expected_changes}
    assert {name: after.get(name) for name in unchanged} == {name: before[name] for name in unchanged}, \
        "every other file stays byte-identical"
    assert set(after) - set(before) <= expected_changes

    # FOLK1A: 2024K1 etc. become 1 January rows that outrank the curated/copied ones.
    pop = pd.read_csv(data / "snapshot" / "population_total.csv", dtype=str, keep_default_na=False)
    old = pd.read_csv(ROOT / "data" / "snapshot" / "population_total.csv", dtype=str, keep_default_na=False)
    live = pop[pop["source_kind"] == "live"]
    recorded_k1 = [line for line in (RECORDED / "data_FOLK1A.csv").read_text(encoding="utf-8-sig").splitlines()
                   if line.split(";")[4:5] and line.split(";")[4].endswith("K1")]
    assert len(live) == len(recorded_k1) and set(live["period_type"]) == {"date"} and live["period"].str.endswith("-01-01").all()
    assert "2024-04-01" not in set(live["period"]), "K2 is not a 1 January figure"
    sorø = live[(live["area_code"] == "340") & (live["period"] == "2021-01-01")].iloc[0]
    recorded = old[(old["area_code"] == "340") & (old["period"] == "2021-01-01")]["value"].iloc[0]
    assert sorø["value"] == recorded and sorø["origin"] == "statbank:FOLK1A" and sorø["via"] == "" \
        if "via" in pop.columns else sorø["value"] == recorded
    keys = ["area_code", "period", "sex", "age"]
    # The weaker rows stay byte for byte beside the live ones: they are the cross-checks.
    weaker = pop[pop["source_kind"] != "live"].sort_values("origin").reset_index(drop=True)
    assert weaker.equals(old[old["source_kind"] != "live"].sort_values("origin").reset_index(drop=True)), \
        "a refresh deletes no row of another source kind"
    assert len(pop) == len(live) + len(weaker)
    outranked = old.merge(live.loc[live["value_flag"] == "", keys], on=keys)
    assert len(outranked), "the recorded FOLK1A cells overlap the harvested ones"
    # 370 on 2023-01-01 has two disagreeing curated rows (and an export row), no recorded live value: all stay.
    at_370 = pop[(pop["area_code"] == "370") & (pop["period"] == "2023-01-01")]
    assert sorted(at_370["origin"]) == sorted(old[(old["area_code"] == "370") & (old["period"] == "2023-01-01")]["origin"])
    assert len(at_370) >= 2 and "live" not in set(at_370["source_kind"])

    # The printed count is about shown rows: those the page showed before that a live number now outranks.
    monkeypatch.setenv("VISION_DATA_DIR", str(ROOT / "data"))
    shown_before = load_indicator("population_total").data
    valued = set(map(tuple, live.loc[live["value_flag"] == "", keys].itertuples(index=False, name=None)))
    expected = sum(k in valued for k in map(tuple, shown_before[keys].itertuples(index=False, name=None)))
    printed = re.search(r"(\d+) viste rækker erstattes", next(line for line in lines if line.startswith("population_total:")))
    assert printed and int(printed[1]) == expected > 0, result.stdout

    # What the page shows: per observation the live value; the other rows are its cross-checks.
    monkeypatch.setenv("VISION_DATA_DIR", str(data))
    loaded = load_indicator("population_total")
    shown = loaded.data[(loaded.data["area_code"] == "340") & (loaded.data["period"] == "2021-01-01")]
    assert shown["source_kind"].tolist() == ["live"] and shown["value"].tolist() == [float(recorded)]
    checks = loaded.cross_checks
    sorø_checks = checks[(checks["area_code"] == "340") & (checks["period"] == "2021-01-01")]
    assert set(sorø_checks["origin"]) == set(old[(old["area_code"] == "340") & (old["period"] == "2021-01-01")]["origin"])
    assert (sorø_checks["shown_kind"] == "live").all()
    shown_origins = set(loaded.data["origin"])
    assert not set(outranked["origin"]) & shown_origins, "no outranked row is shown"

    # BEV107: municipalities from the table, Hele landet by eliminating OMRÅDE, no 085.
    births = pd.read_csv(data / "snapshot" / "births.csv", dtype=str, keep_default_na=False)
    assert set(births["area_code"]) == {"000", "340", "329", "330", "370", "316", "326"}
    national = births[(births["area_code"] == "000") & (births["source_kind"] == "live")].iloc[0]
    assert (national["value"], national["period"]) == ("57469", "2023")
    assert "eliminering" in national["quote"]
    moves = pd.read_csv(data / "snapshot" / "moves_in.csv", dtype=str, keep_default_na=False)
    assert (moves["source_kind"] == "live").all() and "BEVÆGELSE=B05 (Tilflyttede)" in moves["quote"].iloc[0]

    # RAS200: the copy's municipal employment rates come back as live rows with age 16-64.
    employment = pd.read_csv(data / "snapshot" / "employment_rate_16_64.csv", dtype=str, keep_default_na=False)
    assert set(employment["age"]) == {"16-64"} and (employment["source_kind"] == "live").any()

    manifest = json.loads(after["manifest.json"])
    assert set(manifest["indicators"]) == set(INDICATORS)
    for indicator in INDICATORS:
        entry = manifest["indicators"][indicator]
        assert entry["sha256"] == hashlib.sha256(after[f"snapshot/{indicator}.csv"]).hexdigest()
        assert entry["requests"] and entry["requests"][0]["valuePresentation"] == "Code"
    package = json.loads(after["datapackage.json"])
    assert {f"snapshot/{i}.csv" for i in INDICATORS} <= {r["path"] for r in package["resources"]}
    old_package = json.loads(before["datapackage.json"])
    assert [r for r in package["resources"] if r["path"] in {x["path"] for x in old_package["resources"]}] \
        == old_package["resources"], "the datapackage only gains the new files"
    assert [s["table"] for s in Replay.seen if s["endpoint"] == "data"].count("BEV107") == 10

    # A second run changes no snapshot byte.
    again = subprocess.run(["make", "-s", "data", f"ARGS=--only {' '.join(INDICATORS)}"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert all("uændret / unchanged" in line for line in again.stdout.splitlines()
               if line.split(":")[0] in INDICATORS), again.stdout
    assert {k: v for k, v in files(data).items() if k.startswith("snapshot/")} == \
        {k: v for k, v in after.items() if k.startswith("snapshot/")}

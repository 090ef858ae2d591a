"""helpers.jobindsats against recorded-shape answers (responses; no network)."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import responses

from helpers import jobindsats
from helpers.jobindsats import JobindsatsClient, JobindsatsError

FIXTURES = Path(__file__).parent / "fixtures" / "publishers"
BASE = "https://api.jobindsats.dk/v2"


def test_the_token_comes_from_the_environment_and_is_not_shown(monkeypatch):
    monkeypatch.delenv(jobindsats.TOKEN_ENV, raising=False)
    with pytest.raises(JobindsatsError, match="JOBINDSATS_TOKEN"):
        JobindsatsClient()
    monkeypatch.setenv(jobindsats.TOKEN_ENV, "s3cret-token")
    client = JobindsatsClient()
    assert "s3cret" not in repr(client)


@responses.activate
def test_data_request_and_rows(monkeypatch):
    monkeypatch.setenv(jobindsats.TOKEN_ENV, "s3cret-token")
    responses.add(responses.POST, f"{BASE}/data/y25i09/json",
                  body=(FIXTURES / "jobindsats_data_y25i09.json").read_bytes())
    responses.add(responses.GET, f"{BASE}/tables/y25i09/json/",
                  body=(FIXTURES / "jobindsats_tables_y25i09.json").read_bytes())
    client = JobindsatsClient(sleep=lambda s: None)
    assert client.periods("y25i09") == ["2024M01", "2024M02"]
    frame = client.data("y25i09", "*", ["2024M01", "2024M02"], {"kon": ["Kvinder", "Mænd"]})
    call = responses.calls[-1].request
    assert call.headers["Authorization"] == "s3cret-token"
    assert json.loads(call.body) == {"area": "*", "period": ["2024M01", "2024M02"], "_kon": ["Kvinder", "Mænd"]}
    out = jobindsats.rows("long_term_unemployed", frame, area_codes={"Sorø": "340", "Hele landet": "000"},
                          area_label="Område", period_label="Periode", value_label="Langtidsledige",
                          unit="personer", retrieved=date(2026, 12, 1))
    assert sorted(zip(out["area_code"], out["period"], out["value_flag"])) == [
        ("000", "2024M01", ""), ("340", "2024M01", ""), ("340", "2024M02", "suppressed")]
    assert out.loc[out["area_code"] == "000", "value"].tolist() == [17512.0]
    assert set(out["origin"]) == {"jobindsats:y25i09"} and set(out["source_kind"]) == {"live"}


@responses.activate
def test_refused_token_and_server_errors(monkeypatch):
    responses.add(responses.POST, f"{BASE}/data/y25i09/json", status=401)
    with pytest.raises(JobindsatsError, match="refused the token") as info:
        JobindsatsClient(token="abc").data("y25i09", "*", ["2024M01"])
    assert "abc" not in str(info.value)
    responses.replace(responses.POST, f"{BASE}/data/y25i09/json", status=503)
    sleeps = []
    with pytest.raises(JobindsatsError, match="HTTP 503.*3 attempts"):
        JobindsatsClient(token="abc", sleep=sleeps.append).data("y25i09", "*", ["2024M01"])
    assert sleeps == [1.0, 2.0]


@responses.activate
def test_a_short_row_is_schema_drift():
    payload = json.loads((FIXTURES / "jobindsats_data_y25i09.json").read_text(encoding="utf-8"))
    payload[0]["Data"][1] = ["Sorø", "2024M01"]
    responses.add(responses.POST, f"{BASE}/data/y25i09/json", json=payload)
    with pytest.raises(JobindsatsError, match="row 2 has 2 fields"):
        JobindsatsClient(token="abc").data("y25i09", "*", ["2024M01"])


def test_offline_is_a_plain_error():
    client = JobindsatsClient(token="abc", base_url="http://127.0.0.1:9/v2", retries=0, timeout=2)
    with pytest.raises(JobindsatsError, match="no answer"):
        client.periods("y25i09")

"""Tests for helpers.statbank against recorded-shape answers (no network).

Most tests mock ``requests`` with ``responses``; transport faults that need a real socket
(timeouts, a body shorter than its Content-Length, a refused connection) use a loopback
http.server in a thread.
"""
from __future__ import annotations

import json
import math
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import responses

from helpers.statbank import (
    QueryError,
    SchemaDriftError,
    StatbankClient,
    StatbankError,
    StatbankOffline,
    StatbankUnavailable,
    TableInfo,
    TruncatedResponseError,
    estimate_cells,
    expand_selection,
)

FIXTURES = Path(__file__).parent / "fixtures" / "statbank"
BASE = "https://api.statbank.dk/v1"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str):
    return json.loads(fixture_bytes(name).decode("utf-8"))


def body_of(call) -> dict:
    raw = call.request.body
    return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)


def endpoints(rsps) -> list[str]:
    return [call.request.url.rsplit("/", 1)[-1] for call in rsps.calls]


class Sleeps(list):
    """An injectable sleep that records instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def client(sleeps):
    return StatbankClient(base_url=BASE, retries=3, backoff=1.0, sleep=sleeps)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def add_tableinfo(rsps, *tables: str) -> None:
    infos = {t: fixture_bytes(f"tableinfo_{t}.json") for t in tables}

    def callback(request):
        table = json.loads(request.body)["table"]
        if table not in infos:
            return (400, {}, json.dumps({"errorTypeCode": "TABLE-NOTFOUND", "message": f"Tabel {table} findes ikke"}))
        return (200, {"Content-Type": "application/json; charset=utf-8"}, infos[table])

    rsps.add_callback(responses.POST, f"{BASE}/tableinfo", callback=callback)


def csv_response(body: bytes, status: int = 200) -> responses.Response:
    return responses.Response(responses.POST, f"{BASE}/data", body=body, status=status,
                              content_type="text/csv; charset=UTF-8")


FOLK_QUERY = {"OMRÅDE": ["000", "340", "329"], "KØN": ["TOT"], "ALDER": ["IALT"], "CIVILSTAND": ["TOT"], "Tid": ["*"]}


# ------------------------------------------------------------------ metadata
def test_tableinfo_is_parsed_and_posted_as_json(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    info = client.tableinfo("folk1a")
    assert isinstance(info, TableInfo)
    assert (info.id, info.unit, info.updated) == ("FOLK1A", "Antal", "2024-05-10T08:00:00")
    assert [v.id for v in info.variables] == ["OMRÅDE", "KØN", "ALDER", "CIVILSTAND", "Tid"]
    tid = info.variable("TID")
    assert tid.time and not tid.elimination and tid.codes == ["2023K3", "2023K4", "2024K1"]
    assert info.variable("OMRÅDE").text_of("340") == "Sorø"
    assert body_of(rsps.calls[0]) == {"table": "FOLK1A", "format": "JSON", "lang": "da"}
    assert rsps.calls[0].request.headers["Content-Type"].startswith("application/json")
    client.tableinfo("FOLK1A")
    assert len(rsps.calls) == 1, "tableinfo is cached per client"


def test_tableinfo_without_variables_is_schema_drift(client, rsps):
    rsps.add(responses.POST, f"{BASE}/tableinfo", json={"id": "FOLK1A", "text": "x"})
    with pytest.raises(SchemaDriftError, match="variables"):
        client.tableinfo("FOLK1A")


def test_subjects_and_tables(client, rsps):
    rsps.add(responses.POST, f"{BASE}/subjects", body=fixture_bytes("subjects.json"))
    rsps.add(responses.POST, f"{BASE}/tables", body=fixture_bytes("tables.json"))
    assert [s["id"] for s in client.subjects()] == ["1", "2"]
    assert client.tables(subjects=["02"])[0]["id"] == "FOLK1A"
    assert body_of(rsps.calls[1])["subjects"] == ["02"]


# ------------------------------------------------------------------ success
def test_csv_success_with_suppressed_value(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(csv_response(fixture_bytes("data_FOLK1A.csv")))
    frame = client.data("FOLK1A", FOLK_QUERY)
    assert list(frame.columns) == ["OMRÅDE", "KØN", "ALDER", "CIVILSTAND", "Tid",
                                   "value", "suppressed", "missing", "implicit_zero"]
    assert len(frame) == 9
    soroe = frame[(frame["OMRÅDE"] == "340") & (frame["Tid"] == "2024K1")]
    assert soroe["value"].tolist() == [30512.0]
    hidden = frame[frame["suppressed"]]
    assert hidden[["OMRÅDE", "Tid"]].values.tolist() == [["329", "2023K4"]]
    assert math.isnan(hidden["value"].iloc[0])
    assert not frame["missing"].any() and not frame["implicit_zero"].any()
    body = body_of(rsps.calls[-1])
    assert body == {
        "table": "FOLK1A", "format": "CSV", "lang": "da", "valuePresentation": "Code",
        "variables": [{"code": "OMRÅDE", "values": ["000", "340", "329"]}, {"code": "KØN", "values": ["TOT"]},
                      {"code": "ALDER", "values": ["IALT"]}, {"code": "CIVILSTAND", "values": ["TOT"]},
                      {"code": "Tid", "values": ["*"]}],
    }
    assert "OMRÅDE".encode("utf-8") in rsps.calls[-1].request.body, "the body is UTF-8, not \\u-escaped"
    assert frame.attrs["format"] == "CSV" and frame.attrs["requests"] == 1


def test_csv_decimal_comma(client, rsps):
    add_tableinfo(rsps, "AUP01")
    rsps.add(csv_response(fixture_bytes("data_AUP01.csv")))
    frame = client.data("AUP01", {"OMRÅDE": ["000", "340", "330"], "YDELSESTYPE": ["TOT"], "tid": ["*"]})
    values = {(a, t): v for a, t, v in frame[["OMRÅDE", "Tid", "value"]].itertuples(index=False)}
    assert values[("000", "2022")] == pytest.approx(2.5)
    assert values[("330", "2023")] == pytest.approx(3.9)
    assert math.isnan(values[("340", "2023")])
    assert frame.loc[frame["suppressed"], "OMRÅDE"].tolist() == ["340"]
    assert body_of(rsps.calls[-1])["variables"][-1]["code"] == "Tid", "ids are normalised to tableinfo's"


def test_bulk_absent_combination_is_implicit_zero_and_empty_is_missing(client, rsps):
    add_tableinfo(rsps, "AUP01")
    rsps.add(csv_response(fixture_bytes("data_AUP01_bulk.csv")))
    frame = client.data("AUP01", {"OMRÅDE": ["*"], "YDELSESTYPE": ["*"], "Tid": ["*"]}, format="BULK")
    assert body_of(rsps.calls[-1])["format"] == "BULK"
    assert len(frame) == 3 * 2 * 2
    row = frame[(frame["OMRÅDE"] == "330") & (frame["YDELSESTYPE"] == "TOT") & (frame["Tid"] == "2023")].iloc[0]
    assert row["value"] == 0.0 and row["implicit_zero"] and not row["missing"]
    row = frame[(frame["OMRÅDE"] == "340") & (frame["YDELSESTYPE"] == "NET") & (frame["Tid"] == "2023")].iloc[0]
    assert math.isnan(row["value"]) and row["missing"] and not row["suppressed"] and not row["implicit_zero"]
    assert frame["implicit_zero"].sum() == 1


def test_bulk_needs_every_variable(client, rsps):
    add_tableinfo(rsps, "AUP01")
    with pytest.raises(QueryError, match="BULK needs every variable; missing OMRÅDE"):
        client.data("AUP01", {"YDELSESTYPE": ["TOT"], "Tid": ["*"]}, format="BULK")
    assert endpoints(rsps) == ["tableinfo"]


# ------------------------------------------------------------------ HTTP errors and retries
def test_request_limit_error_in_plain_words(client, rsps, sleeps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(csv_response(fixture_bytes("error_request_limit.json"), status=400))
    with pytest.raises(StatbankError) as err:
        client.data("FOLK1A", FOLK_QUERY)
    assert err.value.error_type == "REQUEST-LIMIT" and err.value.status == 400
    assert "1,000,000 cells" in str(err.value)
    assert "overskrider grænsen" in str(err.value), "the API's own message is kept"
    assert endpoints(rsps).count("data") == 1 and sleeps == [], "a 400 is not retried"


def test_other_400_names_type_and_message(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(responses.POST, f"{BASE}/data", status=400,
             json={"errorTypeCode": "EXTRACT-NOTALLOWED", "message": "Der er ingen værdier valgt for variablen"})
    with pytest.raises(StatbankError, match=r"EXTRACT-NOTALLOWED\): Der er ingen værdier"):
        client.data("FOLK1A", FOLK_QUERY)


def test_500_then_success_is_retried_with_backoff(client, rsps, sleeps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(responses.POST, f"{BASE}/data", status=500, body="Internal Server Error")
    rsps.add(responses.POST, f"{BASE}/data", status=503, body="busy")
    rsps.add(csv_response(fixture_bytes("data_FOLK1A.csv")))
    frame = client.data("FOLK1A", FOLK_QUERY)
    assert len(frame) == 9
    assert endpoints(rsps).count("data") == 3
    assert sleeps == [1.0, 2.0]


def test_persistent_500_gives_up_after_retries(client, rsps, sleeps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(responses.POST, f"{BASE}/data", status=502, body="Bad Gateway")
    with pytest.raises(StatbankUnavailable, match="HTTP 502.*after 4 attempts") as err:
        client.data("FOLK1A", FOLK_QUERY)
    assert not isinstance(err.value, StatbankOffline)
    assert sleeps == [1.0, 2.0, 4.0]
    assert endpoints(rsps).count("data") == 4


def test_connection_error_then_success(client, rsps, sleeps):
    import requests
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(responses.POST, f"{BASE}/data", body=requests.exceptions.ConnectionError("reset"))
    rsps.add(csv_response(fixture_bytes("data_FOLK1A.csv")))
    assert len(client.data("FOLK1A", FOLK_QUERY)) == 9
    assert sleeps == [1.0]


# ------------------------------------------------------------------ body faults
def test_last_line_with_fewer_fields_is_truncation(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    whole = fixture_bytes("data_FOLK1A.csv")
    cut = whole[: whole.rindex(b";TOT;2024K1")]  # ends in the middle of the last record
    rsps.add(csv_response(cut))
    with pytest.raises(TruncatedResponseError, match="cut short.*last line"):
        client.data("FOLK1A", FOLK_QUERY)


def test_renamed_column_is_schema_drift(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    drifted = fixture_bytes("data_FOLK1A.csv").replace("OMRÅDE".encode(), b"KOMMUNE", 1)
    rsps.add(csv_response(drifted))
    with pytest.raises(SchemaDriftError) as err:
        client.data("FOLK1A", FOLK_QUERY)
    assert "unexpected column(s) KOMMUNE" in str(err.value)
    assert "missing column(s) OMRÅDE" in str(err.value)


def test_extra_column_is_schema_drift(client, rsps):
    add_tableinfo(rsps, "AUP01")
    text = fixture_bytes("data_AUP01.csv").decode("utf-8-sig")
    lines = [line + ";x" if i else line.replace("INDHOLD", "INDHOLD;ENHED") for i, line in enumerate(text.splitlines())]
    rsps.add(csv_response(("\ufeff" + "\r\n".join(lines)).encode()))
    with pytest.raises(SchemaDriftError, match="unexpected column.*ENHED"):
        client.data("AUP01", {"OMRÅDE": ["*"], "YDELSESTYPE": ["TOT"], "Tid": ["*"]})


def test_unknown_code_in_answer_is_schema_drift(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(csv_response(fixture_bytes("data_FOLK1A.csv").replace(b"329;", b"999;")))
    with pytest.raises(SchemaDriftError, match="'999' is not in tableinfo"):
        client.data("FOLK1A", FOLK_QUERY)


def test_garbage_number_is_reported(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(csv_response(fixture_bytes("data_FOLK1A.csv").replace(b"30512", b"30.51")))
    with pytest.raises(SchemaDriftError, match="'30.51'"):
        client.data("FOLK1A", FOLK_QUERY)


# ------------------------------------------------------------------ validation before fetching
def test_bad_code_is_caught_before_any_data_request(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    rsps.add(csv_response(fixture_bytes("data_FOLK1A.csv")))
    with pytest.raises(QueryError) as err:
        client.data("FOLK1A", {**FOLK_QUERY, "OMRÅDE": ["340", "341"]})
    message = str(err.value)
    assert "OMRÅDE" in message and "'341'" in message
    assert "000, 085, 340, 329, 330" in message, "the valid codes are listed"
    assert "data" not in endpoints(rsps)


def test_bad_variable_lists_valid_variables(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    with pytest.raises(QueryError, match=r"no variable 'KOMMUNE'; valid variables: OMRÅDE, KØN, ALDER, CIVILSTAND, Tid"):
        client.validate_query("FOLK1A", {"KOMMUNE": ["340"], "Tid": ["*"]})
    assert endpoints(rsps) == ["tableinfo"]


def test_non_eliminable_variable_must_be_given(client, rsps):
    add_tableinfo(rsps, "AUP01")
    with pytest.raises(QueryError, match="YDELSESTYPE cannot be eliminated.*TOT, NET"):
        client.validate_query("AUP01", {"OMRÅDE": ["340"], "Tid": ["*"]})
    with pytest.raises(QueryError, match="Tid cannot be eliminated"):
        client.validate_query("AUP01", {"OMRÅDE": ["340"], "YDELSESTYPE": ["TOT"]})


def test_validate_query_returns_table_ids_in_table_order(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    query = client.validate_query("FOLK1A", {"tid": "(1)", "område": ["340"]})
    assert query == {"OMRÅDE": ["340"], "Tid": ["(1)"]}


def test_empty_value_list_is_rejected(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    with pytest.raises(QueryError, match="OMRÅDE has no values"):
        client.validate_query("FOLK1A", {"OMRÅDE": [], "Tid": ["*"]})


def test_selectors():
    info = TableInfo.from_json(fixture_json("tableinfo_FOLK1A.json"))
    tid = info.variable("Tid")
    assert expand_selection(tid, ["*"]) == ["2023K3", "2023K4", "2024K1"]
    assert expand_selection(tid, ["(1)"]) == ["2024K1"]
    assert expand_selection(tid, ["(-n+2)"]) == ["2023K4", "2024K1"]
    assert expand_selection(tid, [">=2023K4"]) == ["2023K4", "2024K1"]
    assert expand_selection(tid, [">=2023K1<=2023K4"]) == ["2023K3", "2023K4"]
    assert expand_selection(tid, ["2023*"]) == ["2023K3", "2023K4"]
    assert expand_selection(tid, ["2024K1", "2023K3"]) == ["2023K3", "2024K1"], "table order"
    for bad in ["2025K1", ">=2030", "19*", "(9)", ""]:
        with pytest.raises(QueryError):
            expand_selection(tid, [bad])
    assert estimate_cells(info, {"OMRÅDE": ["*"], "KØN": ["1", "2"], "Tid": ["(-n+2)"]}) == 5 * 2 * 2


# ------------------------------------------------------------------ the cell cap
def test_oversized_query_naming_every_variable_switches_to_bulk(client, rsps):
    add_tableinfo(rsps, "AUP01")
    rsps.add(csv_response(fixture_bytes("data_AUP01_bulk.csv")))
    frame = client.data("AUP01", {"OMRÅDE": ["*"], "YDELSESTYPE": ["*"], "Tid": ["*"]}, cell_limit=10)
    assert [body_of(c)["format"] for c in rsps.calls if c.request.url.endswith("/data")] == ["BULK"]
    assert frame.attrs["format"] == "BULK" and frame["implicit_zero"].sum() == 1


def test_oversized_query_with_eliminated_variables_is_split_by_time(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    # CIVILSTAND is left out (eliminated), so BULK is not an option and the query is split.
    text = fixture_bytes("data_FOLK1A.csv").decode("utf-8-sig").replace(";TOT;2", ";2").replace(";CIVILSTAND", "")
    header, rows = text.splitlines()[0], text.splitlines()[1:]
    query = {k: v for k, v in FOLK_QUERY.items() if k != "CIVILSTAND"}

    def callback(request):
        periods = next(v["values"] for v in json.loads(request.body)["variables"] if v["code"] == "Tid")
        assert json.loads(request.body)["format"] == "CSV"
        part = [r for r in rows if r.split(";")[3] in periods]
        return (200, {"Content-Type": "text/csv"}, ("\ufeff" + "\r\n".join([header, *part]) + "\r\n").encode())

    rsps.add_callback(responses.POST, f"{BASE}/data", callback=callback)
    frame = client.data("FOLK1A", query, cell_limit=4)   # 3 areas x 3 periods = 9 cells
    sent = [next(v["values"] for v in body_of(c)["variables"] if v["code"] == "Tid")
            for c in rsps.calls if c.request.url.endswith("/data")]
    assert sent == [["2023K3"], ["2023K4"], ["2024K1"]]
    assert len(frame) == 9 and frame.attrs["requests"] == 3 and "CIVILSTAND" not in frame.columns
    assert frame["value"].sum() == pytest.approx(5933711 + 5946952 + 5961249 + 30455 + 30487 + 30512 + 35890 + 36011)


def test_a_single_period_above_the_cap_is_refused_before_fetching(client, rsps):
    add_tableinfo(rsps, "FOLK1A")
    query = {k: v for k, v in FOLK_QUERY.items() if k != "CIVILSTAND"}
    with pytest.raises(StatbankError, match="even one period selects 3 cells") as err:
        client.data("FOLK1A", query, cell_limit=2)
    assert err.value.error_type == "REQUEST-LIMIT"
    assert "data" not in endpoints(rsps)


# ------------------------------------------------------------------ real sockets
class _Server:
    """A loopback HTTP server whose /data handler misbehaves on purpose."""

    def __init__(self, mode: str):
        info = fixture_bytes("tableinfo_FOLK1A.json")
        data = fixture_bytes("data_FOLK1A.csv")
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint = self.path.rsplit("/", 1)[-1]
                hits.append(endpoint)
                body = info if endpoint == "tableinfo" else data
                if endpoint == "data" and mode == "slow":
                    time.sleep(1.0)
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                if endpoint == "data" and mode == "short":
                    self.send_header("Content-Length", str(len(body) + 500))
                    self.end_headers()
                    self.wfile.write(body)
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_read_timeout_is_retried_then_reported():
    sleeps = Sleeps()
    with _Server("slow") as server:
        client = StatbankClient(base_url=server.url, timeout=0.2, retries=1, sleep=sleeps)
        started = time.monotonic()
        with pytest.raises(StatbankUnavailable, match="no answer within 0.2 s.*after 2 attempts") as err:
            client.data("FOLK1A", FOLK_QUERY)
        assert time.monotonic() - started < 5
    assert not isinstance(err.value, StatbankOffline)
    assert server.hits.count("data") == 2 and sleeps == [1.0]


def test_body_shorter_than_content_length_is_truncation():
    with _Server("short") as server:
        client = StatbankClient(base_url=server.url, timeout=5, retries=1, sleep=Sleeps())
        with pytest.raises(TruncatedResponseError, match="cut short"):
            client.data("FOLK1A", FOLK_QUERY)
    assert server.hits.count("data") == 2


def test_loopback_success_for_comparison():
    with _Server("ok") as server:
        frame = StatbankClient(base_url=server.url, timeout=5).data("FOLK1A", FOLK_QUERY)
    assert len(frame) == 9


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_probe_on_closed_port_is_offline_and_fast():
    client = StatbankClient(base_url=f"http://127.0.0.1:{closed_port()}/v1", sleep=Sleeps())
    started = time.monotonic()
    with pytest.raises(StatbankOffline, match="no connection"):
        client.probe(connect_timeout=1)
    assert time.monotonic() - started < 3
    assert len(client.requests_made) == 1


def test_content_length_mismatch_is_truncation(client, rsps, sleeps):
    add_tableinfo(rsps, "FOLK1A")
    body = fixture_bytes("data_FOLK1A.csv")
    rsps.add(responses.POST, f"{BASE}/data", body=body, content_type="text/csv",
             headers={"Content-Length": str(len(body) + 40)})
    with pytest.raises(TruncatedResponseError, match="cut short|Content-Length"):
        client.data("FOLK1A", FOLK_QUERY)
    assert endpoints(rsps).count("data") == 4, "a cut body is retried like other transport faults"


def test_content_length_checked_even_when_transport_does_not(sleeps):
    """A session that hands back a short body without complaint (e.g. no length enforcement)."""
    import requests as rq

    info = fixture_bytes("tableinfo_FOLK1A.json")
    csv_body = fixture_bytes("data_FOLK1A.csv")

    class LaxSession:
        calls = 0

        def post(self, url, data=None, headers=None, timeout=None):
            response = rq.Response()
            response.status_code = 200
            if url.endswith("/tableinfo"):
                response._content = info
            else:
                LaxSession.calls += 1
                response._content = csv_body[:-20]
                response.headers["Content-Length"] = str(len(csv_body))
            return response

    client = StatbankClient(base_url=BASE, session=LaxSession(), retries=1, sleep=sleeps)
    with pytest.raises(TruncatedResponseError, match=f"Content-Length says {len(csv_body)}"):
        client.data("FOLK1A", FOLK_QUERY)
    assert LaxSession.calls == 2 and sleeps == [1.0]

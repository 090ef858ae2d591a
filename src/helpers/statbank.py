"""A thin client for Statistics Denmark's Statbank API (https://api.statbank.dk/v1).

Only ``requests`` underneath: the Python clients on PyPI are unmaintained. Every call
POSTs a UTF-8 JSON body to one of the four endpoints ``subjects``, ``tables``,
``tableinfo`` and ``data``.

What the client guards against, and how:

* **Bad queries** never reach the ``data`` endpoint: :meth:`StatbankClient.validate_query`
  checks every variable id and value code against ``tableinfo`` first and names the bad
  one together with the valid choices.
* **The 1,000,000-cell cap** of the non-streaming formats: the cell count is estimated
  from ``tableinfo``; an oversized CSV query is sent as BULK when it names every
  variable, otherwise it is split into batches of time periods.
* **Flaky transport**: timeouts, connection errors, HTTP 5xx/429 and bodies cut short
  are retried with exponential backoff (``backoff * 2**attempt`` seconds; the sleep
  function is injectable). HTTP 400 answers carry JSON ``{"errorTypeCode", "message"}``
  and become :class:`StatbankError` in plain words.
* **Truncated bodies**: a Content-Length mismatch, an incomplete chunked stream, or a
  last line with fewer fields than the header raise :class:`TruncatedResponseError`.
* **Schema drift**: a header that is not exactly the requested variables plus
  ``INDHOLD``, or a value code that ``tableinfo`` does not know, raises
  :class:`SchemaDriftError`.

The frame returned by :meth:`StatbankClient.data` has one column per requested
variable (value codes as text, named by the ``tableinfo`` variable id, e.g. ``OMRÅDE``,
``Tid``) and then:

``value``          float; NaN when there is no number
``suppressed``     True when Statbank printed ``..`` (confidential / too uncertain)
``missing``        True when the cell was empty (no observation)
``implicit_zero``  True for BULK combinations that were absent from the stream: the API
                   documents an absent combination as the value 0, so such rows are
                   added with ``value`` 0.0 and this flag set, keeping "0 by omission"
                   distinguishable from a published 0 and from an empty (missing) cell.
"""
from __future__ import annotations

import csv
import fnmatch
import io
import itertools
import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import pandas as pd
import requests

from helpers.numbers import SUPPRESSED, parse_danish_number, parse_english_number

__all__ = [
    "CELL_LIMIT",
    "DEFAULT_BASE_URL",
    "QueryError",
    "SchemaDriftError",
    "StatbankClient",
    "StatbankError",
    "StatbankOffline",
    "StatbankUnavailable",
    "TableInfo",
    "TruncatedResponseError",
    "Value",
    "data_request_body",
    "data_request_url",
    "Variable",
    "estimate_cells",
    "expand_selection",
]

DEFAULT_BASE_URL = "https://api.statbank.dk/v1"
CELL_LIMIT = 1_000_000
VALUE_COLUMN = "INDHOLD"
FORMATS = ("CSV", "BULK")

_REQUEST_LIMIT_HELP = (
    "the CSV, JSONSTAT, PX and SDMX formats are capped at 1,000,000 cells: select fewer values, "
    "split the query by time, or use the streaming BULK format"
)


# --------------------------------------------------------------------------- errors
class StatbankError(Exception):
    """Something went wrong talking to Statbank; the message is meant for people.

    ``error_type`` is the API's ``errorTypeCode`` (e.g. ``REQUEST-LIMIT``) when it sent one.
    """

    def __init__(self, message: str, *, error_type: str | None = None, status: int | None = None,
                 table: str | None = None):
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.status = status
        self.table = table


class QueryError(StatbankError):
    """The query does not fit the table (found by ``validate_query`` before fetching)."""


class StatbankUnavailable(StatbankError):
    """Timeouts, connection errors or server errors persisted through every retry."""


class StatbankOffline(StatbankUnavailable):
    """The API could not be reached at all (DNS failure, connection refused, no route)."""


class TruncatedResponseError(StatbankError):
    """The response body ended early."""


class SchemaDriftError(StatbankError):
    """The response does not have the shape the table's metadata promises."""


# --------------------------------------------------------------------------- metadata
@dataclass(frozen=True)
class Value:
    id: str
    text: str


@dataclass(frozen=True)
class Variable:
    id: str
    text: str
    elimination: bool
    time: bool
    values: tuple[Value, ...]

    @property
    def codes(self) -> list[str]:
        return [v.id for v in self.values]

    def text_of(self, code: str) -> str:
        for value in self.values:
            if value.id == code:
                return value.text
        raise KeyError(f"{self.id}: no value {code!r}")


@dataclass(frozen=True)
class TableInfo:
    id: str
    text: str
    unit: str
    updated: str
    variables: tuple[Variable, ...]
    description: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def variable(self, variable_id: str) -> Variable:
        """The variable with this id (case-insensitive, as the API treats ids)."""
        wanted = variable_id.casefold()
        for variable in self.variables:
            if variable.id.casefold() == wanted:
                return variable
        raise QueryError(
            f"{self.id}: no variable {variable_id!r}; the table has {', '.join(v.id for v in self.variables)}",
            table=self.id,
        )

    @property
    def time_variable(self) -> Variable | None:
        return next((v for v in self.variables if v.time), None)

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> "TableInfo":
        try:
            variables = tuple(
                Variable(
                    id=str(v["id"]),
                    text=str(v.get("text", "")),
                    elimination=bool(v.get("elimination", False)),
                    time=bool(v.get("time", False)),
                    values=tuple(Value(str(x["id"]), str(x.get("text", ""))) for x in v["values"]),
                )
                for v in payload["variables"]
            )
            return cls(
                id=str(payload["id"]),
                text=str(payload.get("text", "")),
                unit=str(payload.get("unit", "")),
                updated=str(payload.get("updated", "")),
                variables=variables,
                description=str(payload.get("description", "")),
                raw=dict(payload),
            )
        except (KeyError, TypeError) as exc:
            raise SchemaDriftError(f"tableinfo answer lacks the expected field {exc}: {str(payload)[:200]}") from exc


# --------------------------------------------------------------------------- selections
_RANGE = re.compile(r"^(?:(>=|>)([^<>]+))?(?:(<=|<)([^<>]+))?$")
_NEWEST = re.compile(r"^\((\d+)\)$")          # (1): the newest value
_NEWEST_N = re.compile(r"^\(-n\+(\d+)\)$")     # (-n+3): the newest three


def expand_selection(variable: Variable, selectors: Sequence[str]) -> list[str]:
    """The value codes a list of Statbank selectors picks, in table order.

    Supports exact codes, ``*`` (all), wildcards (``2020*``), ranges (``>=2010K1<=2015K4``,
    ``>=2020``, ``<=2015``), ``(1)`` (the newest value; ``(k)`` the k-th newest) and
    ``(-n+k)`` (the newest k). Raises :class:`QueryError` for a selector that picks nothing.
    """
    codes = variable.codes
    picked: set[str] = set()
    for selector in selectors:
        selector = str(selector).strip()
        if selector in codes:
            picked.add(selector)
        elif selector == "*":
            picked.update(codes)
        elif "*" in selector or "?" in selector:
            hits = [c for c in codes if fnmatch.fnmatchcase(c, selector)]
            if not hits:
                raise _bad_code(variable, selector)
            picked.update(hits)
        elif m := _NEWEST_N.match(selector):
            picked.update(codes[-int(m.group(1)):] if int(m.group(1)) else [])
        elif m := _NEWEST.match(selector):
            k = int(m.group(1))
            if not 1 <= k <= len(codes):
                raise _bad_code(variable, selector)
            picked.add(codes[-k])
        elif selector and (m := _RANGE.match(selector)) and (m.group(1) or m.group(3)):
            hits = [c for c in codes if _in_range(codes, c, m.groups())]
            if not hits:
                raise _bad_code(variable, selector)
            picked.update(hits)
        else:
            raise _bad_code(variable, selector)
    return [c for c in codes if c in picked]


def _in_range(codes: list[str], code: str, groups: tuple) -> bool:
    low_op, low, high_op, high = groups

    def cmp(a: str, b: str) -> int:
        # Bounds that are codes compare by table order; others compare as text,
        # which orders Statbank's time codes (2019K4 < 2020K1) correctly.
        if a in codes and b in codes:
            return codes.index(a) - codes.index(b)
        return (a > b) - (a < b)

    if low_op and (cmp(code, low) < 0 or (low_op == ">" and cmp(code, low) == 0)):
        return False
    if high_op and (cmp(code, high) > 0 or (high_op == "<" and cmp(code, high) == 0)):
        return False
    return True


def _bad_code(variable: Variable, selector: str) -> QueryError:
    return QueryError(
        f"variable {variable.id} ({variable.text}) has no value {selector!r}; valid codes: "
        f"{_listing(variable.codes)}"
    )


def _listing(items: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def estimate_cells(info: TableInfo, query: Mapping[str, Sequence[str]]) -> int:
    """Cells the query asks for: the product of the selected value counts (eliminated variables count 1)."""
    cells = 1
    for variable_id, selectors in query.items():
        cells *= len(expand_selection(info.variable(variable_id), selectors))
    return cells


# --------------------------------------------------------------------------- client
class StatbankClient:
    """Statbank API client.

    ``session`` may be any ``requests.Session`` (tests pass one with mocked adapters).
    ``timeout`` is the read timeout in seconds; ``connect_timeout`` defaults to the same.
    ``retries`` is the number of extra attempts after the first; the n-th retry waits
    ``backoff * 2**(n-1)`` seconds via ``sleep`` (injectable).
    """

    def __init__(self, base_url: str = DEFAULT_BASE_URL, session: requests.Session | None = None,
                 timeout: float = 30, retries: int = 3, backoff: float = 1.0, lang: str = "da",
                 *, connect_timeout: float | None = None, sleep: Callable[[float], None] = time.sleep):
        if lang not in ("da", "en"):
            raise ValueError(f"lang must be 'da' or 'en', not {lang!r}")
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.connect_timeout = connect_timeout if connect_timeout is not None else timeout
        self.retries = retries
        self.backoff = backoff
        self.lang = lang
        self.sleep = sleep
        self._tableinfo: dict[str, TableInfo] = {}
        self.requests_made: list[tuple[str, dict]] = []   # (endpoint, body), for logs and tests

    # ----------------------------------------------------------------- transport
    def _post(self, endpoint: str, body: dict, *, retries: int | None = None,
              timeout: tuple[float, float] | None = None, table: str | None = None) -> requests.Response:
        url = f"{self.base_url}/{endpoint}"
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8"}
        timeout = timeout or (self.connect_timeout, self.timeout)
        attempts = 1 + (self.retries if retries is None else retries)
        problem = ""
        truncated = False
        only_connection_errors = True
        for attempt in range(attempts):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            self.requests_made.append((endpoint, body))
            try:
                response = self.session.post(url, data=payload, headers=headers, timeout=timeout)
            except requests.exceptions.ChunkedEncodingError as exc:
                problem, truncated, only_connection_errors = f"the body was cut short ({exc})", True, False
                continue
            except requests.exceptions.ConnectionError as exc:
                # ConnectTimeout is both a ConnectionError and a Timeout: the server was never reached.
                problem, truncated = f"no connection to {self.base_url} ({_short(exc)})", False
                continue
            except requests.exceptions.Timeout as exc:
                problem, truncated = f"no answer within {timeout[1]} s ({_short(exc)})", False
                only_connection_errors = False
                continue
            only_connection_errors = False
            status = response.status_code
            if status >= 500 or status == 429:
                problem, truncated = f"HTTP {status} from {url}", False
                continue
            if status >= 400:
                raise _http_error(response, table)
            expected = response.headers.get("Content-Length")
            if (expected and expected.isdigit() and not response.headers.get("Content-Encoding")
                    and int(expected) != len(response.content)):
                problem, truncated = (f"the body has {len(response.content)} bytes but Content-Length "
                                      f"says {expected}"), True
                continue
            return response
        where = f"{endpoint} {table}" if table else endpoint
        message = f"Statbank {where}: {problem} (after {attempts} attempt{'s' if attempts > 1 else ''})"
        if truncated:
            raise TruncatedResponseError(message, table=table)
        if only_connection_errors:
            raise StatbankOffline(message, table=table)
        raise StatbankUnavailable(message, table=table)

    def _json(self, endpoint: str, body: dict, **kwargs) -> Any:
        response = self._post(endpoint, body, **kwargs)
        try:
            return json.loads(response.content.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SchemaDriftError(f"Statbank {endpoint}: the answer is not JSON ({exc}): "
                                   f"{response.content[:120]!r}") from exc

    def probe(self, connect_timeout: float = 3.0, read_timeout: float = 15.0) -> None:
        """One quick request (``subjects``) without retries.

        Raises :class:`StatbankOffline` when the API cannot be reached at all (DNS failure,
        connection refused, no connection within ``connect_timeout`` seconds), other
        :class:`StatbankError` subclasses when it answers badly.
        """
        self._post("subjects", {"lang": self.lang, "format": "JSON"}, retries=0,
                   timeout=(connect_timeout, read_timeout))

    # ----------------------------------------------------------------- metadata
    def subjects(self, subjects: Iterable[str] | None = None, recursive: bool = False) -> list[dict]:
        body: dict[str, Any] = {"lang": self.lang, "format": "JSON", "recursive": recursive}
        if subjects:
            body["subjects"] = list(subjects)
        return self._json("subjects", body)

    def tables(self, subjects: Iterable[str] | None = None, include_inactive: bool = False) -> list[dict]:
        body: dict[str, Any] = {"lang": self.lang, "format": "JSON", "includeInactive": include_inactive}
        if subjects:
            body["subjects"] = list(subjects)
        return self._json("tables", body)

    def tableinfo(self, table_id: str) -> TableInfo:
        key = table_id.upper()
        if key not in self._tableinfo:
            payload = self._json("tableinfo", {"table": key, "format": "JSON", "lang": self.lang}, table=key)
            if not isinstance(payload, Mapping):
                raise SchemaDriftError(f"Statbank tableinfo {key}: expected a JSON object, got {str(payload)[:120]}",
                                       table=key)
            self._tableinfo[key] = TableInfo.from_json(payload)
        return self._tableinfo[key]

    # ----------------------------------------------------------------- queries
    def validate_query(self, table: str | TableInfo, variables: Mapping[str, Sequence[str] | str],
                       format: str = "CSV") -> dict[str, list[str]]:
        """Check a query against ``tableinfo`` and return it with the table's own variable ids.

        Raises :class:`QueryError` naming the bad variable or code and listing valid ones,
        when a variable that cannot be eliminated is left out, and (BULK) when any
        variable is left out.
        """
        info = table if isinstance(table, TableInfo) else self.tableinfo(table)
        fmt = format.upper()
        if fmt not in FORMATS:
            raise QueryError(f"format must be one of {', '.join(FORMATS)}, not {format!r}", table=info.id)
        query: dict[str, list[str]] = {}
        for variable_id, selectors in variables.items():
            try:
                variable = info.variable(variable_id)
            except QueryError:
                raise QueryError(
                    f"{info.id}: no variable {variable_id!r}; valid variables: "
                    f"{', '.join(v.id for v in info.variables)}", table=info.id) from None
            if variable.id in query:
                raise QueryError(f"{info.id}: variable {variable.id} is given twice", table=info.id)
            if isinstance(selectors, str):
                selectors = [selectors]
            selectors = [str(s) for s in selectors]
            if not selectors:
                raise QueryError(f"{info.id}: variable {variable.id} has no values; valid codes: "
                                 f"{_listing(variable.codes)}", table=info.id)
            try:
                expand_selection(variable, selectors)
            except QueryError as exc:
                raise QueryError(f"{info.id}: {exc}", table=info.id) from None
            query[variable.id] = selectors
        left_out = [v for v in info.variables if v.id not in query]
        required = [v for v in left_out if not v.elimination]
        if required:
            raise QueryError(
                f"{info.id}: variable(s) {', '.join(v.id for v in required)} cannot be eliminated and must be "
                f"given; e.g. {required[0].id} takes {_listing(required[0].codes, 12)}", table=info.id)
        if fmt == "BULK" and left_out:
            raise QueryError(
                f"{info.id}: BULK needs every variable; missing {', '.join(v.id for v in left_out)}",
                table=info.id)
        # Table order, as the API writes its columns.
        return {v.id: query[v.id] for v in info.variables if v.id in query}

    def data(self, table: str, variables: Mapping[str, Sequence[str] | str], format: str = "CSV",
             *, cell_limit: int = CELL_LIMIT, fill_bulk_zeros: bool = True) -> pd.DataFrame:
        """Fetch data as a tidy frame (see the module docstring for the columns).

        The query is validated first. A CSV query estimated above ``cell_limit`` cells is
        sent as BULK when it names every variable, otherwise split into batches of time
        periods. ``frame.attrs`` records ``table``, ``format``, ``requests`` and ``cells``.
        """
        info = self.tableinfo(table)
        fmt = format.upper()
        query = self.validate_query(info, variables, fmt)
        cells = estimate_cells(info, query)
        batches: list[dict[str, list[str]]] = [query]
        if fmt == "CSV" and cells > cell_limit:
            if len(query) == len(info.variables):
                fmt = "BULK"
            else:
                batches = _split_by_time(info, query, cells, cell_limit)
        frames = [self._fetch(info, batch, fmt, fill_bulk_zeros) for batch in batches]
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        frame.attrs.update(table=info.id, format=fmt, requests=len(batches), cells=cells)
        return frame

    def _fetch(self, info: TableInfo, query: dict[str, list[str]], fmt: str,
               fill_bulk_zeros: bool) -> pd.DataFrame:
        body = data_request_body(info.id, query, fmt, self.lang)
        response = self._post("data", body, table=info.id)
        try:
            text = response.content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SchemaDriftError(f"Statbank data {info.id}: the answer is not UTF-8 ({exc})", table=info.id) from exc
        frame = parse_csv(text, info, query, lang=self.lang)
        if fmt == "BULK" and fill_bulk_zeros:
            frame = _fill_implicit_zeros(frame, info, query)
        return frame


# --------------------------------------------------------------------------- requests as text
def data_request_body(table: str, query: Mapping[str, Sequence[str]], fmt: str = "CSV",
                      lang: str = "da") -> dict:
    """The JSON body ``POST /v1/data`` gets for ``query`` (one place, so a plan prints what is sent)."""
    return {
        "table": table,
        "format": fmt,
        "lang": lang,
        "valuePresentation": "Code",
        "variables": [{"code": code, "values": list(values)} for code, values in query.items()],
    }


def data_request_url(base_url: str, table: str, query: Mapping[str, Sequence[str]], fmt: str = "CSV",
                     lang: str = "da") -> str:
    """The same request as a GET URL (the API accepts both), to paste into a browser.

    Variable ids and codes are percent-encoded as UTF-8 (``OMRÅDE`` -> ``OMR%C3%85DE``);
    several codes are joined by commas, as in the published URLs.
    """
    from urllib.parse import quote

    params = [f"lang={lang}", "valuePresentation=Code"]
    params += [f"{quote(code, safe='')}={','.join(quote(str(v), safe='*()<>=+-') for v in values)}"
               for code, values in query.items()]
    return f"{base_url.rstrip('/')}/data/{quote(table, safe='')}/{fmt}?" + "&".join(params)


# --------------------------------------------------------------------------- parsing
def parse_csv(text: str, info: TableInfo, query: Mapping[str, Sequence[str]], lang: str = "da") -> pd.DataFrame:
    """Parse Statbank's semicolon CSV (BOM already removed) for ``query`` on table ``info``."""
    table = info.id
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.strip()
    if stripped.startswith("{") and "errorTypeCode" in stripped:
        raise _error_from_payload(json.loads(stripped), None, table)
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=";") if row]
    if not rows:
        raise TruncatedResponseError(f"Statbank data {table}: the answer is empty (no header)", table=table)
    header = [h.strip() for h in rows[0]]
    variables = [info.variable(v) for v in query]
    expected = [v.id for v in variables] + [VALUE_COLUMN]
    if [h.casefold() for h in header] != [e.casefold() for e in expected]:
        known = {e.casefold() for e in expected}
        got = {h.casefold() for h in header}
        unexpected = [h for h in header if h.casefold() not in known]
        absent = [e for e in expected if e.casefold() not in got]
        detail = []
        if unexpected:
            detail.append(f"unexpected column(s) {', '.join(unexpected)}")
        if absent:
            detail.append(f"missing column(s) {', '.join(absent)}")
        if not detail:
            detail.append("the columns are in another order")
        raise SchemaDriftError(
            f"Statbank data {table}: the header changed: {'; '.join(detail)}. Expected "
            f"{';'.join(expected)}, got {';'.join(header)}", table=table)
    parse = parse_danish_number if lang == "da" else parse_english_number
    known_codes = [set(v.codes) for v in variables]
    width = len(header)
    records = []
    seen: set[tuple] = set()
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            if number == len(rows):
                raise TruncatedResponseError(
                    f"Statbank data {table}: the answer was cut short: the last line ({number}) has {len(row)} "
                    f"field(s) but the header has {width}: {';'.join(row)!r}", table=table)
            raise SchemaDriftError(
                f"Statbank data {table}: line {number} has {len(row)} field(s) but the header has {width}",
                table=table)
        codes = tuple(cell.strip() for cell in row[:-1])
        for variable, code, valid in zip(variables, codes, known_codes):
            if code not in valid:
                raise SchemaDriftError(
                    f"Statbank data {table}: line {number}: {variable.id} code {code!r} is not in tableinfo",
                    table=table)
        if codes in seen:
            raise SchemaDriftError(f"Statbank data {table}: line {number} repeats {';'.join(codes)}", table=table)
        seen.add(codes)
        cell = row[-1].strip()
        try:
            value = parse(cell)
        except ValueError as exc:
            raise SchemaDriftError(f"Statbank data {table}: line {number}: {exc}", table=table) from None
        records.append((*codes, math.nan if value is None else value, cell == SUPPRESSED, cell == "", False))
    columns = [v.id for v in variables] + ["value", "suppressed", "missing", "implicit_zero"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    if frame.empty:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    for column in columns[:-4]:
        frame[column] = frame[column].astype(object)
    frame["value"] = frame["value"].astype(float)
    for column in columns[-3:]:
        frame[column] = frame[column].astype(bool)
    return frame


def _fill_implicit_zeros(frame: pd.DataFrame, info: TableInfo, query: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    names = list(query)
    selections = [expand_selection(info.variable(v), query[v]) for v in names]
    present = set(map(tuple, frame[names].itertuples(index=False, name=None))) if len(frame) else set()
    absent = [combo for combo in itertools.product(*selections) if combo not in present]
    if not absent:
        return frame
    extra = pd.DataFrame.from_records(
        [(*combo, 0.0, False, False, True) for combo in absent], columns=list(frame.columns))
    for column in names:
        extra[column] = extra[column].astype(object)
    return pd.concat([frame, extra], ignore_index=True)


def _split_by_time(info: TableInfo, query: dict[str, list[str]], cells: int, limit: int) -> list[dict[str, list[str]]]:
    time_variable = info.time_variable
    if time_variable is None or time_variable.id not in query:
        raise StatbankError(
            f"Statbank data {info.id}: the query selects about {cells:,} cells and cannot be split by time; "
            f"{_REQUEST_LIMIT_HELP}", error_type="REQUEST-LIMIT", table=info.id)
    periods = expand_selection(time_variable, query[time_variable.id])
    per_period = cells // max(len(periods), 1)
    size = limit // max(per_period, 1)
    if size < 1:
        raise StatbankError(
            f"Statbank data {info.id}: even one period selects {per_period:,} cells; {_REQUEST_LIMIT_HELP}",
            error_type="REQUEST-LIMIT", table=info.id)
    return [{**query, time_variable.id: periods[i:i + size]} for i in range(0, len(periods), size)]


def _http_error(response: requests.Response, table: str | None) -> StatbankError:
    try:
        payload = json.loads(response.content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        payload = None
    if isinstance(payload, Mapping):
        return _error_from_payload(payload, response.status_code, table)
    snippet = response.content[:200].decode("utf-8", "replace")
    return StatbankError(f"Statbank answered HTTP {response.status_code}: {snippet}",
                         status=response.status_code, table=table)


def _error_from_payload(payload: Mapping[str, Any], status: int | None, table: str | None) -> StatbankError:
    code = str(payload.get("errorTypeCode") or "UNKNOWN")
    message = str(payload.get("message") or payload)
    where = f" for {table}" if table else ""
    text = f"Statbank refused the query{where} ({code}): {message}"
    if code == "REQUEST-LIMIT":
        text = (text.rstrip(". ") + ". REQUEST-LIMIT means the query asks for more than 1,000,000 cells "
                f"(the product of the numbers of selected values); {_REQUEST_LIMIT_HELP}")
    return StatbankError(text, error_type=code, status=status, table=table)


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:157] + "..."

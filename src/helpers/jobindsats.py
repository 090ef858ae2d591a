"""A thin client for Jobindsats.dk's API (Styrelsen for Arbejdsmarked og Rekruttering).

Jobindsats documents a public API that needs a personal token (free, ordered on jobindsats.dk).
The token is read from the environment variable ``JOBINDSATS_TOKEN`` and never stored or
logged. The request and response shapes follow public code that calls the live API (see
docs/refresh.md): ``POST https://api.jobindsats.dk/v2/data/<table>/json`` with header
``Authorization: <token>`` and a JSON body ``{"area": ..., "period": [...], "_<variable>": [...]}``;
the answer is a list whose first element has ``Variables`` (``[{"Label": ...}]``) and ``Data``
(rows in the same order). ``GET /v2/tables/<table>/json/`` answers ``[{"Period": [...], ...}]``.

:func:`rows` turns an answer into snapshot rows (``source_kind`` ``live``, origin
``jobindsats:<table>``) with the same validation as the Statbank refresh; wiring a Jobindsats
series into ``make data`` is a catalog decision (no record names one yet).
"""
from __future__ import annotations

import json
import os
import time
from datetime import date
from typing import Any, Callable, Mapping, Sequence

import pandas as pd
import requests

from helpers.numbers import SUPPRESSED, parse_danish_number
from helpers.periods import PeriodError, parse_period
from helpers.snapshot import normalise_area_name

DEFAULT_BASE_URL = "https://api.jobindsats.dk/v2"
TOKEN_ENV = "JOBINDSATS_TOKEN"
PUBLISHER = "Styrelsen for Arbejdsmarked og Rekruttering: Jobindsats.dk"


class JobindsatsError(Exception):
    """A failed Jobindsats call, in plain words (never containing the token)."""


class JobindsatsClient:
    def __init__(self, token: str | None = None, base_url: str = DEFAULT_BASE_URL,
                 session: requests.Session | None = None, timeout: float = 30, retries: int = 2,
                 backoff: float = 1.0, sleep: Callable[[float], None] = time.sleep):
        token = token if token is not None else os.environ.get(TOKEN_ENV, "")
        if not token.strip():
            raise JobindsatsError(f"no Jobindsats token: set the environment variable {TOKEN_ENV} "
                                  "(order one on jobindsats.dk); it is never written to disk")
        self._token = token.strip()
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout, self.retries, self.backoff, self.sleep = timeout, retries, backoff, sleep

    def __repr__(self) -> str:  # the token must not leak into logs or tracebacks
        return f"JobindsatsClient(base_url={self.base_url!r}, token=***)"

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        url = f"{self.base_url}/{path}"
        headers = {"Authorization": self._token, "Accept": "application/json"}
        problem = ""
        for attempt in range(1 + self.retries):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                if body is None:
                    response = self.session.request(method, url, headers=headers, timeout=self.timeout)
                else:
                    response = self.session.request(method, url, headers={**headers, "Content-Type":
                                                    "application/json; charset=utf-8"},
                                                    data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                                                    timeout=self.timeout)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                problem = f"no answer from {url} ({type(exc).__name__})"
                continue
            if response.status_code >= 500 or response.status_code == 429:
                problem = f"HTTP {response.status_code} from {url}"
                continue
            if response.status_code in (401, 403):
                raise JobindsatsError(f"Jobindsats refused the token (HTTP {response.status_code}); check "
                                      f"{TOKEN_ENV}")
            if response.status_code >= 400:
                raise JobindsatsError(f"Jobindsats answered HTTP {response.status_code} for {path}: "
                                      f"{response.text[:200]}")
            try:
                return json.loads(response.content.decode("utf-8-sig"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise JobindsatsError(f"Jobindsats {path}: the answer is not JSON ({exc})") from None
        raise JobindsatsError(f"Jobindsats {path}: {problem} (after {1 + self.retries} attempts)")

    def periods(self, table: str) -> list[str]:
        """The periods the table has (``GET tables/<table>/json/``)."""
        payload = self._call("GET", f"tables/{table}/json/")
        try:
            return [str(p) for p in payload[0]["Period"]]
        except (KeyError, IndexError, TypeError):
            raise JobindsatsError(f"Jobindsats tables/{table}: no Period list in {str(payload)[:160]}") from None

    @staticmethod
    def body(area: str | Sequence[str], periods: Sequence[str], filters: Mapping[str, Sequence[str]]) -> dict:
        body: dict[str, Any] = {"area": area if isinstance(area, str) else list(area), "period": list(periods)}
        for name, values in filters.items():
            body[name if name.startswith("_") else f"_{name}"] = list(values)
        return body

    def data(self, table: str, area: str | Sequence[str], periods: Sequence[str],
             filters: Mapping[str, Sequence[str]] | None = None) -> pd.DataFrame:
        """The table as a frame with the answer's column labels (values still as text)."""
        payload = self._call("POST", f"data/{table}/json", self.body(area, periods, filters or {}))
        try:
            labels = [str(v["Label"]) for v in payload[0]["Variables"]]
            data = payload[0]["Data"]
        except (KeyError, IndexError, TypeError):
            raise JobindsatsError(f"Jobindsats data/{table}: no Variables/Data in {str(payload)[:160]}") from None
        for number, row in enumerate(data, start=1):
            if len(row) != len(labels):
                raise JobindsatsError(f"Jobindsats data/{table}: row {number} has {len(row)} fields, "
                                      f"the answer names {len(labels)} variables")
        frame = pd.DataFrame([[str(c) for c in row] for row in data], columns=labels)
        frame.attrs["table"] = table
        return frame


def rows(indicator_id: str, frame: pd.DataFrame, *, area_codes: Mapping[str, str], area_label: str,
         period_label: str, value_label: str, unit: str, retrieved: date, keep: Mapping[str, str] | None = None,
         source_url: str = "https://www.jobindsats.dk/") -> pd.DataFrame:
    """Snapshot rows from :meth:`JobindsatsClient.data`: one per line whose area is mapped."""
    from helpers.snapshot import COLUMNS

    table = frame.attrs.get("table", "")
    for label in (area_label, period_label, value_label, *(keep or {})):
        if label not in frame.columns:
            raise JobindsatsError(f"Jobindsats {table}: no column {label!r}; the answer has "
                                  f"{', '.join(frame.columns)}")
    out = []
    for number, record in enumerate(frame.to_dict(orient="records"), start=1):
        if any(record[k] != v for k, v in (keep or {}).items()):
            continue
        code = area_codes.get(record[area_label])
        if code is None:
            continue
        try:
            period = parse_period(record[period_label])
            value = parse_danish_number(record[value_label])
        except (PeriodError, ValueError) as exc:
            raise JobindsatsError(f"Jobindsats {table} row {number}: {exc}") from None
        row = {column: "" for column in COLUMNS}
        row.update({
            "indicator_id": indicator_id, "area_code": code, "area_name": normalise_area_name(code, record[area_label]),
            "period": period.label, "period_type": period.kind,
            "period_start": period.start.isoformat() if period.start else "",
            "period_end": period.end.isoformat() if period.end else "",
            "value": value, "value_flag": "" if value is not None else
            ("suppressed" if record[value_label] == SUPPRESSED else "missing"),
            "unit": unit, "sex": "i alt", "age": "i alt", "source_kind": "live", "publisher": PUBLISHER,
            "table": table, "source_url": source_url,
            "quote": f"Jobindsats API {table}: " + "; ".join(f"{k}={v}" for k, v in record.items()),
            "retrieved": retrieved.isoformat(), "origin": f"jobindsats:{table}",
        })
        out.append(row)
    result = pd.DataFrame(out, columns=COLUMNS)
    result["value"] = pd.to_numeric(result["value"]).astype(float)
    return result

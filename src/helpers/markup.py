"""The markup basics of the book's pages: the shared style sheet, the `Html` object notebooks
display, escaping, and the CSV a "Hent data (CSV)" link carries.

`helpers.page` and `helpers.compare` both draw with these, so they live below both (page
re-exports them: `page.STYLE`, `page.Html`, `page.esc`, `page.csv_text` keep working).
"""
from __future__ import annotations

import base64
import html
import io
import math

import pandas as pd

CSV_COLUMNS = ["indicator_id", "area_code", "area_name", "period", "period_type", "value", "unit", "sex", "age",
               "publisher", "table", "source_kind", "via", "source_url", "quote", "note", "retrieved", "updated",
               "origin"]

STYLE = """<style>
.v26-badge{display:inline-block;padding:.15em .6em;border-radius:.8em;font-weight:600;font-size:.9em;white-space:nowrap}
.v26-sdg{display:inline-block;padding:.1em .5em;margin:0 .25em .25em 0;border-radius:.3em;font-size:.85em;font-weight:600;text-decoration:none}
.v26-box{border:1px solid #ccc;border-left-width:6px;border-radius:4px;padding:.6em .9em;margin:.8em 0}
.v26-caption{font-size:.9em;color:#333;margin:.3em 0}
.v26-table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
.v26-table th,.v26-table td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
.v26-table td.num,.v26-table th.num{text-align:right;font-variant-numeric:tabular-nums}
.v26-muted{color:#555;font-size:.9em}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
</style>"""


class Html:
    """Displayable HTML: Jupyter shows `_repr_html_`; `str()` gives the markup."""

    def __init__(self, markup: str, summary: str = ""):
        self.html = markup
        self.summary = summary

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html

    def __repr__(self) -> str:  # the text/plain part of the output: short and deterministic
        return f"<{self.summary or 'HTML'}>"


def esc(text) -> str:
    return html.escape("" if text is None else str(text))


def csv_text(rows: pd.DataFrame) -> str:
    """The CSV behind a chart: data plus provenance columns, '.' decimals, '\\n' line ends."""
    out = pd.DataFrame({c: (rows[c] if c in rows else "") for c in CSV_COLUMNS})
    from helpers.snapshot import format_value
    out["value"] = [format_value(v) if not (isinstance(v, float) and math.isnan(v)) else "" for v in out["value"]]
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def csv_data_uri(rows: pd.DataFrame) -> str:
    payload = base64.b64encode(csv_text(rows).encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{payload}"

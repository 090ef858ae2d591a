"""Danish text for numbers, units, periods, dates and sources: what a reader sees.

The lowest layer of the reader-facing modules (page, charts, progress import from here; this
module imports nothing of the project but `periods` and `sources`), so formatting never pulls a
chart or a status module in.
"""
from __future__ import annotations

import math
from datetime import date

from helpers.periods import PeriodError, parse_period
from helpers.sources import SOURCE_KIND_LABELS_DA, VIA

UNIT_LABELS = {"pct": "%", "pct.": "%", "procent": "%"}
MONTHS_SHORT = ("jan.", "feb.", "marts", "april", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec.")
MONTHS_LONG = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
               "november", "december")


def unit_label(unit: str) -> str:
    unit = str(unit or "")
    return UNIT_LABELS.get(unit.lower(), unit)


def fmt_number(x, decimals: int = 0) -> str:
    """Danish number format: 29993 -> '29.993', 3.5 (1 decimal) -> '3,5', -1234.5 -> '-1.234,5'."""
    if x is None:
        return "–"
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(x):
        return "–"
    decimals = max(0, int(decimals))
    text = f"{abs(x):,.{decimals}f}".replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    negative = x < 0 and text.strip("0.,") != ""  # no "-0"
    return ("-" if negative else "") + text


def fmt_value(x, decimals: int, unit: str = "") -> str:
    """A number with its unit: '30.478 personer', '3,5 %', 'nr. 41' for a rank."""
    u = unit_label(unit)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    number = fmt_number(x, decimals)
    if "rang" in u.lower():
        return f"nr. {number}"
    if not u or u.lower() == "antal":
        return number
    return f"{number} %" if u == "%" else f"{number} {u}"


def human_period(label) -> str:
    """A published period label written for people: '2024-01-01' -> '1. jan. 2024',
    '2021K1' -> '2021 K1', '2015M11' -> 'nov. 2015', '2011-2020' -> '2011–2020'; '' -> 'uden dato'.
    A label that is not a known period form is returned unchanged."""
    text = "" if label is None else str(label)
    try:
        period = parse_period(text)
    except PeriodError:
        return text
    if period.kind == "undated":
        return "uden dato"
    if period.kind == "date":
        return human_date(period.start, short=True)
    if period.kind == "quarter":
        return f"{period.start.year} K{(period.start.month - 1) // 3 + 1}"
    if period.kind == "month":
        return f"{MONTHS_SHORT[period.start.month - 1]} {period.start.year}"
    if period.kind == "year_range":
        return f"{period.start.year}–{period.end.year}"
    return text


def human_date(value, short: bool = False) -> str:
    """'2026-03-12' (or a date) -> '12. marts 2026' ('12. marts 2026' / short '12. marts 2026',
    '1. jan. 2024'); text that is not an ISO date is returned unchanged."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    months = MONTHS_SHORT if short else MONTHS_LONG
    return f"{value.day}. {months[value.month - 1]} {value.year}"


def clean(value) -> str:
    """Text of a cell; '' for None and NaN (pandas' empty cells)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def source_kind_label(kind: str) -> str:
    """The Danish label of a source kind (helpers.sources); '' for a kind without one."""
    return SOURCE_KIND_LABELS_DA.get(clean(kind), "")


def via_text(via) -> str:
    """A copy's `repo@commit:path` for a reader: 'owner/repo (path, commit 378426d)'. The full
    40-digit commit stays in the table and the CSV; on a phone it would break every line."""
    via = clean(via)
    match = VIA.fullmatch(via)
    if not match:
        return via
    return f"{match['repo']} ({match['path']}, commit {match['commit'][:7]})"


def source_text(publisher, table="", kind="", via="") -> str:
    """'Danmarks Statistik, tabel FOLK1A (offentlig kopi af udgiverens API: via api.statbank.dk-copy)'.

    What the value came through (source kind label, the public copy `via`) follows the publisher,
    for every kind; unknown kinds are shown without a label."""
    publisher, table, via = clean(publisher), clean(table), clean(via)
    text = publisher + (f", tabel {table}" if table else "")
    extra = [p for p in (source_kind_label(kind), f"via {via_text(via)}" if via else "") if p]
    if extra:
        text += f" ({'; '.join(extra)})"
    return text

"""Rules over a set of rows, and the rules for numbers typed in by hand (docs/data-rules.md).

A single snapshot row is checked by `helpers.snapshot` (required text, period, flags). What
only shows across rows lives here, so that the snapshot reader, the snapshot writer, the
harvest importers and tools/check_harvest.py all apply the same rules:

* an exact duplicate row is an error;
* two rows with the same observation key and source kind but different values are a
  conflict, an error that names both rows. Nothing here picks one of them: rows of
  *different* source kinds are all kept and the page picks by `helpers.sources.precedence`.
* curated numbers: a count (persons, a rank, ...) must be a whole number, and a value more
  than a factor of 100 away from the rest of its series is held for a human.

Rows are plain dicts of text, as `helpers.snapshot` and the importers build them. Nothing here
knows the full column list: the functions read only the columns they name, so a new snapshot
column changes nothing here. Each function returns the problems as text, each starting with
the location the caller gave for the row (`file:line` or `indicator row N (origin)`).
"""
from __future__ import annotations

import math
import re
import statistics
from typing import Iterable, Sequence

from helpers.sources import SOURCE_KINDS

# `curated` is the one kind the snapshot used before helpers.sources: it lumps together every
# kind of harvest source. It is accepted until the snapshot is migrated to SOURCE_KINDS.
LEGACY_KINDS: tuple[str, ...] = ()  # the snapshot is migrated: no `curated` rows remain
ACCEPTED_KINDS: tuple[str, ...] = tuple(SOURCE_KINDS) + LEGACY_KINDS

# One observation of one source kind. The unit belongs to it: a few series publish the same
# area and period both as a share (pct) and as a number of persons, and those are not in conflict.
KEY_COLUMNS: tuple[str, ...] = ("indicator_id", "area_code", "period", "sex", "age", "unit", "source_kind")

# A value with a factor above this to the median of the rest of its series needs a human look.
MAGNITUDE_FACTOR = 100.0
# Written in a row's note once a human has checked such a value.
MAGNITUDE_CHECKED = "magnitude checked"
# The series a magnitude is compared within.
SERIES_COLUMNS: tuple[str, ...] = ("indicator_id", "area_code", "unit", "sex", "age")

# Units whose values are whole numbers: the first word names something counted, and no
# 'pr.' makes it a rate or an average ('personer pr. km2' can be 61.5).
COUNT_WORDS = frozenset({"personer", "antal", "husstande", "medlemmer", "kunder", "rang", "årstal",
                         "indbyggere", "borgere", "elever", "børn", "boliger", "virksomheder",
                         "arbejdspladser", "pladser", "sager", "stk", "stk."})


def conflict_key(row: dict) -> tuple:
    """The observation a row is about, with its source kind (see KEY_COLUMNS).

    The legacy kind `curated` covers sources of every standing, so for it the publisher is part
    of the key too: two publishers giving different numbers are two sources, not a conflict.
    """
    key = tuple(row.get(c, "") for c in KEY_COLUMNS)
    if row.get("source_kind") in LEGACY_KINDS:
        key += (row.get("publisher", ""),)
    return key


def _describe_key(row: dict) -> str:
    parts = [f"{c} {row.get(c, '')!r}" for c in KEY_COLUMNS if c != "indicator_id"]
    if row.get("source_kind") in LEGACY_KINDS:
        parts.append(f"publisher {row.get('publisher', '')!r}")
    return ", ".join(parts)


def _shown_value(row: dict) -> str:
    return row.get("value", "") or f"(no value: {row.get('value_flag', '') or 'empty'})"


def exact_duplicate_problems(rows: Sequence[dict], wheres: Sequence[str]) -> list[str]:
    """Rows equal in every column; for harvest rows the caller leaves the origin (file:line) out."""
    seen: dict[tuple, str] = {}
    problems = []
    for row, where in zip(rows, wheres):
        exact = tuple(sorted(row.items()))
        if exact in seen:
            problems.append(f"{where}: exact duplicate of {seen[exact]}; delete one of the two rows")
        else:
            seen[exact] = where
    return problems


def duplicate_problems(rows: Sequence[dict], wheres: Sequence[str]) -> list[str]:
    """Exact duplicates and conflicts among `rows`; `wheres[i]` is where row i was read."""
    problems = []
    seen_exact: dict[tuple, str] = {}
    seen_key: dict[tuple, int] = {}
    for i, row in enumerate(rows):
        exact = tuple(sorted(row.items()))
        if exact in seen_exact:
            problems.append(f"{wheres[i]}: exact duplicate of {seen_exact[exact]}; delete one of the two rows")
            continue
        seen_exact[exact] = wheres[i]
        key = conflict_key(row)
        if key not in seen_key:
            seen_key[key] = i
            continue
        first = rows[seen_key[key]]
        if (first.get("value", ""), first.get("value_flag", "")) != (row.get("value", ""), row.get("value_flag", "")):
            problems.append(
                f"{wheres[seen_key[key]]} and {wheres[i]}: two rows for the same observation ({_describe_key(row)})"
                f" with different values {_shown_value(first)} and {_shown_value(row)}; a conflict is resolved"
                f" only by source precedence, so give each row its true source_kind or remove the wrong one")
    return problems


# --- curated numbers ----------------------------------------------------------------------

def is_count_unit(unit: str) -> bool:
    """True for units of whole things: 'personer', 'antal kunder', 'rang (af 17 ...)'."""
    text = " ".join(str(unit or "").lower().split())
    if not text or re.search(r"\bpr\.?\s", text + " ") or "/" in text:
        return False
    first = re.split(r"[\s(]", text, maxsplit=1)[0]
    return first in COUNT_WORDS


def count_problem(value: str, unit: str, where: str) -> str | None:
    """A non-integer value in a count unit, e.g. '30.478' personer (Danish '30.478' = 30478)."""
    if value == "" or not is_count_unit(unit):
        return None
    number = float(value)
    if number == int(number) and "." not in value:
        return None
    hint = ""
    if re.fullmatch(r"-?[0-9]{1,3}\.[0-9]{3}", value):
        hint = f" (in Danish '{value}' means {value.replace('.', '')}: '.' groups thousands)"
    return (f"{where}: value {value!r} is not a whole number, but unit {unit!r} counts whole things{hint};"
            f" write the number without separators, e.g. 30478")


def magnitude_problems(rows: Sequence[dict], wheres: Sequence[str],
                       factor: float = MAGNITUDE_FACTOR) -> list[str]:
    """Values more than `factor` away from the median of the other values of their series.

    A series is SERIES_COLUMNS; zeros and empty values are left out (a ratio to 0 says nothing).
    A row whose note contains MAGNITUDE_CHECKED has been looked at and is not flagged.
    """
    series: dict[tuple, list[int]] = {}
    for i, row in enumerate(rows):
        if row.get("value", "") not in ("", None) and float(row["value"]) != 0:
            series.setdefault(tuple(row.get(c, "") for c in SERIES_COLUMNS), []).append(i)
    problems = []
    for members in series.values():
        if len(members) < 2:
            continue
        for i in members:
            if MAGNITUDE_CHECKED in str(rows[i].get("note", "")).lower():
                continue
            others = [abs(float(rows[j]["value"])) for j in members if j != i]
            typical = statistics.median(others)
            ratio = abs(float(rows[i]["value"])) / typical
            if ratio > factor or ratio < 1 / factor:
                row = rows[i]
                problems.append(
                    f"{wheres[i]}: value {row['value']} for {row.get('indicator_id', '')} area"
                    f" {row.get('area_code', '')!r} ({row.get('unit', '')}) is {_factor_text(ratio)} the median"
                    f" {_plain(typical)} of the other {len(others)} value(s) of its series; check it against"
                    f" the source, and if it is right add '{MAGNITUDE_CHECKED}' to the row's note")
    return problems


def _factor_text(ratio: float) -> str:
    return f"{ratio:.0f} times" if ratio > 1 else f"1/{1 / ratio:.0f} of"


def _plain(number: float) -> str:
    return f"{number:.0f}" if math.isfinite(number) and number == int(number) else f"{number:g}"


def curated_number_problems(rows: Sequence[dict], wheres: Sequence[str]) -> list[str]:
    """Every number rule for curated (hand-collected) rows: whole counts, then magnitudes."""
    problems = [p for row, where in zip(rows, wheres)
                if (p := count_problem(row.get("value", ""), row.get("unit", ""), where))]
    return problems + magnitude_problems(rows, wheres)


def first_lines(problems: Iterable[str], limit: int = 10) -> str:
    """Problems joined for one error message, the first `limit` of them."""
    problems = list(problems)
    text = "\n".join(problems[:limit])
    if len(problems) > limit:
        text += f"\n... and {len(problems) - limit} more"
    return text

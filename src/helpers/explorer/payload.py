"""The compact data an explorer page embeds once: every indicator of a theme that has data.

    from helpers.explorer.payload import theme_payload
    payload = theme_payload(1, from_page="chapters/tema1-hverdagsliv/udforsk-tema1")

The payload is plain JSON (it travels in the notebook's widget state and so in the page):

* `areas`: one shared lookup `[code, Danish label, fixed colour or null, kind]`; rows refer to
  areas by their index. kind: "soro", "country", "region", "municipality", "local", "other".
* `periods`: one shared lookup `[period_start, published period text]`; rows refer to it by index.
* `sources`: one shared lookup of "Udgiver, tabel X" texts.
* `indicators`: per indicator its Danish title, unit, decimals, direction, which measures apply,
  its status for Sorø, its goals (title + relative link) and its rows as four parallel integer /
  number arrays `a` (area), `p` (period), `v` (value), `s` (source): no column names per row.
* `population`: the population rows the "pr. 1.000 indbyggere" measure divides by, in the same
  columnar form (only areas and years some indicator needs).

Which rows: values that are numbers, without a value flag, without projections and target rows
(those are shown on the goal pages); one sex/age breakdown (helpers.progress.choose_breakdown),
the record's unit, the indicator's most common period type; one row per area and period, the best
source kind winning (helpers.sources). Every leaving-out is counted and said in a Danish note of
the indicator, never silent.

Size: when the JSON would exceed `max_bytes`, the rows are thinned step by step (`THINNING`) until
it fits: month and quarter series of areas outside Sorø's comparison set and Region Sjælland to
one observation a year (the calendar month of the latest one), then those areas to the last ten
years, then every month/quarter series to one observation a year. Each step adds a Danish note to
the indicators it touched; if it still does not fit, `PayloadTooLargeError` names the biggest
indicators. No value is ever computed or filled in here.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from typing import Callable

import pandas as pd

from helpers import areas as A
from helpers.catalog import Catalog, load_catalog
from helpers.charts import is_rank, unit_label
from helpers.render import da_format_locale, da_time_format_locale
from helpers.progress import LABELS_DA, assess
from helpers.series import choose_breakdown, is_projection, is_target_row
from helpers.sources import SOURCE_KINDS, precedence

__all__ = ["theme_payload", "payload_from", "payload_json", "payload_digest", "PayloadTooLargeError", "MEASURES",
           "MAX_PAYLOAD_BYTES", "RANK_MIN_MUNICIPALITIES"]

# The measures of the explorer, in the order of the toggle buttons (labels are the reader's).
MEASURES = (
    ("level", "Niveau"),
    ("index", "Indeks (fælles basisår = 100)"),
    ("per_1000", "Pr. 1.000 indbyggere"),
    ("rank", "Placering blandt kommunerne"),
)
POPULATION_ID = "population_total"
# A placement among the municipalities is only shown for periods with at least this many of
# the 98 municipalities (fewer would make "nr. 12" mean something else from year to year).
RANK_MIN_MUNICIPALITIES = 90
# The embedded payload of one page. A first visit to an explorer page must stay within 6 MB
# (uncompressed); measured without data (scripts/explorer_weight.py): the book page and its assets
# (~1.8 MB once fontawesome.js is swapped, see scripts/sphinx_explorer.py), the widget runtime
# (3.7 MB) and the widget state besides the payload (~70 KB) leave about 0.4 MB for the rows; with
# the series of all 98 municipalities theme 1 needs ~280 KB after thinning (checked by
# tests/browser/test_explorer.py and scripts/explorer_weight.py against the 6 MB page budget).
MAX_PAYLOAD_BYTES = 300_000
REGION_CODES = {"081", "082", "083", "084", "085"}
FINE_TYPES = ("month", "quarter")


class PayloadTooLargeError(ValueError):
    """The theme's rows do not fit the page budget even after thinning."""


# ------------------------------------------------------------------ small rules
def area_kind(code: str) -> str:
    code = str(code)
    if code == A.SORO:
        return "soro"
    if code == A.DENMARK:
        return "country"
    if code in REGION_CODES:
        return "region"
    if code.startswith(A.SORO + ":"):
        return "local"
    if re.fullmatch(r"[0-9]{3}", code):
        return "municipality"
    return "other"


_KIND_ORDER = {"soro": 0, "country": 1, "region": 2, "municipality": 3, "local": 4, "other": 5}


def _source_rank(kind: str) -> int:
    """Precedence of a row's source kind. The snapshot is migrating from `curated|live` to
    helpers.sources.SOURCE_KINDS; the legacy `curated` sorts after every known kind, any other
    unknown kind is an error (precedence() names it)."""
    if kind == "curated":
        return len(SOURCE_KINDS)
    return precedence(kind)


def _source_text(publisher, table) -> str:
    publisher = "" if pd.isna(publisher) else str(publisher).strip()
    table = "" if pd.isna(table) else str(table).strip()
    if publisher and table:
        return f"{publisher}, tabel {table}"
    return publisher or (f"tabel {table}" if table else "ukendt kilde")


def _rel(target_page: str, from_page: str) -> str:
    return posixpath.relpath(target_page, posixpath.dirname(from_page) or ".") + ".html"


def _clean_rows(frame: pd.DataFrame, record: dict) -> tuple[pd.DataFrame, list[str]]:
    """The rows an explorer chart draws, and Danish notes on what was left out."""
    notes: list[str] = []
    if frame.empty:
        return frame, notes
    rows = frame.copy()
    rows["value"] = pd.to_numeric(rows["value"], errors="coerce")
    rows = rows[rows["value"].notna()]
    if "value_flag" in rows:
        rows = rows[rows["value_flag"].fillna("").astype(str) == ""]
    note = rows["note"].fillna("").astype(str) if "note" in rows else pd.Series("", index=rows.index)
    proj = note.map(is_projection) | note.map(is_target_row)
    if proj.any():
        notes.append(f"{int(proj.sum())} fremskrevne tal eller måltal vises ikke her (se målets side).")
    rows = rows[~proj]
    undated = rows["period_start"].fillna("").astype(str).str[:4].str.fullmatch(r"[0-9]{4}") != True  # noqa: E712
    if undated.any():
        notes.append(f"{int(undated.sum())} tal uden periode vises ikke her.")
    rows = rows[~undated]
    if rows.empty:
        return rows, notes
    unit = str(record.get("unit") or "")
    if rows["unit"].astype(str).nunique() > 1 and (rows["unit"].astype(str) == unit).any():
        other = rows["unit"].astype(str) != unit
        notes.append(f"{int(other.sum())} tal i en anden enhed end {unit_label(unit)} vises ikke her.")
        rows = rows[~other]
    before = len(rows)
    rows = choose_breakdown(rows)
    if len(rows) < before:
        sex, age = str(rows["sex"].iloc[0]), str(rows["age"].iloc[0])
        notes.append(f"Viser køn: {sex}, alder: {age}; {before - len(rows)} tal for andre grupper vises ikke her.")
    types = rows["period_type"].astype(str)
    if types.nunique() > 1:
        counts = types.value_counts()
        dominant = sorted(counts.index, key=lambda k: (-counts[k], k))[0]
        notes.append(f"{int((types != dominant).sum())} tal med en anden periodeart vises ikke her.")
        rows = rows[types == dominant]
    rows = rows.assign(_rank=rows["source_kind"].astype(str).map(_source_rank),
                       _ret=rows["retrieved"].fillna("").astype(str),
                       _org=rows["origin"].fillna("").astype(str))
    rows = rows.sort_values(["area_code", "period_start", "_rank", "_ret", "_org"],
                            ascending=[True, True, True, False, False], kind="stable")
    rows = rows.drop_duplicates(["area_code", "period_start"], keep="first")
    return rows.drop(columns=["_rank", "_ret", "_org"]).reset_index(drop=True), notes


_MONTHS_DA = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
              "oktober", "november", "december"]


def _thin_fine(rows: pd.DataFrame, keep_full: set[str] | None) -> tuple[pd.DataFrame, str | None]:
    """Month/quarter rows: one a year (the calendar month of the latest observation) for the
    areas outside `keep_full` (None: for every area). Returns the rows and a Danish note."""
    if rows.empty or str(rows["period_type"].iloc[0]) not in FINE_TYPES:
        return rows, None
    month = str(rows["period_start"].astype(str).max())[5:7]
    starts = rows["period_start"].astype(str)
    keep = starts.str[5:7] == month
    if keep_full is not None:
        keep |= rows["area_code"].astype(str).isin(keep_full)
    if keep.all():
        return rows, None
    whom = "de øvrige områder" if keep_full is not None else "alle områder"
    return rows[keep].reset_index(drop=True), (
        f"Af hensyn til sidens størrelse vises for {whom} kun tallet for {_MONTHS_DA[int(month) - 1]} "
        f"hvert år ({int((~keep).sum())} tal udeladt her); alle tal findes i bogens datapakke.")


def _thin_years(rows: pd.DataFrame, keep_full: set[str], years: int) -> tuple[pd.DataFrame, str | None]:
    """Areas outside `keep_full`: only the last `years` years of the series."""
    if rows.empty:
        return rows, None
    first = int(str(rows["period_start"].astype(str).max())[:4]) - years + 1
    keep = rows["area_code"].astype(str).isin(keep_full) | (rows["period_start"].astype(str).str[:4].astype(int) >= first)
    if keep.all():
        return rows, None
    return rows[keep].reset_index(drop=True), (
        f"Af hensyn til sidens størrelse vises for de øvrige områder kun tal fra {first} og frem "
        f"({int((~keep).sum())} tal udeladt her); alle tal findes i bogens datapakke.")


def _comparison_codes() -> set[str]:
    return set(A.COMPARISON_ORDER) | set(A.REGION_SJAELLAND)


# Applied one after another until the payload fits (each keeps Sorø, the country, the region and
# the municipalities of Region Sjælland complete, except the last fine-series step).
THINNING = (
    lambda rows: _thin_fine(rows, _comparison_codes()),
    lambda rows: _thin_years(rows, _comparison_codes(), 10),
    lambda rows: _thin_fine(rows, None),
)


# ------------------------------------------------------------------ the payload
def _status(data) -> dict:
    try:
        result = assess(data, area=A.SORO)
    except Exception as exc:  # name the indicator: assess's own message does not
        raise ValueError(f"indicator {data.record.get('id')!r}: status could not be computed: {exc}") from exc
    return {"code": result.status, "label": LABELS_DA.get(result.status, result.label_da),
            "reason": result.reason_da}


def theme_payload(theme: int, from_page: str, *, catalog: Catalog | None = None,
                  loader: Callable | None = None, max_bytes: int = MAX_PAYLOAD_BYTES,
                  indicator_ids: list[str] | None = None) -> dict:
    """The payload of one theme's explorer (see the module docstring).

    from_page: the explorer page's path without suffix, for the relative goal links.
    indicator_ids: only these indicators (default: every indicator of the theme with data).
    """
    catalog = catalog if catalog is not None else load_catalog()
    if loader is None:
        from helpers.load import load_indicator

        def loader(iid):
            return load_indicator(iid, catalog=catalog)
    theme_rec = catalog.theme(theme)
    if indicator_ids is None:
        # goal order, headline first, then any theme indicator no goal lists
        ids: list[str] = []
        for goal in catalog.goals_for_theme(theme):
            ids += [i for i in goal["indicators"] if i not in ids]
        ids += sorted(i for i, r in catalog.indicators.items() if r["theme"] == theme and i not in ids)
        ids = [i for i in ids if catalog.indicator(i)["data_available"]]
    else:
        ids = list(indicator_ids)

    return payload_from([loader(iid) for iid in ids], theme_rec, from_page, catalog=catalog,
                        loader=loader, max_bytes=max_bytes)


def payload_from(datas: list, theme_rec: dict, from_page: str, *, catalog: Catalog | None = None,
                 loader: Callable | None = None, max_bytes: int = MAX_PAYLOAD_BYTES) -> dict:
    """The payload of some indicators (IndicatorData-like: `.record`, `.data`), in this order.

    catalog resolves the records' goals (titles, links); loader(id) gives the population rows
    for "pr. 1.000 indbyggere" (default helpers.load.load_indicator)."""
    if loader is None:
        from helpers.load import load_indicator as loader
    theme = theme_rec.get("number")
    prepared = []
    for data in datas:
        iid = data.record["id"]
        rows, notes = _clean_rows(data.data, data.record)
        if rows.empty:
            continue  # no drawable number: not in the dropdown (its goal page says why)
        prepared.append((iid, data, rows, notes))

    population = None
    pop_years: dict[str, set[int]] = {}
    for iid, data, rows, _notes in prepared:
        if "per_1000" in (data.record.get("measures") or []) and iid != POPULATION_ID:
            for code, start in zip(rows["area_code"].astype(str), rows["period_start"].astype(str)):
                pop_years.setdefault(code, set()).add(int(start[:4]))
    if pop_years:
        pop_data = loader(POPULATION_ID)
        population, _ = _clean_rows(pop_data.data, pop_data.record)

    payload = _assemble(theme_rec, prepared, population, pop_years, catalog, from_page, ())
    size = len(payload_json(payload).encode("utf-8"))
    for depth in range(1, len(THINNING) + 1):
        if size <= max_bytes:
            break
        payload = _assemble(theme_rec, prepared, population, pop_years, catalog, from_page, THINNING[:depth])
        size = len(payload_json(payload).encode("utf-8"))
    if size > max_bytes:
        biggest = sorted(payload["indicators"], key=lambda i: -len(i["rows"]["v"]))[:5]
        raise PayloadTooLargeError(
            f"theme {theme}: the explorer payload is {size:,} bytes after thinning, over the budget of "
            f"{max_bytes:,}; the biggest indicators are "
            + ", ".join(f"{i['id']} ({len(i['rows']['v']):,} rows)" for i in biggest))
    payload["bytes"] = size
    return payload


def _assemble(theme_rec, prepared, population, pop_years, catalog, from_page, thinning) -> dict:
    area_ix: dict[str, int] = {}
    area_names: dict[str, str] = {}
    period_ix: dict[tuple[str, str], int] = {}
    source_ix: dict[str, int] = {}

    def ix(table: dict, key) -> int:
        if key not in table:
            table[key] = len(table)
        return table[key]

    # areas first, in reader order, so the SelectMultiple and the payload agree
    for _iid, _data, rows, _n in prepared:
        for code, name in zip(rows["area_code"].astype(str), rows["area_name"].astype(str)):
            area_names.setdefault(code, name)
    labels = {c: A.area_label(c, area_names[c]) for c in area_names}
    order = sorted(area_names, key=lambda c: (_KIND_ORDER[area_kind(c)], A.sort_key(c)
                                              if area_kind(c) in ("soro", "country") else (0, 0, ""),
                                              labels[c].lower(), c))
    seen_labels: dict[str, str] = {}
    for code in order:
        label = labels[code]
        if label in seen_labels:
            label = f"{label} ({code})"
        seen_labels[label] = code
        labels[code] = label
        ix(area_ix, code)

    pop_keys = set()
    if population is not None and not population.empty:
        pop_keys = set(zip(population["area_code"].astype(str),
                           population["period_start"].astype(str).str[:4].astype(int)))
    indicators = []
    for iid, data, rows, notes in prepared:
        rec = data.record
        notes = list(notes)
        for thin in thinning:
            rows, thin_note = thin(rows)
            if thin_note:
                notes.append(thin_note)
        measures = ["level"]
        values = rows["value"]
        periods_n = rows["period_start"].nunique()
        if not is_rank(rec.get("unit")) and (values > 0).all() and periods_n > 1:
            measures.append("index")
        if "per_1000" in (rec.get("measures") or []) and iid != POPULATION_ID and pop_keys & set(
                zip(rows["area_code"].astype(str), rows["period_start"].astype(str).str[:4].astype(int))):
            measures.append("per_1000")  # only where some area and year has a population to divide by
        munis = rows[rows["area_code"].astype(str).map(area_kind).isin(["municipality", "soro"])]
        if not is_rank(rec.get("unit")) and len(munis) and \
                munis.groupby("period_start")["area_code"].nunique().max() >= RANK_MIN_MUNICIPALITIES:
            measures.append("rank")
        goals = []
        for gid in (rec.get("goals") or []) if catalog is not None else []:
            goal = catalog.goal(gid)
            goals.append({"title": goal["title"], "href": _rel(goal["page"], from_page)})
        target = rec.get("target") or {}
        indicators.append({
            "id": iid,
            "title": rec["title"],
            "unit": unit_label(rec.get("unit") or ""),
            "decimals": int(rec.get("decimals") if rec.get("decimals") is not None else 1),
            "direction": rec.get("direction") or "none",
            "rank_unit": bool(is_rank(rec.get("unit"))),
            "period_type": str(rows["period_type"].iloc[0]),
            "measures": measures,
            "status": _status(data),
            "target": target.get("text") or "",
            "goals": goals,
            "notes": notes,
            "rows": {
                "a": [area_ix[c] for c in rows["area_code"].astype(str)],
                "p": [ix(period_ix, (s, str(p) if not pd.isna(p) else s))
                      for s, p in zip(rows["period_start"].astype(str), rows["period"])],
                "v": [_num(v) for v in rows["value"]],
                "s": [ix(source_ix, _source_text(pu, t)) for pu, t in zip(rows["publisher"], rows["table"])],
            },
        })

    pop = {"a": [], "y": [], "v": []}
    if population is not None and pop_years:
        # the earliest observation of each area and year (1 January where published)
        prows = population.sort_values(["area_code", "period_start"], kind="stable")
        prows = prows.assign(_y=prows["period_start"].astype(str).str[:4].astype(int))
        prows = prows.drop_duplicates(["area_code", "_y"], keep="first")
        for code, year, value in zip(prows["area_code"].astype(str), prows["_y"], prows["value"]):
            if code in area_ix and year in pop_years.get(code, ()):
                pop["a"].append(area_ix[code])
                pop["y"].append(int(year))
                pop["v"].append(_num(value))

    years = [int(s[:4]) for s, _p in period_ix]
    return {
        "version": 1,
        "theme": {"number": theme_rec.get("number"), "title": theme_rec.get("title", "")},
        "measures": [list(m) for m in MEASURES],
        "areas": [[c, labels[c], A.AREA_COLORS.get(c), area_kind(c)] for c in area_ix],
        "other_colors": list(A.OTHER_COLORS),
        "periods": [[s, p] for (s, p) in period_ix],
        "sources": list(source_ix),
        "indicators": indicators,
        "population": pop,
        "years": [min(years), max(years)] if years else [2000, 2025],
        "rank_min": RANK_MIN_MUNICIPALITIES,
        # the site's Danish number and date formats (the same as helpers.render's charts)
        "format_locale": da_format_locale(),
        "time_format_locale": da_time_format_locale(),
    }


def _num(value) -> float | int:
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value


def payload_json(payload: dict) -> str:
    """Canonical JSON (sorted keys, compact): what the size budget and the digest measure."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def payload_digest(payload: dict) -> str:
    """sha256 of the canonical JSON, 16 hex digits: changes whenever any embedded value changes."""
    body = {k: v for k, v in payload.items() if k != "bytes"}
    return hashlib.sha256(payload_json(body).encode("utf-8")).hexdigest()[:16]

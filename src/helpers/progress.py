"""Progress toward a target, after the Open SDG / Statistics Canada method.

`assess(data, area="340")` reduces an indicator's rows for one area to one value per year and
compares the growth since a base year with the growth the target requires:

* CAGR = (x_t / x_0) ** (1 / (t - t_0)) - 1, from the base year t_0 to the latest year t.
* With a target value V for year T: required CAGR = (V / x_0) ** (1 / (T - t_0)) - 1 and
  ratio = CAGR / required CAGR; >= 0.95 on track, >= 0.6 moderate, > 0 limited, <= 0
  deterioration; "achieved" when the latest value is already at or past V in the good direction.
* Without a target value: the CAGR (sign flipped when lower is better) against 0.015 / 0.005 / 0.

Choices made here (and repeated in `Assessment.method_da`):

* Base year: the first observation from 2015 (the SDG baseline Statistics Canada uses) when at
  least two observations lie from 2015 on; otherwise the first observation. A
  `change_from_base` target sets the base year itself.
* One value per year: rows of the series' dominant period type win; within a type the earliest
  period of the year (K1, January, 1 January) is used; several versions of the same period: the
  most recently retrieved, then the last origin.
* Projections (note mentions fremskrivning/prognose/projection/forecast) and target rows are
  ignored; suppressed/missing values too; year ranges and undated rows have no single year.
* Zero or negative values make the CAGR undefined. With a target value the ratio is then formed
  from average absolute changes per year instead; without a target the indicator is not assessed.
* Rank indicators (unit contains "rang"): a lower rank is better.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.areas import area_label
from helpers.fmt import fmt_number, human_period

STATUSES = ("achieved", "on_track", "moderate", "limited", "deterioration", "not_assessable")

LABELS_DA = {
    "achieved": "Mål nået",
    "on_track": "På rette vej",
    "moderate": "Moderat fremskridt",
    "limited": "Begrænset fremskridt",
    "deterioration": "Går den forkerte vej",
    "not_assessable": "Kan ikke vurderes",
}

RATIO_ON_TRACK = 0.95
RATIO_MODERATE = 0.6
CAGR_ON_TRACK = 0.015
CAGR_MODERATE = 0.005
BASELINE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2026  # the vision's horizon, used when a reference target names no year

PERIOD_PREFERENCE = ("year", "date", "quarter", "month", "school_year")
ANNUAL_TYPES = set(PERIOD_PREFERENCE)

# "fremskriv" anywhere (befolkningsfremskrivning) marks a projection; "prognose" only as a word of its
# own: an observed 1 January figure quoted from a forecast document names it "(befolkningsprognose ...)".
_PROJECTION = re.compile(r"fremskriv|\b(prognose|projection|projected|forecast)", re.IGNORECASE)
_TARGET_ROW = re.compile(r"\b(target|målsætning|måltal|mål for)\b", re.IGNORECASE)


# ---------------------------------------------------------------- record access
def rget(obj: Any, key: str, default: Any = None) -> Any:
    """Read `key` from a catalog record that may be a dict or an object with attributes."""
    if obj is None:
        return default
    if isinstance(obj, dict):
        value = obj.get(key, default)
    else:
        value = getattr(obj, key, default)
    return default if value is None else value


def record_of(data) -> Any:
    return rget(data, "record", None)


def frame_of(data) -> pd.DataFrame:
    frame = rget(data, "data", None)
    if frame is None and isinstance(data, pd.DataFrame):
        frame = data
    return frame if frame is not None else pd.DataFrame()


def better_direction(record) -> str:
    """'up', 'down' or 'none'; rank indicators (unit contains 'rang') are always 'down'."""
    unit = str(rget(record, "unit", "") or "")
    if "rang" in unit.lower():
        return "down"
    direction = str(rget(record, "direction", "none") or "none").lower()
    return direction if direction in ("up", "down") else "none"


def is_projection(note: str) -> bool:
    return bool(_PROJECTION.search(str(note or "")))


def is_target_row(note: str) -> bool:
    return bool(_TARGET_ROW.search(str(note or "")))


# ---------------------------------------------------------------- result
@dataclass
class Assessment:
    status: str
    label_da: str
    reason_da: str
    base_period: str | None = None
    latest_period: str | None = None
    base_value: float | None = None
    latest_value: float | None = None
    cagr: float | None = None
    required_cagr: float | None = None
    ratio: float | None = None
    method_da: str = ""
    target_value: float | None = None
    target_year: int | None = None
    base_year: int | None = None
    latest_year: int | None = None
    series: list = field(default_factory=list, repr=False)  # [(year, period, value)] used


def _result(status: str, reason: str, method: str, **kw) -> Assessment:
    return Assessment(status=status, label_da=LABELS_DA[status], reason_da=reason, method_da=method, **kw)


# ---------------------------------------------------------------- series
def usable_rows(frame: pd.DataFrame, area: str) -> pd.DataFrame:
    """Rows of one area with a value, without projections and target rows."""
    if frame is None or frame.empty or "area_code" not in frame:
        return pd.DataFrame(columns=list(frame.columns) if frame is not None else [])
    rows = frame[frame["area_code"].astype(str) == str(area)].copy()
    rows = rows[pd.to_numeric(rows["value"], errors="coerce").notna()]
    if "value_flag" in rows:
        rows = rows[rows["value_flag"].fillna("").astype(str) == ""]
    notes = rows["note"].fillna("").astype(str) if "note" in rows else pd.Series("", index=rows.index)
    rows = rows[~notes.map(is_projection) & ~notes.map(is_target_row)]
    rows["value"] = pd.to_numeric(rows["value"])
    return rows


def choose_breakdown(rows: pd.DataFrame) -> pd.DataFrame:
    """Keep one sex/age breakdown: 'i alt'/'i alt' when present, else the one with most years."""
    if rows.empty:
        return rows
    sex = rows["sex"].fillna("").astype(str) if "sex" in rows else pd.Series("", index=rows.index)
    age = rows["age"].fillna("").astype(str) if "age" in rows else pd.Series("", index=rows.index)
    combos = sorted(set(zip(sex, age)))
    if len(combos) <= 1:
        return rows
    if ("i alt", "i alt") in combos:
        chosen = ("i alt", "i alt")
    else:
        def years(c):
            mask = (sex == c[0]) & (age == c[1])
            return rows.loc[mask, "period_start"].astype(str).str[:4].nunique()
        chosen = sorted(combos, key=lambda c: (-years(c), c[0] != "i alt", c[1] != "i alt", c))[0]
    return rows[(sex == chosen[0]) & (age == chosen[1])]


def annual_series(rows: pd.DataFrame) -> list[tuple[int, str, float]]:
    """One (year, period label, value) per year, oldest first; see the module docstring."""
    if rows.empty:
        return []
    rows = rows[rows["period_type"].astype(str).isin(ANNUAL_TYPES)]
    rows = rows[rows["period_start"].astype(str).str.match(r"^[0-9]{4}-")]
    if rows.empty:
        return []
    counts = rows["period_type"].value_counts()
    dominant = sorted(counts.index, key=lambda k: (-counts[k], PERIOD_PREFERENCE.index(k)))[0]
    order = {k: (0 if k == dominant else 1 + PERIOD_PREFERENCE.index(k)) for k in PERIOD_PREFERENCE}
    records = []
    for rec in rows.to_dict(orient="records"):
        start = str(rec["period_start"])
        records.append((
            int(start[:4]),
            order[str(rec["period_type"])],
            start,
            str(rec.get("period", "")),
            # newest retrieval first, then the last origin: negate by sorting descending below
            str(rec.get("retrieved", "") or ""),
            str(rec.get("origin", "") or ""),
            float(rec["value"]),
        ))
    # Sort ascending on (year, type rank, start, period) and descending on (retrieved, origin).
    records.sort(key=lambda r: (r[0], r[1], r[2], r[3], _desc(r[4]), _desc(r[5])))
    series, seen = [], set()
    for year, _rank, _start, period, _ret, _orig, value in records:
        if year in seen:
            continue
        seen.add(year)
        series.append((year, period, value))
    return series


def _desc(text: str) -> tuple:
    # Sort key that orders strings descending inside an ascending sort.
    return tuple(-ord(ch) for ch in text) + (1,)


def _why_unusable(rows: pd.DataFrame) -> str:
    """Why an area's rows give no annual observation, e.g. ' (3 fremskrivninger, 1 uden dato)'."""
    notes = rows["note"].fillna("").astype(str) if "note" in rows else pd.Series("", index=rows.index)
    kinds = rows["period_type"].astype(str) if "period_type" in rows else pd.Series("", index=rows.index)
    values = pd.to_numeric(rows["value"], errors="coerce") if "value" in rows else pd.Series(dtype=float)
    counts = [
        (int(notes.map(is_projection).sum()), "fremskrivning", "fremskrivninger"),
        (int((~notes.map(is_projection) & notes.map(is_target_row)).sum()), "måltal", "måltal"),
        (int((kinds == "year_range").sum()), "periode over flere år", "perioder over flere år"),
        (int((kinds == "undated").sum()), "uden dato", "uden dato"),
        (int(values.isna().sum()), "uden værdi", "uden værdi"),
    ]
    parts = [f"{n} {one if n == 1 else many}" for n, one, many in counts if n]
    return f" ({', '.join(parts)})" if parts else ""


def _cagr(x0: float, xt: float, years: float) -> float | None:
    if years <= 0 or x0 <= 0 or xt <= 0:
        return None
    return (xt / x0) ** (1.0 / years) - 1.0


def _status_from_ratio(ratio: float) -> str:
    if ratio >= RATIO_ON_TRACK:
        return "on_track"
    if ratio >= RATIO_MODERATE:
        return "moderate"
    if ratio > 0:
        return "limited"
    return "deterioration"


def _status_from_cagr(cagr: float) -> str:
    if cagr >= CAGR_ON_TRACK:
        return "on_track"
    if cagr >= CAGR_MODERATE:
        return "moderate"
    if cagr > 0:
        return "limited"
    return "deterioration"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{fmt_number(100 * x, 2)} % pr. år"


def _num(x: float | None, decimals: int = 1) -> str:
    return "–" if x is None else fmt_number(x, decimals)


METHOD_BASE = (
    "Metode: Open SDG / Statistics Canada. Der bruges én værdi pr. år for området "
    "(fremskrivninger og måltal indgår ikke). Basisår er den første observation fra 2015, "
    "hvis der er mindst to observationer fra 2015 og frem, ellers den første observation. "
    "Den gennemsnitlige årlige vækstrate (CAGR) = (seneste / basis)^(1/år) − 1. "
)
METHOD_TARGET = (
    "Med et mål sammenlignes den observerede vækstrate med den vækstrate, der skal til for at nå "
    "målet i målåret (forholdstal ≥ 0,95: på rette vej; ≥ 0,6: moderat; > 0: begrænset; ≤ 0: går "
    "den forkerte vej). Er målet allerede nået, står der 'Mål nået'. Er en værdi 0 eller negativ, "
    "bruges i stedet den gennemsnitlige absolutte ændring pr. år."
)
METHOD_DIRECTION = (
    "Uden et måltal sammenlignes vækstraten (med modsat fortegn, når lavere er bedre) med "
    "grænserne 1,5 % (på rette vej), 0,5 % (moderat) og 0 (begrænset; 0 eller derunder: går den "
    "forkerte vej). Er en værdi 0 eller negativ, kan vækstraten ikke beregnes, og indikatoren "
    "vurderes ikke."
)
METHOD_REFERENCE = (
    "Målet er at ligge mindst på niveau med sammenligningsområdet. Det er nået, hvis Sorøs seneste "
    "værdi er mindst lige så god som områdets i samme periode. Ellers måles, hvor hurtigt afstanden "
    "lukkes (gennemsnitlig ændring pr. år) i forhold til den ændring, der skal til for at lukke den "
    "inden målåret (2026, hvis målet ikke nævner et år); samme grænser som ovenfor."
)
METHOD_RANK = " Rangindikatorer: en lavere placering er bedre."


# ---------------------------------------------------------------- main entry
def assess(data, area: str = "340") -> Assessment:
    """Status of an indicator toward its target for one area (default Sorø)."""
    record = record_of(data)
    frame = frame_of(data)
    target = rget(record, "target", None)
    kind = str(rget(target, "kind", "direction") or "direction") if target else "direction"
    direction = better_direction(record)
    unit = str(rget(record, "unit", "") or "")
    method = METHOD_BASE + (METHOD_REFERENCE if kind == "at_least_reference"
                            else METHOD_TARGET if kind in ("level", "change_from_base")
                            else METHOD_DIRECTION)
    if "rang" in unit.lower():
        method += METHOD_RANK
    name = area_label(area)
    dec = int(rget(record, "decimals", 1) if rget(record, "decimals", None) is not None else 1)

    if rget(record, "data_available", True) is False:
        reason = rget(record, "missing_reason", "") or "Der findes ingen tal for indikatoren."
        return _result("not_assessable", f"Ingen data: {reason}", method)

    all_area = frame[frame["area_code"].astype(str) == str(area)] if not frame.empty and "area_code" in frame else frame
    if all_area is None or all_area.empty:
        return _result("not_assessable", f"Ingen data for {name}.", method)
    rows = choose_breakdown(usable_rows(frame, area))
    series = annual_series(rows)
    if kind == "at_least_reference" and series:
        return _assess_reference(record, target, frame, area, series, direction, method)
    if len(series) < 2:
        if len(series) == 1:
            why = f"Kun én årlig observation for {name} ({series[0][1]}); der skal mindst to år til."
        else:
            why = f"Ingen brugbare årlige observationer for {name}" + _why_unusable(all_area) + "."
        return _result("not_assessable", why, method, series=series)

    # Base year
    if kind == "change_from_base":
        base_year = rget(target, "base_year", None)
        by_year = {y: (p, v) for y, p, v in series}
        if base_year is None or int(base_year) not in by_year:
            return _result("not_assessable",
                           f"Basisåret {base_year} for målet findes ikke i data for {name}.",
                           method, series=series)
        base_year = int(base_year)
        base = (base_year, *by_year[base_year])
        after = [s for s in series if s[0] > base_year]
        if not after:
            return _result("not_assessable", f"Ingen observationer efter basisåret {base_year}.",
                           method, series=series)
        latest = series[-1]
    else:
        recent = [s for s in series if s[0] >= BASELINE_YEAR]
        base = recent[0] if len(recent) >= 2 else series[0]
        latest = series[-1]

    t0, p0, x0 = base
    t, pt, xt = latest
    years = t - t0
    common = dict(base_period=p0, latest_period=pt, base_value=x0, latest_value=xt,
                  base_year=t0, latest_year=t, series=series)
    cagr = _cagr(x0, xt, years)

    if kind in ("level", "change_from_base"):
        if kind == "level":
            target_value = rget(target, "value", None)
        else:
            pct = rget(target, "value", None)
            target_value = None if pct is None else x0 * (1 + float(pct) / 100.0)
        target_year = rget(target, "year", None)
        if target_value is None or target_year is None:
            return _result("not_assessable", "Målet mangler en værdi eller et år.", method, cagr=cagr, **common)
        target_value, target_year = float(target_value), int(target_year)
        if direction == "none":
            direction = "up" if target_value >= x0 else "down"
        common.update(target_value=target_value, target_year=target_year)
        achieved = xt >= target_value if direction == "up" else xt <= target_value
        tv = _num(target_value, dec)
        if achieved:
            return _result("achieved",
                           f"{name} har nået målet: {_num(xt, dec)} ({human_period(pt)}) mod målet {tv} i {target_year}.",
                           method, cagr=cagr, **common)
        span = target_year - t0
        if span <= 0:
            return _result("not_assessable", f"Målåret {target_year} ligger ikke efter basisåret {t0}.",
                           method, cagr=cagr, **common)
        required = _cagr(x0, target_value, span)
        if cagr is not None and required is not None and required != 0:
            ratio = cagr / required
            status = _status_from_ratio(ratio)
            reason = (f"{name}: {_num(x0, dec)} ({human_period(p0)}) → {_num(xt, dec)} ({human_period(pt)}), {_pct(cagr)}. "
                      f"For at nå {tv} i {target_year} kræves {_pct(required)} (forholdstal {_num(ratio, 2)}).")
            return _result(status, reason, method, cagr=cagr, required_cagr=required, ratio=ratio, **common)
        # Absolute-change rule: zero or negative values, or a target equal to the base value.
        observed = (xt - x0) / years
        needed = (target_value - x0) / span
        if needed == 0:
            return _result("not_assessable", "Målet er lig med basisværdien; fremskridt kan ikke måles.",
                           method, cagr=cagr, **common)
        ratio = observed / needed
        status = _status_from_ratio(ratio)
        reason = (f"{name}: {_num(x0, dec)} ({human_period(p0)}) → {_num(xt, dec)} ({human_period(pt)}); ændring {_num(observed, 2)} pr. år, "
                  f"krævet {_num(needed, 2)} pr. år for at nå {tv} i {target_year} "
                  f"(forholdstal {_num(ratio, 2)}; absolut ændring, da vækstraten ikke er defineret).")
        return _result(status, reason, method, cagr=cagr, ratio=ratio, **common)

    # Direction only / no target
    if direction == "none":
        return _result("not_assessable", "Indikatoren har hverken mål eller en retning, der er bedre.",
                       method, cagr=cagr, **common)
    if cagr is None:
        return _result("not_assessable",
                       "Værdier på 0 eller derunder: vækstraten kan ikke beregnes.", method, **common)
    signed = cagr if direction == "up" else -cagr
    status = _status_from_cagr(signed)
    better = "højere er bedre" if direction == "up" else "lavere er bedre"
    reason = (f"{name}: {_num(x0, dec)} ({human_period(p0)}) → {_num(xt, dec)} ({human_period(pt)}), {_pct(cagr)} ({better}).")
    return _result(status, reason, method, cagr=cagr, **common)


def _assess_reference(record, target, frame, area, series, direction, method) -> Assessment:
    ref = str(rget(target, "reference_area", "000") or "000")
    name, ref_name = area_label(area), area_label(ref)
    dec = int(rget(record, "decimals", 1) if rget(record, "decimals", None) is not None else 1)
    ref_series = annual_series(choose_breakdown(usable_rows(frame, ref)))
    recent_own = [s for s in series if s[0] >= BASELINE_YEAR]
    first = recent_own[0] if len(recent_own) >= 2 else series[0]
    cagr = _cagr(first[2], series[-1][2], series[-1][0] - first[0]) if len(series) >= 2 else None
    if direction == "none":
        direction = "up"
    own = {y: (p, v) for y, p, v in series}
    other = {y: v for y, _p, v in ref_series}
    years = sorted(set(own) & set(other))
    if not years:
        return _result("not_assessable", f"Ingen fælles år for {name} og {ref_name}.", method, cagr=cagr,
                       series=series)
    sign = 1 if direction == "up" else -1
    gaps = {y: sign * (own[y][1] - other[y]) for y in years}  # >= 0: at least as good
    t = years[-1]
    common = dict(latest_period=own[t][0], latest_value=own[t][1], latest_year=t, series=series,
                  target_value=other[t])
    if gaps[t] >= 0:
        return _result("achieved",
                       f"{name} ({_num(own[t][1], dec)}) ligger mindst på niveau med {ref_name} "
                       f"({_num(other[t], dec)}) i {own[t][0]}.", method, cagr=cagr, **common)
    if len(years) < 2:
        return _result("not_assessable",
                       f"{name} ligger under {ref_name} i {own[t][0]}, men der er kun ét fælles år, "
                       "så udviklingen i afstanden kan ikke vurderes.", method, cagr=cagr, **common)
    recent = [y for y in years if y >= BASELINE_YEAR]
    t0 = recent[0] if len(recent) >= 2 else years[0]
    target_year = int(rget(target, "year", DEFAULT_TARGET_YEAR) or DEFAULT_TARGET_YEAR)
    span = target_year - t0
    observed = (gaps[t] - gaps[t0]) / (t - t0)
    if span <= 0:
        return _result("not_assessable", f"Målåret {target_year} ligger ikke efter basisåret {t0}.",
                       method, cagr=cagr, **common)
    needed = -gaps[t0] / span
    if needed <= 0:  # the gap was closed at the base year and has opened since
        ratio = -1.0 if observed < 0 else 0.0
    else:
        ratio = observed / needed
    status = _status_from_ratio(ratio)
    reason = (f"{name} ligger {_num(abs(gaps[t]), dec)} under {ref_name} i {own[t][0]} "
              f"(afstand i {own[t0][0]}: {_num(-gaps[t0], dec)}); afstanden ændres {_num(observed, 2)} pr. år, "
              f"der kræves {_num(needed, 2)} pr. år for at lukke den i {target_year} "
              f"(forholdstal {_num(ratio, 2)}).")
    common.update(base_period=own[t0][0], base_value=own[t0][1], base_year=t0, target_year=target_year)
    return _result(status, reason, method, cagr=cagr, ratio=ratio, **common)

"""The numbers a goal page's prose states about an indicator, computed from the snapshot.

Goal notebooks glue these strings into their Markdown (myst-nb `{glue:text}`), so a data refresh
can never leave a paragraph contradicting its own chart. Every value is formatted the Danish way
(helpers.fmt.fmt_value); a number the data does not have is "–", never filled in.
"""
from __future__ import annotations

import re

import pandas as pd

from helpers.progress import LABELS_DA, assess
from helpers.series import choose_breakdown, is_percentage, is_projection_indicator, record_of, rget, usable_rows

MISSING = "–"


def _fmt(x, record) -> str:
    from helpers.fmt import fmt_value
    if x is None:
        return MISSING
    return fmt_value(x, int(rget(record, "decimals", 0) or 0), str(rget(record, "unit", "") or ""))


def _change(x0, xt, record) -> str:
    """Signed change from x0 to xt: percentage points for a percentage, else in the unit."""
    from helpers.fmt import fmt_number
    if x0 is None or xt is None:
        return MISSING
    decimals = int(rget(record, "decimals", 0) or 0)
    # from the values as shown, so "9,0 -> 6,0" never reads as a change of 2,9
    delta = round(round(float(xt), decimals) - round(float(x0), decimals), decimals)
    sign = "+" if delta > 0 else ""
    if is_percentage(record):
        return f"{sign}{fmt_number(delta, decimals)} procentpoint"
    return ("+" if delta > 0 else "-" if delta < 0 else "") + _fmt(abs(delta), record)


MONTHS_DA = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
             "november", "december")


def period_da(period) -> str:
    """A period label as a reader says it: 2026-01-01 -> 1. januar 2026, 2021M10 -> oktober 2021;
    years, quarters and ranges stay as they are."""
    text = str(period)
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return f"{int(m.group(3))}. {MONTHS_DA[int(m.group(2)) - 1]} {m.group(1)}"
    m = re.fullmatch(r"(\d{4})M(\d{2})", text)
    if m:
        return f"{MONTHS_DA[int(m.group(2)) - 1]} {m.group(1)}"
    return text


def _relative(x0, xt) -> str:
    """Change in per cent of the base value, whole per cent."""
    from helpers.fmt import fmt_number
    if x0 is None or xt is None or float(x0) == 0:
        return MISSING
    pct = round((float(xt) / float(x0) - 1) * 100)
    return f"{'+' if pct > 0 else ''}{fmt_number(pct, 0)} %"


def _area_rows(frame: pd.DataFrame, area: str, projection: bool) -> pd.DataFrame:
    rows = usable_rows(frame, area, keep_projections=projection)
    if rows.empty:
        return rows
    rows = choose_breakdown(rows)
    return rows.sort_values(["period_start", "period"], kind="stable")


def facts(indicator_id: str, data=None, area: str = "340", reference: str = "000") -> dict[str, str]:
    """Formatted facts about one indicator for `area` (Sorø by default).

    Keys: n (observations of the area), first_period, last_period, last_value, ref_value (the
    reference area in the same period as last_value, "–" if absent), base_period, base_value,
    latest_period, latest_value and change (the status window of helpers.progress.assess),
    status (Danish label), place, n_areas and rank_period (Sorø among the municipalities)."""
    from helpers.load import load_indicator
    data = data if data is not None else load_indicator(indicator_id)
    record = record_of(data)
    frame = data.data if hasattr(data, "data") else data
    projection = is_projection_indicator(record, frame)
    own = _area_rows(frame, area, projection)
    out = {"n": str(len(own)), "first_period": MISSING, "last_period": MISSING, "last_value": MISSING,
           "ref_value": MISSING}
    if not own.empty:
        first, last = own.iloc[0], own.iloc[-1]
        out.update(first_period=period_da(first["period"]), last_period=period_da(last["period"]),
                   first_value=_fmt(first["value"], record), last_value=_fmt(last["value"], record))
        ref = _area_rows(frame, reference, projection)
        if not ref.empty:
            same = ref[ref["period"].astype(str) == str(last["period"])]
            if not same.empty:
                out["ref_value"] = _fmt(same.iloc[-1]["value"], record)
    else:
        out["first_value"] = MISSING
    result = assess(data, area=area)
    out.update(status=LABELS_DA.get(result.status, result.status),
               base_period=period_da(result.base_period or MISSING), latest_period=period_da(result.latest_period or MISSING),
               base_value=_fmt(result.base_value, record), latest_value=_fmt(result.latest_value, record),
               change=_change(result.base_value, result.latest_value, record),
               rel_change=_relative(result.base_value, result.latest_value))
    from helpers.compare import rank_of
    ranked = rank_of(indicator_id)
    latest = ranked.latest if ranked is not None else None
    out.update(place=str(latest.place) if latest is not None and latest.place is not None else MISSING,
               n_areas=str(latest.n) if latest is not None else MISSING,
               rank_period=period_da(latest.period) if latest is not None else MISSING)
    return out


def glue_facts(prefix: str, indicator_id: str, data=None, area: str = "340") -> dict[str, str]:
    """Glue every fact as `<prefix>_<key>` (display=False) and return them."""
    from myst_nb import glue
    values = facts(indicator_id, data=data, area=area)
    for key, text in values.items():
        glue(f"{prefix}_{key}", text, display=False)
    return values


def year_change_spread(indicator_id: str, y0: str, y1: str, drop: float, area: str = "340",
                       reference: str = "000", data=None) -> dict[str, str]:
    """Whether a change from period y0 to y1 is local or everywhere (a hint of a method break).

    Keys: y0 and y1 (the area's values), ref_change (the reference area's change), drops (how many
    municipalities fell by more than `drop`, a fraction) and n (municipalities with both periods)."""
    from helpers.load import load_indicator
    from helpers.rank import is_municipality
    data = data if data is not None else load_indicator(indicator_id)
    record = record_of(data)
    frame = data.data if hasattr(data, "data") else data
    rows = frame[pd.to_numeric(frame["value"], errors="coerce").notna()].copy()
    rows["value"] = pd.to_numeric(rows["value"])
    rows = rows[rows["period"].astype(str).isin([y0, y1])]
    wide = rows.pivot_table(index="area_code", columns="period", values="value", aggfunc="last")

    def value(code, period):
        return float(wide.loc[code, period]) if code in wide.index and period in wide and pd.notna(wide.loc[code, period]) else None

    both = wide.dropna(subset=[c for c in (y0, y1) if c in wide]) if {y0, y1} <= set(wide.columns) else wide.iloc[0:0]
    both = both[[is_municipality(c) for c in both.index]]
    falls = ((both[y1] / both[y0] - 1) < -drop).sum() if not both.empty else 0
    return {y0: _fmt(value(area, y0), record), y1: _fmt(value(area, y1), record),
            "ref_change": _change(value(reference, y0), value(reference, y1), record),
            "drops": str(int(falls)), "n": str(len(both))}

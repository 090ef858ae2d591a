"""Progress toward a target, after the Open SDG / Statistics Canada method.

`assess(data, area="340")` reduces an indicator's rows for one area to one value per year and
compares the growth since a base year with the growth the target requires:

* CAGR = (x_t / x_0) ** (1 / (t - t_0)) - 1, from the base year t_0 to the latest year t.
* With a target value V for year T: required CAGR = (V / x_0) ** (1 / (T - t_0)) - 1 and
  ratio = CAGR / required CAGR; >= 0.95 on track, >= 0.6 moderate, >= 0 limited (zero change is
  limited progress, not deterioration), < 0 deterioration; "achieved" when the latest value is
  already at or past V in the good direction.
* Without a target value: the CAGR (sign flipped when lower is better) against 0.015 / 0.005 / 0
  (>= 0 limited, < 0 deterioration).

Rules that decide whether a status means anything (each refusal gives a Danish reason):

* Base year: 2015 or the first observed year after it, never before. At least two annual
  observations must lie in that window. A method break (record field `breaks: [{year, text}]`)
  moves the window's start to the last break year: values before it are not compared with
  values after it. A `change_from_base` target keeps its own base year for the target value
  (e.g. 1990 x 0.3) but progress is still measured from the window's base year.
* Ranks (unit contains "rang"/"placering", or record `rank: true`): a place is not a quantity,
  so no growth rate. With a level target the places gained per year are compared with those
  needed; without one the places are compared plainly in the reason and no status is given.
* Projections (record `projection: true`, or the Profilmodel): the projected rows are the
  series, and the reason says that it is the projection that is on track, not the outcome.
* "At least the reference" targets: the gap to the reference area per common year; achieved
  when Sorø is at or past the reference in the latest common year, otherwise the speed at which
  the gap closes against the speed needed to close it by the target year (2026 by default).
* Zero or negative values make the CAGR undefined. With a target value the ratio is then formed
  from average absolute changes per year instead; without a target the indicator is not assessed.
* Changes of a percentage are told in percentage points.
* Rolling windows (record `rolling_window: true`, e.g. a copy's 3-year medians): each window is an
  observation of its end year, and only windows starting in 2015 or later count
  (helpers.rolling; deviation "rolling_window").
* No better direction: the refusal adds the record's `no_direction_reason` (Danish) when given.

One value per year: rows of the series' dominant period type win; within a type the earliest
period of the year (K1, January, 1 January) is used; several versions of the same period: the
most recently retrieved, then the last origin. Projections (note mentions fremskrivning/prognose/
projection/forecast, unless the indicator itself is a projection) and target rows are ignored;
suppressed/missing values too; year ranges and undated rows have no single year. Any
`source_kind` is accepted and columns are read by name, never by position.

`Assessment.method` is a machine-readable id of the rule used, `Assessment.deviations` lists the
ids in `DEVIATIONS_DA` where that rule departs from Open SDG, and `trend`/`trend_good` give the
direction of the number from base to latest year, so a badge's arrow can never contradict it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from helpers.areas import area_label
from helpers.fmt import fmt_number, human_period
# The series basics live below this module; re-exported so `from helpers.progress import rget` works.
from helpers.series import (  # noqa: F401
    ANNUAL_TYPES, PERIOD_PREFERENCE, annual_series, better_direction, choose_breakdown, frame_of,
    is_percentage, is_profilmodel, is_projection, is_projection_indicator, is_rank, is_target_row, record_of, rget,
    usable_rows,
)
from helpers.rolling import is_rolling, windows_as_annual

STATUSES = ("achieved", "on_track", "moderate", "limited", "deterioration", "not_assessable")

LABELS_DA = {
    "achieved": "Mål nået",
    "on_track": "På rette vej",
    "moderate": "Moderat fremskridt",
    "limited": "Begrænset fremskridt",
    "deterioration": "Går den forkerte vej",
    "not_assessable": "Kan ikke vurderes",
}

# How a projection's status is told: "it is the projection that ..."
_PROJECTION_VERB_DA = {
    "achieved": "når målet",
    "on_track": "er på rette vej",
    "moderate": "viser moderat fremskridt",
    "limited": "viser begrænset fremskridt",
    "deterioration": "går den forkerte vej",
}

RATIO_ON_TRACK = 0.95
RATIO_MODERATE = 0.6
CAGR_ON_TRACK = 0.015
CAGR_MODERATE = 0.005
BASELINE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2026  # the vision's horizon, used when a reference target names no year


# Where the method used departs from Open SDG / Statistics Canada. Ids are stable (tests and
# "Om data og metode" refer to them); the Danish text is what a reader sees.
DEVIATIONS_DA = {
    "absolute_change": (
        "Når en værdi er 0 eller negativ, er vækstraten ikke defineret. Med et talmål bruges da den "
        "gennemsnitlige absolutte ændring pr. år i stedet for vækstraten; Open SDG angiver ingen regel "
        "for det tilfælde."),
    "rank_places": (
        "Placeringer (rang) har ingen vækstrate. Med et mål for placeringen sammenlignes de pladser, der "
        "er vundet pr. år, med dem, der skal vindes pr. år; uden et sådant mål gives ingen status."),
    "reference_gap": (
        "Mål om at ligge mindst på niveau med et andet område (fx hele landet) har ingen fast værdi. "
        "Status beregnes ud fra afstanden til området år for år: mål nået, hvis Sorø ligger på eller "
        "over området i det seneste fælles år, ellers hvor hurtigt afstanden lukkes i forhold til det, "
        "der skal til for at lukke den i målåret (2026, når målet ikke nævner et år)."),
    "projection": (
        "Enkelte indikatorer er selv en fremskrivning (fx Profilmodellen). Status beregnes på "
        "fremskrivningen med samme regler og siger, at det er fremskrivningen – ikke det målte "
        "resultat – der er på vej mod målet."),
    "rolling_window": (
        "Enkelte serier findes kun som glidende perioder over flere år (fx en treårig median for "
        "2019–2021). Når indikatoren er markeret sådan, regnes hver periode som en observation af sit "
        "sidste år, og kun perioder, der begynder i 2015 eller senere, bruges; Open SDG bruger årstal."),
}


# ---------------------------------------------------------------- record access
# rget, record_of, frame_of and the record/row predicates live in helpers.series (re-exported above).


def method_breaks(record) -> list[tuple[int, str]]:
    """The record's method breaks as sorted (year, text); a bad entry is an error naming the record."""
    out = []
    for i, brk in enumerate(rget(record, "breaks", []) or []):
        year = rget(brk, "year", None)
        try:
            year = int(year)
        except (TypeError, ValueError):
            raise ValueError(f"indicator {rget(record, 'id', '?')!r}: breaks[{i}].year must be a year, "
                             f"got {year!r}") from None
        out.append((year, str(rget(brk, "text", "") or "")))
    return sorted(out)



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
    # Machine-readable: which rule gave the status, and where it departs from Open SDG.
    method: str = ""
    deviations: list = field(default_factory=list)  # ids in DEVIATIONS_DA
    # Direction of the number from base to latest ('up'/'down'/'flat') and whether that move is
    # good for the target (None: flat, or no better direction). Badges draw their arrow from this.
    trend: str | None = None
    trend_good: bool | None = None
    projection: bool = False
    gaps: list = field(default_factory=list, repr=False)  # reference targets: [(year, own, ref, gap)]

    @property
    def deviations_da(self) -> list[str]:
        return [DEVIATIONS_DA[d] for d in self.deviations]


def _result(status: str, reason: str, method_da: str, **kw) -> Assessment:
    return Assessment(status=status, label_da=LABELS_DA[status], reason_da=reason, method_da=method_da, **kw)


# ---------------------------------------------------------------- series
# usable_rows, choose_breakdown and annual_series (one value per year) live in helpers.series.


def _why_unusable(rows: pd.DataFrame, keep_projections: bool = False) -> str:
    """Why an area's rows give no annual observation, e.g. ' (3 fremskrivninger, 1 uden dato)'."""
    notes = rows["note"].fillna("").astype(str) if "note" in rows else pd.Series("", index=rows.index)
    projected, targets = notes.map(is_projection).astype(bool), notes.map(is_target_row).astype(bool)
    kinds = rows["period_type"].astype(str) if "period_type" in rows else pd.Series("", index=rows.index)
    values = pd.to_numeric(rows["value"], errors="coerce") if "value" in rows else pd.Series(dtype=float)
    projections = 0 if keep_projections else int(projected.sum())
    counts = [
        (projections, "fremskrivning", "fremskrivninger"),
        (int((~projected & targets).sum()), "måltal", "måltal"),
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
    # Zero progress is "limited", not "deterioration": only a move away from the target is.
    if ratio >= RATIO_ON_TRACK:
        return "on_track"
    if ratio >= RATIO_MODERATE:
        return "moderate"
    if ratio >= 0:
        return "limited"
    return "deterioration"


def _status_from_cagr(cagr: float) -> str:
    if cagr >= CAGR_ON_TRACK:
        return "on_track"
    if cagr >= CAGR_MODERATE:
        return "moderate"
    if cagr >= 0:
        return "limited"
    return "deterioration"


def _trend(x0: float | None, xt: float | None, direction: str) -> tuple[str | None, bool | None]:
    """('up'|'down'|'flat', good?) of the number from base to latest."""
    if x0 is None or xt is None:
        return None, None
    trend = "up" if xt > x0 else "down" if xt < x0 else "flat"
    if trend == "flat" or direction not in ("up", "down"):
        return trend, None
    return trend, trend == direction


def _pct(x: float | None, lead: str = "vækstrate ") -> str:
    # "vækstrate" so a growth rate of a percentage is not read as percentage points
    return "–" if x is None else f"{lead}{fmt_number(100 * x, 2)} % pr. år"


def _num(x: float | None, decimals: int = 1) -> str:
    return "–" if x is None else fmt_number(x, decimals)


class _Fmt:
    """Danish number text for one indicator: values with their unit where it is a percentage or a
    place, and changes in percentage points (procentpoint) or places (pladser)."""

    def __init__(self, record):
        self.dec = int(rget(record, "decimals", 1) if rget(record, "decimals", None) is not None else 1)
        self.pct = is_percentage(record)
        self.rank = is_rank(record)

    def value(self, x: float | None) -> str:
        if x is None:
            return "–"
        if self.rank:
            return f"nr. {_num(x, 0)}"
        return f"{_num(x, self.dec)} %" if self.pct else _num(x, self.dec)

    def amount(self, d: float, decimals: int | None = None) -> str:
        """A difference without sign, with its unit: '2,3 procentpoint', '1 plads', '4,0'."""
        dec = self.dec if decimals is None else decimals
        if self.rank:
            n = abs(d)
            return f"{_num(n, 0)} {'plads' if n == 1 else 'pladser'}"
        text = _num(abs(d), dec)
        return f"{text} procentpoint" if self.pct else text

    def change(self, d: float, decimals: int | None = None) -> str:
        """A signed change: '+2,3 procentpoint', '−1,0'."""
        if d == 0:
            return "uændret" if not (self.pct or self.rank) else f"0 {'procentpoint' if self.pct else 'pladser'}"
        return ("+" if d > 0 else "−") + self.amount(d, decimals)


METHOD_BASE = (
    "Metode: Open SDG / Statistics Canada. Der bruges én værdi pr. år for området "
    "(fremskrivninger og måltal indgår ikke, medmindre indikatoren selv er en fremskrivning). "
    "Basisår er 2015 eller det første år efter 2015 med en observation – aldrig et år før 2015 – og "
    "der skal være mindst to observationer fra basisåret og frem. Har serien et metodebrud, starter "
    "vinduet i bruddets år. Den gennemsnitlige årlige vækstrate (CAGR) = (seneste / basis)^(1/år) − 1. "
)
METHOD_TARGET = (
    "Med et mål sammenlignes den observerede vækstrate med den vækstrate, der skal til for at nå "
    "målet i målåret (forholdstal ≥ 0,95: på rette vej; ≥ 0,6: moderat; ≥ 0: begrænset; under 0: går "
    "den forkerte vej). Er målet allerede nået, står der 'Mål nået'. Er en værdi 0 eller negativ, "
    "bruges i stedet den gennemsnitlige absolutte ændring pr. år."
)
METHOD_DIRECTION = (
    "Uden et måltal sammenlignes vækstraten (med modsat fortegn, når lavere er bedre) med "
    "grænserne 1,5 % (på rette vej), 0,5 % (moderat) og 0 (begrænset; ingen ændring er begrænset "
    "fremskridt, under 0: går den forkerte vej). Er en værdi 0 eller negativ, kan vækstraten ikke "
    "beregnes, og indikatoren vurderes ikke."
)
METHOD_REFERENCE = (
    "Målet er at ligge mindst på niveau med sammenligningsområdet. Afstanden til området beregnes for "
    "hvert fælles år. Målet er nået, hvis Sorøs værdi er mindst lige så god som områdets i det seneste "
    "fælles år. Ellers måles, hvor hurtigt afstanden lukkes siden basisåret (gennemsnitlig ændring pr. "
    "år) i forhold til den ændring, der skal til for at lukke den inden målåret (2026, hvis målet ikke "
    "nævner et år); samme grænser som ovenfor."
)
METHOD_RANK = (
    " Rangindikatorer: en lavere placering er bedre, og en placering har ingen vækstrate. Med et mål "
    "for placeringen sammenlignes de vundne pladser pr. år med dem, der skal til; uden et sådant mål "
    "gives ingen status."
)
METHOD_PROJECTION = (
    " Indikatoren er en fremskrivning: status gælder fremskrivningen, ikke et målt resultat."
)
METHOD_PERCENT = " Ændringer i en procentandel angives i procentpoint."
METHOD_ROLLING = (
    " Serien består af glidende perioder over flere år: hver periode regnes som en observation af sit "
    "sidste år, og kun perioder, der begynder i 2015 eller senere, indgår."
)


# ---------------------------------------------------------------- base window
def _window(series, record, name: str, start: int = BASELINE_YEAR):
    """(observations in the comparable window from `start`, None) or (None, Danish reason)."""
    breaks = method_breaks(record)
    last_break = None
    latest_year = series[-1][0] if series else None
    for year, text in breaks:
        if latest_year is not None and year <= latest_year:
            last_break = (year, text)
    begin = max(start, last_break[0]) if last_break else start
    window = [s for s in series if s[0] >= begin]
    if len(window) >= 2:
        return window, None
    have = (f"kun {len(window)} årlig observation ({window[0][1]})" if len(window) == 1
            else "ingen årlige observationer")
    if last_break and last_break[0] >= start:
        text = f": {last_break[1]}" if last_break[1] else ""
        reason = (f"Metodebrud i {last_break[0]}{text}. Tal fra før bruddet kan ikke sammenlignes med tal "
                  f"efter, og fra {begin} og frem har {name} {have}; der skal mindst to til.")
    else:
        since = f"fra {begin} og frem" if begin == BASELINE_YEAR else f"fra basisåret {begin} og frem"
        reason = f"{name} har {have} {since}; der skal mindst to til"
        older = [s for s in series if s[0] < begin]
        if older:
            span = older[0][1] if len(older) == 1 else f"{older[0][1]}–{older[-1][1]}"
            reason += (f". Ældre tal ({span}) bruges ikke som basisår: Open SDG-metoden måler fra 2015 "
                       "eller det første år derefter")
        reason += "."
    return None, reason


def _projection_note(status: str, profil: bool) -> str:
    if status not in _PROJECTION_VERB_DA:
        return ""
    what = "Profilmodellens fremskrivning" if profil else "en fremskrivning"
    return (f" Bemærk: tallene er {what}, ikke målte resultater – det er fremskrivningen, der "
            f"{_PROJECTION_VERB_DA[status]}, ikke det målte resultat.")


# ---------------------------------------------------------------- main entry
def assess(data, area: str = "340") -> Assessment:
    """Status of an indicator toward its target for one area (default Sorø)."""
    record = record_of(data)
    frame = frame_of(data)
    result = _assess(record, frame, area)
    if result.projection and result.status != "not_assessable":
        result.reason_da += _projection_note(result.status, is_profilmodel(record, frame))
    return result


def _assess(record, frame: pd.DataFrame, area: str) -> Assessment:
    target = rget(record, "target", None)
    kind = str(rget(target, "kind", "direction") or "direction") if target else "direction"
    direction = better_direction(record)
    rank = is_rank(record)
    fmt = _Fmt(record)
    projection = is_projection_indicator(record, frame)
    method_da = METHOD_BASE + (METHOD_REFERENCE if kind == "at_least_reference"
                               else METHOD_TARGET if kind in ("level", "change_from_base")
                               else METHOD_DIRECTION)
    if rank:
        method_da += METHOD_RANK
    if projection:
        method_da += METHOD_PROJECTION
    if fmt.pct:
        method_da += METHOD_PERCENT
    rolling = is_rolling(record)
    if rolling:
        method_da += METHOD_ROLLING
    name = area_label(area)
    flags = dict(projection=projection,
                 deviations=(["projection"] if projection else []) + (["rolling_window"] if rolling else []))

    def done(status, reason, method, **kw):
        extra = kw.pop("deviations", [])
        # A refusal uses no rule of the method, so it departs from none (a rank refusal names its rule).
        devs = list(dict.fromkeys((flags["deviations"] if status != "not_assessable" else []) + extra))
        return _result(status, reason, method_da, method=method, projection=projection, deviations=devs, **kw)

    if rget(record, "data_available", True) is False:
        reason = rget(record, "missing_reason", "") or "Der findes ingen tal for indikatoren."
        return done("not_assessable", f"Ingen data: {reason}", "no_data")

    all_area = frame[frame["area_code"].astype(str) == str(area)] if not frame.empty and "area_code" in frame else frame
    if all_area is None or all_area.empty:
        return done("not_assessable", f"Ingen data for {name}.", "no_data")
    rows = choose_breakdown(usable_rows(frame, area, keep_projections=projection))
    if rolling:  # windows "2019-2021" as observations of their end year (helpers.rolling)
        rows = windows_as_annual(rows, BASELINE_YEAR)
    series = annual_series(rows)
    if not series:
        why = f"Ingen brugbare årlige observationer for {name}" + _why_unusable(all_area, projection) + "."
        return done("not_assessable", why, "no_data", series=series)
    if kind == "at_least_reference":
        return _assess_reference(record, target, frame, area, series, direction, fmt, projection, done)

    # Base year: 2015 or the first year after it (after the last method break), never before.
    target_base = None
    start = BASELINE_YEAR
    if kind == "change_from_base":
        base_year = rget(target, "base_year", None)
        by_year = {y: (p, v) for y, p, v in series}
        if base_year is None or int(base_year) not in by_year:
            return done("not_assessable", f"Basisåret {base_year} for målet findes ikke i data for {name}.",
                        "no_data", series=series)
        target_base = (int(base_year), *by_year[int(base_year)])
        later_breaks = [(y, t) for y, t in method_breaks(record) if target_base[0] < y <= series[-1][0]]
        if later_breaks:
            y, text = later_breaks[-1]
            return done("not_assessable",
                        f"Målet regnes fra {target_base[0]}, men serien har et metodebrud i {y}"
                        f"{': ' + text if text else ''}; tal fra før og efter bruddet kan ikke sammenlignes.",
                        "method_break", series=series)
        start = max(BASELINE_YEAR, target_base[0])
    window, why = _window(series, record, name, start)
    if window is None:
        return done("not_assessable", why, "too_few_observations", series=series)

    t0, p0, x0 = window[0]
    t, pt, xt = window[-1]
    years = t - t0
    trend, good = _trend(x0, xt, direction)
    common = dict(base_period=p0, latest_period=pt, base_value=x0, latest_value=xt,
                  base_year=t0, latest_year=t, series=series, trend=trend, trend_good=good)
    # A place in a ranking is not a quantity: no growth rate of it.
    cagr = None if rank else _cagr(x0, xt, years)
    moved = f"{fmt.value(x0)} ({human_period(p0)}) → {fmt.value(xt)} ({human_period(pt)})"
    change = f", {fmt.change(xt - x0)}" if (fmt.pct or rank) else ""

    if kind in ("level", "change_from_base"):
        if kind == "level":
            target_value = rget(target, "value", None)
        else:
            pct = rget(target, "value", None)
            target_value = None if pct is None else target_base[2] * (1 + float(pct) / 100.0)
        target_year = rget(target, "year", None)
        if target_value is None or target_year is None:
            return done("not_assessable", "Målet mangler en værdi eller et år.", "no_target", cagr=cagr, **common)
        target_value, target_year = float(target_value), int(target_year)
        if direction == "none":
            direction = "up" if target_value >= x0 else "down"
            common["trend"], common["trend_good"] = _trend(x0, xt, direction)
        common.update(target_value=target_value, target_year=target_year)
        achieved = xt >= target_value if direction == "up" else xt <= target_value
        tv = fmt.value(target_value)
        from_base = (f" (målet er {tv}: {fmt.value(target_base[2])} i {target_base[1]} "
                     f"{'−' if float(rget(target, 'value', 0)) < 0 else '+'}"
                     f"{_num(abs(float(rget(target, 'value', 0))), 0)} %)") if target_base else ""
        if achieved:
            return done("achieved", f"{name} har nået målet: {fmt.value(xt)} ({pt}) mod målet {tv} "
                        f"i {target_year}{from_base}.", "target_reached", cagr=cagr, **common)
        span = target_year - t0
        if span <= 0:
            return done("not_assessable", f"Målåret {target_year} ligger ikke efter basisåret {t0}.",
                        "no_target", cagr=cagr, **common)
        required = None if rank else _cagr(x0, target_value, span)
        if cagr is not None and required is not None and required != 0:
            ratio = cagr / required
            status = _status_from_ratio(ratio)
            reason = (f"{name}: {moved}{change}, {_pct(cagr)}. For at nå {tv} i {target_year}{from_base} "
                      f"kræves {_pct(required, 'en vækstrate på ')} (forholdstal {_num(ratio, 2)}).")
            return done(status, reason, "open_sdg_target_cagr", cagr=cagr, required_cagr=required,
                        ratio=ratio, **common)
        # Absolute-change rule: places of a rank, zero or negative values, or a target equal to the base.
        observed = (xt - x0) / years
        needed = (target_value - x0) / span
        if needed == 0:
            return done("not_assessable", "Målet er lig med basisværdien; fremskridt kan ikke måles.",
                        "no_target", cagr=cagr, **common)
        ratio = observed / needed
        status = _status_from_ratio(ratio)
        if rank:
            reason = (f"{name}: {moved}{change}; {_num(abs(observed), 2)} pladser pr. år "
                      f"{'frem' if observed < 0 else 'tilbage' if observed > 0 else ''}, "
                      f"der skal {_num(abs(needed), 2)} pladser frem pr. år til for at nå {tv} i {target_year} "
                      f"(forholdstal {_num(ratio, 2)}; en placering har ingen vækstrate).")
            return done(status, reason, "rank_places", cagr=None, ratio=ratio, deviations=["rank_places"], **common)
        unit_pp = " procentpoint" if fmt.pct else ""
        reason = (f"{name}: {moved}{change}; ændring {_num(observed, 2)}{unit_pp} pr. år, "
                  f"krævet {_num(needed, 2)}{unit_pp} pr. år for at nå {tv} i {target_year}{from_base} "
                  f"(forholdstal {_num(ratio, 2)}; absolut ændring, da vækstraten ikke er defineret).")
        return done(status, reason, "absolute_change", cagr=cagr, ratio=ratio,
                    deviations=["absolute_change"], **common)

    # Direction only / no target
    if direction == "none":
        why = str(rget(record, "no_direction_reason", "") or "").strip()
        return done("not_assessable", "Indikatoren har hverken mål eller en retning, der er bedre"
                    + (f": {why}" if why else "."), "no_target", cagr=cagr, **common)
    if rank:
        verdict = ("bedre" if xt < x0 else "dårligere" if xt > x0 else "samme placering")
        how = f"{fmt.amount(xt - x0)} {verdict}" if xt != x0 else verdict
        return done("not_assessable",
                    f"{name}: {moved} – {how}. En placering er ikke en mængde, så en vækstrate giver "
                    "ingen mening, og målet nævner ingen placering; derfor ingen status.",
                    "rank_places", deviations=["rank_places"], **common)
    if cagr is None:
        return done("not_assessable", "Værdier på 0 eller derunder: vækstraten kan ikke beregnes.",
                    "no_growth_rate", **common)
    signed = cagr if direction == "up" else -cagr
    status = _status_from_cagr(signed)
    better = "højere er bedre" if direction == "up" else "lavere er bedre"
    reason = f"{name}: {moved}{change}, {_pct(cagr)} ({better})."
    return done(status, reason, "open_sdg_direction_cagr", cagr=cagr, **common)


def _assess_reference(record, target, frame, area, series, direction, fmt, projection, done) -> Assessment:
    ref = str(rget(target, "reference_area", "000") or "000")
    name, ref_name = area_label(area), area_label(ref)
    ref_rows = choose_breakdown(usable_rows(frame, ref, keep_projections=projection))
    if is_rolling(record):
        ref_rows = windows_as_annual(ref_rows, BASELINE_YEAR)
    ref_series = annual_series(ref_rows)
    if direction == "none":
        direction = "up"
    own = {y: (p, v) for y, p, v in series}
    other = {y: v for y, _p, v in ref_series}
    both = [(y, own[y][0], own[y][1]) for y in sorted(set(own) & set(other))]
    if not both:
        return done("not_assessable", f"Ingen fælles år for {name} og {ref_name}.", "reference_gap",
                    series=series, deviations=["reference_gap"])
    window, why = _window(both, record, name)
    if window is None:
        why = why.replace("årlig observation", "fælles år med " + ref_name, 1).replace(
            "ingen årlige observationer", f"ingen fælles år med {ref_name}", 1)
        return done("not_assessable", why, "too_few_observations", series=series, deviations=["reference_gap"])
    years = [y for y, _p, _v in window]
    sign = 1 if direction == "up" else -1
    gaps = {y: sign * (own[y][1] - other[y]) for y in years}  # >= 0: at least as good
    t0, t = years[0], years[-1]
    move = gaps[t] - gaps[t0]  # > 0: moved in Sorø's favour
    cagr = _cagr(own[t0][1], own[t][1], t - t0)
    trend, _ = _trend(own[t0][1], own[t][1], direction)
    common = dict(base_period=own[t0][0], base_value=own[t0][1], base_year=t0,
                  latest_period=own[t][0], latest_value=own[t][1], latest_year=t, series=series,
                  target_value=other[t], trend=trend, trend_good=None if move == 0 else move > 0,
                  gaps=[(y, own[y][1], other[y], gaps[y]) for y in years], deviations=["reference_gap"])

    def where(y):
        g = gaps[y]
        if g == 0:
            return f"på niveau med {ref_name}"
        side = ("over" if g > 0 else "under") if direction == "up" else ("under" if g > 0 else "over")
        return f"{fmt.amount(g)} {side} {ref_name}"

    moved = ("uændret" if move == 0 else
             f"{fmt.amount(move)} {'til fordel for' if move > 0 else 'til ulempe for'} {name}")
    history = (f"{name} ligger {where(t)} i {own[t][0]} ({fmt.value(own[t][1])} mod {fmt.value(other[t])}); "
               f"i {own[t0][0]} lå {name} {where(t0)}. Afstanden har flyttet sig {moved} siden {own[t0][0]}")
    if gaps[t] >= 0:
        return done("achieved", history + ".", "reference_gap", cagr=cagr, **common)
    target_year = int(rget(target, "year", DEFAULT_TARGET_YEAR) or DEFAULT_TARGET_YEAR)
    span = target_year - t0
    if span <= 0:
        return done("not_assessable", f"Målåret {target_year} ligger ikke efter basisåret {t0}.",
                    "reference_gap", cagr=cagr, **common)
    observed = move / (t - t0)
    needed = -gaps[t0] / span
    if needed <= 0:  # the gap was closed at the base year and has opened since
        ratio = -1.0 if observed < 0 else 0.0
    else:
        ratio = observed / needed
    status = _status_from_ratio(ratio)
    unit_pp = " procentpoint" if fmt.pct else ""
    reason = (f"{history}: {_num(observed, 2)}{unit_pp} pr. år, mens der kræves {_num(max(needed, 0), 2)}"
              f"{unit_pp} pr. år for at lukke afstanden i {target_year} (forholdstal {_num(ratio, 2)}).")
    common.update(target_year=target_year)
    return done(status, reason, "reference_gap", cagr=cagr, ratio=ratio, **common)

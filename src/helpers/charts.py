"""Altair charts for the goal pages: an indicator over time, an area comparison, a region map.

Every interactive control is a Vega-Lite parameter bound to an input, so it works on the static
site without a kernel:

* `omraade_valg`: legend-bound selection (click a legend entry; shift-click for several),
* `fra_aar` / `til_aar`: range sliders filtering the period,
* `visning`: radio buttons "Niveau" / "Indeks (basisår = 100)" / "Pr. 1.000 indbyggere",
  the index computed in Vega-Lite transforms (base = first year in the chosen range per area),
* `koen_valg` / `alder_valg`: select boxes when the data has more than one sex / age group.

Lines only join consecutive observations: every series is split into segments at a missing
year (quarter, month), and each segment is drawn as its own line, so a gap stays a gap.
Number formats are d3 format strings (",.1f"); the renderer's da-DK locale turns them into
Danish formats (29.993 and 3,5).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from helpers import areas as A
from helpers.notes import reader_note
from helpers.rank import BASIS_PER_1000, RankError, rank_indicator
from helpers.fmt import fmt_number, fmt_value, human_period, source_text, unit_label
from helpers.series import ANNUAL_TYPES, PERIOD_PREFERENCE, frame_of, is_projection, is_target_row, record_of, rget

# Charts follow the width of their column ("container"): no fixed 620 px scaled down on a phone.
WIDTH = "container"
MIN_SLIDER_PERIODS = 5   # a period slider only when the chart has at least this many periods
FONT = 12                # chart text in px, at any width (>= 11)
SPARSE_PERIODS = 2       # a line chart with at most this many periods labels every point
DEFAULT_SPAN = 25
SIZE_RATIO_FOR_INDEX = 20
HEIGHT = 320

MEASURE_LEVEL = "Niveau"
MEASURE_INDEX = "Indeks (basisår = 100)"
MEASURE_PER_1000 = "Pr. 1.000 indbyggere"

P_AREA = "omraade_valg"
P_FROM = "fra_aar"
P_TO = "til_aar"
P_MEASURE = "visning"
P_SEX = "koen_valg"
P_AGE = "alder_valg"

ATTRIBUTION = "Kommunegrænser: Geodatastyrelsen & Danske Kommuner (DAGI)"

POPULATION_ID = "population_total"


# Columns of the snapshot that travel with the chart rows (CSV download, tooltips).
PROVENANCE = ["publisher", "table", "source_url", "quote", "note", "retrieved", "origin"]


# ------------------------------------------------------------------ helpers
RANK_AXIS_TITLE = "Placering (nr. 1 er bedst)"


def is_rank(unit: str) -> bool:
    """Rank units ('rang', 'rang (af 17 ...)'): lower is better, so the value axis is reversed
    (best placement at the top / left) and an index view makes no sense."""
    return "rang" in str(unit or "").lower()


def value_format(decimals: int) -> str:
    return f",.{max(0, int(decimals))}f"


def _decimals(record, values=None) -> int:
    d = rget(record, "decimals", None)
    if d is not None:
        return int(d)
    if values is not None and len(values):
        return 0 if all(float(v).is_integer() for v in values) else 1
    return 1


def _source_text(publisher: str, table: str) -> str:
    publisher, table = str(publisher or ""), str(table or "")
    return f"{publisher}, tabel {table}" if table else publisher


def _area_labels(rows: pd.DataFrame) -> dict[str, str]:
    """Code -> Danish display label; labels made unique when two codes share a name."""
    labels: dict[str, str] = {}
    for code, name in zip(rows["area_code"].astype(str), rows["area_name"].astype(str)):
        if code not in labels:
            labels[code] = A.area_label(code, name)
    seen: dict[str, str] = {}
    for code in A.order_codes(labels):
        label = labels[code]
        if label in seen and seen[label] != code:
            labels[code] = f"{label} ({code})"
        seen.setdefault(labels[code], code)
    return labels


def _slot_order(types) -> dict[str, int]:
    counts = pd.Series(list(types)).value_counts()
    known = [k for k in counts.index if k in PERIOD_PREFERENCE]
    dominant = sorted(known, key=lambda k: (-counts[k], PERIOD_PREFERENCE.index(k)))[0] if known else None
    return {k: (0 if k == dominant else 1 + PERIOD_PREFERENCE.index(k)) for k in PERIOD_PREFERENCE}, dominant


def _desc(text: str) -> tuple:
    return tuple(-ord(ch) for ch in str(text)) + (1,)


@dataclass
class Prepared:
    """What a chart of one indicator is built from."""
    mode: str                      # "line", "bar" or "empty"
    rows: pd.DataFrame             # snapshot rows behind the chart (all snapshot columns)
    plot: pd.DataFrame             # compact frame embedded in the spec
    labels: dict = field(default_factory=dict)   # area code -> label
    order: list = field(default_factory=list)     # area labels in legend order
    colors: list = field(default_factory=list)
    sexes: list = field(default_factory=list)
    ages: list = field(default_factory=list)
    has_per_1000: bool = False
    decimals: int = 1
    unit: str = ""
    targets_only: bool = False


def _select_areas(frame: pd.DataFrame, record, areas) -> pd.DataFrame:
    """`areas` if given; else the record's comparison areas plus Sorø's local places (340:...),
    or every area when none of those has rows."""
    codes = frame["area_code"].astype(str)
    if areas is not None:
        return frame[codes.isin([str(a) for a in areas])]
    wanted = [str(a) for a in (rget(record, "comparison_areas", None) or [])]
    if not wanted:
        return frame
    mask = codes.isin(wanted) | codes.str.startswith(A.SORO + ":")
    return frame[mask] if mask.any() else frame


select_areas = _select_areas  # public for helpers.page's data tables (the same areas as the chart)


def _record_unit_rows(frame: pd.DataFrame, record) -> pd.DataFrame:
    """Rows in the record's unit when a series mixes units (e.g. pct and personer for the same
    period): one chart has one value axis. Unchanged when no row has the record's unit."""
    if "unit" not in frame or frame["unit"].astype(str).nunique() <= 1:
        return frame
    mask = frame["unit"].astype(str) == str(rget(record, "unit", "") or "")
    return frame[mask] if mask.any() else frame


def _dedupe(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per series and slot: per calendar year for annual series, else per period start.

    Within a slot the series' dominant period type wins, then the earliest period, then the most
    recently retrieved version, then the last origin (the rule helpers.progress uses)."""
    if rows.empty:
        return rows
    order, dominant = _slot_order(rows["period_type"].astype(str))
    fine = dominant in ("quarter", "month")
    work = rows.copy()
    work["_slot"] = work["period_start"].astype(str) if fine else work["period_start"].astype(str).str[:4]
    work["_rank"] = work["period_type"].astype(str).map(lambda k: order.get(k, 99))
    keys = []
    for rec in work.to_dict(orient="records"):
        keys.append((rec["_rank"], str(rec["period_start"]), str(rec["period"]),
                     _desc(rec.get("retrieved", "")), _desc(rec.get("origin", ""))))
    work["_key"] = keys
    work["_proj"] = work["note"].fillna("").astype(str).map(is_projection) if "note" in work else False
    group = ["area_code", "sex", "age", "_proj", "_slot"]
    work = work.sort_values(group + ["_key"], kind="stable")
    work = work.drop_duplicates(group, keep="first")
    return work.drop(columns=["_slot", "_rank", "_key", "_proj"])


def _segments(plot: pd.DataFrame) -> list[int]:
    """Segment ids: a new segment starts wherever a series skips a year (quarter, month)."""
    seg_ids = [0] * len(plot)
    next_id = 0
    series_cols = ["area_code", "koen", "alder", "fremskrivning"]
    for _key, group in plot.groupby(series_cols, sort=True):
        group = group.sort_values("start")
        prev = None
        for idx, rec in group.iterrows():
            if prev is None or not _consecutive(prev, rec):
                next_id += 1
            seg_ids[plot.index.get_loc(idx)] = next_id
            prev = rec
    return seg_ids


def _step_index(rec) -> tuple[str, int]:
    year, month = int(str(rec["start"])[:4]), int(str(rec["start"])[5:7])
    kind = rec["period_type"]
    if kind == "quarter":
        return "quarter", year * 4 + (month - 1) // 3
    if kind == "month":
        return "month", year * 12 + month - 1
    return "year", year


def _consecutive(a, b) -> bool:
    ka, ia = _step_index(a)
    kb, ib = _step_index(b)
    if ka == kb:
        return ib - ia <= 1
    return int(str(b["start"])[:4]) - int(str(a["start"])[:4]) <= 1


def _population_by_area_year(codes) -> dict[tuple[str, int], float]:
    """Population 1 January per (area, year) from the population_total snapshot, if any."""
    from helpers.catalog import UnknownIndicatorError
    from helpers.load import load_indicator
    from helpers.series import annual_series, choose_breakdown, usable_rows
    try:
        pop = load_indicator(POPULATION_ID)
    except UnknownIndicatorError:  # no population series: the per-1,000 view is left out
        return {}               # (a broken population file is an error, never a missing view)
    frame = frame_of(pop)
    result = {}
    for code in codes:
        for year, _p, value in annual_series(choose_breakdown(usable_rows(frame, code))):
            result[(code, year)] = value
    return result


PROJECTION_NOTE_DA = "Fremskrivning, ikke et målt tal."


def clean_note(note) -> str:
    return "" if note is None or (isinstance(note, float) and math.isnan(note)) else str(note)


def prepare(data, areas=None, population=None) -> Prepared:
    """Rows, compact plot frame and legend of an indicator chart (shared with the CSV link)."""
    record = record_of(data)
    frame = frame_of(data)
    unit = unit_label(rget(record, "unit", "") or (frame["unit"].iloc[0] if len(frame) and "unit" in frame else ""))
    if frame.empty:
        return Prepared("empty", frame, pd.DataFrame(), unit=unit)
    frame = _record_unit_rows(_select_areas(frame, record, areas), record)
    values = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame[values.notna()]
    # A target is drawn as a target line or marker, never as a data point or bar: target rows are
    # left out, unless the indicator is nothing but targets (then they are drawn as target markers).
    targets_only = False
    if "note" in frame and len(frame):
        is_target = frame["note"].fillna("").astype(str).map(is_target_row)
        targets_only = bool(is_target.all())
        if not targets_only:
            frame = frame[~is_target]
    if frame.empty:
        return Prepared("empty", frame, pd.DataFrame(), unit=unit)

    timed = frame[frame["period_type"].astype(str).isin(ANNUAL_TYPES)
                  & frame["period_start"].astype(str).str.match(r"^[0-9]{4}-")]
    if timed.empty or timed["period_start"].nunique() < 2:
        mode, rows = "bar", _latest_per_area(frame)
    else:
        mode, rows = "line", _dedupe(timed)
    if targets_only:  # one marker per target; goals get no time axis
        mode, rows = "bar", _latest_per_area(frame)

    rows = rows.sort_values(["area_code", "period_start", "period", "sex", "age", "origin"], kind="stable")
    labels = _area_labels(rows)
    codes = A.order_codes(labels)
    decimals = _decimals(record, rows["value"])

    plot = pd.DataFrame({
        "area_code": rows["area_code"].astype(str).values,
        "omraade": [labels[c] for c in rows["area_code"].astype(str)],
        "periode": rows["period"].astype(str).values,
        "period_type": rows["period_type"].astype(str).values,
        "start": rows["period_start"].astype(str).values,
        "vaerdi": pd.to_numeric(rows["value"]).values,
        "enhed": [unit_label(u) for u in rows["unit"].astype(str)] if "unit" in rows else unit,
        "koen": rows["sex"].astype(str).values if "sex" in rows else "i alt",
        "alder": rows["age"].astype(str).values if "age" in rows else "i alt",
        "kilde": [source_text(p, t, k, v) for p, t, k, v in zip(
            rows["publisher"], rows["table"], rows["source_kind"] if "source_kind" in rows else [""] * len(rows),
            rows["via"] if "via" in rows else [""] * len(rows))],
        # Tooltips show Danish notes only (helpers.notes); the harvest's English notes stay in the data.
        # Where no Danish note is written, a projection still says so (from the row's projection flag,
        # helpers.progress.is_projection), since a reader must not take it for a measured number.
        "note": [reader_note(n, d) or (PROJECTION_NOTE_DA if is_projection(clean_note(n)) else "")
                 for n, d in zip(rows["note"] if "note" in rows else [""] * len(rows),
                                 rows["note_da"] if "note_da" in rows else [None] * len(rows))],
        "fremskrivning": rows["note"].fillna("").astype(str).map(is_projection).values if "note" in rows else False,
    })
    plot["periode"] = [human_period(p) for p in plot["periode"]]
    plot["aar"] = [int(s[:4]) if s[:4].isdigit() else None for s in plot["start"]]
    plot["ts"] = [int(s.replace("-", "")) if len(s) == 10 else None for s in plot["start"]]

    has_per_1000 = False
    measures = list(rget(record, "measures", []) or [])
    if mode == "line" and "per_1000" in measures and rget(record, "id", "") != POPULATION_ID:
        pop = population if population is not None else _population_by_area_year(codes)
        per = [(v / pop[(c, y)] * 1000.0) if (c, y) in pop and pop[(c, y)] else None
               for c, y, v in zip(plot["area_code"], plot["aar"], plot["vaerdi"])]
        if any(p is not None for p in per):
            plot["pr1000"] = per
            has_per_1000 = True

    if mode == "line":
        plot["seg"] = _segments(plot)
    sexes = sorted(plot["koen"].unique(), key=lambda s: (s != "i alt", s))
    ages = sorted(plot["alder"].unique(), key=lambda s: (s != "i alt", s))
    order = [labels[c] for c in codes]
    return Prepared(mode, rows, plot, labels, order, A.colors_for(codes), sexes, ages,
                    has_per_1000, decimals, unit, targets_only)


def _latest_per_area(frame: pd.DataFrame) -> pd.DataFrame:
    """For bar charts: per area (and breakdown) the row with the latest period end."""
    work = frame.copy()
    work["_end"] = work["period_end"].astype(str)
    work["_key"] = [(_desc(r), _desc(o)) for r, o in zip(work.get("retrieved", ""), work["origin"])]
    work = work.sort_values(["area_code", "sex", "age", "_end", "_key"], ascending=[True, True, True, False, True],
                            kind="stable")
    work = work.drop_duplicates(["area_code", "sex", "age"], keep="first")
    return work.drop(columns=["_end", "_key"])


def chart_rows(data, areas=None) -> pd.DataFrame:
    """The snapshot rows behind `indicator_chart(data, areas)`, in snapshot order."""
    return prepare(data, areas).rows.reset_index(drop=True)


# ------------------------------------------------------------------ shared source texts
SOURCE_KEY = "ki"


def _source_lookup(plot: pd.DataFrame) -> tuple[pd.DataFrame, alt.LookupData | None]:
    """The tooltip's source and note once per distinct pair, not once per row.

    A source text ("Styrelsen for ...: Jobindsats.dk, tabel y25i01 (offentlig kopi ...; via ...)")
    is some 250 characters and the same on hundreds of rows: repeated on every row it was most of a
    goal page's weight. The rows get a small key; a lookup transform brings `kilde` and `note` back
    before anything reads them, so tooltips are unchanged."""
    if "kilde" not in plot or "note" not in plot:
        return plot, None
    pairs = list(dict.fromkeys(zip(plot["kilde"], plot["note"])))
    index = {pair: i for i, pair in enumerate(pairs)}
    out = plot.drop(columns=["kilde", "note"])
    out[SOURCE_KEY] = [index[pair] for pair in zip(plot["kilde"], plot["note"])]
    table = alt.LookupData(data=alt.InlineData(values=[{SOURCE_KEY: i, "kilde": k, "note": n}
                                                       for i, (k, n) in enumerate(pairs)]),
                           key=SOURCE_KEY, fields=["kilde", "note"])
    return out, table


def _chart_with_sources(plot: pd.DataFrame) -> alt.Chart:
    """alt.Chart(plot) whose rows carry `kilde` and `note` through one shared lookup table."""
    compact, table = _source_lookup(plot)
    chart = alt.Chart(compact)
    return chart.transform_lookup(lookup=SOURCE_KEY, from_=table) if table is not None else chart


# ------------------------------------------------------------------ Sorø among the 98
def rank_subtitle(data, periods=None) -> str:
    """"Sorø er nr. 23 af 98 kommuner (2024; nr. 1 har den højeste værdi)" for a chart that shows few
    values per area, so a single value is read against every municipality, not only the shown
    neighbours. The place comes from helpers.rank (the period among `periods`, the published
    labels the chart shows, else the latest comparable one); '' when the data do not hold 90+
    municipalities in a period."""
    try:
        ranked = rank_indicator(data)
    except RankError:
        return ""
    if ranked is None:
        return ""
    shown = [p for p in ranked.periods if periods and p.period in set(map(str, periods))]
    period = shown[-1] if shown else ranked.latest
    when = human_period(period.period)
    if period.place is None:
        return f"Sorø: ingen værdi i {when}; {period.n} kommuner har en værdi."
    order = {"up": "nr. 1 har den højeste værdi", "down": "nr. 1 har den laveste værdi"}.get(
        ranked.direction, "nr. 1 har den højeste værdi; ingen retning er bedre")
    per = ", regnet pr. 1.000 indbyggere" if ranked.basis == BASIS_PER_1000 else ""
    shared = f", {period.shared_text}" if period.shared_text else ""
    return f"Sorø er nr. {period.place} af {period.n} kommuner i {when} ({order}{shared}{per})."


def _titled(chart, title: str | None, subtitle: str = ""):
    if not title and not subtitle:
        return chart
    # Two subtitle lines (the place, then how to read it), so a phone-wide chart does not cut it off.
    head, sep, rest = (subtitle or "").partition(" (")
    lines = [head, "(" + rest] if sep else ([head] if head else alt.Undefined)
    return chart.properties(title=alt.Title(title or "", subtitle=lines, anchor="start", subtitleColor="#333"))


# ------------------------------------------------------------------ main chart
def _empty_chart(message: str, title: str | None) -> alt.Chart:
    chart = alt.Chart(pd.DataFrame({"tekst": [message]})).mark_text(size=14, color="#444").encode(
        text="tekst:N").properties(width=WIDTH, height=60)
    return chart.properties(title=title) if title else chart


def _target_frame(record, prep: Prepared) -> pd.DataFrame | None:
    """One row (start, vist, etiket) for the record's target, or None."""
    target = rget(record, "target", None)
    if not target:
        return None
    kind = rget(target, "kind", None)
    year = rget(target, "year", None)
    value = rget(target, "value", None)
    if year is None or value is None:
        return None
    if kind == "level":
        target_value = float(value)
    elif kind == "change_from_base":
        base_year = rget(target, "base_year", None)
        soro = prep.plot[(prep.plot["area_code"] == A.SORO) & (prep.plot["aar"] == base_year)
                         & (prep.plot["koen"] == prep.sexes[0]) & (prep.plot["alder"] == prep.ages[0])]
        if base_year is None or soro.empty:
            return None
        target_value = float(soro.sort_values("ts")["vaerdi"].iloc[0]) * (1 + float(value) / 100.0)
    else:
        return None
    unit = prep.unit
    label = f"Mål {int(year)}: {fmt_number(target_value, prep.decimals)}{' ' + unit if unit else ''}"
    return pd.DataFrame({"start": [f"{int(year)}-01-01"], "vist": [target_value], "etiket": [label],
                         "maal_aar": [int(year)]})


def indicator_chart(data, areas=None, measure_options=True, title=None, population=None) -> alt.Chart:
    """The main chart of an indicator over time (or a bar chart when it has no time axis)."""
    record = record_of(data)
    prep = prepare(data, areas, population=population)
    title = title if title is not None else rget(record, "title", None)
    if prep.mode == "empty":
        return _empty_chart("Ingen tal at vise", title)
    if prep.mode == "bar":
        return _bar_from_prepared(prep, title, rank_subtitle(data, set(prep.rows["period"].astype(str))))

    plot = prep.plot.copy()
    fmt = value_format(prep.decimals)
    keep = ["omraade", "periode", "start", "aar", "ts", "vaerdi", "enhed", "kilde", "note", "seg"]
    if prep.has_per_1000:
        keep.append("pr1000")
    multi_sex, multi_age = len(prep.sexes) > 1, len(prep.ages) > 1
    if multi_sex:
        keep.append("koen")
    if multi_age:
        keep.append("alder")
    projections = bool(plot["fremskrivning"].any())
    if projections:
        plot["type"] = plot["fremskrivning"].map({True: "fremskrivning", False: "observation"})
        keep.append("type")
    plot = plot[keep]

    years = sorted({int(y) for y in plot["aar"]})
    y0, y1 = min(years), max(years)
    # Long histories (censuses back to 1787) would squash the recent years: the shown period starts
    # at most DEFAULT_SPAN years back. The sliders span the chart's own years and appear only when
    # there are at least MIN_SLIDER_PERIODS of them; crossed thumbs still show the years between
    # them (min/max), so no slider position empties the chart.
    first = max(y0, y1 - DEFAULT_SPAN)
    if len(years) >= MIN_SLIDER_PERIODS:
        params = [
            alt.param(name=P_FROM, value=first, bind=alt.binding_range(min=y0, max=y1, step=1, name="Fra år ")),
            alt.param(name=P_TO, value=y1, bind=alt.binding_range(min=y0, max=y1, step=1, name="Til år ")),
        ]
    else:
        params = [alt.param(name=P_FROM, value=y0), alt.param(name=P_TO, value=y1)]
    options = [MEASURE_LEVEL]
    rank = is_rank(prep.unit)
    if measure_options and not rank:
        options.append(MEASURE_INDEX)
        if prep.has_per_1000:
            options.append(MEASURE_PER_1000)
    if len(options) > 1:
        params.append(alt.param(name=P_MEASURE, value=default_measure(plot, options),
                                bind=alt.binding_radio(options=options, name="Vis ")))
    if multi_sex:
        params.append(alt.param(name=P_SEX, value=prep.sexes[0],
                                bind=alt.binding_select(options=prep.sexes, name="Køn ")))
    if multi_age:
        params.append(alt.param(name=P_AGE, value=prep.ages[0],
                                bind=alt.binding_select(options=prep.ages, name="Alder ")))

    group = ["omraade"] + (["koen"] if multi_sex else []) + (["alder"] if multi_age else [])
    base = _chart_with_sources(plot).transform_filter(
        f"datum.aar >= min({P_FROM}, {P_TO}) && datum.aar <= max({P_FROM}, {P_TO})")
    if multi_sex:
        base = base.transform_filter(f"datum.koen === {P_SEX}")
    if multi_age:
        base = base.transform_filter(f"datum.alder === {P_AGE}")
    if len(options) > 1:
        # One common base period for every shown area: the first period in the chosen range for
        # which every area has a value (the latest of the areas' first periods), so index 100
        # means the same period on every line. The axis title names it.
        base = (base
                .transform_joinaggregate(forste_ts="min(ts)", groupby=group)
                .transform_joinaggregate(basis_ts="max(forste_ts)")
                .transform_calculate(basis_kand="datum.ts === datum.basis_ts ? datum.vaerdi : null",
                                     basis_periode="datum.ts === datum.basis_ts ? datum.periode : ''")
                .transform_joinaggregate(basis="max(basis_kand)", groupby=group)
                .transform_calculate(vist=(
                    f"{P_MEASURE} === '{MEASURE_INDEX}' ? "
                    f"(datum.basis > 0 && datum.ts >= datum.basis_ts ? datum.vaerdi / datum.basis * 100 : null) : "
                    + (f"{P_MEASURE} === '{MEASURE_PER_1000}' ? datum.pr1000 : " if prep.has_per_1000 else "")
                    + "datum.vaerdi")))
    else:
        base = base.transform_calculate(vist="datum.vaerdi")
    base = base.transform_calculate(fremhaev=f"datum.omraade === '{A.AREA_NAMES[A.SORO]}' ? 'ja' : 'nej'")

    area_sel = alt.selection_point(name=P_AREA, fields=["omraade"], bind="legend")
    color = alt.Color("omraade:N", title="Område",
                      scale=alt.Scale(domain=prep.order, range=prep.colors),
                      legend=alt.Legend(orient="bottom", columns=alt.ExprRef("width < 420 ? 2 : 4"), symbolType="stroke",
                                        symbolStrokeWidth=3, labelLimit=160))
    # Short spans: one tick per year, so a year label is never repeated ("2015 2015 2016").
    ticks = alt.TimeIntervalStep(interval="year", step=1) if y1 - y0 < 6 else 6
    x = alt.X("start:T", title=None, axis=alt.Axis(format="%Y", labelAngle=0, tickCount=ticks))
    y_title = RANK_AXIS_TITLE if rank else (prep.unit or "Værdi")
    # An axis title cannot follow a parameter; with a measure choice a text mark above the plot
    # names what the y axis shows.
    # A rank is a whole number: no "41,5" ticks between places.
    y_axis = alt.Axis(format="d", tickMinStep=1) if rank else alt.Axis(format=",~f")
    y = alt.Y("vist:Q", title=None if len(options) > 1 else y_title, axis=y_axis,
              scale=alt.Scale(zero=prep.unit == "%" and not rank, reverse=rank))
    tooltip = [
        alt.Tooltip("omraade:N", title="Område"),
        alt.Tooltip("periode:N", title="Periode"),
        alt.Tooltip("vaerdi:Q", title="Værdi", format=fmt),
        alt.Tooltip("enhed:N", title="Enhed"),
    ]
    if multi_sex:
        tooltip.append(alt.Tooltip("koen:N", title="Køn"))
    if multi_age:
        tooltip.append(alt.Tooltip("alder:N", title="Alder"))
    if len(options) > 1:
        tooltip.append(alt.Tooltip("vist:Q", title="Vist på aksen", format=",.1f"))
    tooltip += [alt.Tooltip("kilde:N", title="Kilde"), alt.Tooltip("note:N", title="Note")]
    opacity = alt.condition(area_sel, alt.value(1.0), alt.value(0.15))

    line_enc = dict(x=x, y=y, color=color, detail="seg:N", opacity=opacity,
                    strokeWidth=alt.StrokeWidth("fremhaev:N", scale=alt.Scale(domain=["ja", "nej"], range=[3.5, 1.6]),
                                                legend=None))
    if projections:
        line_enc["strokeDash"] = alt.StrokeDash("type:N", title="Type",
                                                scale=alt.Scale(domain=["observation", "fremskrivning"],
                                                                range=[[1, 0], [5, 4]]))
    lines = base.mark_line(interpolate="linear").encode(**line_enc).add_params(area_sel)
    points = base.mark_point(filled=True, opacity=1).encode(
        x=x, y=y, color=color, opacity=opacity, tooltip=tooltip,
        size=alt.Size("fremhaev:N", scale=alt.Scale(domain=["ja", "nej"], range=[70, 35]), legend=None))
    layers = [lines, points]
    sparse = len(set(plot["start"])) <= SPARSE_PERIODS
    if sparse:
        # Two periods make two dots a line: each value is written at its dot, so the chart reads as
        # a labelled comparison of the areas, and the subtitle places Sorø among all municipalities.
        layers.append(base.mark_text(dy=-11, fontSize=FONT).encode(
            x=x, y=y, color=alt.Color("omraade:N", legend=None, scale=alt.Scale(domain=prep.order, range=prep.colors)),
            opacity=opacity, text=alt.Text("vist:Q", format=fmt)))
    if len(options) > 1:
        # The y axis title, naming the index's common base period ("Indeks (2015 = 100)").
        akse = (f"{P_MEASURE} === '{MEASURE_INDEX}' ? 'Indeks (' + datum.basis_periode + ' = 100)' : "
                f"{P_MEASURE} === '{MEASURE_LEVEL}' ? '{_js(y_title)}' : {P_MEASURE}")
        layers.append(base.transform_filter("datum.ts === datum.basis_ts")
                      .transform_window(nr="row_number()").transform_filter("datum.nr === 1")
                      .transform_calculate(akse=akse)
                      .mark_text(align="left", baseline="bottom", fontSize=FONT, color="#333", dy=-6)
                      .encode(x=alt.value(0), y=alt.value(0), text="akse:N"))
    if multi_sex or multi_age:
        layers.append(_empty_choice_layer(plot, prep, years, multi_sex, multi_age))

    target = _target_frame(record, prep)
    if target is not None:
        tbase = alt.Chart(target)
        if len(options) > 1:
            tbase = tbase.transform_filter(f"{P_MEASURE} === '{MEASURE_LEVEL}'")
        ty = alt.Y("vist:Q", type="quantitative")
        layers.append(tbase.mark_rule(strokeDash=[6, 4], color="#555", strokeWidth=1.2).encode(y=ty))
        layers.append(tbase.mark_point(shape="diamond", filled=True, size=110, color="#333").encode(
            x=alt.X("start:T"), y=ty,
            tooltip=[alt.Tooltip("etiket:N", title="Mål")]))
        layers.append(tbase.mark_text(align="right", dx=-8, dy=-10, color="#333", fontWeight="bold").encode(
            x=alt.X("start:T"), y=ty, text="etiket:N"))

    chart = alt.layer(*layers).add_params(*params).properties(width=WIDTH, height=HEIGHT)
    return _titled(chart, title, rank_subtitle(data, set(prep.rows["period"].astype(str))) if sparse else "")


def _empty_choice_layer(plot, prep, years, multi_sex, multi_age) -> alt.Chart:
    """A Danish message where a choice of sex/age (and period) has no numbers: one row per
    combination and year, the chosen ones aggregated, the text shown when none has a value."""
    have = set(zip(plot.get("koen", pd.Series(["i alt"] * len(plot))), plot.get("alder", pd.Series(["i alt"] * len(plot))),
                   plot["aar"]))
    rows = []
    for s in (prep.sexes if multi_sex else ["i alt"]):
        for a in (prep.ages if multi_age else ["i alt"]):
            for y in range(min(years), max(years) + 1):
                rows.append({"koen": s, "alder": a, "aar": y, "har": int((s, a, y) in have)})
    frame = pd.DataFrame(rows)
    chosen = [f"datum.aar >= min({P_FROM}, {P_TO}) && datum.aar <= max({P_FROM}, {P_TO})"]
    if multi_sex:
        chosen.append(f"datum.koen === {P_SEX}")
    if multi_age:
        chosen.append(f"datum.alder === {P_AGE}")
    return (alt.Chart(frame).transform_filter(" && ".join(chosen))
            .transform_aggregate(har="max(har)").transform_filter("datum.har === 0")
            .transform_calculate(tekst="'Ingen tal for dette valg af køn og alder i perioden. Vælg en anden kombination.'")
            .mark_text(align="left", baseline="top", fontSize=FONT + 1, color="#222", fontWeight="bold")
            .encode(x=alt.value(8), y=alt.value(12), text="tekst:N"))


def default_measure(plot: pd.DataFrame, options: list[str]) -> str:
    """'Niveau', unless the areas differ so much in size (Hele landet vs a municipality: median
    levels more than 20 times apart) that only an index makes the lines comparable."""
    if MEASURE_INDEX not in options:
        return MEASURE_LEVEL
    medians = plot.groupby("omraade")["vaerdi"].median().abs()
    medians = medians[medians > 0]
    if len(medians) >= 2 and medians.max() / medians.min() > SIZE_RATIO_FOR_INDEX:
        return MEASURE_INDEX
    return MEASURE_LEVEL


def _js(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("'", "\\'")


# ------------------------------------------------------------------ comparison bars
def _bar_from_prepared(prep: Prepared, title: str | None, subtitle: str = "") -> alt.Chart:
    plot = prep.plot.copy()
    multi = len(prep.sexes) > 1 or len(prep.ages) > 1
    if multi:
        plot["gruppe"] = [f"{s}, {a}" if a != "i alt" else s for s, a in zip(plot["koen"], plot["alder"])]
    keep = ["omraade", "periode", "vaerdi", "enhed", "kilde", "note"] + (["gruppe"] if multi else [])
    plot = plot[keep]
    fmt = value_format(prep.decimals)
    color = alt.Color("omraade:N", title="Område", legend=None,
                      scale=alt.Scale(domain=prep.order, range=prep.colors))
    y = alt.Y("omraade:N", title=None, sort=prep.order)
    tooltip = [alt.Tooltip("omraade:N", title="Område"), alt.Tooltip("periode:N", title="Periode"),
               alt.Tooltip("vaerdi:Q", title="Værdi", format=fmt), alt.Tooltip("enhed:N", title="Enhed"),
               alt.Tooltip("kilde:N", title="Kilde"), alt.Tooltip("note:N", title="Note")]
    base = _chart_with_sources(plot).transform_calculate(
        fremhaev=f"datum.omraade === '{A.AREA_NAMES[A.SORO]}' ? 'ja' : 'nej'",
        etiket="datum.periode === 'uden dato' ? '' : datum.periode")
    x_title = f"{prep.unit}: nr. 1 er bedst (kort søjle = god placering)" if is_rank(prep.unit) else (prep.unit or "Værdi")
    enc = dict(y=y, x=alt.X("vaerdi:Q", title=x_title, axis=alt.Axis(format=",~f")),
               color=color, tooltip=tooltip)
    if multi:
        enc["yOffset"] = alt.YOffset("gruppe:N", title="Gruppe")
    if prep.targets_only:  # goals, not measurements: a target marker with its label, no bar
        enc["x"] = alt.X("vaerdi:Q", title=f"Mål ({x_title})", axis=alt.Axis(format=",~f"), scale=alt.Scale(zero=True))
        marks = base.mark_point(shape="diamond", filled=True, size=180, color="#333").encode(
            **{k: v for k, v in enc.items() if k != "color"})
        labels = base.transform_calculate(maal="'Mål ' + datum.periode + ': ' + format(datum.vaerdi, '" + fmt + "')").mark_text(
            align="left", dx=10, color="#222", fontSize=FONT).encode(
            y=y, x=alt.X("vaerdi:Q"), text="maal:N", **({"yOffset": alt.YOffset("gruppe:N")} if multi else {}))
        rows = len(prep.order) * (len(plot) // max(1, len(prep.order)) if multi else 1)
        chart = alt.layer(marks, labels).properties(width=WIDTH, height=max(60, 28 * max(rows, len(prep.order))))
        return chart.properties(title=alt.Title(title, anchor="start")) if title else chart
    bars = base.mark_bar().encode(
        **enc,
        stroke=alt.condition("datum.fremhaev === 'ja'", alt.value("#222"), alt.value(None)),
        strokeWidth=alt.condition("datum.fremhaev === 'ja'", alt.value(1.5), alt.value(0)))
    labels = base.mark_text(align="left", dx=4, color="#222", fontSize=FONT).encode(
        y=y, x=alt.X("vaerdi:Q"), text=alt.Text("vaerdi:Q", format=fmt),
        **({"yOffset": alt.YOffset("gruppe:N")} if multi else {}))
    rows = len(prep.order) * (len(plot) // max(1, len(prep.order)) if multi else 1)
    chart = alt.layer(bars, labels).properties(width=WIDTH, height=max(60, 28 * max(rows, len(prep.order))))
    return _titled(chart, title, subtitle)


def compare_rows(data, areas=None) -> pd.DataFrame:
    """The snapshot rows behind `bar_compare_chart(data, areas)`: the latest row per area."""
    record, frame = record_of(data), frame_of(data)
    if frame.empty:
        return frame
    frame = _record_unit_rows(_select_areas(frame, record, areas), record)
    frame = frame[pd.to_numeric(frame["value"], errors="coerce").notna()]
    return _latest_per_area(frame) if len(frame) else frame


def bar_compare_chart(data, areas=None, title=None) -> alt.Chart:
    """Horizontal bars: the latest value of each area (for indicators with one period)."""
    record = record_of(data)
    frame = frame_of(data)
    title = title if title is not None else rget(record, "title", None)
    if frame.empty:
        return _empty_chart("Ingen tal at vise", title)
    frame = compare_rows(data, areas)
    if frame.empty:
        return _empty_chart("Ingen tal at vise", title)

    class _D:  # a one-off IndicatorData-like holder with only the latest row per area
        pass
    holder = _D()
    holder.record = record
    holder.data = frame
    prep = prepare(holder)
    if prep.mode == "line":  # latest rows of different periods: still a comparison
        prep.mode = "bar"
    return _bar_from_prepared(prep, title, rank_subtitle(data, set(frame["period"].astype(str))))


# ------------------------------------------------------------------ map
def map_chart(values_frame: pd.DataFrame, geo=None, title=None, value_title="Værdi", unit="",
              decimals=1) -> alt.LayerChart | alt.VConcatChart:
    """Region Sjælland map coloured by `values_frame` (columns area_code, value; optional period).

    `geo` is the simplified GeoJSON FeatureCollection (default: helpers.geo.load_region())."""
    if geo is None:
        from helpers.geo import load_region
        geo = load_region()
    frame = values_frame.copy()
    frame["area_code"] = frame["area_code"].astype(str)
    features = []
    values = dict(zip(frame["area_code"], pd.to_numeric(frame["value"], errors="coerce")))
    periods = dict(zip(frame["area_code"], frame["period"].astype(str))) if "period" in frame else {}
    for feat in geo["features"]:
        props = dict(feat["properties"])
        code = str(props.get("code"))
        v = values.get(code)
        props["vaerdi"] = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
        props["periode"] = periods.get(code, "")
        props["navn"] = props.get("name", code)
        props["vaerdi_tekst"] = "ingen data" if props["vaerdi"] is None else fmt_value(props["vaerdi"], decimals, unit)
        features.append({"type": "Feature", "geometry": feat["geometry"], "properties": props})
    data = alt.Data(values=features, format=alt.DataFormat(type="json"))

    fill = alt.condition("!isValid(datum.properties.vaerdi)", alt.value("#d9d9d9"),  # grey: ingen data
                         alt.Color("properties.vaerdi:Q", title=f"{value_title}{' (' + unit + ')' if unit else ''}",
                                   scale=alt.Scale(scheme="blues"),
                                   legend=alt.Legend(format=",~f", orient="bottom", gradientLength=200)))
    # invalid=None: municipalities without a value are drawn (grey, "ingen data"), not dropped.
    base = alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=0.7, invalid=None).encode(
        color=fill,
        tooltip=[alt.Tooltip("properties.navn:N", title="Kommune"),
                 alt.Tooltip("properties.periode:N", title="Periode"),
                 alt.Tooltip("properties.vaerdi_tekst:N", title=value_title)],
    ).project(type="mercator")
    soro = alt.Chart(data).transform_filter(f"datum.properties.code === '{A.SORO}'").mark_geoshape(
        fill=None, stroke=A.SORO_COLOR, strokeWidth=2.5).project(type="mercator")
    from helpers.geo import label_points
    lon, lat = label_points(geo).get(A.SORO, (None, None))
    layers = [base, soro]
    if lon is not None:
        layers.append(alt.Chart(alt.Data(values=[{"lon": lon, "lat": lat, "t": "Sorø"}])).mark_text(
            fontWeight="bold", color="#222", fontSize=FONT).encode(
            longitude="lon:Q", latitude="lat:Q", text="t:N").project(type="mercator"))
    # Width follows the column (the projection fits it); the attribution and "grå: ingen data" are in
    # the caption under the map (helpers.page.map_block), in page text rather than shrinking chart text.
    any_missing = any(f["properties"]["vaerdi"] is None for f in features)
    note_text = ("Grå: ingen data. " if any_missing else "") + ATTRIBUTION
    layered = alt.layer(*layers).properties(width=WIDTH, height=420, title=alt.Title(
        title or "", subtitle=note_text, anchor="start", subtitleColor="#444"))
    return layered.configure_view(stroke=None)

"""Sorø among all 98 municipalities: what the pages show (the rules are in helpers.rank).

    from helpers import compare
    compare.rank_block("employment_rate")     # goal page: place, median, change + distribution
    compare.rank_cell("employment_rate")      # scorecard cell: "nr. 23 af 98 (2024)" or ""
    compare.comparison_page()                 # "Sorø på kortet": picker, map, distribution, rank

The comparison page is one Vega view for the map and the distribution plus one for Sorø's rank
over time. Their data hold every comparable indicator and period at once (one array of values
and one of places per municipality, indexed by a "slot" = indicator and period), so choosing an
indicator only changes signals: nothing is re-embedded and the map geometry
(_static/kommuner.topojson) is fetched once. A small inline script fills the two drop-downs
(indicators grouped by theme), sets the signals, writes the rank text and keeps the choice in the
URL hash (#indikator=<id>&periode=<period>), so a view can be linked to. Places are computed in
Python (helpers.rank), never in the browser.

Display helpers come from helpers.markup (Html, STYLE, esc, the CSV) and helpers.fmt (numbers), both
below this module: helpers.page imports this module, never the other way round.
"""
from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from helpers import areas as A
from helpers import denmark
from helpers.charts import unit_label
from helpers.rank import BASIS_PER_1000, NO_VALUE_DA, IndicatorRank, comparable_indicators, rank_indicator

PAGE = "chapters/kort"
ROOT_ID = "v26-compare"
NEIGHBOURS = A.NEIGHBOURS
NEIGHBOUR_COLOR = "#333333"
OTHER_COLOR = "#9a9a9a"
MISSING_FILL = "#e3e3e3"
SCHEME = "blues"          # ColorBrewer single-hue: readable with every common colour-vision deficiency
MAP_WIDTH, MAP_HEIGHT = 380, 300
STRIP_WIDTH, STRIP_HEIGHT = 380, 120
HISTORY_WIDTH, HISTORY_HEIGHT = 380, 110

# The view the page opens with: the headline of a goal with a target a reader can check on a map
# ("beskæftigelsen på eller over landsgennemsnittet"); the first indicator when it is not comparable.
DEFAULT_INDICATOR = "employment_rate_16_64"

KIND_SORO, KIND_NEIGHBOUR, KIND_DENMARK, KIND_OTHER = "Sorø", "Nabokommune", "Hele landet", "Øvrige kommuner"


# ------------------------------------------------------------------ text
def _fmt(x, decimals, unit) -> str:
    from helpers.fmt import fmt_value
    return fmt_value(x, decimals, unit)


def _number_format(decimals: int) -> str:
    return f",.{max(0, int(decimals))}f"


def _suffix(unit: str) -> str:
    u = unit_label(unit)
    return "" if not u or u.lower() == "antal" else f" {u}"


def direction_text(ranked: IndicatorRank, with_map: bool = True) -> str:
    if ranked.direction in ("up", "down"):
        word = "højeste" if ranked.direction == "up" else "laveste"
        better = "højere" if ranked.direction == "up" else "lavere"
        text = f"Nr. 1 er kommunen med den {word} værdi ({better} er bedre)."
        return text + (" På kortet er mørkere bedre." if with_map else "")
    return ("Ingen retning er bedre for dette tal: nr. 1 er blot kommunen med den højeste værdi."
            + (" På kortet er mørkere højere." if with_map else ""))


def basis_text(ranked: IndicatorRank) -> str:
    if ranked.basis == BASIS_PER_1000:
        return ("Tallet er et antal, så det er omregnet til pr. 1.000 indbyggere med kommunens folketal "
                "1. januar samme år; ellers ville store kommuner altid ligge øverst.")
    return "Tallet er en andel, en rate eller et gennemsnit og sammenlignes, som det er."


def _change_text(ranked: IndicatorRank, period) -> str:
    first = ranked.first
    if first is None or period.place is None or first.period_start >= period.period_start:
        return ""
    gained = first.place - period.place
    if gained == 0:
        return f" Samme placering som i {first.period} (nr. {first.place} af {first.n})."
    word = "plads" if abs(gained) == 1 else "pladser"
    way = "frem" if gained > 0 else "tilbage"
    return f" Siden {first.period} (nr. {first.place} af {first.n}): {abs(gained)} {word} {way}."


def period_text(ranked: IndicatorRank, period) -> str:
    """One Danish sentence group about Sorø in one period (numbers from helpers.rank)."""
    d, unit = ranked.decimals, ranked.unit
    if period.place is None:
        text = f"Sorø: {NO_VALUE_DA} i {period.period}; {period.n} kommuner har en værdi."
    else:
        text = f"Sorø: {period.place_text} i {period.period} ({_fmt(period.value, d, unit)})."
    text += f" Medianen for kommunerne: {_fmt(period.median, d, unit)}."
    if period.reference is not None:
        text += f" Hele landet: {_fmt(period.reference, d, unit)}."
    if period.missing:
        names = denmark.municipality_names()
        text += f" {NO_VALUE_DA.capitalize()}: {', '.join(names.get(c, c) for c in period.missing)}."
    return text + _change_text(ranked, period)


# ------------------------------------------------------------------ data for the specs
def _short(x, decimals: int) -> float | int | None:
    """The value as the page shows it: rounded to the indicator's decimals (the tooltip's
    format), a whole number without '.0'. The page embeds 98 municipalities x every period of
    every indicator, so each extra digit costs tens of kilobytes; places come from Python
    (helpers.rank, on the unrounded values), not from these values."""
    if x is None or pd.isna(x):
        return None
    shown = round(float(x), max(0, int(decimals)))
    return int(shown) if shown.is_integer() else shown


def _kind(code: str) -> str:
    if code == A.SORO:
        return KIND_SORO
    if code in NEIGHBOURS:
        return KIND_NEIGHBOUR
    if code == A.DENMARK:
        return KIND_DENMARK
    return KIND_OTHER


def payload(ranks: list[IndicatorRank]) -> tuple[list[dict], list[dict], list[tuple[int, str]]]:
    """(rows, history, slots): one row per municipality + Hele landet with `v` (values) and `r`
    (places) indexed by slot; Sorø's place per indicator and period; slot -> (indicator, period)."""
    names = denmark.municipality_names()
    codes = sorted(names) + [A.DENMARK]
    values = {c: [] for c in codes}
    places = {c: [] for c in codes}
    slots, history = [], []
    for i, ranked in enumerate(ranks):
        for p in ranked.periods:
            sub = ranked.rows[ranked.rows["period"] == p.period]
            got = {str(c): (v, r) for c, v, r in zip(sub["area_code"], sub["value"], sub["place"])}
            for code in codes:
                v, r = got.get(code, (None, None))
                values[code].append(_short(v, ranked.decimals))
                places[code].append(None if r is None or pd.isna(r) else int(r))
            slots.append((i, p.period))
            if p.place is not None:
                history.append({"i": i, "p": p.period, "s": p.period_start, "r": p.place, "n": p.n})
    rows = [{"c": c, "n": names.get(c, A.area_label(c)), "k": _kind(c), "v": values[c], "r": places[c]}
            for c in codes]
    return rows, history, slots


# ------------------------------------------------------------------ specs
def _current():
    # The value and place of the chosen slot; counted among the municipalities with a value.
    return [
        {"filter": f"datum.c !== '{A.DENMARK}'"},
        {"calculate": "datum.v[slot]", "as": "val"},
        {"calculate": "datum.r[slot]", "as": "plads"},
        {"filter": "isValid(datum.val)"},
        {"joinaggregate": [{"op": "count", "as": "antal"}]},
        {"calculate": "format(datum.val, talformat) + enhed", "as": "vaerdi_tekst"},
        {"calculate": "'nr. ' + datum.plads + ' af ' + datum.antal", "as": "plads_tekst"},
    ]


TOOLTIP = [{"field": "n", "type": "nominal", "title": "Kommune"},
           {"field": "vaerdi_tekst", "type": "nominal", "title": "Værdi"},
           {"field": "plads_tekst", "type": "nominal", "title": "Placering"}]


def _params(slot: int, ranked: IndicatorRank) -> list[dict]:
    return [{"name": "slot", "value": slot},
            {"name": "retning", "value": {"up": 1, "down": -1}.get(ranked.direction, 0)},
            {"name": "talformat", "value": _number_format(ranked.decimals)},
            {"name": "enhed", "value": _suffix(ranked.unit)}]


def map_layers(geo_url: str) -> dict:
    geo = {"url": geo_url, "format": {"type": "topojson", "feature": denmark.OBJECT_NAME}}
    projection = {"type": "mercator"}
    base = {"data": geo, "mark": {"type": "geoshape", "fill": MISSING_FILL, "stroke": "white", "strokeWidth": 0.5},
            "transform": [{"calculate": f"'{NO_VALUE_DA}'", "as": "t"}, {"calculate": "datum.properties.name", "as": "n"}],
            "encoding": {"tooltip": [{"field": "n", "type": "nominal", "title": "Kommune"},
                                     {"field": "t", "type": "nominal", "title": "Værdi"}]},
            "projection": projection}
    values = {"data": {"name": "kommuner"},
              "transform": _current() + [{"lookup": "c", "from": {"data": geo, "key": "properties.code"}, "as": "geo"}],
              "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.5},
              "encoding": {
                  "shape": {"field": "geo", "type": "geojson"},
                  "color": {"field": "val", "type": "quantitative", "title": None,
                            # darker = better: the scale runs the other way for lower-is-better
                            "scale": {"scheme": SCHEME, "reverse": {"expr": "retning < 0"}, "zero": False},
                            "legend": {"orient": "top-right", "direction": "vertical", "gradientLength": 110,
                                       "labelExpr": "format(datum.value, talformat)", "tickCount": 4}},
                  "tooltip": TOOLTIP},
              "projection": projection}
    soro = {"data": geo, "transform": [{"filter": f"datum.properties.code === '{A.SORO}'"}],
            "mark": {"type": "geoshape", "fill": None, "stroke": A.SORO_COLOR, "strokeWidth": 2.5},
            "projection": projection}
    return {"layer": [base, values, soro], "width": MAP_WIDTH, "height": MAP_HEIGHT}


# Strip rows (0-11) of the highlighted municipalities: Sorø in the middle, neighbours apart.
HIGHLIGHT_ROWS = {A.SORO: 5, "329": 1, "330": 9, "370": 3, "316": 7, "326": 11}


def _rows_expr() -> str:
    return " : ".join(f"datum.c === '{c}' ? {j}" for c, j in HIGHLIGHT_ROWS.items())


def strip_layers() -> dict:
    x = {"field": "val", "type": "quantitative", "title": None,
         "scale": {"zero": False, "nice": True, "reverse": {"expr": "retning < 0"}},
         "axis": {"labelExpr": "format(datum.value, talformat)", "tickCount": 5, "grid": False}}
    y = {"field": "j", "type": "quantitative", "axis": None, "scale": {"domain": [-1, 12]}}
    points = lambda kind, size, color, extra=None: {  # noqa: E731 - three small variants
        "transform": [{"filter": f"datum.k === '{kind}'"}],
        "mark": {"type": "point", "filled": True, "size": size, "color": color, "opacity": 1 if kind != KIND_OTHER else 0.55,
                 **(extra or {})},
        "encoding": {"x": x, "y": y, "tooltip": TOOLTIP}}
    label = lambda kind, color, dy, weight: {  # noqa: E731
        "transform": [{"filter": f"datum.k === '{kind}'"}],
        "mark": {"type": "text", "dy": dy, "fontSize": 11, "fontWeight": weight, "color": color},
        "encoding": {"x": x, "y": y, "text": {"field": "n", "type": "nominal"}}}
    national = {"data": {"name": "kommuner"},
                "transform": [{"filter": f"datum.c === '{A.DENMARK}'"}, {"calculate": "datum.v[slot]", "as": "val"},
                              {"filter": "isValid(datum.val)"}],
                "layer": [{"mark": {"type": "rule", "color": "#000", "strokeDash": [4, 3]},
                           "encoding": {"x": x}},
                          {"mark": {"type": "text", "y": -6, "fontSize": 10, "color": "#000", "text": "Hele landet"},
                           "encoding": {"x": x}}]}
    hint = {"data": {"values": [{}]},
            "mark": {"type": "text", "align": "right", "baseline": "top", "fontSize": 10, "color": "#444",
                     "x": STRIP_WIDTH, "y": STRIP_HEIGHT + 24,
                     "text": {"expr": "retning === 0 ? 'højere værdi →' : 'bedre →'"}}}
    municipalities = {"data": {"name": "kommuner"},
                      "transform": _current() + [
                          # deterministic vertical spread, so equal values do not hide each other
                          # and each neighbour on its own row, so their labels do not overlap
                          {"calculate": f"{_rows_expr()} : (toNumber(datum.c) * 7) % 11", "as": "j"}],
                      "layer": [points(KIND_OTHER, 28, OTHER_COLOR),
                                points(KIND_NEIGHBOUR, 60, NEIGHBOUR_COLOR),
                                label(KIND_NEIGHBOUR, NEIGHBOUR_COLOR, -9, "normal"),
                                points(KIND_SORO, 150, A.SORO_COLOR, {"stroke": "#000", "strokeWidth": 1}),
                                label(KIND_SORO, A.SORO_COLOR, -13, "bold")]}
    return {"layer": [municipalities, national, hint], "width": STRIP_WIDTH, "height": STRIP_HEIGHT}


def history_spec(history: list[dict], indicator: int, period: str) -> dict:
    sel = [{"filter": "datum.i === indikator"},
           {"calculate": "'nr. ' + datum.r + ' af ' + datum.n", "as": "plads_tekst"},
           {"calculate": "datum.p === periode ? 'valgt' : 'øvrige'", "as": "valgt"}]
    x = {"field": "s", "type": "temporal", "title": None,
         "axis": {"format": "%Y", "labelAngle": 0, "tickCount": {"interval": "year", "step": 1}}}
    y = {"field": "r", "type": "quantitative", "title": "Placering",
         "scale": {"domain": [1, 98], "reverse": True}, "axis": {"values": [1, 25, 50, 75, 98], "format": "d"}}
    tooltip = [{"field": "p", "type": "nominal", "title": "Periode"},
               {"field": "plads_tekst", "type": "nominal", "title": "Sorøs placering"}]
    return {
        "params": [{"name": "indikator", "value": indicator}, {"name": "periode", "value": period}],
        "data": {"values": history}, "transform": sel,
        "layer": [{"mark": {"type": "line", "color": A.SORO_COLOR, "strokeWidth": 2}, "encoding": {"x": x, "y": y}},
                  {"mark": {"type": "point", "filled": True, "color": A.SORO_COLOR},
                   "encoding": {"x": x, "y": y, "tooltip": tooltip,
                                "size": {"field": "valgt", "type": "nominal", "legend": None,
                                         "scale": {"domain": ["valgt", "øvrige"], "range": [140, 35]}}}}],
        "width": HISTORY_WIDTH, "height": HISTORY_HEIGHT,
        "config": {"view": {"stroke": None}},
    }


def view_spec(rows: list[dict], slot: int, ranked: IndicatorRank, geo_url: str | None) -> dict:
    parts = ([map_layers(geo_url)] if geo_url else []) + [strip_layers()]
    return {"params": _params(slot, ranked), "datasets": {"kommuner": rows},
            "vconcat": parts, "spacing": 18, "config": {"view": {"stroke": None}}}


# ------------------------------------------------------------------ CSV links
def csv_rows(ranked: IndicatorRank, period: str | None = None, area: str | None = None) -> pd.DataFrame:
    """The snapshot rows behind a view, with the published value (not the per-1,000 one)."""
    rows = ranked.rows
    if period is not None:
        rows = rows[rows["period"] == period]
    if area is not None:
        rows = rows[rows["area_code"].astype(str) == area]
    return rows.assign(value=rows["raw_value"]).reset_index(drop=True)


def csv_link(ranked: IndicatorRank, rows: pd.DataFrame, what: str) -> str:
    from helpers.markup import csv_data_uri, esc
    name = f"{ranked.indicator_id}-{what}.csv".replace(" ", "-")
    return (f'<p class="v26-compare-csv"><a class="v26-csv" href="{csv_data_uri(rows)}" download="{esc(name)}">'
            f'Hent data (CSV)</a> <span class="v26-muted">{esc(ranked.title)}, {esc(what)}: {len(rows)} '
            f'{"række" if len(rows) == 1 else "rækker"} med kilder</span></p>')


# ------------------------------------------------------------------ goal pages and scorecard
@lru_cache(maxsize=256)
def _rank_cached(indicator_id: str, data_key: str):
    return rank_indicator(indicator_id)


def rank_of(indicator_id: str) -> IndicatorRank | None:
    from helpers.paths import snapshot_dir
    path = snapshot_dir() / f"{indicator_id}.csv"
    return _rank_cached(indicator_id, f"{path}:{path.stat().st_mtime_ns if path.exists() else 0}")


def rank_cell(indicator_id: str) -> str:
    """Scorecard text: "nr. 23 af 98 (2024)", "ingen værdi (2024)", or "" when not comparable."""
    ranked = rank_of(indicator_id)
    if ranked is None:
        return ""
    p = ranked.latest
    return f"nr. {p.place} af {p.n} ({p.period})" if p.place is not None else f"{NO_VALUE_DA} ({p.period})"


def rank_sort_value(indicator_id: str) -> float | None:
    """Sorø's latest place as a share of the count (0 = best), for sorting a scorecard column."""
    ranked = rank_of(indicator_id)
    if ranked is None or ranked.latest.place is None:
        return None
    return (ranked.latest.place - 1) / max(1, ranked.latest.n - 1)


def rank_block(indicator_id: str, from_page: str | None = None):
    """Goal page: Sorø's place among the municipalities, the median, the change since the first
    comparable period, the distribution of the latest period and (with several periods) Sorø's
    place over time. An empty Html when the indicator has no period with 90+ municipalities."""
    from helpers import render
    from helpers.markup import STYLE, Html, esc
    ranked = rank_of(indicator_id)
    if ranked is None:
        return Html("", f"Ingen sammenligning af alle kommuner: {indicator_id}")
    rows, history, slots = payload([ranked])
    latest = len(slots) - 1
    strip = view_spec(rows, latest, ranked, geo_url=None)
    desc = (f"Prikdiagram over {ranked.latest.n} kommuners værdi for {ranked.title}, {ranked.latest.period}. "
            + period_text(ranked, ranked.latest))
    parts = [STYLE, '<div class="v26-box v26-rank">',
             f'<p><strong>Sorø blandt landets kommuner:</strong> {esc(period_text(ranked, ranked.latest))}</p>',
             f'<p class="v26-muted">{esc(direction_text(ranked, with_map=False))} {esc(basis_text(ranked))} '
             'Bedste placering til højre i prikdiagrammet.</p>',
             '<figure class="v26-chart">', render.chart_html(strip, description=desc),
             csv_link(ranked, csv_rows(ranked, ranked.latest.period), ranked.latest.period), '</figure>']
    if len(ranked.periods) > 1:
        hist = history_spec(history, 0, ranked.latest.period)
        places = "; ".join(f"{p.period}: nr. {p.place} af {p.n}" for p in ranked.periods if p.place is not None)
        parts.append('<figure class="v26-chart"><figcaption class="v26-muted">Sorøs placering over tid '
                     '(nr. 1 øverst)</figcaption>'
                     + render.chart_html(hist, description=f"Sorøs placering over tid. {places}.")
                     + csv_link(ranked, csv_rows(ranked, area=A.SORO), "Sorø alle perioder") + '</figure>')
    link = f'{_rel(PAGE, from_page)}.html#indikator={ranked.indicator_id}' if from_page else None
    if link:
        parts.append(f'<p><a href="{esc(link)}">Se tallet på Danmarkskortet</a></p>')
    parts.append("</div>")
    return Html("".join(parts), f"Placering: {rank_cell(indicator_id)}")


def _rel(target: str, from_page: str) -> str:
    import posixpath
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


# ------------------------------------------------------------------ the comparison page
def _themes() -> dict[int, str]:
    from helpers.catalog import load_catalog
    return {t["number"]: f"Tema {t['number']}: {t['title']}" for t in load_catalog().themes}


def _ordered(ranks: list[IndicatorRank]) -> list[IndicatorRank]:
    return sorted(ranks, key=lambda r: (r.theme if r.theme is not None else 99, r.title.lower(), r.indicator_id))


def _goal_pages(from_page: str) -> dict[str, tuple[str, str]]:
    """Indicator id -> (link to its first goal page, goal title)."""
    from helpers.catalog import load_catalog
    catalog = load_catalog()
    pages = {}
    for goal in catalog.goals:
        for indicator_id in goal.get("indicators", []):
            if goal.get("page") and indicator_id not in pages:
                pages[indicator_id] = (f"{_rel(goal['page'], from_page)}.html", goal.get("title", ""))
    return pages


def meta(ranks: list[IndicatorRank], slots: list[tuple[int, str]], from_page: str = PAGE) -> dict:
    """What the page script needs per indicator: titles, formats, periods, slots, texts, goal page."""
    slot_of = {(i, p): s for s, (i, p) in enumerate(slots)}
    themes = _themes()
    goals = _goal_pages(from_page)
    items, notes = [], []
    for i, r in enumerate(ranks):
        # a handful of distinct direction/basis notes: each once, the indicators point to it
        note = f"{direction_text(r)} {basis_text(r)}"
        if note not in notes:
            notes.append(note)
        items.append({
            "id": r.indicator_id, "title": r.title, "group": themes.get(r.theme, "Øvrige tal"),
            "dir": {"up": 1, "down": -1}.get(r.direction, 0), "fmt": _number_format(r.decimals),
            "unit": _suffix(r.unit), "note": notes.index(note),
            "goal": goals.get(r.indicator_id, ("", ""))[0], "goalTitle": goals.get(r.indicator_id, ("", ""))[1],
            "periods": [{"p": p.period, "slot": slot_of[(i, p.period)], "text": period_text(r, p)}
                        for p in r.periods]})
    return {"root": ROOT_ID, "indicators": items, "notes": notes, "default": default_rank(ranks).indicator_id}


def default_rank(ranks: list[IndicatorRank]) -> IndicatorRank:
    return next((r for r in ranks if r.indicator_id == DEFAULT_INDICATOR), ranks[0])


SCRIPT = r"""(function(){
var meta=JSON.parse(document.getElementById('%(root)s-meta').textContent);
var root=document.getElementById('%(root)s');if(!root)return;
var selInd=root.querySelector('select[name=indikator]'),selPer=root.querySelector('select[name=periode]');
var text=root.querySelector('.v26-compare-rank'),note=root.querySelector('.v26-compare-note');
var hist=root.querySelector('.v26-compare-history'),byId={};
var csv=root.querySelectorAll('.v26-compare-csv'),other=root.querySelector('.v26-compare-othercsv');
meta.indicators.forEach(function(m,i){m.index=i;byId[m.id]=m;});
var first=byId[meta['default']]||meta.indicators[0];
function views(){var v=window.visionViews||{};return [v['%(main)s'],v['%(hist)s']];}
function periods(m){selPer.textContent='';m.periods.forEach(function(p){var o=document.createElement('option');
  o.value=p.p;o.textContent=p.p;selPer.appendChild(o);});}
function parseHash(){var out={};(location.hash||'').replace(/^#/,'').split('&').forEach(function(kv){
  var i=kv.indexOf('=');if(i>0){out[decodeURIComponent(kv.slice(0,i))]=decodeURIComponent(kv.slice(i+1));}});return out;}
function apply(push){var m=byId[selInd.value];if(!m)return;
  var p=m.periods.filter(function(q){return q.p===selPer.value;})[0]||m.periods[m.periods.length-1];
  selPer.value=p.p;text.textContent=p.text;note.textContent=meta.notes[m.note];
  hist.hidden=m.periods.length<2;
  // The static CSV links hold the view the page opens with; for another view, point to its goal page.
  var initial=m.id===first.id&&p.p===first.periods[first.periods.length-1].p;
  for(var k=0;k<csv.length;k++){csv[k].hidden=(k===0?!initial:m.id!==first.id);}
  other.hidden=initial;other.textContent='';
  if(!initial){var t=document.createTextNode('Data og kilder (CSV) til dette tal står på målsiden: ');other.appendChild(t);
    if(m.goal){var a=document.createElement('a');a.href=m.goal;a.textContent=m.goalTitle||m.title;other.appendChild(a);}
    else{other.appendChild(document.createTextNode('tallet har endnu ingen målside'));}}
  root.setAttribute('data-indicator',m.id);root.setAttribute('data-period',p.p);
  var h='#indikator='+encodeURIComponent(m.id)+'&periode='+encodeURIComponent(p.p);
  if(push&&location.hash!==h){history.replaceState(null,'',h);}
  var v=views(),jobs=[];
  if(v[0]){v[0].signal('slot',p.slot).signal('retning',m.dir).signal('talformat',m.fmt).signal('enhed',m.unit);jobs.push(v[0].runAsync());}
  if(v[1]){v[1].signal('indikator',m.index).signal('periode',p.p);jobs.push(v[1].runAsync());}
  root.setAttribute('data-state','updating');
  Promise.all(jobs).then(function(){root.setAttribute('data-state',v[0]&&v[1]?'ready':'waiting');});
  return v[0]&&v[1];}
selInd.addEventListener('change',function(){periods(byId[selInd.value]);selPer.value='';apply(true);});
selPer.addEventListener('change',function(){apply(true);});
function fromHash(){var h=parseHash(),m=byId[h.indikator]||byId[selInd.value];selInd.value=m.id;periods(m);
  selPer.value=(h.indikator===m.id&&h.periode)||'';}
window.addEventListener('hashchange',function(){fromHash();apply(false);});
fromHash();
(function wait(n){if(apply(false)||n>200)return;setTimeout(function(){wait(n+1);},50);})(0);
})();"""


@lru_cache(maxsize=4)
def _all_ranks(data_key: str) -> tuple:
    return tuple(_ordered(comparable_indicators()))


def all_ranks() -> list[IndicatorRank]:
    """Every comparable indicator, ordered by theme and title (cached per snapshot state)."""
    from helpers.paths import snapshot_dir
    folder = snapshot_dir()
    stamp = max((p.stat().st_mtime_ns for p in folder.glob("*.csv")), default=0) if folder.is_dir() else 0
    return list(_all_ranks(f"{folder}:{stamp}"))


def comparison_page(from_page: str = PAGE, ranks: list[IndicatorRank] | None = None):
    """"Sorø på kortet": indicator and period pickers, the map of Denmark, the distribution and
    Sorø's rank over time for the chosen view, the rank text, and a table of every indicator."""
    from helpers import render
    from helpers.markup import STYLE, Html, esc
    ranks = _ordered(list(ranks)) if ranks is not None else all_ranks()
    if not ranks:
        return Html(f'{STYLE}<p class="v26-box">Bogens data har endnu ingen tal med en værdi for mindst 90 kommuner '
                    'i samme periode, så der er intet at sætte på Danmarkskortet.</p>', "Ingen sammenligning")
    rows, history, slots = payload(ranks)
    first = default_rank(ranks)
    index = ranks.index(first)
    slot = max(s for s, (i, _) in enumerate(slots) if i == index)
    main = view_spec(rows, slot, first, geo_url=denmark.url_from(from_page))
    hist = history_spec(history, index, first.latest.period)
    main_html = render.chart_html(main, description=(
        "Danmarkskort over kommunerne farvet efter det valgte tal og et prikdiagram med alle kommuners værdi; "
        "Sorø, nabokommunerne og Hele landet er fremhævet. Tallene står i teksten over kortet og i tabellen under det."))
    hist_html = render.chart_html(hist, description="Sorøs placering blandt kommunerne over tid for det valgte tal.")
    main_id, hist_id = render.chart_id(main), render.chart_id(hist)
    info = meta(ranks, slots, from_page)

    groups: dict[str, list[str]] = {}
    for item in info["indicators"]:
        chosen = " selected" if item["id"] == first.indicator_id else ""
        groups.setdefault(item["group"], []).append(
            f'<option value="{esc(item["id"])}"{chosen}>{esc(item["title"])}</option>')
    options = "".join(f'<optgroup label="{esc(g)}">{"".join(o)}</optgroup>' for g, o in groups.items())
    first_item = info["indicators"][index]
    first_text = first_item["periods"][-1]["text"]
    meta_json = json.dumps(info, ensure_ascii=False, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    script = SCRIPT % {"root": ROOT_ID, "main": main_id, "hist": hist_id}
    parts = [STYLE, COMPARE_STYLE,
             f'<div class="v26-compare" id="{ROOT_ID}" data-indicator="{esc(first.indicator_id)}" '
             f'data-period="{esc(first.latest.period)}">',
             '<div class="v26-compare-controls">'
             f'<label>Tal <select name="indikator">{options}</select></label>'
             '<label>Periode <select name="periode"></select></label></div>',
             f'<p class="v26-compare-rank" aria-live="polite">{esc(first_text)}</p>',
             '<div class="v26-compare-charts">',
             f'<figure class="v26-compare-main">{main_html}<figcaption class="v26-muted">Sorø har orange kant og '
             f'er den store orange prik. Nabokommunerne (Ringsted, Slagelse, Næstved, Holbæk, Kalundborg) er mørke '
             f'prikker med navn; stiplet linje: Hele landet. Grå kommune: {NO_VALUE_DA}. '
             f'{esc(denmark.ATTRIBUTION)}.</figcaption>'
             + csv_link(first, csv_rows(first, first.latest.period), first.latest.period)
             + '<p class="v26-muted v26-compare-othercsv" hidden></p></figure>',
             f'<figure class="v26-compare-history"><figcaption class="v26-muted">Sorøs placering over tid '
             f'(nr. 1 øverst)</figcaption>{hist_html}'
             + csv_link(first, csv_rows(first, area=A.SORO), "Sorø alle perioder") + '</figure>',
             '</div>',
             # how to read the place: under the charts, so the map is on the first screen
             f'<p class="v26-muted v26-compare-note">{esc(info["notes"][first_item["note"]])}</p></div>',
             f'<script type="application/json" id="{ROOT_ID}-meta">{meta_json}</script>',
             f'<script type="text/javascript">{script}</script>',
             overview_table(ranks)]
    return Html("".join(parts), f"Sammenligning: {len(ranks)} tal for alle kommuner")


COMPARE_STYLE = """<style>
.v26-compare-controls{display:flex;flex-wrap:wrap;gap:.5em 1.2em;margin:.5em 0}
.v26-compare-controls label{font-weight:600;display:flex;flex-direction:column;gap:.2em;max-width:100%}
.v26-compare-controls select{font-weight:normal;max-width:100%;padding:.2em}
.v26-compare-rank{font-size:1.05em;margin:.6em 0 .2em}
.v26-compare figure{margin:.5em 0}
.v26-compare-charts{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}
.v26-compare-charts figure{flex:0 1 420px;min-width:0;max-width:100%}
</style>"""


def overview_table(ranks: list[IndicatorRank]):
    """Every comparable indicator with Sorø's latest place (readable without JavaScript)."""
    from helpers.markup import esc
    body = []
    for r in ranks:
        p = r.latest
        change = r.change
        change_text = "–" if change is None else (f"{change:+d}".replace("+", "+") + f" siden {r.first.period}")
        body.append(
            f'<tr><td>{esc(r.title)}</td><td>{esc(p.period)}</td>'
            f'<td class="num">{esc(_fmt(p.value, r.decimals, r.unit))}</td>'
            f'<td class="num">{esc(p.place_text if p.place is not None else NO_VALUE_DA)}</td>'
            f'<td class="num">{esc(_fmt(p.median, r.decimals, r.unit))}</td><td class="num">{esc(change_text)}</td></tr>')
    return (f'<details class="v26-compare-table"><summary>Alle {len(ranks)} tal som tabel</summary>'
            '<table class="v26-table"><caption class="visually-hidden">Sorøs placering blandt kommunerne</caption>'
            '<thead><tr><th scope="col">Tal</th><th scope="col">Periode</th><th scope="col" class="num">Sorø</th>'
            '<th scope="col" class="num">Placering</th><th scope="col" class="num">Median</th>'
            '<th scope="col" class="num">Pladser vundet</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>'
            '<p class="v26-muted">Pladser vundet: positiv = Sorø er rykket frem siden første sammenlignelige periode.</p>'
            '</details>')

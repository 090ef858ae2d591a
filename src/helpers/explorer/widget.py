"""The "Udforsk" explorer: ipywidgets controls linked to one anywidget chart.

    from helpers.explorer import Explorer
    Explorer(1)          # every indicator of theme 1 with data

Controls (ipywidgets): a Dropdown of the indicators (Danish titles), a SelectMultiple of the
areas, an IntRangeSlider for the period and ToggleButtons for the measure. They are tied to the
chart (`ExplorerChart`, an anywidget) twice:

* `jsdlink` in the browser, on `index` for the selection widgets (ipywidgets 8 does not sync
  `value` of a Dropdown / SelectMultiple), so the published page works with no kernel: the
  chart's ES module (explorer.js) filters the embedded rows and draws them with vegaEmbed;
* `observe` callbacks in Python, which keep the chart's traits in step when a kernel runs
  (also when no browser is attached, e.g. under nbclient) and add what needs Python: the status
  (helpers.progress.assess) of every chosen area, in `chart.area_status`.

The theme's rows are embedded once, in the chart's `payload` trait (helpers.explorer.payload).
All widgets are built inside `stable_model_ids`, so the stored widget state is the same on
every run. The text/plain form of the explorer (what nbval compares; widget views it skips)
states the counts and a digest of the payload, so a changed data value fails nbval.
"""
from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as W
import traitlets as T

from helpers import areas as A
from helpers.explorer.ids import stable_model_ids
from helpers.explorer.payload import MEASURES, payload_digest, payload_from, theme_payload
from helpers.progress import LABELS_DA, assess

__all__ = ["Explorer", "ExplorerChart", "explorer_page", "DEFAULT_AREAS"]

HERE = Path(__file__).resolve().parent
DEFAULT_AREAS = (A.SORO, A.DENMARK, A.REGION)

CSS = """
.vx-explorer { font-size: 0.95rem; max-width: 100%; }
.vx-info p, .vx-source, .vx-notes { margin: 0.3rem 0; }
.vx-source, .vx-notes { color: #555; font-size: 0.85rem; }
.vx-chart { width: 100%; min-height: 320px; }
.vx-target { width: 100%; }
.vx-badge { display: inline-block; padding: 0 0.45em; border-radius: 0.3em; background: #eee; font-weight: 600; }
.vx-achieved, .vx-on_track { background: #d8efe4; }
.vx-moderate { background: #fff1c7; }
.vx-limited, .vx-deterioration { background: #f9ddd0; }
.vx-key { white-space: nowrap; margin-right: 0.8em; }
.vx-key i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; }
"""


def explorer_page(theme_rec: dict) -> str:
    """The explorer notebook's page path (no suffix) of a theme record."""
    return f"chapters/{theme_rec['dir']}/udforsk-tema{theme_rec['number']}"


class ExplorerChart(anywidget.AnyWidget):
    """The chart: draws `payload` for the chosen indicator, areas, period and measure."""

    _esm = (HERE / "explorer.js").read_text(encoding="utf-8")
    _css = CSS
    payload = T.Dict().tag(sync=True)
    indicator_index = T.Int(0).tag(sync=True)
    area_index = T.List(T.Int()).tag(sync=True)
    period = T.List(T.Int()).tag(sync=True)
    measure_index = T.Int(0).tag(sync=True)
    measure_keys = T.List(T.Unicode()).tag(sync=True)
    # {"key": "[indicator_index, sorted area indices]", "items": [[area, status, reason], ...]}
    area_status = T.Dict().tag(sync=True)

    def __repr__(self) -> str:  # the payload is large; never print it
        return f"ExplorerChart(indikatorer={len(self.payload.get('indicators', []))})"


class Explorer:
    """Controls + chart for one theme (or for given indicators); display it in a notebook."""

    def __init__(self, theme: int | None = None, *, datas: list | None = None, from_page: str | None = None,
                 indicator: str | None = None, areas=None, catalog=None, loader=None):
        if catalog is None and datas is None:
            from helpers.catalog import load_catalog
            catalog = load_catalog()
        if datas is None:
            theme_rec = catalog.theme(theme)
            from_page = from_page or explorer_page(theme_rec)
            payload = theme_payload(theme, from_page, catalog=catalog, loader=loader)
        else:
            theme_rec = catalog.theme(theme) if (catalog is not None and theme is not None) else \
                {"number": theme, "title": ""}
            payload = payload_from(datas, theme_rec, from_page or "", catalog=catalog, loader=loader)
        self.payload = payload
        self.digest = payload_digest(payload)
        self._datas = {d.record["id"]: d for d in datas} if datas is not None else {}
        self._loader = loader
        self._catalog = catalog
        self.namespace = f"udforsk-tema{theme}" if datas is None else f"udforsk-{'-'.join(self._datas)}"
        with stable_model_ids(self.namespace):
            self._build(indicator, areas)

    # -- construction --------------------------------------------------------------------------
    def _build(self, indicator, areas) -> None:
        P = self.payload
        inds = P["indicators"]
        titles = [i["title"] for i in inds]
        options = [(t if titles.count(t) == 1 else f"{t} ({i['id']})", k) for k, (t, i) in enumerate(zip(titles, inds))]
        ids = [i["id"] for i in inds]
        codes = [a[0] for a in P["areas"]]
        wanted = [str(a) for a in (areas if areas is not None else DEFAULT_AREAS)]
        chosen = [c for c in wanted if c in codes]

        def drawn(k):  # the indicator has rows for one of the chosen areas
            return bool({codes.index(c) for c in chosen} & set(inds[k]["rows"]["a"]))
        # The page opens on a chart with lines: the asked-for indicator (else the first one with
        # rows for the default areas), and if it has none for them, its own first areas as well.
        start = ids.index(indicator) if indicator in ids else next(
            (k for k in range(len(inds)) if drawn(k)), 0)
        if inds and not drawn(start):
            own = [codes[a] for a in sorted(set(inds[start]["rows"]["a"]))][:4]
            chosen = sorted(set(chosen) | set(own), key=codes.index)
        used = {m for i in inds for m in i["measures"]}
        measures = [(key, label) for key, label in MEASURES if key in used]
        y0, y1 = P["years"]
        wide = W.Layout(width="100%")
        style = {"description_width": "initial"}

        self.indicator = W.Dropdown(options=options, value=start, description="Indikator", layout=wide, style=style)
        self.areas = W.SelectMultiple(options=[(a[1], a[0]) for a in P["areas"]], value=tuple(chosen),
                                      rows=min(10, max(4, len(codes))), description="Områder",
                                      layout=W.Layout(width="auto", min_width="14rem", flex="1 1 14rem"), style=style)
        self.period = W.IntRangeSlider(value=(y0, y1), min=y0, max=y1 if y1 > y0 else y0 + 1, step=1,
                                       description="Periode", continuous_update=False,
                                       # a little short of the column, so the readout is not cut
                                       layout=W.Layout(width="96%"), style=style)
        self.measure = W.ToggleButtons(options=[label for _k, label in measures], index=0, description="Vis",
                                       style={"description_width": "initial", "button_width": "auto"},
                                       layout=W.Layout(width="100%", flex_flow="row wrap"))
        self.chart = ExplorerChart(payload=P, indicator_index=start,
                                   area_index=[codes.index(c) for c in chosen],
                                   period=[y0, y1], measure_index=0,
                                   measure_keys=[k for k, _l in measures],
                                   layout=W.Layout(width="100%"))
        # In the browser, without a kernel:
        self.links = [
            W.jsdlink((self.indicator, "index"), (self.chart, "indicator_index")),
            W.jsdlink((self.areas, "index"), (self.chart, "area_index")),
            W.jsdlink((self.period, "value"), (self.chart, "period")),
            W.jsdlink((self.measure, "index"), (self.chart, "measure_index")),
        ]
        # With a kernel:
        self.indicator.observe(self._on_change, names="index")
        self.areas.observe(self._on_change, names="index")
        self.period.observe(self._on_change, names="value")
        self.measure.observe(self._on_change, names="index")
        side = W.VBox([self.period, self.measure], layout=W.Layout(flex="2 1 18rem", min_width="0"))
        self.widget = W.VBox([
            self.indicator,
            W.HBox([self.areas, side], layout=W.Layout(flex_flow="row wrap", align_items="flex-start",
                                                         grid_gap="0.5rem", width="100%")),
            self.chart,
        ], layout=W.Layout(width="100%"))
        self._on_change()

    # -- Python side -----------------------------------------------------------------------------
    def _data(self, indicator_id: str):
        if indicator_id not in self._datas:
            if self._loader is not None:
                self._datas[indicator_id] = self._loader(indicator_id)
            else:
                from helpers.load import load_indicator
                self._datas[indicator_id] = load_indicator(indicator_id, catalog=self._catalog)
        return self._datas[indicator_id]

    def _on_change(self, _change=None) -> None:
        """Mirror the controls into the chart and recompute the status of every chosen area."""
        chart = self.chart
        area_ix = sorted(int(i) for i in (self.areas.index or ()))
        with chart.hold_sync():
            chart.indicator_index = int(self.indicator.index or 0)
            chart.area_index = list(self.areas.index or ())
            chart.period = list(self.period.value)
            chart.measure_index = int(self.measure.index or 0)
            ind = self.payload["indicators"][chart.indicator_index]
            data = self._data(ind["id"])
            items = []
            for k in area_ix:
                code, label = self.payload["areas"][k][0], self.payload["areas"][k][1]
                result = assess(data, area=code)
                items.append([label, LABELS_DA.get(result.status, result.label_da), result.reason_da])
            chart.area_status = {"key": f"[{chart.indicator_index},[{','.join(map(str, area_ix))}]]",
                                 "items": items}

    # -- display -----------------------------------------------------------------------------------
    def summary(self) -> str:
        """Danish one-line description: counts and the payload digest (compared by nbval)."""
        P = self.payload
        rows = sum(len(i["rows"]["v"]) for i in P["indicators"])
        y0, y1 = P["years"]
        return (f"Udforsk: {len(P['indicators'])} indikatorer, {rows} tal, {len(P['areas'])} områder, "
                f"{y0}–{y1}; dataaftryk {self.digest}.")

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data["text/plain"] = self.summary()
        return bundle

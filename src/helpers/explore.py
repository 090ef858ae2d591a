"""An ipywidgets panel for analysts with a running kernel (the published pages do not use it).

    from helpers.explore import explore
    explore("population_total")

Areas (SelectMultiple), period (IntRangeSlider) and measure (Dropdown) redraw
`helpers.charts.indicator_chart` in an Output widget. The panel object keeps the last chart in
`panel.last_chart` and the arguments used in `panel.last_args`, so it is testable without a browser.
"""
from __future__ import annotations

import ipywidgets as W
import pandas as pd

from helpers import areas as A
from helpers.charts import MEASURE_INDEX, MEASURE_LEVEL, indicator_chart
from helpers.progress import frame_of, record_of, rget

class _Holder:
    """IndicatorData-like: a record and a (filtered) frame."""

    def __init__(self, record, data):
        self.record = record
        self.data = data


def _index_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Values as an index: the first observation of each area/sex/age in the frame = 100."""
    out = frame.copy()
    out = out.sort_values(["area_code", "sex", "age", "period_start"], kind="stable")
    base = out.groupby(["area_code", "sex", "age"])["value"].transform("first")
    out["value"] = (out["value"] / base * 100).where(base > 0)
    return out


def explore(indicator_id: str, data=None, render: bool = True) -> W.VBox:
    """A widget panel that redraws the indicator chart when areas, period or measure change."""
    if data is None:
        from helpers.load import load_indicator
        data = load_indicator(indicator_id)
    record, frame = record_of(data), frame_of(data)
    frame = frame[pd.to_numeric(frame["value"], errors="coerce").notna()] if len(frame) else frame
    codes = A.order_codes(frame["area_code"].astype(str)) if len(frame) else []
    names = dict(zip(frame["area_code"].astype(str), frame["area_name"].astype(str))) if len(frame) else {}
    options = [(A.area_label(c, names.get(c)), c) for c in codes]
    default = [c for c in (rget(record, "comparison_areas", None) or codes) if c in codes] or codes
    years = sorted({int(s[:4]) for s in frame["period_start"].astype(str) if s[:4].isdigit()}) if len(frame) else []
    y0, y1 = (years[0], years[-1]) if years else (2000, 2025)

    area_w = W.SelectMultiple(options=options, value=tuple(default), rows=min(8, max(3, len(options))),
                              description="Områder")
    period_w = W.IntRangeSlider(value=(y0, y1), min=y0, max=max(y1, y0 + 1) if y0 == y1 else y1, step=1,
                                description="Periode", continuous_update=False)
    measures = [MEASURE_LEVEL, MEASURE_INDEX]
    measure_w = W.Dropdown(options=measures, value=MEASURE_LEVEL, description="Vis")
    out = W.Output()
    panel = W.VBox([W.HBox([area_w, W.VBox([period_w, measure_w])]), out])
    panel.last_chart = None
    panel.last_args = None

    def redraw(_change=None):
        chosen = list(area_w.value)
        first, last = period_w.value
        rows = frame[frame["area_code"].astype(str).isin(chosen)]
        year = rows["period_start"].astype(str).str[:4]
        numeric = pd.to_numeric(year, errors="coerce")
        rows = rows[numeric.isna() | ((numeric >= first) & (numeric <= last))]
        if measure_w.value == MEASURE_INDEX:
            rows = _index_frame(rows)
        rec = dict(record) if isinstance(record, dict) else {k: rget(record, k) for k in
                                                               ("id", "title", "unit", "decimals", "target")}
        if measure_w.value == MEASURE_INDEX:
            rec = {**rec, "unit": "indeks", "decimals": 1, "target": None}
        chart = indicator_chart(_Holder(rec, rows), areas=chosen, measure_options=False)
        panel.last_chart = chart
        panel.last_args = {"areas": chosen, "period": (first, last), "measure": measure_w.value}
        out.clear_output(wait=True)
        if render:
            with out:
                from IPython.display import display
                display(chart)

    for w in (area_w, period_w, measure_w):
        w.observe(redraw, names="value")
    panel.areas_widget, panel.period_widget, panel.measure_widget, panel.output = area_w, period_w, measure_w, out
    panel.redraw = redraw
    redraw()
    return panel

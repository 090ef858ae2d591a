"""The explorer for one indicator, for analysts with a kernel (JupyterLab, VS Code).

    from helpers.explore import explore
    explore("population_total")

A thin use of `helpers.explorer.Explorer` (the same controls and chart as the book's "Udforsk"
pages), limited to one indicator and starting with its comparison areas. With a kernel the
controls are live Python widgets: `explorer.areas.value = ("340", "329")` updates
`explorer.chart` and the status of each chosen area (`explorer.chart.area_status`).
"""
from __future__ import annotations

from helpers.explorer import Explorer
from helpers.series import record_of, rget


def explore(indicator_id: str, data=None, catalog=None) -> Explorer:
    """An Explorer over one indicator (loaded with helpers.load unless `data` is given)."""
    if data is None:
        from helpers.load import load_indicator
        data = load_indicator(indicator_id, catalog=catalog)
    record = record_of(data)
    return Explorer(rget(record, "theme", None), datas=[data], indicator=indicator_id,
                    areas=rget(record, "comparison_areas", None) or None, catalog=catalog,
                    from_page="til-analytikere")

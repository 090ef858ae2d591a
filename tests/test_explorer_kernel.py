"""An explorer notebook in a real kernel (nbclient): a widget changed from Python runs the callback.

The theme-1 explorer notebook is executed as stored, then two cells are added that change the
areas and the indicator from Python and print what the `observe` callback wrote into the chart
(`area_status`: the status of each chosen area, computed by helpers.progress in the kernel).
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def explorer_notebook() -> Path:
    found = sorted((ROOT / "chapters").glob("tema1-*/udforsk-*.ipynb"))
    if not found:
        pytest.fail("no explorer notebook in chapters/tema1-*/")
    return found[0]


def test_changing_a_widget_from_python_runs_the_callback():
    path = explorer_notebook()
    nb = nbformat.read(path, as_version=4)
    probe = ("import json\n"
             "codes = [a[0] for a in udforsk.payload['areas']]\n"
             "def report():\n"
             "    c = udforsk.chart\n"
             "    print(json.dumps({'indicator': udforsk.payload['indicators'][c.indicator_index]['id'],\n"
             "                      'areas': [codes[i] for i in c.area_index],\n"
             "                      'status_areas': [it[0] for it in c.area_status['items']],\n"
             "                      'key': c.area_status['key']}))\n")
    nb.cells.append(nbformat.v4.new_code_cell(probe + "report()"))
    nb.cells.append(nbformat.v4.new_code_cell(
        "udforsk.areas.value = ('340', '000')\nudforsk.indicator.index = len(udforsk.payload['indicators']) - 1\nreport()"))
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    before, after = (json.loads(nb.cells[i].outputs[-1]["text"]) for i in (-2, -1))
    assert before["areas"] != ["340", "000"]
    assert after["areas"] == ["340", "000"]
    assert after["status_areas"] == ["Sorø", "Hele landet"]
    assert after["indicator"] != before["indicator"]
    assert after["key"] != before["key"]

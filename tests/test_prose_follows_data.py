"""A goal page's prose follows its data: change one harvest2 value, and both the chart's CSV and the
number glued into the paragraph change.

A copy of data/ is made (VISION_DATA_DIR points the kernel at it); Sorø's latest employment rate row
of the best source kind is set to a new value, and t3-beskaeftigelse is executed in memory with
nbclient. The test then reads the chart's CSV data URI and the glued "h_last_value" text.
"""
from __future__ import annotations

import base64
import csv
import io
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers.sources import precedence

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "chapters" / "tema3-erhverv" / "t3-beskaeftigelse.ipynb"
INDICATOR = "employment_rate_16_64"
SORO = "340"
NEW_VALUE = "61.3"          # far from any real rate, so it cannot be there by chance
NEW_VALUE_DA = "61,3 %"     # the same value as the page writes it (Danish decimal comma)


def edit_latest_best(csv_path: Path) -> str:
    """Set Sorø's latest row of the best source kind to NEW_VALUE; returns its period."""
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    soro = [r for r in rows if r["area_code"] == SORO and r["value"] != ""]
    assert soro, f"{csv_path}: no Sorø rows"
    best = min(precedence(r["source_kind"]) for r in soro)
    row = max((r for r in soro if precedence(r["source_kind"]) == best), key=lambda r: r["period_start"])
    assert row["value"] != NEW_VALUE
    row["value"] = NEW_VALUE
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row["period"]


def execute(data_dir: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("VISION_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "src"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def glued(nb, name: str) -> str:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("metadata", {}).get("scrapbook", {}).get("name") == name:
                return out["data"]["application/papermill.record/text/plain"].strip("'\"")
    raise AssertionError(f"{NOTEBOOK.name}: nothing glued as {name!r}")


def chart_csv_rows(nb) -> list[dict]:
    """Rows of the CSV data URIs in the chart_block output for INDICATOR."""
    rows = []
    for cell in nb.cells:
        if cell.cell_type != "code" or f'chart_block("{INDICATOR}"' not in cell.source:
            continue
        for out in cell.outputs:
            html = out.get("data", {}).get("text/html", "")
            for payload in re.findall(r"data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)", html):
                text = base64.b64decode(payload).decode("utf-8")
                if text.startswith("\ufeff"):  # the Danish Excel copy of the same rows
                    continue
                rows.extend(csv.DictReader(io.StringIO(text)))
    assert rows, f"{NOTEBOOK.name}: no CSV data URI in the chart of {INDICATOR}"
    return rows


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def test_chart_and_prose_follow_an_edited_value(data_copy, monkeypatch):
    before = execute(data_copy, monkeypatch)
    assert glued(before, "h_last_value") != NEW_VALUE_DA

    period = edit_latest_best(data_copy / "snapshot" / f"{INDICATOR}.csv")
    after = execute(data_copy, monkeypatch)

    soro = [r for r in chart_csv_rows(after) if r["area_code"] == SORO and r["period"] == period]
    assert [float(r["value"]) for r in soro] == [float(NEW_VALUE)], soro
    assert glued(after, "h_last_period") == period
    assert glued(after, "h_last_value") == NEW_VALUE_DA
    # the prose's status follows too: 61,3 % is below the national rate
    assert glued(after, "h_status") != glued(before, "h_status")

"""nbval notices when the data behind a notebook changes.

A copy of data/ is made; with the copy unchanged, `pytest --nbval --nbval-current-env`
on a notebook that uses `population_total` passes; after one Sorø value is changed in
the copy (VISION_DATA_DIR points the kernel at it), the same run fails.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INDICATOR = "population_total"
AREA = "340"  # Sorø


def notebook_using(indicator: str) -> Path:
    candidates = sorted(
        p for p in (ROOT / "chapters").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and f'\\"{indicator}\\"' in p.read_text(encoding="utf-8")
    )
    if not candidates:
        pytest.fail(f"no notebook in chapters/ reads the indicator {indicator!r}; "
                    "point this test at another indicator a notebook uses")
    # Prefer the population page, which shows the series.
    preferred = [p for p in candidates if "bosaetning" in p.name]
    return (preferred or candidates)[0]


def run_nbval(notebook: Path, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, VISION_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
         "-q", "--rootdir", str(ROOT), str(notebook)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def change_latest_value(csv_path: Path, area: str) -> tuple[str, str, str]:
    """Add 1234 to the value of the area's latest period; returns (period, old, new)."""
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames
        rows = list(reader)
    candidates = [r for r in rows if r["area_code"] == area and r["value"] != ""]
    assert candidates, f"{csv_path} has no value for area {area}"
    row = max(candidates, key=lambda r: (r["period_start"], r["period"]))
    old = row["value"]
    row["value"] = str(int(float(old)) + 1234) if float(old).is_integer() else str(float(old) + 1234)
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return row["period"], old, row["value"]


@pytest.fixture()
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def test_nbval_passes_on_unchanged_data_and_fails_after_a_change(data_copy):
    notebook = notebook_using(INDICATOR)

    unchanged = run_nbval(notebook, data_copy)
    assert unchanged.returncode == 0, (
        f"nbval should pass on an unchanged copy of data/ (are the stored outputs of "
        f"{notebook.relative_to(ROOT)} fresh? run `make notebooks`):\n{unchanged.stdout[-3000:]}"
    )

    period, old, new = change_latest_value(data_copy / "snapshot" / f"{INDICATOR}.csv", AREA)
    changed = run_nbval(notebook, data_copy)
    assert changed.returncode == 1, (
        f"nbval did not notice {INDICATOR} {AREA} {period}: {old} -> {new}:\n{changed.stdout[-3000:]}"
    )
    assert "failed" in changed.stdout

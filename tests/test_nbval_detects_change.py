"""nbval notices when the data behind a notebook changes, on a page and on an explorer.

A copy of data/ is made; with the copy unchanged, `pytest --nbval --nbval-current-env` on a
notebook that uses `population_total` and on a theme explorer that embeds it passes; after one
Sorø value is changed in the copy (VISION_DATA_DIR points the kernels at it), the same run
fails in both notebooks, the explorer through its text form (counts + a digest of its rows).
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


def run_nbval(notebooks: list[Path], data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, VISION_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "no:cacheprovider",
         "-q", "-rf", "-p", "no:xdist", "--rootdir", str(ROOT), *map(str, notebooks)],
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


def explorer_notebook_with(indicator: str) -> Path:
    """The first theme explorer whose embedded rows include `indicator`."""
    for path in sorted((ROOT / "chapters").glob("tema*/udforsk-*.ipynb")):
        if f'"id": "{indicator}"' in path.read_text(encoding="utf-8"):
            return path
    pytest.fail(f"no explorer notebook in chapters/ embeds {indicator!r}")


def failed_notebooks(stdout: str) -> set[str]:
    """Notebooks with a FAILED cell in the short summary (-rf), as pytest prints them: relative
    to --rootdir (ROOT)."""
    return {line.split()[1].split("::")[0] for line in stdout.splitlines() if line.startswith("FAILED ")}


# One pair of nbval runs for two notebooks (a page and an explorer): each run pays for pytest,
# nbval and a kernel per notebook, so the two checks share them.
def test_nbval_passes_on_unchanged_data_and_fails_after_a_change(data_copy):
    page = notebook_using(INDICATOR)
    # nbval skips widget views (their model ids are random elsewhere); the explorer's
    # text/plain form carries the counts and a digest of the embedded rows, so that is what
    # must notice the change.
    explorer = explorer_notebook_with(INDICATOR)
    notebooks = [page, explorer]

    unchanged = run_nbval(notebooks, data_copy)
    assert unchanged.returncode == 0, (
        f"nbval should pass on an unchanged copy of data/ (are the stored outputs of "
        f"{[str(n.relative_to(ROOT)) for n in notebooks]} fresh? run `make notebooks`):\n{unchanged.stdout[-3000:]}"
    )

    period, old, new = change_latest_value(data_copy / "snapshot" / f"{INDICATOR}.csv", AREA)
    changed = run_nbval(notebooks, data_copy)
    assert changed.returncode == 1, (
        f"nbval did not notice {INDICATOR} {AREA} {period}: {old} -> {new}:\n{changed.stdout[-3000:]}"
    )
    failed = failed_notebooks(changed.stdout)
    for notebook in notebooks:
        assert notebook.relative_to(ROOT).as_posix() in failed, (
            f"nbval did not notice {INDICATOR} {AREA} {period}: {old} -> {new} in {notebook.name}; "
            f"failed: {sorted(failed)}\n{changed.stdout[-3000:]}")
    # the explorer's mismatch is its text form (nbval shortens the diff: "...ataaftryk <digest>")
    assert "mismatch 'text/plain'" in changed.stdout and "aftryk" in changed.stdout, changed.stdout[-3000:]

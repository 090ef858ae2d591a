"""nbval compares an explorer notebook's real content: a changed data value fails it.

nbval skips widget views (their model ids are random elsewhere); the explorer's text/plain form
carries the counts and a digest of the embedded rows, so it is what notices the change. The
data copy and the value change are those of tests/test_nbval_detects_change.py.
"""
from __future__ import annotations

from pathlib import Path

from test_nbval_detects_change import change_latest_value, data_copy, run_nbval  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = sorted((ROOT / "chapters").glob("tema1-*/udforsk-*.ipynb"))[0]
INDICATOR = "population_total"  # in theme 1 through t1-trivsel


def test_explorer_notebook_fails_nbval_after_a_data_change(data_copy):  # noqa: F811
    assert f'"id": "{INDICATOR}"' in NOTEBOOK.read_text(encoding="utf-8"), f"{INDICATOR} is not in {NOTEBOOK.name}"
    unchanged = run_nbval(NOTEBOOK, data_copy)
    assert unchanged.returncode == 0, f"stale stored outputs? run `make notebooks`:\n{unchanged.stdout[-3000:]}"
    period, old, new = change_latest_value(data_copy / "snapshot" / f"{INDICATOR}.csv", "340")
    changed = run_nbval(NOTEBOOK, data_copy)
    assert changed.returncode == 1, f"nbval missed {INDICATOR} 340 {period}: {old} -> {new}:\n{changed.stdout[-3000:]}"
    # the mismatch is the explorer's text form (nbval shortens the diff: "...ataaftryk <digest>")
    assert "mismatch 'text/plain'" in changed.stdout and "aftryk" in changed.stdout, changed.stdout[-3000:]

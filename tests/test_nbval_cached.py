"""scripts/nbval_cached.py: nbval against the build's execution still catches stale outputs.

A tiny project in a temporary folder: one notebook printing the content of `value.txt`,
executed into a cache with scripts/nbcache.py. nbval through the replay plugin passes
while the stored outputs equal that execution, fails once the stored output differs (the
code, and so the cache key, unchanged), runs the notebook live when its input changed
after the execution, and runs it live when the execution is older than --nbval-cached-since.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))
import nbcache  # noqa: E402  (scripts/ is not a package)

CODE = "print(open('value.txt', encoding='utf-8').read().strip())"


def make_project(tmp_path: Path, stored: str) -> Path:
    project = tmp_path / "project"
    (project / "chapters").mkdir(parents=True)
    (project / "chapters" / "value.txt").write_text("41\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE, id="cell-0")])
    nb.cells[0].execution_count = 1
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored + "\n")]
    nbformat.write(nb, project / "chapters" / "value.ipynb")
    return project


def execute_into_cache(project: Path) -> None:
    outcomes = nbcache.prepare(project, nbcache.find_notebooks(project), jobs=1, log=lambda *a: None)
    assert [o.state for o in outcomes] == ["executed"], outcomes


def run_nbval(project: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [str(SCRIPTS), str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "nbval_cached", "--nbval-cached", "--nbval-current-env",
         "-p", "no:cacheprovider", "-q", "--rootdir", str(project), *extra, "chapters"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )


def set_stored_output(project: Path, text: str) -> None:
    path = project / "chapters" / "value.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].outputs[0]["text"] = text + "\n"
    nbformat.write(nb, path)


def test_replay_passes_on_matching_outputs_and_fails_on_stale_ones(tmp_path):
    project = make_project(tmp_path, stored="41")
    execute_into_cache(project)

    same = run_nbval(project)
    assert same.returncode == 0, same.stdout[-3000:]
    assert "1 notebook(s) compared with this run's executions, 0 executed live" in same.stdout

    set_stored_output(project, "40")  # outputs only: the cache key (the code) is the same
    stale = run_nbval(project)
    assert stale.returncode == 1, stale.stdout[-3000:]
    assert "Cell outputs differ" in stale.stdout
    assert "0 executed live" in stale.stdout, "the failure must come from the replay, not a live kernel"


def test_changed_input_or_old_execution_runs_live(tmp_path):
    project = make_project(tmp_path, stored="42")
    execute_into_cache(project)  # the cache says 41

    old = run_nbval(project, f"--nbval-cached-since={time.time() + 5}")
    assert "1 executed live" in old.stdout and "older than this test run" in old.stdout, old.stdout[-3000:]
    assert old.returncode == 1, "live: 41 was printed, 42 is stored"

    (project / "chapters" / "value.txt").write_text("42\n", encoding="utf-8")
    changed = run_nbval(project)
    assert "input changed: " in changed.stdout and "value.txt" in changed.stdout, changed.stdout[-3000:]
    assert changed.returncode == 0, "live execution prints the new 42, which is what is stored"


def test_replay_under_xdist_summarises_every_worker_and_still_fails_stale_outputs(tmp_path):
    """make test runs this plugin with pytest-xdist: cells stay with their notebook's replay,
    the controller prints the workers' summary, and a stale output still fails."""
    project = make_project(tmp_path, stored="41")
    first = project / "chapters" / "value.ipynb"
    (project / "chapters" / "other.ipynb").write_bytes(first.read_bytes())
    nb = nbformat.read(first, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("print(6 * 7)", id="cell-1"))
    nb.cells[1].execution_count = 2
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="42\n")]
    nbformat.write(nb, first)
    outcomes = nbcache.prepare(project, nbcache.find_notebooks(project), jobs=1, log=lambda *a: None)
    assert [o.state for o in outcomes] == ["executed", "executed"], outcomes
    xdist = ("-n", "2", "--dist", "loadfile")

    same = run_nbval(project, *xdist)
    assert same.returncode == 0, same.stdout[-3000:]
    assert "2 notebook(s) compared with this run's executions, 0 executed live" in same.stdout, same.stdout[-3000:]
    assert "3 passed" in same.stdout, same.stdout[-3000:]

    set_stored_output(project, "40")
    stale = run_nbval(project, *xdist)
    assert stale.returncode == 1, stale.stdout[-3000:]
    assert "Cell outputs differ" in stale.stdout and "0 executed live" in stale.stdout, stale.stdout[-3000:]

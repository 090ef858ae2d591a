"""scripts/nbcache.py: the cache key is the notebook's code plus what it read when it ran.

A tiny project in a temporary folder with one notebook that reads data/a.csv, lists data/
and writes out.txt. After one execution the dependency record names exactly the file read
and the folder listed (not the file written); a second run executes nothing; changing the
file read, or adding a file to the listed folder, makes the notebook stale; changing an
unrelated file does not; a notebook that now fails leaves no record for the build to serve.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import nbcache  # noqa: E402  (scripts/ is not a package)

CODE = """\
import os
rows = open('../data/a.csv', encoding='utf-8').read().split()
print(rows[-1], len(os.listdir('../data')))
open('out.txt', 'w').write('written, not read')
"""


def make_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "chapters").mkdir(parents=True)
    (project / "data").mkdir()
    (project / "data" / "a.csv").write_text("value\n1\n", encoding="utf-8")
    (project / "data" / "unrelated.csv").write_text("value\n9\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE, id="cell-0")])
    nbformat.write(nb, project / "chapters" / "reader.ipynb")
    return project


def prepare(project: Path):
    return nbcache.prepare(project, nbcache.find_notebooks(project), jobs=1, log=lambda *a: None)


def record_of(project: Path):
    cache = nbcache.open_cache(nbcache.cache_dir_for(project))
    [record] = cache.list_cache_records()
    return cache, record


def test_dependency_record_and_invalidation(tmp_path):
    project = make_project(tmp_path)
    [first] = prepare(project)
    assert first.state == "executed", first.error

    cache, record = record_of(project)
    deps = record.data[nbcache.DEPS_KEY]
    data = project / "data"
    assert str((data / "a.csv").resolve()) in deps["files"]
    assert str((data / "unrelated.csv").resolve()) not in deps["files"]
    assert not any(path.endswith("out.txt") for path in deps["files"]), "a file written is not an input"
    assert list(deps["dirs"]) == [str(data.resolve())]
    outputs = cache.get_cache_bundle(record.pk).nb.cells[0].outputs
    assert outputs[0]["text"] == "1 2\n"

    assert [o.state for o in prepare(project)] == ["fresh"]

    (data / "unrelated.csv").write_text("value\n10\n", encoding="utf-8")
    assert [o.state for o in prepare(project)] == ["fresh"], "a file the notebook did not read changed"

    (data / "a.csv").write_text("value\n2\n", encoding="utf-8")
    [changed] = prepare(project)
    assert (changed.state, changed.reason.split(":")[0]) == ("executed", "input changed")
    cache, record = record_of(project)  # the old record is gone, one remains
    assert cache.get_cache_bundle(record.pk).nb.cells[0].outputs[0]["text"] == "2 2\n"

    (data / "b.csv").write_text("value\n3\n", encoding="utf-8")
    [listed] = prepare(project)
    assert (listed.state, listed.reason.split(":")[0]) == ("executed", "folder listing changed")


def test_a_failing_notebook_leaves_no_record(tmp_path):
    project = make_project(tmp_path)
    assert [o.state for o in prepare(project)] == ["executed"]
    (project / "data" / "a.csv").write_text("", encoding="utf-8")  # rows[-1] -> IndexError
    [failed] = prepare(project)
    assert failed.state == "failed" and "IndexError" in failed.error
    cache = nbcache.open_cache(nbcache.cache_dir_for(project))
    assert cache.list_cache_records() == [], "an old execution would be shown for a notebook that now fails"

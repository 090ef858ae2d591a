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


MYST_FRONT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Front page

```{code-cell} ipython3
print(open('data/a.csv', encoding='utf-8').read().split()[-1])
```
"""


def test_a_myst_markdown_notebook_in_the_toc_is_kept_honest_too(tmp_path):
    # intro.md (the front page's "x af 20 mål") is a MyST notebook at the book's root: it must be
    # re-executed after a data edit, or myst-nb serves its old outputs by their unchanged code.
    project = make_project(tmp_path)
    (project / "intro.md").write_text(MYST_FRONT, encoding="utf-8")
    (project / "plain.md").write_text("# Just text\n", encoding="utf-8")
    (project / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: plain\n", encoding="utf-8")
    found = [p.name for p in nbcache.find_notebooks(project)]
    assert sorted(found) == ["intro.md", "reader.ipynb"]
    assert "plain.md" not in found, "a Markdown page without a kernelspec is no notebook"
    assert [o.state for o in prepare(project)] == ["executed", "executed"]
    assert [o.state for o in prepare(project)] == ["fresh", "fresh"]
    (project / "data" / "a.csv").write_text("value\n7\n", encoding="utf-8")
    states = {o.path.name: (o.state, o.reason.split(":")[0]) for o in prepare(project)}
    assert states["intro.md"] == ("executed", "input changed")
    cache = nbcache.open_cache(nbcache.cache_dir_for(project))
    front = cache.match_cache_notebook(nbcache.read_notebook(project / "intro.md"))
    assert cache.get_cache_bundle(front.pk).nb.cells[-1].outputs[0]["text"] == "7\n"


def test_an_execution_with_another_checkouts_helpers_is_not_fresh(tmp_path, monkeypatch):
    # A venv whose editable install points at another work tree imports that tree's helpers:
    # its cached executions must not count as this book's.
    project = make_project(tmp_path)
    here = nbcache.environment_digest(project)
    real = nbcache.find_spec

    class Elsewhere:
        origin = "/elsewhere/src/helpers/__init__.py"

    monkeypatch.setattr(nbcache, "find_spec", lambda name: Elsewhere() if name == "helpers" else real(name))
    assert nbcache.environment_digest(project) != here

"""An incremental build shows a changed data value: no stale page after a data edit.

A temporary copy of the project is made with a table of contents of one real notebook
(the population page) and a copy of data/ (VISION_DATA_DIR points the kernel at it). It is
built with `bash scripts/build_book.sh` (the incremental `make book`), one Sorø value in
the copy's population_total.csv is changed, and it is built again. The second build must
execute the notebook again because its input changed (not because anything else did),
and the page must show the new value. A third build, after a row of the file is repeated,
must fail on the data check (which, in an incremental build, has Frictionless read only the
changed file) and leave the page as it was. (That an unchanged notebook is not executed again is
tests/test_nbcache.py's job.)
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "chapters/tema2-lokalsamfund/t2-bosaetning"
INDICATOR = "population_total"
AREA = "340"  # Sorø

TOC = f"""\
format: jb-book
root: intro
chapters:
  - file: {NOTEBOOK}
  - file: om-data-og-metode
"""


def danish_thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def make_copy(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    book.mkdir()
    for name in ("_config.yml", "requirements.txt", "constraints.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, book / name)
    for folder in ("scripts", "_static", "data", "widgets_extra"):
        shutil.copytree(ROOT / folder, book / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (book / NOTEBOOK).parent.mkdir(parents=True)
    shutil.copy2(ROOT / f"{NOTEBOOK}.ipynb", book / f"{NOTEBOOK}.ipynb")
    (book / "_toc.yml").write_text(TOC, encoding="utf-8")
    (book / "intro.md").write_text("# Forside (testkopi)\n", encoding="utf-8")
    (book / "om-data-og-metode.md").write_text("# Om data og metode (testkopi)\n", encoding="utf-8")
    (book / ".venv").symlink_to(ROOT / ".venv")
    return book


def build(book: Path, *, ok: bool = True) -> str:
    env = dict(os.environ, VISION_SKIP_VENV="1", VISION_DATA_DIR=str(book / "data"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])))
    done = subprocess.run(["bash", "scripts/build_book.sh"], cwd=book, env=env, capture_output=True,
                          text=True, timeout=900)
    log = done.stdout + done.stderr
    if ok:
        assert done.returncode == 0, f"incremental build of the copy failed:\n{log[-4000:]}"
    else:
        assert done.returncode != 0, f"the build of the copy passed, but should have failed:\n{log[-4000:]}"
    return log


def bump_latest_value(path: Path, area: str) -> tuple[int, int]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    row = max((r for r in rows if r["area_code"] == area and r["value"]),
              key=lambda r: (r["period_start"], r["period"]))
    old = int(float(row["value"]))
    row["value"] = str(old + 1234)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return old, old + 1234


def shown(html: str, number: int) -> bool:
    """The value appears on the page: in a table/prose (Danish thousands) or a chart spec."""
    return danish_thousands(number) in html or re.search(rf"(?<![\d.]){number}(?![\d])", html) is not None


# Not marked `book`: it builds its own copy and needs no _build/html, so make test runs it
# beside the main build (tests/conftest.py, --vision-phase).
def test_a_data_edit_reaches_the_page_in_an_incremental_build(tmp_path):
    book = make_copy(tmp_path)
    page = book / "_build" / "html" / f"{NOTEBOOK}.html"
    data_file = book / "data" / "snapshot" / f"{INDICATOR}.csv"

    first = build(book)
    assert "executing 1 of 1 notebooks" in first, first[-2000:]
    old_html = page.read_text(encoding="utf-8")

    old, new = bump_latest_value(data_file, AREA)
    assert shown(old_html, old) and not shown(old_html, new), "the page should show the original value first"

    second = build(book)
    new_html = page.read_text(encoding="utf-8")
    assert shown(new_html, new), f"stale page: {new} ({INDICATOR}, area {AREA}) is not on {page.name}"
    assert re.search(rf"{re.escape(NOTEBOOK)}\.ipynb: executed in .*input changed: .*{INDICATOR}\.csv", second), second[-2000:]
    # the data check's Frictionless part reads only the edited file again (scripts/check_data.py)
    assert "Frictionless read only the 1 changed file(s)" in second, second[-2000:]

    # A broken data file fails the build with the data check's message (file and line), and
    # no page is written from it: the check runs beside the notebook execution, but Sphinx
    # waits for it.
    lines = data_file.read_text(encoding="utf-8").splitlines(keepends=True)
    data_file.write_text("".join(lines + [lines[-1]]), encoding="utf-8")
    third = build(book, ok=False)
    assert f"{data_file}:{len(lines) + 1}: exact duplicate of {data_file}:{len(lines)}" in third, third[-3000:]
    assert "did not pass scripts/check_data.py" in third and "Sphinx was not run" in third, third[-3000:]
    assert page.read_text(encoding="utf-8") == new_html, "a page was rewritten from data that failed the check"

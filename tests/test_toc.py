"""The book's table of contents and the goals catalog agree: every goal has its analysis page."""
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return found


def test_every_toc_entry_exists():
    missing = [f for f in toc_files()
               if not any((ROOT / f).with_suffix(s).is_file() for s in (".md", ".ipynb"))]
    assert not missing, f"_toc.yml lists pages that do not exist: {missing}"


def test_every_goal_has_a_notebook_in_the_toc():
    goals = yaml.safe_load((ROOT / "data/catalog/goals.yaml").read_text(encoding="utf-8"))["goals"]
    listed = set(toc_files())
    assert len(goals) >= 20
    absent = [g["id"] for g in goals if g["page"] not in listed]
    assert not absent, f"goals without a page in _toc.yml: {absent}"
    not_notebooks = [g["page"] for g in goals if not (ROOT / g["page"]).with_suffix(".ipynb").is_file()]
    assert not not_notebooks, f"goal pages that are not executable notebooks: {not_notebooks}"


def test_overview_pages_are_in_the_toc():
    listed = set(toc_files())
    for page in ("chapters/status", "chapters/verdensmaal", "chapters/kort", "om-data-og-metode", "til-analytikere"):
        assert page in listed, page

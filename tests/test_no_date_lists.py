"""No date at the start of a line may turn into a Markdown numbered list.

"1. marts 2023" at the start of a line renders as an ordered list starting at 1 with the item
"marts 2023". The book's Markdown (pages and notebook markdown cells) must write "vedtaget 1. marts
2023" or escape the dot ("1\\. marts"). This scans the sources, so it fails before a build.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
MONTHS = "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
DATE_ITEM = re.compile(rf"^ {{0,3}}(?:[-*+] +)?\d{{1,2}}\. +(?:{MONTHS})\b", re.IGNORECASE | re.MULTILINE)
SKIP = {".venv", "_build", "node_modules", ".ipynb_checkpoints", ".git"}


def book_sources():
    for path in sorted(ROOT.rglob("*")):
        if SKIP & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix == ".md" and path.parts[len(ROOT.parts)] in ("chapters", "intro.md") or path.name == "intro.md":
            yield path, path.read_text(encoding="utf-8")
        elif path.suffix == ".ipynb" and "chapters" in path.parts:
            nb = nbformat.read(path, as_version=4)
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "markdown":
                    yield f"{path}#cell{i}", cell.source


def date_lists(text: str) -> list[str]:
    return [m.group(0) for m in DATE_ITEM.finditer(text)]


def test_the_pattern_catches_a_date_list_and_passes_an_escaped_one():
    assert date_lists("Vision 2026.\n1. marts 2023 vedtaget.") == ["1. marts"]
    assert date_lists("Vedtaget 1. marts 2023.\n1\\. marts 2023") == []


def test_no_book_markdown_starts_a_line_with_a_date():
    found = [(str(where), hit) for where, text in book_sources() for hit in date_lists(text)]
    assert not found, f"dates that Markdown turns into numbered lists: {found}"

"""Every chart on every built page travels with its data: a CSV link whose rows are real snapshot rows.

Reads the built site (`make book`), independent of the code that wrote it: the CSV is decoded
from the page and every row is looked up in data/snapshot/<indicator_id>.csv by its origin.
"""
from __future__ import annotations

import base64
import csv
import io
import math
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "data" / "snapshot"
PROVENANCE = ["publisher", "source_url", "quote", "origin"]

pytestmark = pytest.mark.book


def pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts and "reports" not in p.parts)


def decode_data_uri(href: str) -> str:
    head, _, payload = href.partition(",")
    assert head.startswith("data:text/csv"), head
    return base64.b64decode(payload).decode("utf-8") if head.endswith(";base64") else unquote(payload)


def read_download(href: str, page: Path) -> str:
    """The CSV behind a link: inline (a notebook output) or, on the site, a file beside the pages
    (scripts/sphinx_reader.py moves inline CSVs to _static/hent/); the file must exist."""
    if href.startswith("data:"):
        return decode_data_uri(href)
    assert "//" not in href and href.endswith(".csv"), href
    path = (page.parent / unquote(href)).resolve()
    assert path.is_file(), f"{page}: download {href} does not exist"
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def snapshot_by_origin(indicator_id: str) -> dict[tuple[str, str, str, str, str], str]:
    with (SNAPSHOT / f"{indicator_id}.csv").open(encoding="utf-8", newline="") as fh:
        return {(r["origin"], r["area_code"], r["period"], r["sex"], r["age"]): r["value"] for r in csv.DictReader(fh)}


def same_number(a: str, b: str) -> bool:
    if a == "" or b == "":
        return a == b
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def chart_figures(html_dir: Path):
    for page in pages(html_dir):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for chart in soup.select(".vision-chart"):
            figure = chart.find_parent("figure")
            yield page, chart.get("id"), figure


def test_the_book_has_charts(html_dir):
    assert sum(1 for _ in chart_figures(html_dir)) >= 20


def test_every_chart_has_a_csv_link_with_sourced_snapshot_rows(html_dir):
    problems = []
    checked = 0
    for page, chart_id, figure in chart_figures(html_dir):
        link = figure.select_one("a.v26-csv[download]") if figure else None
        if link is None:
            problems.append(f"{page}: chart {chart_id} has no 'Hent data (CSV)' link")
            continue
        rows = list(csv.DictReader(io.StringIO(read_download(link["href"], page))))
        if not rows:
            problems.append(f"{page}: chart {chart_id}: the CSV has no rows")
        for number, row in enumerate(rows, start=2):
            missing = [c for c in PROVENANCE if not (row.get(c) or "").strip()]
            if missing:
                problems.append(f"{page}: {link['download']} line {number}: no {', '.join(missing)}")
                continue
            key = (row["origin"], row["area_code"], row["period"], row["sex"], row["age"])
            stored = snapshot_by_origin(row["indicator_id"]).get(key)
            if stored is None or not same_number(row["value"], stored):
                problems.append(f"{page}: {link['download']} line {number}: {key} value {row['value']!r}"
                                f" is not in data/snapshot/{row['indicator_id']}.csv (there: {stored!r})")
            checked += 1
    assert not problems, "\n".join(problems[:30])
    assert checked > 0

"""Shared fixtures: where the project and the built site are."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """The built site; skips when the book has not been built (`make test` builds it first)."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.skip(f"{HTML_DIR} is not built: run `make book` (make test builds it first)")
    return HTML_DIR

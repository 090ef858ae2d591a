"""Shared fixtures: where the project and the built site are; how pytest-xdist shares the work."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML_DIR = ROOT / "_build" / "html"

# `make test` runs pytest-xdist with `--dist loadgroup --no-loadscope-reorder`
# (scripts/run_tests.sh). xdist's own loadgroup reads `xdist_group` marks by rewriting node ids,
# which pytest 9 no longer lets it do, so `pytest_xdist_make_scheduler` below replaces it with a
# scheduler that derives each test's work unit from its node id:
#   - a notebook's cells: the notebook (they share one kernel or replay, in order);
#   - a browser test parametrized by a page: "page:<page>", so every check of a page runs on the
#     worker that caches that page's one visit per viewport (tests/browser/facts.py);
#   - a module in MODULE_GROUPS: the module (a module-scoped fixture worth building once);
#   - anything else: the test alone.
# A unit runs on one worker, in collection order; units are handed out in collection order,
# which pytest_collection_modifyitems sorts slow units first (a stable sort: the order inside a
# module is kept), so no worker starts a long test while the other has nothing left.
MODULE_GROUPS = {"tests/test_import_harvest.py"}
SLOW_FIRST = [
    "tests/test_incremental_build.py",
    "tests/test_nbval_detects_change.py",
    "tests/browser/test_explorer.py",
    "tests/test_import_harvest.py",
    "tests/browser/",
    "tests/test_bad_inputs.py",
]
PAGE_PARAM = re.compile(r"\[([^\[\]]*?\.html)")


def work_unit(nodeid: str) -> str:
    """The xdist work unit of a test (see above)."""
    path = nodeid.split("::", 1)[0]
    if path.endswith(".ipynb") or path in MODULE_GROUPS:
        return path
    page = PAGE_PARAM.search(nodeid) if path.startswith("tests/browser/") else None
    if page:
        return f"page:{page.group(1)}"
    return nodeid


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnitScheduling(config, log)


# `make test` runs the tests that need no build beside the build (scripts/run_tests.sh):
# --vision-phase=before-build keeps only those, --vision-phase=after-build only the others.
# A test needs the build when it is a browser test, a notebook (nbval against this run's
# executions), marked `book`, or asks for the built site (html_dir / site_url fixtures); so a
# test of _build/html can never run early and skip for want of the site.
BUILD_FIXTURES = {"html_dir", "site_url"}


def pytest_addoption(parser):
    parser.addoption("--vision-phase", choices=["before-build", "after-build"], default=None,
                     help="only the tests that need no built book / only those that do (make test)")


def needs_build(item) -> bool:
    path = item.nodeid.split("::", 1)[0]
    return (path.startswith("tests/browser/") or path.endswith(".ipynb")
            or item.get_closest_marker("book") is not None
            or bool(BUILD_FIXTURES & set(getattr(item, "fixturenames", ()))))


def _rank(item) -> int:
    path = item.nodeid.split("::", 1)[0]
    return next((i for i, prefix in enumerate(SLOW_FIRST) if path.startswith(prefix)), len(SLOW_FIRST))


def pytest_collection_modifyitems(config, items):
    phase = config.getoption("vision_phase")
    if phase:
        keep = [i for i in items if needs_build(i) == (phase == "after-build")]
        dropped = [i for i in items if needs_build(i) != (phase == "after-build")]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep
    items.sort(key=_rank)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def html_dir() -> Path:
    """The built site; skips when the book has not been built (`make test` builds it first)."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.skip(f"{HTML_DIR} is not built: run `make book` (make test builds it first)")
    return HTML_DIR

"""The "Udforsk" pages in headless Chromium, over http and from file://, with no kernel.

On each explorer page (chapters/tema*/udforsk-*.html): the ipywidgets controls render from the
embedded widget state; changing the indicator, the areas, the period and each measure changes
the drawn chart (its data digest and its SVG); the Dropdown reaches every indicator of the theme
and each draws a non-empty chart; and nothing goes wrong on the way: no console error, no
uncaught error, no request to another host, no local 404 (or missing file under file://).

The expectations (which indicator has several years, which supports a measure) are read from
the payload embedded in the page, not from the code that built it.

From file:// each page is checked for what file:// can break (loading): it draws, and each
kind of control changes the chart once; over http everything is driven. Over http each page is
opened once, in the desktop visit that measures it for every other check too
(tests/browser/facts.py): after that visit's reading of the page (bytes, axe, text), the slider
names are read and every control is driven; the three tests here assert on that one visit
(tests/conftest.py keeps a page's tests on one pytest-xdist worker).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HTML_DIR = Path(__file__).resolve().parents[2] / "_build" / "html"
TIMEOUT_MS = 30_000
STATE_MIME = "application/vnd.jupyter.widget-state+json"


def explorer_pages() -> list:
    pages = sorted(p.relative_to(HTML_DIR).as_posix() for p in HTML_DIR.glob("chapters/tema*/udforsk-*.html"))
    if not pages:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no explorer page in {HTML_DIR}: run `make book`"))]
    return [pytest.param(p, id=p) for p in pages]


def embedded_payload(name: str) -> dict:
    html = (HTML_DIR / name).read_text(encoding="utf-8")
    match = re.search(r'<script type="%s">(.*?)</script>' % re.escape(STATE_MIME), html, re.S)
    assert match, f"{name}: no embedded widget state"
    state = json.loads(match.group(1))["state"]
    payloads = [m["state"]["payload"] for m in state.values() if m["state"].get("payload")]
    assert len(payloads) == 1, f"{name}: expected the theme's rows once, found {len(payloads)} payloads"
    return payloads[0]


def chart_state(page) -> dict:
    return page.evaluate("""() => {
        const r = document.querySelector('.vx-explorer');
        if (!r) return null;
        const svg = r.querySelector('.vx-chart svg');
        return {state: r.getAttribute('data-state'), digest: r.getAttribute('data-digest'),
                indicator: r.getAttribute('data-indicator'), measure: r.getAttribute('data-measure'),
                rows: +r.getAttribute('data-rows'), renderer: r.getAttribute('data-renderer'),
                svg: svg ? svg.outerHTML : '', marks: svg ? svg.querySelectorAll('path, circle').length : 0,
                source: (r.querySelector('.vx-source') || {}).textContent || ''};
    }""")


def wait_changed(page, before: dict, what: str) -> dict:
    try:
        page.wait_for_function(
            """(old) => { const r = document.querySelector('.vx-explorer');
                 return r && ['done', 'empty', 'error'].includes(r.getAttribute('data-state'))
                        && r.getAttribute('data-digest') !== old; }""",
            arg=before["digest"], timeout=TIMEOUT_MS)
    except Exception as exc:  # playwright's TimeoutError
        pytest.fail(f"{what}: the chart did not change ({exc.__class__.__name__})")
    after = chart_state(page)
    assert after["state"] != "error", f"{what}: drawing failed"
    return after


def wait_for_explorer(page) -> None:
    page.wait_for_function(
        "() => { const r = document.querySelector('.vx-explorer'); return r && r.getAttribute('data-state') === 'done'; }",
        timeout=TIMEOUT_MS)


def open_explorer(page_watch, url: str):
    """The page of `page_watch` at `url`, once its explorer has drawn."""
    page = page_watch.page
    page.goto(url, wait_until="load")
    wait_for_explorer(page)
    return page


def all_problems(page_watch) -> list[str]:
    """conftest's blocked requests and errors, and the local files that failed to load."""
    return page_watch.problems() + page_watch.local_problems()


def select_areas(page, labels: list[str]) -> None:
    page.locator(".widget-select-multiple select").select_option(label=labels)


def select_indicator(page, payload: dict, k: int) -> dict:
    """Choose indicator k in the Dropdown; returns the chart once it shows that indicator."""
    page.locator(".widget-dropdown select").select_option(index=k)
    wanted = payload["indicators"][k]["id"]
    try:
        page.wait_for_function(
            """(id) => { const r = document.querySelector('.vx-explorer');
                 return r && r.getAttribute('data-indicator') === id
                        && ['done', 'empty', 'error'].includes(r.getAttribute('data-state')); }""",
            arg=wanted, timeout=TIMEOUT_MS)
    except Exception as exc:
        pytest.fail(f"Dropdown -> {wanted}: the chart never showed it ({exc.__class__.__name__})")
    return chart_state(page)


def years_of(payload: dict, ind: dict, area: int | None = None) -> list[int]:
    return sorted({int(payload["periods"][p][0][:4]) for a, p in zip(ind["rows"]["a"], ind["rows"]["p"])
                   if area is None or a == area})


def drive(page, payload: dict, *, thorough: bool = True) -> None:
    """Every control once, then every indicator; asserts as it goes.

    thorough=False (the file:// visit): each kind of control once (areas, the Dropdown to one
    other indicator, the slider, the first measure). What file:// can break is loading (the
    runtime, the embedded state, the bundles), and that shows on the first change of each
    control; the walk over every indicator and measure is the http visit's job.
    """
    inds, areas = payload["indicators"], payload["areas"]
    labels = [a[1] for a in areas]
    state = chart_state(page)
    assert state["state"] == "done" and state["marks"] > 0 and state["renderer"] == "vega", state
    assert state["source"].startswith("Kilde: "), "no source line under the chart"

    # areas: an indicator with two areas; one area, then the other
    j = next((k for k, i in enumerate(inds) if len(set(i["rows"]["a"])) > 1), None)
    assert j is not None, "no indicator of the theme has two areas"
    state = select_indicator(page, payload, j)
    a1, a2 = sorted(set(inds[j]["rows"]["a"]))[:2]
    select_areas(page, [labels[a1]])
    page.wait_for_timeout(200)
    state = chart_state(page)
    select_areas(page, [labels[a2]])
    state = wait_changed(page, state, f"SelectMultiple {labels[a1]} -> {labels[a2]}")

    # indicator: with every area chosen, every indicator is reachable and draws something
    select_areas(page, labels)
    page.wait_for_timeout(200)
    others = [m for m in range(len(inds)) if m != j]
    for k in range(len(inds)) if thorough else (others or [j])[:1]:
        ind = inds[k]
        state = select_indicator(page, payload, k)
        assert state["state"] == "done" and state["rows"] > 0 and state["marks"] > 0, \
            f"{ind['id']}: empty chart with every area chosen"

    # period: the indicator with most distinct years; the upper handle moved below its last year
    k = max(range(len(inds)), key=lambda m: (len(years_of(payload, inds[m])), -m))
    assert len(years_of(payload, inds[k])) > 1, "no indicator of the theme has two years"
    state = select_indicator(page, payload, k)
    presses = payload["years"][1] - years_of(payload, inds[k])[-1] + 1
    handle = page.locator(".widget-hslider .noUi-handle-upper")
    handle.focus()
    for _ in range(presses):
        handle.press("ArrowLeft")
    state = wait_changed(page, state, f"IntRangeSlider (upper handle -{presses} years)")

    # measures: each toggle button on an indicator that supports it, with one area that has rows
    buttons = page.locator(".widget-toggle-buttons button")
    key_of = {label: key for key, label in payload["measures"]}
    shown = [buttons.nth(i).inner_text().strip() for i in range(buttons.count())]
    assert shown and shown[0] == "Niveau", shown
    for label in shown[1:] if thorough else shown[1:2]:
        key = key_of[label]
        j, area = pick_for_measure(payload, key)
        select_indicator(page, payload, j)
        select_areas(page, [labels[area]])
        page.locator(".widget-toggle-buttons button", has_text=shown[0]).click()
        page.wait_for_timeout(300)
        level = chart_state(page)
        page.locator(".widget-toggle-buttons button", has_text=label).click()
        after = wait_changed(page, level, f"ToggleButtons -> {label}")
        assert after["measure"] == key and after["rows"] > 0 and after["svg"] != level["svg"], (label, after)


def pick_for_measure(payload: dict, key: str) -> tuple[int, int]:
    """(indicator index, area index) where `key` draws something."""
    pop = set(zip(payload["population"]["a"], payload["population"]["y"]))
    for j, ind in enumerate(payload["indicators"]):
        if key not in ind["measures"]:
            continue
        rows = list(zip(ind["rows"]["a"], ind["rows"]["p"]))
        for a in sorted({a for a, _p in rows}):
            years = years_of(payload, ind, a)
            if key == "index" and len(set(years)) > 1:
                return j, a
            if key == "per_1000" and any((a, y) in pop for y in years):
                return j, a
            if key == "rank" and payload["areas"][a][3] in ("municipality", "soro"):
                return j, a
    pytest.fail(f"the toggle offers {key!r} but no indicator/area of the payload can draw it")


HANDLE_NAMES_JS = ("() => ['.noUi-handle-lower', '.noUi-handle-upper'].map("
                   "s => Array.from(document.querySelectorAll(s)).map(h => h.getAttribute('aria-label')))")


def explorer_visit(page, name: str) -> dict:
    """What the http visit measures on an explorer page that has drawn: {"handle_names",
    "drive_error"} (its first-visit bytes are the visit's own, read before axe); a step that
    failed keeps its exception, raised again by the test that needs it. Called by
    tests/browser/facts.py in the page's one desktop visit, after that visit's other
    measurements (which read the page and change none of its widgets)."""
    found: dict = {}
    try:
        page.wait_for_selector(".noUi-handle-upper[aria-label]", timeout=TIMEOUT_MS)
        found["handle_names"] = page.evaluate(HANDLE_NAMES_JS)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        found["handle_names_error"] = exc
    try:
        drive(page, embedded_payload(name))
    except BaseException as exc:  # noqa: BLE001 - pytest.fail inside drive() included
        if isinstance(exc, KeyboardInterrupt):
            raise
        found["drive_error"] = exc
    return found


@pytest.fixture(scope="module")
def http_visits(site_facts):
    """name -> the explorer part of the page's desktop visit over http (tests/browser/facts.py):
    first-visit bytes, slider names, every control driven, and "problems": what went wrong
    while the page loaded and while the explorer was measured (axe's own reading of the
    style sheets in between is left out, as for the charts' controls)."""
    def visit(name: str) -> dict:
        facts = site_facts.get(name, "desktop")
        if facts.get("load_error"):
            return {"open_error": AssertionError(f"{name}: the page did not load: {facts['load_error']}")}
        if "explorer" not in facts:
            return {"open_error": AssertionError(f"{name}: measuring the explorer failed: "
                                                 f"{facts['errors'].get('explorer', 'the page has no widget state')}")}
        found = dict(facts["explorer"])
        if "bytes" in facts:
            found["bytes"] = facts["bytes"][0]
        else:
            found["bytes_error"] = AssertionError(f"{name}: {facts['errors'].get('bytes', 'bytes not measured')}")
        return found
    return visit


def _need(found: dict, key: str):
    for error in ("open_error", key + "_error"):
        if error in found:
            raise found[error]
    return found[key]


@pytest.mark.parametrize("name", explorer_pages())
def test_explorer_over_http(http_visits, name):
    found = http_visits(name)
    _need(found, "problems")
    if "drive_error" in found:
        raise found["drive_error"]
    assert found["problems"] == []


@pytest.mark.parametrize("name", explorer_pages())
def test_explorer_from_file(page_watch, name):
    page = open_explorer(page_watch, (HTML_DIR / name).as_uri())
    drive(page, embedded_payload(name), thorough=False)
    assert all_problems(page_watch) == []


def test_widget_runtime_only_on_explorer_pages(html_dir):
    """The 3.7 MB runtime is listed only on pages with widget state."""
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        has_state = STATE_MIME in text
        loads = "widgets/embed-amd.js" in text
        assert has_state == loads, f"{page.relative_to(html_dir)}: state={has_state} runtime={loads}"


def test_own_renderer_draws_when_vegaembed_is_absent(page_watch, site_url):
    """As in JupyterLab: no page vega bundle, so the chart module draws its own SVG."""
    pages = [p for p in explorer_pages() if p.values[0]]
    if not pages:
        pytest.skip("no explorer page built")
    name = pages[0].values[0]
    page = page_watch.page
    # vega-bundle.js assigns window.vegaEmbed; this keeps it undefined for the whole visit
    page.add_init_script("Object.defineProperty(window, 'vegaEmbed', {get() { return undefined; }, "
                         "set(v) {}, configurable: false});")
    page = open_explorer(page_watch, site_url + name)
    state = chart_state(page)
    assert state["renderer"] == "own" and state["marks"] > 0, state
    payload = embedded_payload(name)
    labels = [a[1] for a in payload["areas"]]
    j = next(k for k, i in enumerate(payload["indicators"]) if len(set(i["rows"]["a"])) > 1)
    a1, a2 = sorted(set(payload["indicators"][j]["rows"]["a"]))[:2]
    select_indicator(page, payload, j)
    select_areas(page, [labels[a1]])
    page.wait_for_timeout(200)
    state = chart_state(page)
    select_areas(page, [labels[a2]])
    after = wait_changed(page, state, "SelectMultiple, own renderer")
    assert after["renderer"] == "own" and after["marks"] > 0 and after["svg"] != state["svg"]
    assert all_problems(page_watch) == []


EXPLORER_PAGE_BUDGET = 6_000_000  # issue #12: the theme's series for all 98 municipalities + widget runtime


@pytest.mark.parametrize("name", explorer_pages())
def test_explorer_first_visit_is_within_its_budget(http_visits, name):
    """The explorer pages are left out of test_reader's 700 kB / 2 MB budget; this is theirs."""
    total = _need(http_visits(name), "bytes")
    assert total <= EXPLORER_PAGE_BUDGET, f"{name}: {total:,} bytes on a first visit (budget {EXPLORER_PAGE_BUDGET:,})"


@pytest.mark.parametrize("name", explorer_pages())
def test_period_slider_handles_have_danish_names(http_visits, name):
    names = _need(http_visits(name), "handle_names")
    assert names == [["Fra år"], ["Til år"]], names

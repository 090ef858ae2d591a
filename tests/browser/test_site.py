"""Every page of the built site in headless Chromium, with every off-host request blocked.

For each HTML page: no console error, no uncaught page error, no request to a host other
than 127.0.0.1, and every `.vision-chart` ends up with an <svg> and no error message.
Bound Vega-Lite inputs change their signal; numbers are formatted the Danish way.
The per-page checks assert on one visit per page (tests/browser/facts.py, `site_facts`).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HTML_DIR = Path(__file__).resolve().parents[2] / "_build" / "html"
CHART_TIMEOUT_MS = 20_000
# index.html is Jupyter Book's redirect to the root page; tests that add charts use the root page.
# The injection tests need the chart scripts, which only pages with a chart load.
START_PAGE = "chapters/tema2-lokalsamfund/t2-bosaetning.html"


def site_pages() -> list:
    if not (HTML_DIR / "index.html").is_file():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"{HTML_DIR} is not built: run `make book` (make test builds it first)"))]
    pages = sorted(p.relative_to(HTML_DIR).as_posix() for p in HTML_DIR.rglob("*.html")
                   if not p.relative_to(HTML_DIR).as_posix().startswith(("_static/", "_sources/", "reports/")))
    return [pytest.param(p, id=p) for p in pages]


def pages_with_bindings() -> list:
    """Pages whose chart specs bind a parameter to an input element."""
    params = []
    for param in site_pages():
        name = param.values[0]
        if name and re.search(r'"bind":\{[^}]*"input"', (HTML_DIR / name).read_text(encoding="utf-8")):
            params.append(pytest.param(name, id=name))
    return params or [pytest.param(None, marks=pytest.mark.skip(
        reason="no page binds a chart parameter to an input yet (test_injected_binding covers the mechanism)"))]


def wait_for_charts(page) -> int:
    """Wait until every chart on the page is drawn or has failed; returns the number of charts."""
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.vision-chart')).every(
               el => ['done', 'error'].includes(el.getAttribute('data-vision-state')))""",
        timeout=CHART_TIMEOUT_MS,
    )
    return page.locator(".vision-chart").count()


def open_page(page_watch, site_url: str, name: str):
    page = page_watch.page
    response = page.goto(site_url + name, wait_until="load")
    assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
    # Settle redirects (index.html) and late requests before looking at the page.
    page.wait_for_load_state("networkidle")
    return page


@pytest.mark.parametrize("name", site_pages())
def test_page_loads_cleanly_and_draws_every_chart(site_facts, name):
    # One visit at 1280x800 measures this page for every check (tests/browser/facts.py).
    facts = site_facts.get(name, "desktop")
    report = facts.need("charts")
    charts = facts["chart_count"]
    problems = list(facts["problems_after_load"])
    for chart in report:
        if chart["error"]:
            problems.append(f"chart {chart['id']}: {chart['error']}")
        elif not chart["svg"]:
            problems.append(f"chart {chart['id']}: no <svg>")
        elif not chart["view"]:
            problems.append(f"chart {chart['id']}: no view in window.visionViews")
    assert not problems, f"{name} ({charts} charts):\n  " + "\n  ".join(problems)
    # The chart script and bundle are linked exactly on the pages that have a chart, and on the
    # "Udforsk" explorer pages: their widget draws with the page's vegaEmbed but is no
    # .vision-chart (scripts/sphinx_reader.py `_has_chart` counts widget views).
    loaded = facts.need("scripts_loaded")
    expected = charts > 0 or has_explorer_widget(name)
    assert loaded == expected, f"{name}: {charts} charts, explorer widget: {has_explorer_widget(name)}, " \
                               f"chart scripts loaded: {loaded}"


def has_explorer_widget(name: str) -> bool:
    """Whether the built page holds an ipywidgets/anywidget view (the "Udforsk" explorer)."""
    return "application/vnd.jupyter.widget-view+json" in (HTML_DIR / name).read_text(encoding="utf-8")


def flip_first_binding(page, chart_id: str | None = None) -> tuple[str, object, object]:
    """Change the first bound input under a chart (or under `chart_id`); returns (signal, before, after)."""
    return page.evaluate(
        """async (chartId) => {
            const el = chartId ? document.getElementById(chartId) : Array.from(document.querySelectorAll('.vision-chart'))
                .find(e => e.querySelector('.vega-bindings [name]'));
            if (!el) throw new Error('no bound input under a chart');
            const input = el.querySelector('.vega-bindings [name]');
            const view = window.visionViews[el.id];
            const name = input.getAttribute('name');
            const before = view.signal(name);
            if (input.tagName === 'SELECT') {
                const other = Array.from(input.options).find(o => !o.selected);
                input.value = other.value;
                input.dispatchEvent(new Event('change', {bubbles: true}));
            } else if (input.type === 'range' || input.type === 'number' || input.type === 'text') {
                const min = Number(input.min || 0), max = Number(input.max || 100);
                input.value = String(Number(input.value) === max ? min : max);
                input.dispatchEvent(new Event('input', {bubbles: true}));
                input.dispatchEvent(new Event('change', {bubbles: true}));
            } else if (input.type === 'radio') {
                const other = Array.from(el.querySelectorAll(`.vega-bindings input[name="${name}"]`))
                    .find(r => !r.checked);
                other.click();
            } else {
                input.click();
            }
            await view.runAsync();
            return [name, before, view.signal(name)];
        }""",
        chart_id,
    )


@pytest.mark.parametrize("name", pages_with_bindings())
def test_bound_input_changes_the_signal(site_facts, name):
    # Measured in the same visit, after every control was driven (facts.py, last step).
    facts = site_facts.get(name, "desktop")
    signal, before, after = facts.need("flip")
    assert before != after, f"{name}: changing the input of {signal!r} left it at {before!r}"
    assert not facts["problems_after_flip"], facts["problems_after_flip"]


INJECTED = {
    "params": [{"name": "aar", "value": 2020,
                "bind": {"input": "range", "min": 2010, "max": 2030, "step": 1, "name": "År "}}],
    "data": {"values": [{"x": 1234567.5, "d": "2024-03-15"}]},
    "mark": "text",
    "encoding": {"text": {"field": "x", "type": "quantitative", "format": ",.1f"}},
    "transform": [{"calculate": "timeFormat(toDate(datum.d), '%d. %B %Y')", "as": "dato"}],
}


def inject_chart(page, spec: dict, chart_id: str = "vc-testinjected00") -> None:
    page.evaluate(
        """([id, spec]) => {
            const div = document.createElement('div');
            div.className = 'vision-chart'; div.id = id;
            (document.querySelector('main') || document.body).appendChild(div);
            window.visionEmbed(id, spec);
        }""",
        [chart_id, spec],
    )
    wait_for_charts(page)


def test_injected_binding_changes_the_signal(page_watch, site_url):
    """The site's embed path (visionEmbed -> vegaEmbed) wires bound inputs to signals."""
    page = open_page(page_watch, site_url, START_PAGE)
    inject_chart(page, INJECTED)
    signal, before, after = flip_first_binding(page, "vc-testinjected00")
    assert signal == "aar"
    assert before == 2020 and after == 2030
    assert not page_watch.problems(), page_watch.problems()


def test_numbers_and_dates_are_danish_in_the_browser(page_watch, site_url):
    page = open_page(page_watch, site_url, START_PAGE)
    spec = {
        "data": {"values": [{"x": 1234567.5, "d": "2024-03-15T12:00:00"}]},
        "transform": [{"calculate": "timeFormat(toDate(datum.d), '%d. %B %Y')", "as": "dato"},
                      {"calculate": "format(datum.x, ',.1f') + ' / ' + datum.dato", "as": "tekst"}],
        "mark": "text",
        "encoding": {"text": {"field": "tekst", "type": "nominal"}},
    }
    inject_chart(page, spec, "vc-testlocale0000")
    text = page.locator("#vc-testlocale0000 svg.marks").text_content()
    assert "1.234.567,5" in text and "marts 2024" in text, text
    assert not page_watch.problems(), page_watch.problems()


def test_a_broken_spec_shows_an_error_and_logs_it(page_watch, site_url):
    """The error path works, so the checks above can fail."""
    page = open_page(page_watch, site_url, START_PAGE)
    broken = {"data": {"values": [{"a": 1}]}, "mark": "bar",
              "encoding": {"y": {"datum": {"expr": "nope"}}, "x": {"field": "a"}}, "params": [{"name": "p", "expr": "("}]}
    inject_chart(page, broken, "vc-testbroken0000")
    assert page.locator("#vc-testbroken0000 .vision-chart-error").count() == 1
    assert any("vc-testbroken0000" in m for m in page_watch.console_errors)


def test_off_host_requests_are_blocked_and_recorded(page_watch, site_url):
    """The request guard itself: a page that fetches another host is caught."""
    page = open_page(page_watch, site_url, START_PAGE)
    page.evaluate("() => fetch('https://cdn.jsdelivr.net/npm/vega@6').catch(() => null)")
    page.wait_for_timeout(200)
    assert page_watch.blocked == ["https://cdn.jsdelivr.net/npm/vega@6"]

"""Everything test_site.py and test_reader.py check on a page, measured in ONE visit per viewport.

Loading a page (and drawing its charts) is what the browser tests spend their time on, so a
page is opened once per viewport and every measurement is taken in that visit, in an order
where no measurement disturbs a later one: first what reads the page as loaded (charts,
overflow, first screen, bytes), then what adds to it (the text copy, axe), then what changes
it (every control of every chart, the first bound input; on an Udforsk page, every widget,
tests/browser/test_explorer.py). The tests stay separate and
parametrized by page and check, and assert on these facts with the same thresholds.

Each viewport keeps one browser context and one tab per pytest worker. A visit goes to
about:blank first (which ends everything the previous page still had running), then empties the
tab's console, error and off-host records and opens the page. The theme, fonts and chart bundle
then come from the context's cache, as on a reader's second page, and the tab's renderer process
is reused: a new tab per visit cost about 0.9 core-seconds more, most of it starting a renderer
(measured on 6 pages, December 2026). The bytes still are a first visit's: BYTES_JS sums each
file's decoded size, which the browser reports for a file from the cache too (checked against a
fresh context on every page of the site, December 2026;
test_reader.py::test_a_shared_context_counts_a_first_visits_bytes keeps checking one page). A
page that failed to load closes its tab; the next visit opens a new one.

A measurement that raised is kept as its error text; the test that needs it fails with it.
With pytest-xdist every check of a page runs on one worker (tests/conftest.py groups them by
page), so each page is still visited once per viewport.
"""
from __future__ import annotations

import traceback
from pathlib import Path

from test_site import open_page, wait_for_charts

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
    "narrow": {"width": 320, "height": 800},
}

CHARTS_JS = """() => Array.from(document.querySelectorAll('.vision-chart')).map(el => ({
      id: el.id,
      svg: el.querySelector('svg') !== null,
      error: (el.querySelector('.vision-chart-error') || {}).textContent || null,
      view: !!(window.visionViews && window.visionViews[el.id]),
   }))"""

OVERFLOW_JS = """(vw) => {
  const bad = [];
  const clipped = el => { for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX) && a !== document.body
          && a !== document.documentElement) return true; } return false; };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.position === 'fixed') continue;
    if (r.right > vw + 1 && !clipped(el)) bad.push(el.tagName + '.' + (el.className && el.className.baseVal === undefined ? el.className : '') + ' right=' + Math.round(r.right));
    if (bad.length > 5) break;
  }
  return {scroll: document.documentElement.scrollWidth - vw, bad};
}"""

FIRST_SCREEN_JS = """() => { window.scrollTo(0, 0);
  const boxes = ['.v26-verdict .v26-badge', '.v26-verdict .v26-headline-number', '.v26-verdict .v26-answer']
    .map(sel => { const el = document.querySelector(sel);
                  if (!el) return [sel, null];
                  const r = el.getBoundingClientRect(); return [sel, r.top, r.bottom, el.textContent]; });
  const dates = document.querySelector('.v26-verdict-dates');
  return {boxes, dates: dates ? dates.textContent : null}; }"""

BYTES_JS = """() => {
    const entries = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));
    return [entries.reduce((s, e) => s + (e.decodedBodySize || e.transferSize || 0), 0),
            document.querySelector('.vision-chart') !== null, typeof window.vegaEmbed];}"""

VISIBLE_TEXT_JS = """() => {
    // Code (the analysts' page shows commands and column names) is not prose.
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('pre, code, script, style').forEach(e => e.remove());
    document.body.appendChild(clone); clone.style.position = 'absolute';
    const prose = clone.innerText; clone.remove();
    const parts = [prose, document.title];
    for (const el of document.querySelectorAll('[title],[aria-label],[placeholder],[alt]'))
      for (const a of ['title', 'aria-label', 'placeholder', 'alt'])
        if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    return parts.join('\\n');}"""

AXE_RUN_JS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
    .filter(v => ['critical', 'serious'].includes(v.impact))
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""

CONTROLS_JS = """async (id) => {
  const el = document.getElementById(id);
  const view = window.visionViews[id];
  const drawn = () => el.querySelector('svg').innerHTML;
  const marks = () => el.querySelectorAll('svg .mark-line path, svg .mark-symbol path, svg .mark-rect path').length;
  const message = () => /Ingen tal/.test(el.querySelector('svg').textContent);
  const problems = [];
  const inputs = Array.from(el.querySelectorAll('.vega-bindings [name]'));
  const names = [...new Set(inputs.map(i => i.getAttribute('name')))];
  for (const name of names) {
    const input = el.querySelector(`.vega-bindings [name="${name}"]`);
    const values = input.tagName === 'SELECT' ? Array.from(input.options).map(o => o.value)
      : input.type === 'range' ? [input.min, input.max]
      : Array.from(el.querySelectorAll(`.vega-bindings input[name="${name}"]`)).map(r => r.value);
    const start = view.signal(name);
    let changed = false;
    for (const v of values) {
      const before = drawn();
      view.signal(name, input.type === 'range' ? Number(v) : v);
      await view.runAsync();
      if (drawn() !== before) changed = true;
      if (!marks() && !message()) problems.push(`${name}=${v}: empty chart without a message`);
    }
    if (values.length > 1 && !changed) problems.push(`${name}: no value changed the chart`);
    view.signal(name, start); await view.runAsync();
  }
  // crossed slider thumbs never empty the chart
  if (names.includes('fra_aar') && names.includes('til_aar')) {
    const a = el.querySelector('[name="fra_aar"]');
    view.signal('fra_aar', Number(a.max)); view.signal('til_aar', Number(a.min)); await view.runAsync();
    if (!marks() && !message()) problems.push('crossed sliders: empty chart');
  }
  // every combination of the select boxes (sex x age) draws something or says why not
  const selects = inputs.filter(i => i.tagName === 'SELECT');
  if (selects.length === 2) {
    for (const a of selects[0].options) for (const b of selects[1].options) {
      view.signal(selects[0].name, a.value); view.signal(selects[1].name, b.value); await view.runAsync();
      if (!marks() && !message()) problems.push(`${a.value} + ${b.value}: empty chart without a message`);
    }
  }
  return {names, problems};
}"""

BOUND_CHARTS_JS = ("() => Array.from(document.querySelectorAll('.vision-chart'))"
                   ".filter(e => e.querySelector('.vega-bindings [name]')).map(e => e.id)")
SLIDERS_JS = """() => Array.from(document.querySelectorAll('.vega-bindings input[type=range]'))
    .map(i => [i.closest('.vision-chart').id, Number(i.min), Number(i.max)])"""


class Facts(dict):
    """The measurements of one page in one viewport; `need(key)` fails the test with the
    page's load error or the measurement's own error when it could not be taken."""

    def need(self, key: str):
        import pytest
        if self.get("load_error"):
            pytest.fail(f"{self['name']} ({self['viewport']}): the page did not load: {self['load_error']}")
        if key in self.get("errors", {}):
            pytest.fail(f"{self['name']} ({self['viewport']}): measuring {key} failed: {self['errors'][key]}")
        if key not in self:
            pytest.fail(f"{self['name']} ({self['viewport']}): {key} was not measured in this viewport")
        return self[key]


def _mark(watch) -> tuple[int, int, int]:
    return len(watch.blocked), len(watch.console_errors), len(watch.page_errors)


def _problems_since(watch, mark: tuple[int, int, int]) -> list[str]:
    """watch.problems() of what happened after `mark` (same wording)."""
    return ([f"blocked off-host request: {u}" for u in watch.blocked[mark[0]:]]
            + [f"console error: {m}" for m in watch.console_errors[mark[1]:]]
            + [f"page error: {m}" for m in watch.page_errors[mark[2]:]])


def _short(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]


class SiteFacts:
    """Lazily visits (page, viewport) once per session and keeps what was measured.
    `open_context(viewport=...)` returns a conftest.GuardedContext."""

    def __init__(self, open_context, site_url: str):
        self._open_context = open_context
        self._site_url = site_url
        self._cache: dict[tuple[str, str], Facts] = {}
        self._shared: dict[str, object] = {}
        self._tabs: dict[str, object] = {}

    def get(self, name: str, viewport: str) -> Facts:
        key = (name, viewport)
        if key not in self._cache:
            self._cache[key] = self._visit(name, viewport)
        return self._cache[key]

    def close(self) -> None:
        for guarded in self._shared.values():
            guarded.close()
        self._shared.clear()
        self._tabs.clear()

    def _tab(self, viewport: str):
        """The viewport's tab, on about:blank with empty records (a PageWatch)."""
        if viewport not in self._shared:
            self._shared[viewport] = self._open_context(viewport=VIEWPORTS[viewport])
        watch = self._tabs.get(viewport)
        if watch is not None and not watch.page.is_closed():
            try:
                watch.page.goto("about:blank")
            except Exception:  # noqa: BLE001 - a tab the last page left unusable: a new one
                watch.page.close()
        if watch is None or watch.page.is_closed():
            watch = self._tabs[viewport] = self._shared[viewport].watch_page()
        watch.reset()
        return watch

    def _visit(self, name: str, viewport: str) -> Facts:
        size = VIEWPORTS[viewport]
        facts = Facts(name=name, viewport=viewport, errors={})
        watch = self._tab(viewport)
        try:
            try:
                page = open_page(watch, self._site_url, name)
                facts["chart_count"] = wait_for_charts(page)
            except BaseException as exc:  # noqa: BLE001 - reported by every test of the page
                watch.page.close()
                if isinstance(exc, KeyboardInterrupt):
                    raise
                facts["load_error"] = _short(exc)
                return facts

            def take(key, fn):
                try:
                    facts[key] = fn()
                except Exception as exc:  # noqa: BLE001 - reported by the test that needs it
                    facts["errors"][key] = _short(exc)

            # 1. the page as loaded
            take("charts", lambda: page.evaluate(CHARTS_JS))
            take("scripts_loaded", lambda: page.evaluate(
                "typeof window.vegaEmbed === 'function' && typeof window.visionEmbed === 'function'"))
            facts["problems_after_load"] = watch.problems()
            local_after_load = watch.local_problems()
            take("overflow", lambda: page.evaluate(OVERFLOW_JS, size["width"]))
            take("first_screen", lambda: page.evaluate(FIRST_SCREEN_JS))
            if viewport != "desktop":
                return facts
            # An Udforsk page carries its widgets' state; the widget runtime that draws them loads
            # after the page (so its bytes count only once the explorer has drawn).
            from test_explorer import STATE_MIME, wait_for_explorer
            explorer = page.locator(f'script[type="{STATE_MIME}"]').count() > 0
            if explorer:
                take("explorer_drawn", lambda: wait_for_explorer(page))
            page.wait_for_timeout(300)  # late requests count towards the first visit's bytes
            take("bytes", lambda: page.evaluate(BYTES_JS))
            # 2. what adds to the page (removed again / script only)
            take("visible_text", lambda: page.evaluate(VISIBLE_TEXT_JS))
            if AXE_JS.exists():
                def axe():
                    page.add_script_tag(path=str(AXE_JS))
                    return page.evaluate(AXE_RUN_JS)
                take("axe", axe)
            else:
                facts["errors"]["axe"] = ("axe-core is not installed: (cd tests/browser/axe && npm ci); "
                                          "make test installs it")
            # 3. what changes the page: every control, then the first bound input
            seen = _mark(watch)

            def controls():
                problems = []
                for chart_id in page.evaluate(BOUND_CHARTS_JS):
                    report = page.evaluate(CONTROLS_JS, chart_id)
                    problems += [f"{chart_id}: {p}" for p in report["problems"]]
                return {"problems": problems, "sliders": page.evaluate(SLIDERS_JS)}
            take("controls", controls)
            facts["problems_after_controls"] = facts["problems_after_load"] + _problems_since(watch, seen)
            seen = _mark(watch)
            if facts["chart_count"]:
                from test_site import flip_first_binding
                take("flip", lambda: flip_first_binding(page))
            facts["problems_after_flip"] = facts["problems_after_load"] + _problems_since(watch, seen)
            # 4. an Udforsk explorer: every widget driven (tests/browser/test_explorer.py)
            if explorer:
                from test_explorer import explorer_visit
                seen, local = _mark(watch), len(watch.local_missing)
                take("explorer", lambda: explorer_visit(page, name))
                if "explorer" in facts:
                    facts["explorer"]["problems"] = (facts["problems_after_load"] + _problems_since(watch, seen)
                                                     + local_after_load + watch.local_problems(local))
            return facts
        except BaseException:
            watch.page.close()
            raise

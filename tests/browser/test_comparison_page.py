""""Sorø på kortet" in headless Chromium: pick indicators, see the map, the distribution and the rank.

Data-driven: the indicators are whatever the built page offers (every indicator with 90+
municipalities in a period). With fewer than three on offer the tests skip and say so.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from test_site import HTML_DIR, open_page, wait_for_charts

pytestmark = pytest.mark.browser

PAGE = "chapters/kort.html"
ROOT = "#v26-compare"


def _meta() -> dict | None:
    path = HTML_DIR / PAGE
    if not path.is_file():
        return None
    match = re.search(r'<script type="application/json" id="v26-compare-meta">(.*?)</script>',
                      path.read_text(encoding="utf-8"), re.DOTALL)
    return json.loads(match.group(1).replace("<\\/", "</")) if match else None


def _three(meta) -> list[dict]:
    items = meta["indicators"]
    picks = [items[0], items[len(items) // 2], items[-1]]
    return list({m["id"]: m for m in picks}.values())


@pytest.fixture()
def meta(html_dir):
    found = _meta()
    if found is None or len(found["indicators"]) < 3:
        pytest.skip(f"{PAGE} offers fewer than three indicators with 90+ municipalities "
                    "(the data with all municipalities has not been imported into the snapshot)")
    return found


def _state(page) -> dict:
    return page.evaluate(
        """() => {
            const root = document.querySelector('#v26-compare');
            const charts = Array.from(root.querySelectorAll('.vision-chart'));
            const main = window.visionViews[charts[0].id], hist = window.visionViews[charts[1].id];
            const rows = main.data('kommuner');
            const slot = main.signal('slot');
            const soro = rows.find(r => r.c === '340');
            return {
                indicator: root.getAttribute('data-indicator'), period: root.getAttribute('data-period'),
                state: root.getAttribute('data-state'), text: root.querySelector('.v26-compare-rank').textContent,
                slot: slot, soroPlace: soro.r[slot], soroValue: soro.v[slot],
                valued: rows.filter(r => r.c !== '000' && r.v[slot] !== null).length,
                paths: charts[0].querySelectorAll('svg path').length,
                histIndicator: hist.signal('indikator'), histPeriod: hist.signal('periode'),
                hash: location.hash,
            };
        }""")


def _pick(page, indicator_id: str, period: str | None = None) -> dict:
    page.select_option(f"{ROOT} select[name=indikator]", indicator_id)
    if period is not None:
        page.select_option(f"{ROOT} select[name=periode]", period)
    page.wait_for_function(
        """([id, period]) => { const r = document.querySelector('#v26-compare');
              return r.getAttribute('data-indicator') === id && r.getAttribute('data-state') === 'ready'
                     && (period === null || r.getAttribute('data-period') === period); }""",
        arg=[indicator_id, period], timeout=10_000)
    return _state(page)


def test_three_indicators_show_map_distribution_and_rank(page_watch, site_url, meta):
    geometry = []
    page_watch.page.on("request", lambda r: r.url.endswith("kommuner.topojson") and geometry.append(r.url))
    page = open_page(page_watch, site_url, PAGE)
    wait_for_charts(page)
    seen_texts = set()
    for item in _three(meta):
        latest = item["periods"][-1]
        state = _pick(page, item["id"])
        assert state["period"] == latest["p"] and state["slot"] == latest["slot"], state
        assert state["text"] == latest["text"]
        # The map draws every municipality (98 shapes in the grey base layer alone) and the strip its points.
        assert state["paths"] >= 98 + state["valued"], state
        assert state["valued"] >= 90, state
        # The place the view holds for Sorø is the one the text states.
        if state["soroPlace"] is not None:
            assert f"nr. {state['soroPlace']} af {state['valued']}" in state["text"], state
        else:
            assert "ingen værdi" in state["text"]
        assert state["histIndicator"] == [m["id"] for m in meta["indicators"]].index(item["id"])
        assert state["histPeriod"] == latest["p"]
        assert state["hash"] == f"#indikator={item['id']}&periode={latest['p']}"
        seen_texts.add(state["text"])
        if len(item["periods"]) > 1:  # an earlier period changes the slot, the text and the rank view
            earlier = item["periods"][0]
            before = _pick(page, item["id"], earlier["p"])
            assert before["slot"] == earlier["slot"] and before["text"] == earlier["text"]
            assert before["histPeriod"] == earlier["p"]
    assert len(seen_texts) == len(_three(meta)), "the rank text did not change between indicators"
    assert len(geometry) == 1, f"the map geometry was fetched {len(geometry)} times"
    assert not page_watch.problems(), page_watch.problems()


def test_a_link_opens_the_same_view(page_watch, site_url, meta):
    item = _three(meta)[-1]
    period = item["periods"][0]
    page = open_page(page_watch, site_url, f"{PAGE}#indikator={item['id']}&periode={period['p']}")
    wait_for_charts(page)
    page.wait_for_function("() => document.querySelector('#v26-compare').getAttribute('data-state') === 'ready'",
                           timeout=10_000)
    state = _state(page)
    assert (state["indicator"], state["period"], state["slot"]) == (item["id"], period["p"], period["slot"])
    assert page.input_value(f"{ROOT} select[name=indikator]") == item["id"]
    assert not page_watch.problems(), page_watch.problems()


def test_the_geometry_file_is_below_300_kb(html_dir):
    path = Path(html_dir) / "_static" / "kommuner.topojson"
    assert path.is_file() and path.stat().st_size < 300_000

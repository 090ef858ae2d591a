"""The offline Altair renderer (helpers.render) and the chart script (_static/vision-charts.js)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import altair as alt
import pandas as pd
import pytest
import vl_convert

from helpers import render

FRAME = pd.DataFrame({"år": [2020, 2021, 2022], "folketal": [29900.0, 29993.0, 30018.0]})
URL = re.compile(r"https?://", re.IGNORECASE)


def line_chart(frame: pd.DataFrame = FRAME, title: str = "Folketal") -> alt.Chart:
    return alt.Chart(frame, title=title).mark_line().encode(x="år:O", y="folketal:Q")


def test_same_chart_gives_byte_identical_html():
    assert render.chart_html(line_chart()) == render.chart_html(line_chart())


def test_output_is_identical_across_processes():
    # A fresh interpreter has another hash seed and other object ids: nothing random may leak in.
    code = textwrap.dedent(
        """
        import altair as alt, pandas as pd
        from helpers import render
        frame = pd.DataFrame({"år": [2020, 2021, 2022], "folketal": [29900.0, 29993.0, 30018.0]})
        sel = alt.selection_point(fields=["år"])
        chart = alt.Chart(frame).mark_bar().encode(x="år:O", y="folketal:Q").add_params(sel)
        print(render.chart_html(chart | chart))
        """
    )
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    }
    assert len(outputs) == 1
    assert 'class="vision-chart"' in outputs.pop()


def test_output_has_the_element_and_embed_call_and_no_url():
    html = render.chart_html(line_chart())
    chart_id = render.chart_id(line_chart())
    assert re.fullmatch(r"vc-[0-9a-f]{16}", chart_id)
    assert html.startswith(f'<div class="vision-chart" id="{chart_id}">')
    assert f'w.visionEmbed(i,s)' in html and f'("{chart_id}",{{' in html
    assert not URL.search(html), "the $schema URL (or any other) must not be in the output"
    assert "vega.github.io" not in html and "cdn" not in html.lower()


def test_spec_json_has_sorted_keys():
    payload = render.spec_json({"b": 1, "a": {"d": 2, "c": 3}})
    assert payload == '{"a":{"c":3,"d":2},"b":1}'


def test_chart_ids_differ_for_different_specs():
    ids = {
        render.chart_id(line_chart()),
        render.chart_id(line_chart(title="Andet")),
        render.chart_id(line_chart(FRAME.assign(folketal=FRAME["folketal"] + 1))),
        render.chart_id(alt.Chart(FRAME).mark_bar().encode(x="år:O", y="folketal:Q")),
    }
    assert len(ids) == 4


def test_chart_id_of_chart_and_of_its_dict_agree():
    chart = line_chart()
    assert render.chart_id(chart) == render.chart_id(chart.to_dict())


def test_data_change_changes_the_html():
    changed = FRAME.copy()
    changed.loc[2, "folketal"] = 30019.0
    assert render.chart_html(line_chart()) != render.chart_html(line_chart(changed))


def test_enable_makes_altair_emit_only_html():
    previous = alt.renderers.active
    try:
        render.enable()
        assert alt.renderers.active == "vision"
        bundle = line_chart()._repr_mimebundle_()
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        assert set(bundle) == {"text/html"}
        assert bundle["text/html"] == render.chart_html(line_chart())
    finally:
        alt.renderers.enable(previous)


def test_text_cannot_close_the_script_element():
    html = render.chart_html(line_chart(title="</script><script>alert(1)</script> & <!--"))
    assert html.count("</script>") == 1 and html.endswith("</script>")
    assert "<!--" not in html
    # ... and the escaped JSON still decodes to the same title
    payload = html[html.index(',{"') + 1: html.rindex(");</script>")]
    assert json.loads(payload)["title"] == "</script><script>alert(1)</script> & <!--"


def test_description_is_visually_hidden_and_linked():
    html = render.chart_html(line_chart(), description="Folketallet steg fra 29.900 til 30.018 <personer>.")
    chart_id = render.chart_id(line_chart())
    assert f'aria-describedby="{chart_id}-desc"' in html
    assert f'<p class="visually-hidden" id="{chart_id}-desc">Folketallet steg fra 29.900 til 30.018 &lt;personer&gt;.</p>' in html


def test_remote_data_is_refused():
    chart = alt.Chart("https://example.org/data.csv").mark_point().encode(x="a:Q")
    with pytest.raises(render.RenderError, match="offline"):
        render.chart_html(chart)


def test_urls_inside_data_rows_are_allowed():
    frame = pd.DataFrame({"url": ["https://www.statistikbanken.dk/FOLK1A"], "v": [1]})
    html = render.chart_html(alt.Chart(frame).mark_point().encode(x="v:Q"))
    assert "statistikbanken" in html


# ---------------------------------------------------------------- Danish locale

def js_locales() -> tuple[dict, dict]:
    """The two locale literals of _static/vision-charts.js, read by scripts/build_static.py."""
    from importlib import util
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    spec = util.spec_from_file_location("build_static", root / "scripts" / "build_static.py")
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.locales_in_js((root / "_static" / "vision-charts.js").read_text(encoding="utf-8"))


def test_site_locale_is_danish_decimal_comma():
    number, time = js_locales()
    assert number["decimal"] == ","
    assert number["thousands"] == "."
    assert time["months"][2] == "marts"
    assert render.da_format_locale()["decimal"] == ","


def test_site_locale_matches_vl_convert():
    number, time = js_locales()
    assert number == vl_convert.get_format_locale("da-DK")
    assert time == vl_convert.get_time_format_locale("da-DK")


def test_locale_formats_numbers_with_decimal_comma():
    # vl-convert renders with the same d3 locale the site passes to vegaEmbed.
    spec = {
        "data": {"values": [{"x": 1234567.5}]},
        "mark": "text",
        "encoding": {"text": {"field": "x", "type": "quantitative", "format": ",.1f"}},
    }
    svg = vl_convert.vegalite_to_svg(spec, format_locale="da-DK")
    assert "1.234.567,5" in svg

"""Offline Altair renderer for the book.

Altair's own HTML output fetches vega, vega-lite and vega-embed from a CDN when
a page is viewed. This renderer emits a small, deterministic ``text/html``
snippet instead::

    <div class="vision-chart" id="vc-<sha256 of the spec, 16 hex>"></div>
    <script>...window.visionEmbed("vc-...", {spec})...</script>

``window.visionEmbed`` lives in ``_static/vision-charts.js``; it calls
``vegaEmbed`` from ``_static/vega-bundle.js`` (written at build time from
``vl_convert.javascript_bundle()``) with the Danish locale, SVG rendering and
no links to the online editor. Nothing is fetched from another host.

Use in a notebook::

    from helpers import render
    render.enable()          # once, before the first chart is displayed
    chart                    # any Altair chart now renders offline

or compose a chart with other HTML (caption, CSV link) with :func:`chart_html`.

Determinism: the same spec always gives byte-identical HTML (sorted JSON keys,
id from a content hash, no timestamps). Altair 6 already names datasets,
views and parameters by content hashes, so stored notebook outputs only change
when the chart (or its data) changes.
"""
from __future__ import annotations

import hashlib
import html
import json
from typing import Any, Mapping

import altair as alt

RENDERER_NAME = "vision"
ID_PREFIX = "vc-"
ID_HEX_LENGTH = 16

# Shown inside the chart element until the chart has been drawn (and kept when
# JavaScript is off or the page is opened outside the book, e.g. in JupyterLab).
PLACEHOLDER_TEXT = "Diagrammet tegnes, når siden er indlæst i en browser med JavaScript."


class RenderError(ValueError):
    """A spec that cannot be rendered offline (e.g. data loaded from a URL)."""


# Chart text of at least 11 px at any width (charts follow their column's width, so nothing is
# scaled down): defaults merged into every spec's config; a chart's own settings win.
# Vega's own ARIA labels are English ("X-axis for a time scale with values from ..."); the chart
# element carries the Danish description instead (aria-describedby), so they are switched off.
READABLE_CONFIG = {
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "aria": False},
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "aria": False},
    "mark": {"aria": False},
    "header": {"labelFontSize": 12, "titleFontSize": 12},
    "title": {"fontSize": 15, "subtitleFontSize": 12, "aria": False},
    "text": {"fontSize": 12},
}


def _readable(spec: dict) -> dict:
    config = dict(spec.get("config") or {})
    for key, defaults in READABLE_CONFIG.items():
        merged = dict(defaults)
        merged.update(config.get(key) or {})
        config[key] = merged
    spec["config"] = config
    return spec


def _spec_dict(chart_or_spec: Any) -> dict:
    if isinstance(chart_or_spec, Mapping):
        spec = dict(chart_or_spec)
    elif hasattr(chart_or_spec, "to_dict"):
        spec = chart_or_spec.to_dict()
    else:
        raise TypeError(f"expected an Altair chart or a Vega-Lite dict, got {type(chart_or_spec)!r}")
    # The $schema URL is the only http(s) URL Altair adds; vega-embed gets
    # mode "vega-lite" from vision-charts.js instead, so drop it.
    spec.pop("$schema", None)
    _refuse_remote_data(spec)
    return _readable(spec)


def _refuse_remote_data(node: Any, where: str = "spec") -> None:
    """Raise RenderError when any `data.url` (or `url` in a data object) is remote."""
    if isinstance(node, Mapping):
        url = node.get("url")
        if isinstance(url, str) and ("//" in url or url.lower().startswith(("http:", "https:"))):
            raise RenderError(
                f"{where}: data is loaded from {url!r}; the site must work offline, "
                "so pass the data as a DataFrame instead"
            )
        for key, value in node.items():
            if key in ("datasets", "values"):
                continue  # inline data rows: a column may hold a URL as text
            _refuse_remote_data(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _refuse_remote_data(value, f"{where}[{index}]")


def spec_json(spec: Mapping) -> str:
    """Canonical JSON for a spec: sorted keys, compact, safe inside <script>.

    `<`, `>` and `&` only occur inside JSON strings, where the \\u escapes are
    equivalent, so a value such as "</script>" cannot end the script element.
    """
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def chart_id(chart_or_spec: Any) -> str:
    """Deterministic element id: `vc-` + the first 16 hex digits of sha256(canonical JSON)."""
    spec = _spec_dict(chart_or_spec)
    digest = hashlib.sha256(spec_json(spec).encode("utf-8")).hexdigest()
    return ID_PREFIX + digest[:ID_HEX_LENGTH]


def chart_html(chart: Any, description: str | None = None) -> str:
    """HTML for one chart: the element, an optional screen-reader description, the embed call.

    `description` (Danish) is put in a visually hidden paragraph referenced by
    `aria-describedby`, so screen readers get a text alternative for the SVG.
    """
    spec = _spec_dict(chart)
    payload = spec_json(spec)
    element_id = ID_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:ID_HEX_LENGTH]
    attrs = f'class="vision-chart" id="{element_id}"'
    described = ""
    if description:
        attrs += f' role="figure" aria-describedby="{element_id}-desc"'
        described = (
            f'<p class="visually-hidden" id="{element_id}-desc">{html.escape(description)}</p>'
        )
    script = (
        "(function(i,s){var w=window;"
        "if(w.visionEmbed){w.visionEmbed(i,s);}"
        "else{(w.visionQueue=w.visionQueue||[]).push([i,s]);}"
        f'}})("{element_id}",{payload});'
    )
    return (
        f'<div {attrs}><p class="vision-chart-placeholder">{html.escape(PLACEHOLDER_TEXT)}</p></div>'
        f"{described}"
        f'<script type="text/javascript">{script}</script>'
    )


def _renderer(spec: dict, **metadata: Any) -> dict:
    """Altair renderer plug-in: a mimebundle with only text/html."""
    return {"text/html": chart_html(spec)}


class ChartHTML:
    """Displayable wrapper, so `display(ChartHTML(chart, "..."))` gives the same HTML."""

    def __init__(self, chart: Any, description: str | None = None):
        self.html = chart_html(chart, description)

    def _repr_html_(self) -> str:
        return self.html


def enable() -> None:
    """Register and enable the "vision" renderer (idempotent).

    The data transformer stays Altair's default: rows are inlined under
    `datasets`, named by a hash of their content.
    """
    alt.renderers.register(RENDERER_NAME, _renderer)
    alt.renderers.enable(RENDERER_NAME)


def da_format_locale() -> dict:
    """The d3 number-format locale used on the site (decimal comma, '.' thousands)."""
    import vl_convert

    return vl_convert.get_format_locale("da-DK")


def da_time_format_locale() -> dict:
    """The d3 time-format locale used on the site (Danish month and day names)."""
    import vl_convert

    return vl_convert.get_time_format_locale("da-DK")

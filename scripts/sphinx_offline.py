"""Sphinx extension (loaded from _config.yml): keep the site from naming other hosts.

Jupyter Book 1 always loads sphinx-thebe, which puts an inline script with
`THEBE_JS_URL = "https://unpkg.com/thebe@..."` and `sphinx-thebe.js` on every page,
even with thebe launch buttons off. The book has no thebe button, so both (and
sphinx-thebe.css) are dropped from every page here.

Anything else that would load from another host (MathJax on a page with math, require.js
for widget output) is not hidden: scripts/check_build.py fails the build and names it.
"""
from __future__ import annotations

THEBE_FILES = ("sphinx-thebe.js", "sphinx-thebe.css")


def _is_thebe(asset) -> bool:
    filename = getattr(asset, "filename", None) or str(asset)
    body = (getattr(asset, "attributes", None) or {}).get("body", "") or ""
    return (filename or "").endswith(THEBE_FILES) or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]


def setup(app):
    # Late priority: after the theme and the other extensions have filled the context.
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}

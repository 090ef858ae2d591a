"""Sphinx extension (loaded from _config.yml): keep the "Udforsk" pages within their byte budget.

Pages with widget state load html-manager's embed-amd.js (3.6 MB, see scripts/vendor_widgets.py).
That bundle already carries Font Awesome 5's CSS and webfonts for the widgets' icons, so on
those pages the theme's own fontawesome.js (1.5 MB, which turns the same icons into SVG) is
replaced by widgets/fa-icons.css: a few lines that give the theme's Font Awesome 6 class names
(`fa-solid`, `fa-magnifying-glass`, ...) the glyphs of the bundled font. Every other page is
left as the theme writes it.

The theme writes the fontawesome.js tag from a template macro, not from `script_files`, so
the built HTML of those pages is rewritten once the build has finished; a page where the tag
is not found exactly once is an error (the theme changed).
"""
from __future__ import annotations

import re
from pathlib import Path

from sphinx.errors import ExtensionError

WIDGET_RUNTIME = "widgets/embed-amd.js"
FA_SCRIPT = re.compile(
    r'<script defer src="((?:\.\./)*)_static/scripts/fontawesome\.js\?digest=[0-9a-f]+"></script>')
FA_CSS = "_static/widgets/fa-icons.css"


def _note_widget_page(app, pagename, templatename, context, doctree) -> None:
    names = [str(getattr(a, "filename", a)) for a in context.get("script_files", [])]
    if any(name.endswith(WIDGET_RUNTIME) for name in names):
        app.explorer_pages.add(pagename)


def _swap_fontawesome(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for pagename in sorted(app.explorer_pages):
        path = Path(app.builder.get_outfilename(pagename))
        text = path.read_text(encoding="utf-8")
        new, count = FA_SCRIPT.subn(lambda m: f'<link rel="stylesheet" href="{m.group(1)}{FA_CSS}" />', text)
        if count != 1:
            raise ExtensionError(f"{path}: expected one fontawesome.js script tag, found {count}")
        path.write_text(new, encoding="utf-8")


def setup(app):
    app.explorer_pages = set()
    app.connect("html-page-context", _note_widget_page, priority=950)
    app.connect("build-finished", _swap_fontawesome)
    return {"parallel_read_safe": True, "parallel_write_safe": False, "version": "1"}

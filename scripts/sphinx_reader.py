"""Sphinx extension (loaded from _config.yml): the reader's page, not the theme's defaults.

Three jobs, all about what a reader of the published site sees and downloads:

1. Verdict first. `helpers.page.goal_header()` is the first code cell of every goal notebook,
   but it follows the notebook's opening prose. Its output carries the class `v26-goal-header`;
   here that cell is moved to directly under the page title, so status, headline number and the
   one-sentence answer are on the first screen. No goal notebook has to change.
2. Lighter pages. The chart scripts (vision-charts.js, vega-bundle.js, ~0.9 MB) are only linked
   on pages that contain a chart; the theme's fontawesome.js (1.49 MB, used for a dozen icons) is
   dropped from every page and _static/vision-icons.css draws those icons with plain characters.
3. Downloads as files. Every "Hent data" link of a notebook output carries its CSV inline
   (a base64 data: URI, so the output also works in JupyterLab); on the site that made a goal page
   several hundred kB heavier than its charts. Each such CSV is written once to
   _static/hent/<content hash>/<download name> and the link points there: the bytes are only
   fetched when the reader clicks, and the file and its name are unchanged.
   The theme's stylesheet carries the whole Font Awesome 6 library (91 kB of `.fa-*` rules and
   @font-face blocks) for icons that _static/vision-icons.css draws instead: pages link a copy
   without those rules (THEME_CSS_LIGHT). The "Udforsk" pages keep the full sheet, since their
   widget runtime draws its icons with the font (scripts/sphinx_explorer.py).
4. Danish throughout. pydata-sphinx-theme and sphinx-book-theme have no Danish catalogue for
   their chrome; the strings a reader meets (skip link, colour mode, back to top, footer, sidebar
   toggles, ...) are replaced in the written HTML (and togglebutton.js) by Danish ones.
"""
from __future__ import annotations

import re
from pathlib import Path

CHART_FILES = ("vision-charts.js", "vega-bundle.js")
# Nothing on the site uses sphinx-design, and no code is shown, so nothing is copied.
TOOL_PAGE_DROP = ("togglebutton.js", "togglebutton.css", "sphinx_highlight.js")
UNUSED_FILES = ("design-tabs.js", "sphinx-design.min.css", "copybutton.js", "copybutton.css", "clipboard.min.js")
HEADER_CLASS = "v26-goal-header"

# English theme text -> Danish, for attribute values and text nodes. Exact phrases only.
THEME_DA = {
    "Skip to main content": "Gå til hovedindholdet",
    "Back to top": "Til toppen",
    "Color mode": "Farvetema",
    "System Settings": "Følg systemet",
    "Light": "Lyst",
    "Dark": "Mørkt",
    "Link to this heading": "Link til dette afsnit",
    "On this page": "På denne side",
    "Site navigation": "Navigation i bogen",
    "Toggle primary sidebar": "Vis eller skjul menuen",
    "Toggle secondary sidebar": "Vis eller skjul indholdsfortegnelsen",
    "Toggle hidden content": "Vis eller skjul indhold",
    "Version warning": "Versionsadvarsel",
    "next page": "næste side",
    "previous page": "forrige side",
    "Main": "Hovedindhold",
    "Page": "Side",
    "Download this page": "Hent denne side",
    "Download denne side": "Hent denne side",
    "Download kildefil": "Hent notesbogen (.ipynb)",
    "Udskriv til PDF": "Udskriv eller gem som PDF",
    "Download source file": "Hent notesbogen",
    "Fullscreen mode": "Fuldskærm",
    "Print to PDF": "Udskriv til PDF",
    "Search": "Søg",
    "Search the docs ...": "Søg i bogen …",
    "Copy": "Kopiér",
    "Copied!": "Kopieret!",
    "Copy to clipboard": "Kopiér",
    "Click to show": "Klik for at vise",
    "Click to hide": "Klik for at skjule",
    "Search Results": "Søgeresultater",
    "Contents": "Indhold",
}
# Whole-markup fixes (the footer's "By <author>", rendered "Ved" by Sphinx's da catalogue).
MARKUP_DA = [
    (re.compile(r"(<p class=\"component-author\">\s*)(?:By|Ved)\s+"), r"\1Udgivet af "),
    (re.compile(r"©\s*Copyright\s+"), "© "),
    # The sidebar's expand toggles have only an icon: give them a name (axe: summary-name).
    (re.compile(r'<summary><span class="toctree-toggle" role="presentation">'),
     '<summary aria-label="Vis eller skjul underpunkter"><span class="toctree-toggle" role="presentation">'),
]
_FONTAWESOME = re.compile(r'<script[^>]*src="[^"]*fontawesome\.js[^"]*"[^>]*>\s*</script>\s*')
_LINK_PRELOAD_FA = re.compile(r'<link[^>]*rel="preload"[^>]*fontawesome[^>]*>\s*')
# The search index (100 kB) and its scripts are only needed on the search page itself.
_SEARCH_SCRIPTS = re.compile(r'<script[^>]*src="[^"]*(?:searchindex\.js|searchtools\.js|language_data\.js)"[^>]*>\s*</script>\s*')
# No favicon: say so, so the browser does not ask for /favicon.ico (a 404 in the console).
_HEAD = re.compile(r"<head>")


def translate_html(text: str, search_page: bool = False) -> str:
    """Danish theme strings, no fontawesome script, search scripts only on the search page."""
    text = _FONTAWESOME.sub("", text)
    if not search_page:
        text = _SEARCH_SCRIPTS.sub("", text)
    if 'rel="icon"' not in text:
        text = _HEAD.sub('<head>\n<link rel="icon" href="data:,">', text, count=1)
    text = _LINK_PRELOAD_FA.sub("", text)
    for pattern, repl in MARKUP_DA:
        text = pattern.sub(repl, text)
    for en, da in THEME_DA.items():
        esc = re.escape(en)
        # attribute values: title="Dark", aria-label="Back to top", data-bs-title=..., placeholder=...
        text = re.sub(rf'(="){esc}(")', rf"\g<1>{da}\g<2>", text)
        # a text node that is exactly the phrase (with whitespace around it)
        text = re.sub(rf"(>\s*){esc}(\s*<)", rf"\g<1>{da}\g<2>", text)
    return text


def _has_chart(body: str) -> bool:
    # The "Udforsk" explorers draw with the page's vegaEmbed too (their widget views are in the body).
    return 'class="vision-chart"' in body or "application/vnd.jupyter.widget-view+json" in body


def _dropped(asset, drop, pagename) -> bool:
    name = str(getattr(asset, "filename", asset) or "").split("?")[0]
    base = name.rsplit("/", 1)[-1]
    return name.endswith(drop) or (pagename in ("search", "genindex") and base.startswith("mystnb."))


def _drop_chart_scripts(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "") or ""
    drop = UNUSED_FILES + (() if _has_chart(body) else CHART_FILES)
    if 'class="highlight' not in body:  # code highlighting only where code is shown (the analysts' page)
        drop += ("pygments.css",)
    if pagename in ("search", "genindex"):  # no notebook output, no toggles, nothing to highlight
        drop += TOOL_PAGE_DROP
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not _dropped(asset, drop, pagename)]


def _is_header_cell(node) -> bool:
    from docutils import nodes
    for raw in node.findall(nodes.raw):
        if HEADER_CLASS in raw.astext():
            return True
    return False


def _header_first(app, doctree, docname) -> None:
    """Move the goal_header() cell to directly under the page's title."""
    from docutils import nodes
    sections = list(doctree.findall(nodes.section))
    if not sections:
        return
    top = sections[0]
    for cell in list(top.findall(nodes.container)):
        if "cell" not in cell.get("classes", []) or not _is_header_cell(cell):
            continue
        title_index = next((i for i, child in enumerate(top.children) if isinstance(child, nodes.title)), None)
        if title_index is None:
            return
        cell.parent.remove(cell)
        top.insert(title_index + 1, cell)
        return


REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<title>Vision 2026 i tal</title>
<link rel="icon" href="data:,">
<meta http-equiv="Refresh" content="0; url={target}">
</head>
<body><p>Bogen begynder på <a href="{target}">forsiden</a>.</p></body>
</html>
"""


def _complete_redirect(path: Path) -> None:
    """Jupyter Book's index.html is a bare refresh tag: give it a language and a title (axe)."""
    if not path.exists():
        return
    match = re.fullmatch(r'\s*<meta http-equiv="Refresh" content="0; url=([^"]+)"\s*/>\s*', path.read_text(encoding="utf-8"))
    if match:
        path.write_text(REDIRECT_PAGE.format(target=match.group(1)), encoding="utf-8")


DOWNLOAD_DIR = ("_static", "hent")
_CSV_LINK = re.compile(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"(\s+download="([^"/\\]+)")?')


def extract_downloads(text: str, page: Path, out: Path) -> str:
    """Write each inline CSV of `page` to a file under out/_static/hent/ and link to it."""
    import base64
    import hashlib
    import os

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(1))
        name = match.group(3) or "data.csv"
        target = out.joinpath(*DOWNLOAD_DIR, hashlib.sha256(data).hexdigest()[:16], name)
        if not target.exists() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        href = Path(os.path.relpath(target, page.parent)).as_posix()
        return f'href="{href}"' + (match.group(2) or "")

    return _CSV_LINK.sub(to_file, text)


THEME_CSS = "pydata-sphinx-theme.css"
THEME_CSS_LIGHT = "pydata-sphinx-theme-uden-ikonfont.css"
_FA_SELECTOR = re.compile(r"^\.(?:fa[srbl]?|fa-[\w-]+)(?:[:.\[][^\s,]*)?$")
_CSS_RULE = re.compile(r"(?<=[{}])([^{}@]+)\{[^{}]*\}")
_FA_FONT_FACE = re.compile(r"@font-face\{[^{}]*Font Awesome[^{}]*\}")
_FA_KEYFRAMES = re.compile(r"@keyframes fa-[\w-]+\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/\s*$")
_WIDGET_PAGE = "widgets/embed-amd.js"


def strip_icon_font(css: str) -> str:
    """The stylesheet without rules whose every selector is a Font Awesome class (`.fa-bars:before`,
    `.fa-solid,.fas`), its @font-face blocks and its keyframes; every other rule is kept as is."""
    def drop(match: re.Match) -> str:
        selectors = [part.strip() for part in match.group(1).split(",")]
        return "" if selectors and all(_FA_SELECTOR.match(part) for part in selectors) else match.group(0)
    css = _FA_FONT_FACE.sub("", _FA_KEYFRAMES.sub("", css))
    return _SOURCE_MAP.sub("", _CSS_RULE.sub(drop, "}" + css)[1:])


def _light_theme_css(out: Path) -> bool:
    source = out / "_static" / "styles" / THEME_CSS
    if not source.exists():
        return False
    target = source.with_name(THEME_CSS_LIGHT)
    light = strip_icon_font(source.read_text(encoding="utf-8"))
    if not target.exists() or target.read_text(encoding="utf-8") != light:
        target.write_text(light, encoding="utf-8")
    return True


def _rewrite_output(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    light_css = _light_theme_css(out)
    for path in out.rglob("*.html"):
        if out.joinpath(*DOWNLOAD_DIR) in path.parents:
            continue
        text = path.read_text(encoding="utf-8")
        new = translate_html(text, search_page=path.name == "search.html")
        new = extract_downloads(new, path, out)
        if light_css and _WIDGET_PAGE not in new:
            new = new.replace(f"/styles/{THEME_CSS}?", f"/styles/{THEME_CSS_LIGHT}?")
        if new != text:
            path.write_text(new, encoding="utf-8")
    _complete_redirect(out / "index.html")
    toggle = out / "_static" / "togglebutton.js"
    if toggle.exists():
        text = toggle.read_text(encoding="utf-8")
        new = text.replace("Toggle hidden content", THEME_DA["Toggle hidden content"])
        if new != text:
            toggle.write_text(new, encoding="utf-8")


def setup(app):
    app.connect("doctree-read", lambda app, doctree: _header_first(app, doctree, app.env.docname))
    app.connect("html-page-context", _drop_chart_scripts, priority=900)
    app.connect("build-finished", _rewrite_output, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}

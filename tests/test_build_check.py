"""scripts/check_build.py: missing table-of-contents pages and off-host loads are caught."""
from __future__ import annotations

import subprocess
import sys
from importlib import util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = util.spec_from_file_location("check_build", ROOT / "scripts" / "check_build.py")
check_build = util.module_from_spec(_spec)
_spec.loader.exec_module(check_build)

TOC = """\
format: jb-book
root: intro
parts:
  - caption: Temaer
    chapters:
      - file: chapters/tema1/index
        sections:
          - file: chapters/tema1/t1-a.ipynb
          - glob: chapters/tema1/extra/*
      - url: https://example.org
        title: Ekstern
"""

CLEAN_PAGE = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="_static/vision.css"><link rel="canonical" href="https://example.org/x.html">
<link rel="next" href="https://example.org/next.html">
<script src="_static/vega-bundle.js"></script>
<style>.a { background: url("_static/img.png"); }</style>
</head><body><a href="https://www.dst.dk">Danmarks Statistik</a><img src="data:image/png;base64,AAAA">
<script>(function(i,s){})("vc-1",{"source":"https://www.statistikbanken.dk/FOLK1A"});</script>
</body></html>"""


def make_site(tmp_path: Path, pages: dict[str, str]) -> tuple[Path, Path]:
    """A source tree with the _toc.yml above and an html dir holding `pages`."""
    source = tmp_path / "src"
    for name in ("intro.md", "chapters/tema1/index.md", "chapters/tema1/t1-a.ipynb",
                 "chapters/tema1/extra/b.md", "chapters/tema1/extra/c.ipynb"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text("x", encoding="utf-8")
    (source / "_toc.yml").write_text(TOC, encoding="utf-8")
    html = tmp_path / "html"
    for name, text in pages.items():
        (html / name).parent.mkdir(parents=True, exist_ok=True)
        (html / name).write_text(text, encoding="utf-8")
    return source, html


ALL_PAGES = ["index.html", "intro.html", "chapters/tema1/index.html", "chapters/tema1/t1-a.html",
             "chapters/tema1/extra/b.html", "chapters/tema1/extra/c.html"]


def run_check(source: Path, html: Path) -> int:
    return check_build.main(["--html", str(html), "--toc", str(source / "_toc.yml"), "--root", str(source)])


def test_complete_clean_site_passes(tmp_path, capsys):
    source, html = make_site(tmp_path, {name: CLEAN_PAGE for name in ALL_PAGES})
    assert run_check(source, html) == 0
    assert "ok" in capsys.readouterr().out


def test_toc_names_files_and_globs(tmp_path):
    source, _ = make_site(tmp_path, {})
    files, globbed = check_build.toc_docnames(source / "_toc.yml", source)
    assert files == ["intro", "chapters/tema1/index", "chapters/tema1/t1-a"]
    assert globbed == ["chapters/tema1/extra/b", "chapters/tema1/extra/c"]


@pytest.mark.parametrize("missing", ["intro.html", "chapters/tema1/t1-a.html", "chapters/tema1/extra/c.html"])
def test_missing_page_fails_and_is_named(tmp_path, capsys, missing):
    source, html = make_site(tmp_path, {name: CLEAN_PAGE for name in ALL_PAGES if name != missing})
    assert run_check(source, html) == 1
    assert missing in capsys.readouterr().err


def test_glob_matching_nothing_fails(tmp_path, capsys):
    source, html = make_site(tmp_path, {name: CLEAN_PAGE for name in ALL_PAGES})
    (source / "_toc.yml").write_text(TOC + "      - glob: chapters/none/*\n", encoding="utf-8")
    assert run_check(source, html) == 1
    assert "chapters/none/*" in capsys.readouterr().err


@pytest.mark.parametrize(
    "snippet, expected",
    [
        ('<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>', "script src"),
        ('<script src="//unpkg.com/x.js"></script>', "script src"),
        ('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">', "link rel="),
        ('<link rel="preconnect" href="https://fonts.gstatic.com">', "link rel="),
        ('<link rel="icon" href="http://example.org/favicon.ico">', "link rel="),
        ('<img src="https://example.org/logo.png">', "img src"),
        ('<img srcset="a.png 1x, https://example.org/b.png 2x">', "img srcset"),
        ('<iframe src="https://www.youtube.com/embed/x"></iframe>', "iframe src"),
        ('<div style="background:url(https://example.org/bg.png)"></div>', "style url()"),
        ('<style>@import "https://example.org/x.css";</style>', "<style> url()"),
        ('<script>var require_path = "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.4/require.min.js";</script>',
         "inline script names a CDN"),
    ],
)
def test_off_host_load_fails_and_is_named(tmp_path, capsys, snippet, expected):
    pages = {name: CLEAN_PAGE for name in ALL_PAGES}
    pages["chapters/tema1/t1-a.html"] = CLEAN_PAGE.replace("</body>", snippet + "</body>")
    source, html = make_site(tmp_path, pages)
    assert run_check(source, html) == 1
    err = capsys.readouterr().err
    assert "chapters/tema1/t1-a.html" in err and expected in err


def test_off_host_url_in_a_css_file_fails(tmp_path, capsys):
    source, html = make_site(tmp_path, {name: CLEAN_PAGE for name in ALL_PAGES})
    (html / "_static").mkdir()
    (html / "_static" / "theme.css").write_text(
        "@font-face { src: url('https://fonts.gstatic.com/s/roboto.woff2') }", encoding="utf-8"
    )
    assert run_check(source, html) == 1
    assert "_static/theme.css" in capsys.readouterr().err


def test_unbuilt_site_fails(tmp_path):
    source, html = make_site(tmp_path, {})
    assert run_check(source, html) == 1


def test_the_built_book_passes(html_dir):
    """The real site (built by `make book` / `make test`)."""
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_build.py")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

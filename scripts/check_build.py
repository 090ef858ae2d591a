"""Check a built book in _build/html.

1. Every page named in _toc.yml (`root`, `file` entries and `glob` patterns, in parts,
   chapters and sections at any depth) has its .html file. Missing ones are listed.
2. No page loads anything from another host: <script src>, <link href> (stylesheets,
   icons, preload/preconnect...), <img src/srcset>, <iframe>, <video>/<audio>/<source>,
   <embed>, <object data>, inline style url()/@import, and url()/@import in the CSS
   files under _static/. Hyperlinks (<a href>) and non-loading <link rel> (canonical,
   next, prev, ...) are fine. Inline scripts must not name a CDN (unpkg, jsdelivr,
   cdnjs, googleapis, cdn.*) either: that is how require.js / widget managers and
   Altair's default template pull code.

Exit 0 when all is well, 1 with a list of problems otherwise.

Usage: python scripts/check_build.py [--html _build/html] [--toc _toc.yml] [--root .]
"""
from __future__ import annotations

import argparse
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCE_SUFFIXES = (".md", ".ipynb", ".rst")

# <link rel=...> values that only describe a relation and load nothing.
NON_LOADING_RELS = {
    "alternate", "author", "bookmark", "canonical", "copyright", "external", "help", "index",
    "license", "me", "next", "nofollow", "noopener", "noreferrer", "prev", "search", "tag",
    "top", "up", "first", "last", "contents", "glossary", "chapter", "section", "subsection",
    "appendix", "start",
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.IGNORECASE)
CDN_PATTERN = re.compile(r"cdn\.|unpkg|jsdelivr|cdnjs|googleapis|requirejs|require\.js", re.IGNORECASE)


def is_off_host(url: str) -> bool:
    url = url.strip()
    lowered = url.lower()
    return lowered.startswith(("http:", "https:", "//", "ftp:", "ws:", "wss:"))


# ---------------------------------------------------------------- table of contents

def toc_docnames(toc_path: Path, source_root: Path) -> tuple[list[str], list[str]]:
    """(docnames from `root`/`file`, docnames matched by `glob`), without suffixes."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    files: list[str] = []
    globbed: list[str] = []

    def strip(name: str) -> str:
        name = str(name).strip().lstrip("/")
        for suffix in SOURCE_SUFFIXES:
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("root", "file"):
                    files.append(strip(value))
                elif key == "glob":
                    pattern = str(value).strip().lstrip("/")
                    matches = sorted(
                        strip(p.relative_to(source_root).as_posix())
                        for suffix in SOURCE_SUFFIXES
                        for p in source_root.glob(pattern + suffix)
                    )
                    if not matches:
                        globbed.append(f"(glob '{pattern}' matches no source file)")
                    globbed.extend(matches)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return files, globbed


def missing_pages(html_dir: Path, toc_path: Path, source_root: Path) -> list[str]:
    files, globbed = toc_docnames(toc_path, source_root)
    missing = []
    for name in files + globbed:
        if name.startswith("("):
            missing.append(name)
        elif not (html_dir / f"{name}.html").is_file():
            missing.append(f"{name}.html (from {toc_path.name})")
    return missing


# ---------------------------------------------------------------- off-host loads

class LoadCollector(HTMLParser):
    """Collects every URL the page would load (not hyperlinks) and CDN names in scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []   # (what, url)
        self.cdn_in_inline_script: list[str] = []
        self._in_script = False
        self._in_style = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        if tag == "script":
            if attrs.get("src"):
                self.loads.append(("script src", attrs["src"]))
            else:
                self._in_script = True
                self._buffer = []
        elif tag == "link" and attrs.get("href"):
            rels = set(attrs.get("rel", "").lower().split())
            if not rels or not rels <= NON_LOADING_RELS:
                self.loads.append((f"link rel={attrs.get('rel', '')!r} href", attrs["href"]))
        elif tag == "style":
            self._in_style = True
            self._buffer = []
        for name in ("src", "data", "poster", "background"):
            if name in attrs and tag != "script" and attrs[name]:
                if tag in ("img", "iframe", "video", "audio", "source", "track", "embed", "object",
                           "input", "frame", "body", "table", "td"):
                    self.loads.append((f"{tag} {name}", attrs[name]))
        if "srcset" in attrs:
            for candidate in attrs["srcset"].split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    self.loads.append((f"{tag} srcset", url))
        if "style" in attrs:
            for url in css_urls(attrs["style"]):
                self.loads.append((f"{tag} style url()", url))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            text = "".join(self._buffer)
            for match in CDN_PATTERN.finditer(text):
                start = max(0, match.start() - 60)
                self.cdn_in_inline_script.append(text[start: match.end() + 60].replace("\n", " "))
            self._in_script = False
        elif tag == "style" and self._in_style:
            for url in css_urls("".join(self._buffer)):
                self.loads.append(("<style> url()", url))
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_script or self._in_style:
            self._buffer.append(data)


def css_urls(css: str) -> list[str]:
    urls = []
    for match in CSS_URL.finditer(css):
        urls.append(match.group(2) or match.group(4))
    return urls


def off_host_loads(html_dir: Path) -> list[str]:
    problems: list[str] = []
    for page in sorted(html_dir.rglob("*.html")):
        collector = LoadCollector()
        collector.feed(page.read_text(encoding="utf-8", errors="replace"))
        collector.close()
        rel = page.relative_to(html_dir).as_posix()
        for what, url in collector.loads:
            if is_off_host(url):
                problems.append(f"{rel}: {what} = {url}")
        for snippet in collector.cdn_in_inline_script:
            problems.append(f"{rel}: inline script names a CDN: ...{snippet}...")
    for css in sorted(html_dir.rglob("*.css")):
        rel = css.relative_to(html_dir).as_posix()
        for url in css_urls(css.read_text(encoding="utf-8", errors="replace")):
            if is_off_host(url):
                problems.append(f"{rel}: css url() = {url}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the built book.")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    parser.add_argument("--root", type=Path, default=ROOT, help="folder the _toc.yml paths are relative to")
    args = parser.parse_args(argv)

    if not (args.html / "index.html").is_file():
        print(f"check_build: {args.html / 'index.html'} is missing: the book was not built", file=sys.stderr)
        return 1
    failed = False
    missing = missing_pages(args.html, args.toc, args.root)
    if missing:
        failed = True
        print(f"check_build: {len(missing)} page(s) of the table of contents were not built:", file=sys.stderr)
        for item in missing:
            print(f"  {item}", file=sys.stderr)
    loads = off_host_loads(args.html)
    if loads:
        failed = True
        print(f"check_build: {len(loads)} load(s) from another host:", file=sys.stderr)
        for item in loads:
            print(f"  {item}", file=sys.stderr)
    pages = len(list(args.html.rglob("*.html")))
    if not failed:
        print(f"check_build: ok: every table-of-contents page built; {pages} HTML files load nothing off-host")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

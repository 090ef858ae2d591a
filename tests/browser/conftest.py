"""Fixtures for the browser tests: the built site on 127.0.0.1 and Debian's chromium.

Every request whose host is not loopback is recorded (`page_watch.blocked`), together with
console errors and uncaught page errors, so tests can assert that a page is self-contained and
error-free; chromium resolves no host name but 127.0.0.1 and localhost, so such a request never
leaves the machine. (Routing every request through Playwright would abort it too, but Playwright
turns the HTTP cache off in a context with routing; the browser tests visit many pages in one
context and let it cache, as a reader's browser does.)
"""
from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass


@pytest.fixture(scope="session")
def site_url(html_dir) -> str:
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium); `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # launch() always starts with a fresh temporary profile (--user-data-dir) of its
        # own; the flags keep chromium from calling Google's hosts on this closed network.
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageWatch:
    page: object
    blocked: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    # local files that answered >= 400 or failed to load (test_explorer.py asserts on them)
    local_missing: list = field(default_factory=list)

    def reset(self) -> None:
        """Forget what was recorded (the tab is about to open another page)."""
        self.blocked, self.console_errors, self.page_errors, self.local_missing = [], [], [], []

    def problems(self) -> list[str]:
        return ([f"blocked off-host request: {u}" for u in self.blocked]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors])

    def local_problems(self, start: int = 0) -> list[str]:
        """local_missing[start:], worded for an assertion message."""
        return [f"local load failed: {m}" for m in self.local_missing[start:]]


def off_host(url: str) -> bool:
    """A request that would leave the machine (file: is the site opened from disk)."""
    if url.startswith(("data:", "blob:", "about:", "file:", "chrome-error:")):
        return False
    return (urlsplit(url).hostname or "") not in LOOPBACK


class GuardedContext:
    """A fresh browser context (Danish locale); each page opened with watch_page() records its
    off-host requests (which cannot resolve, see LAUNCH_ARGS), console errors and uncaught
    errors. Several pages in one context share its HTTP cache."""

    def __init__(self, browser, **context_args):
        self.context = browser.new_context(locale="da-DK", java_script_enabled=True, **context_args)

    def watch_page(self) -> PageWatch:
        """A new watched page in this context; close it (or the context) when done."""
        page = self.context.new_page()
        watch = PageWatch(page=page)
        page.on("console", lambda msg: msg.type == "error" and watch.console_errors.append(
            f"{msg.text} ({msg.location.get('url', '')})"))
        page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))
        page.on("request", lambda request: off_host(request.url) and watch.blocked.append(request.url))
        page.on("response", lambda r: r.status >= 400 and watch.local_missing.append(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: not off_host(r.url)
                and watch.local_missing.append(f"failed {r.url} ({r.failure})"))
        return watch

    def close(self) -> None:
        self.context.close()


def new_watch(browser, **context_args) -> tuple[object, PageWatch]:
    """A fresh guarded context with one watched page: (context, watch). The caller closes the context."""
    guarded = GuardedContext(browser, **context_args)
    return guarded.context, guarded.watch_page()


@pytest.fixture()
def page_watch(browser):
    context, watch = new_watch(browser)
    try:
        yield watch
    finally:
        context.close()


@pytest.fixture(scope="session")
def open_context(browser):
    """GuardedContext(browser, **context_args) for tests that open several pages in one context."""
    return lambda **context_args: GuardedContext(browser, **context_args)


@pytest.fixture(scope="session")
def site_facts(open_context, site_url):
    """Each page of the site measured once per viewport (tests/browser/facts.py), shared by the
    per-check tests of test_site.py and test_reader.py."""
    from facts import SiteFacts
    facts = SiteFacts(open_context, site_url)
    try:
        yield facts
    finally:
        facts.close()

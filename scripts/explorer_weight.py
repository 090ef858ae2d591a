"""Print what each "Udforsk" page costs a reader: bytes on a first and a second visit.

Serves _build/html on 127.0.0.1 and opens each explorer page twice in one fresh headless
Chromium context (off-host requests aborted), waiting until the chart is drawn. Chromium's
DevTools protocol reports the bytes each response took on the wire (`encodedDataLength`); the
local server does not compress, so the first visit's figure is the uncompressed weight.
"gzip" is what the same files weigh gzip-compressed (level 6, as a typical web server sends
them). The second visit is the same page again: what the browser cache does not answer.

Usage: python scripts/explorer_weight.py [--html _build/html] [--budget 6000000]
Exit 1 when a first visit exceeds the budget (uncompressed bytes) or anything is asked of
another host.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def visit(context, url: str, html_dir: Path) -> dict:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls, wire, cached = {}, {}, set()

    def on_request(ev):
        url = ev["request"]["url"]
        if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname not in ("127.0.0.1",):
            off_host.append(url)

    off_host: list[str] = []
    cdp.on("Network.requestWillBeSent", on_request)

    def on_response(ev):
        urls[ev["requestId"]] = ev["response"]["url"]
        if ev["response"].get("fromDiskCache") or ev["response"].get("fromPrefetchCache"):
            cached.add(ev["requestId"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.requestServedFromCache", lambda ev: cached.add(ev["requestId"]))
    cdp.on("Network.loadingFinished", lambda ev: wire.__setitem__(ev["requestId"], ev["encodedDataLength"]))
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => { const r = document.querySelector('.vx-explorer'); return r && r.getAttribute('data-state') === 'done'; }",
        timeout=60_000)
    page.wait_for_load_state("networkidle")
    fetched = [rid for rid in wire if rid not in cached]
    raw = gz = 0
    for rid in fetched:
        path = unquote(urlsplit(urls.get(rid, "")).path).lstrip("/")
        local = html_dir / path
        if local.is_file():
            body = local.read_bytes()
            raw += len(body)
            gz += len(gzip.compress(body, 6, mtime=0))
    page.close()
    return {"requests": len(urls), "fetched": len(fetched), "wire": sum(wire[r] for r in fetched),
            "raw": raw, "gzip": gz, "off_host": off_host}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--budget", type=int, default=6_000_000)
    args = parser.parse_args(argv)
    pages = sorted(p.relative_to(args.html).as_posix() for p in args.html.glob("chapters/tema*/udforsk-*.html"))
    if not pages:
        print(f"explorer_weight: no explorer page in {args.html}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    over = False
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for name in pages:
            # No context.route() here: Playwright turns the HTTP cache off when routing is on, and
            # the second visit is about the cache. Off-host requests are counted instead (the
            # browser tests block them; this machine has no route to other hosts anyway).
            context = browser.new_context()
            first = visit(context, base + name, args.html)
            second = visit(context, base + name, args.html)
            context.close()
            html = (args.html / name).stat().st_size
            print(f"{name}: first visit {first['raw']:,} B uncompressed ({first['gzip']:,} B gzip, "
                  f"{first['fetched']} files); second visit {second['wire']:,} B on the wire "
                  f"({second['fetched']} of {second['requests']} requests not from cache); page HTML {html:,} B; "
                  f"off-host requests {len(first['off_host']) + len(second['off_host'])}")
            over |= first["raw"] > args.budget or bool(first["off_host"] or second["off_host"])
        browser.close()
    server.shutdown()
    if over:
        print(f"explorer_weight: a first visit exceeds the budget of {args.budget:,} B", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

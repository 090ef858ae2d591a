"""Benchmark of the build, the tests and the site's weight: `make bench` (a benchmark, not a test).

Works on a fresh clone of this repository's HEAD in a temporary folder (uncommitted edits
are not measured), sharing this tree's .venv (VISION_SKIP_VENV=1, so creating the venv is
not part of any figure) and importing helpers from the clone (PYTHONPATH=<clone>/src).
Every figure is the median of --repeats runs (--test-repeats for the test suite):

  cold build        `make book` on a clean clone: `git clean -fdx` (no _build, so no
                    notebook cache and no Sphinx environment), everything executed
  no-change rebuild `make book` again, nothing changed
  text edit         `make book` after appending a sentence to a markdown cell of one notebook
  data edit         `make book` after changing one value in one snapshot CSV (a file that
                    the fewest notebooks read, per the cache's dependency records)
  bare execution    every notebook executed serially with nbclient, no book, no cache
  test suite        `make test` (bash scripts/run_tests.sh) on a clean clone
  page weight       bytes headless Chromium transfers (CDP Network.loadingFinished
                    encodedDataLength: headers + body as sent) for the front page and the
                    heaviest chart page (largest HTML among pages with charts), on a first
                    visit (empty cache) and a second visit in the same browser context.
                    The local server behaves like GitHub Pages: gzip for text types and
                    `Cache-Control: max-age=600`, so these are the bytes a reader of the
                    published site would transfer.

Prints a table with the ratios (cold build / bare execution, rebuild / cold build) next to
the times and writes _build/bench.json (in this tree). Timings depend on what else the
machine is doing: the machine, its CPU count and load averages are recorded with them.

Usage: python scripts/bench.py [--quick] [--repeats N] [--test-repeats N] [--jobs N] [--keep]
  --quick  one run of everything (development)
"""
from __future__ import annotations

import argparse
import csv
import functools
import gzip
import http.server
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbcache  # noqa: E402

TARGETS = {  # issue 11, on the 2-core development machine
    "nochange_over_cold": 0.10,
    "text_edit_over_cold": 0.25,
    "cold_over_bare": 0.70,
    "test_suite_seconds": 300,
}
GZIP_TYPES = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".xml", ".geojson", ".csv")
CHART_MARKER = 'class="vision-chart"'  # helpers.render's chart element
# Other hosts are made unresolvable instead of routed: Playwright's request routing turns
# the HTTP cache off, and the warm-cache visit needs it.
LAUNCH_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# ------------------------------------------------------------------ the clone

class Clone:
    def __init__(self, workdir: Path, jobs: int | None):
        self.path = workdir / "clone"
        self.logs = workdir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        branch = _git(ROOT, "rev-parse", "--abbrev-ref", "HEAD").strip()
        self.commit = _git(ROOT, "rev-parse", "HEAD").strip()
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(self.path)], check=True)
        _git(self.path, "checkout", "--quiet", self.commit)
        # The tests read ../shared (the harvests, the vision's text, the docs) as on a checkout.
        shared = (ROOT.parent / "shared").resolve()
        if shared.is_dir() and not (workdir / "shared").exists():
            (workdir / "shared").symlink_to(shared)
        self.branch = branch
        self.env = dict(os.environ, VISION_SKIP_VENV="1", PYTHONPATH=str(self.path / "src"),
                        PYDEVD_DISABLE_FILE_VALIDATION="1")
        self.env.pop("VISION_DATA_DIR", None)
        if jobs:
            self.env["VISION_JOBS"] = str(jobs)
        self.counter = 0

    def link_venv(self) -> None:
        venv = self.path / ".venv"
        if not venv.exists():
            venv.symlink_to((ROOT / ".venv").resolve())

    def clean(self) -> None:
        """Back to a fresh clone: committed files only, nothing generated, no caches."""
        _git(self.path, "checkout", "--quiet", "--", ".")
        _git(self.path, "clean", "-fdxq", "-e", ".venv")
        self.link_venv()

    def run(self, name: str, command: list[str]) -> tuple[float, str]:
        self.counter += 1
        log = self.logs / f"{self.counter:02d}-{name}.log"
        start = time.monotonic()
        done = subprocess.run(command, cwd=self.path, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        seconds = time.monotonic() - start
        log.write_text(done.stdout, encoding="utf-8")
        if done.returncode != 0:
            tail = "\n".join(done.stdout.splitlines()[-30:])
            raise SystemExit(f"bench: {name} failed (exit {done.returncode}); log {log}\n{tail}")
        return seconds, done.stdout


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


# ------------------------------------------------------------------ edits

def edit_text(notebook: Path, n: int) -> None:
    nb = nbformat.read(notebook, as_version=4)
    cell = [c for c in nb.cells if c.cell_type == "markdown"][-1]
    cell.source = cell.source.rstrip() + f"\n\nBenchmark-redigering nr. {n}."
    nbformat.write(nb, notebook)


def least_used_data_file(clone: Path) -> tuple[Path, int]:
    """The snapshot CSV read by the fewest notebooks (at least one), per the cache records."""
    cache = nbcache.open_cache(nbcache.cache_dir_for(clone))
    readers: dict[str, int] = {}
    for record in cache.list_cache_records():
        for path in (record.data or {}).get(nbcache.DEPS_KEY, {}).get("files", {}):
            if f"{os.sep}data{os.sep}snapshot{os.sep}" in path and path.endswith(".csv"):
                readers[path] = readers.get(path, 0) + 1
    if not readers:
        raise SystemExit("bench: no cache record names a snapshot CSV; was the book built?")
    path, count = min(readers.items(), key=lambda item: (item[1], item[0]))
    return Path(path), count


def edit_value(csv_path: Path, n: int) -> None:
    """Change the last non-empty value by +1 or back (-1), alternating, so every edit is a change."""
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    row = [r for r in rows if r["value"]][-1]
    value = float(row["value"])
    value += 1 if n % 2 == 0 else -1
    row["value"] = str(int(value)) if value.is_integer() and "." not in row["value"] else repr(value)
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


# ------------------------------------------------------------------ bare execution

def bare_execution(clone: Clone) -> float:
    """All notebooks, serially, with nbclient (as Jupyter Book would, minus the book)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nbclient import NotebookClient\n"
        f"sys.path.insert(0, {str(clone.path / 'scripts')!r})\n"
        "from nbcache import read_notebook\n"
        "for p in sys.argv[1:]:\n"
        "    nb = read_notebook(p)\n"
        "    NotebookClient(nb, timeout=600, kernel_name='python3', allow_errors=False,\n"
        "                   resources={'metadata': {'path': str(Path(p).parent)}}).execute()\n"
    )
    notebooks = [str(p) for p in nbcache.find_notebooks(clone.path)]
    seconds, _ = clone.run("bare-execution", [str(clone.path / ".venv" / "bin" / "python"), "-c", script, *notebooks])
    return seconds


# ------------------------------------------------------------------ page weight

class PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files as GitHub Pages serves them: gzip for text, max-age=600, ETag."""

    def log_message(self, format, *args):  # noqa: A002 - base class signature
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()
        body = path.read_bytes()
        etag = '"%x-%x"' % (int(path.stat().st_mtime), len(body))
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "max-age=600")
            self.end_headers()
            return None
        compressed = path.suffix in GZIP_TYPES and "gzip" in self.headers.get("Accept-Encoding", "")
        if compressed:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.send_header("ETag", etag)
        if compressed:
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        import io

        return io.BytesIO(body)


def front_page(book: Path) -> str:
    """The root page of _toc.yml (index.html only redirects to it)."""
    import yaml

    root = str(yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))["root"])
    return re.sub(r"\.(md|ipynb|rst)$", "", root) + ".html"


def heaviest_chart_page(html_dir: Path) -> Path:
    pages = [p for p in html_dir.rglob("*.html")
             if "_static" not in p.parts and CHART_MARKER in p.read_text(encoding="utf-8", errors="replace")]
    if not pages:
        raise SystemExit(f"bench: no page with a chart under {html_dir}")
    return max(pages, key=lambda p: p.stat().st_size)


def page_weights(html_dir: Path, pages: dict[str, str]) -> dict:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(PagesLikeHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=LAUNCH_ARGS)
            try:
                for label, rel in pages.items():
                    context = browser.new_context(locale="da-DK")
                    page = context.new_page()
                    cdp = context.new_cdp_session(page)
                    visits = []
                    for visit in ("first", "warm"):
                        counts = {"bytes": 0, "requests": 0, "from_cache": 0}
                        urls: dict = {}
                        sizes: dict = {}

                        def sent(event, urls=urls):
                            urls[event["requestId"]] = event["request"]["url"].split("?")[0].replace(base, "")

                        def finished(event, counts=counts, sizes=sizes):
                            size = int(event.get("encodedDataLength", 0))
                            counts["bytes"] += size
                            counts["requests"] += 1
                            sizes[event["requestId"]] = size

                        def cached(event, counts=counts):
                            counts["from_cache"] += 1

                        cdp.on("Network.requestWillBeSent", sent)
                        cdp.on("Network.loadingFinished", finished)
                        cdp.on("Network.requestServedFromCache", cached)
                        cdp.send("Network.enable")
                        page.goto(base + rel, wait_until="networkidle")
                        page.wait_for_timeout(300)
                        cdp.remove_listener("Network.loadingFinished", finished)
                        cdp.remove_listener("Network.requestServedFromCache", cached)
                        cdp.remove_listener("Network.requestWillBeSent", sent)
                        largest = sorted(sizes.items(), key=lambda item: -item[1])[:4]
                        counts["largest"] = [[urls.get(rid, "?"), size] for rid, size in largest if size]
                        visits.append((visit, counts))
                    results[label] = {"page": rel, **{v: c for v, c in visits}}
                    context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return results


# ------------------------------------------------------------------ report

def machine() -> dict:
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or "unknown"
    try:
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1)
    except (ValueError, OSError):
        mem_gb = None
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory_gb": mem_gb, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "load_average_start": os.getloadavg()}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def fmt_bytes(n: int) -> str:
    return f"{n / 1024:,.0f} KiB".replace(",", " ")


def table(result: dict) -> str:
    t = result["timings"]
    cold = t["cold_build"]["median_s"]
    bare = t["bare_execution"]["median_s"]
    rows = [("cold build (clean clone)", cold, f"{cold / bare:.2f} x bare execution", "cold_over_bare", cold / bare)]
    for key, label in (("nochange_rebuild", "no-change rebuild"), ("text_edit_rebuild", "rebuild, one notebook's text"),
                       ("data_edit_rebuild", "rebuild, one data file")):
        value = t[key]["median_s"]
        target = {"nochange_rebuild": "nochange_over_cold", "text_edit_rebuild": "text_edit_over_cold"}.get(key)
        rows.append((label, value, f"{value / cold:.0%} of cold build", target, value / cold))
    rows.append(("bare execution, serial", bare, "", None, None))
    if "test_suite" in t:
        value = t["test_suite"]["median_s"]
        rows.append(("make test (clean clone)", value, t["test_suite"].get("last_line", ""), "test_suite_seconds", value))
    lines = [f"{'measure':32} {'median':>9} {'runs':>5}  {'ratio':28} target",
             "-" * 88]
    keys = ["cold_build", "nochange_rebuild", "text_edit_rebuild", "data_edit_rebuild", "bare_execution", "test_suite"]
    for (label, value, ratio, target, actual), key in zip(rows, [k for k in keys if k in t]):
        mark = ""
        if target:
            goal = TARGETS[target]
            ok = actual <= goal
            mark = (f"<= {goal:.0%}" if goal < 1 and target != "cold_over_bare" else f"<= {goal}") + (" ok" if ok else " MISSED")
            if target == "cold_over_bare":
                mark = f"<= {goal} x" + (" ok" if ok else " MISSED")
            if target == "test_suite_seconds":
                mark = f"<= {goal} s" + (" ok" if ok else " MISSED")
        lines.append(f"{label:32} {value:8.1f}s {len(t[key]['runs_s']):5}  {ratio:28} {mark}")
    extra = t["data_edit_rebuild"]
    lines.append(f"  (data file: {extra['file']}, read by {extra['notebooks_reading_it']} notebook(s); "
                 f"text edit: {t['text_edit_rebuild']['notebook']})")
    lines.append("")
    lines.append(f"{'page weight (bytes transferred)':40} {'first visit':>14} {'warm cache':>14}")
    lines.append("-" * 70)
    for label, data in result["page_weight"].items():
        first, warm = data["first"], data["warm"]
        lines.append(f"{label + ': ' + data['page']:40} {fmt_bytes(first['bytes']):>14} {fmt_bytes(warm['bytes']):>14}"
                     f"   ({first['requests']} / {warm['requests']} requests)")
    m = result["machine"]
    lines.append("")
    lines.append(f"machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB, Python {m['python']}, "
                 f"load average at start {m['load_average_start'][0]:.1f}, at end {m['load_average_end'][0]:.1f}; "
                 f"kernels per build: {result['jobs']}; commit {result['commit'][:10]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run of everything")
    parser.add_argument("--repeats", type=int, default=3, help="runs per build/execution figure (default 3)")
    parser.add_argument("--test-repeats", type=int, default=None, help="runs of make test (default: --repeats)")
    parser.add_argument("--no-tests", action="store_true", help="leave out the test suite")
    parser.add_argument("--jobs", type=int, default=None, help="VISION_JOBS for the builds (default: one kernel more than the CPUs)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone and logs")
    parser.add_argument("--output", default=str(ROOT / "_build" / "bench.json"))
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else max(1, args.repeats)
    test_repeats = 1 if args.quick else max(1, args.test_repeats or repeats)
    info = machine()
    workdir = Path(tempfile.mkdtemp(prefix="vision-bench-"))
    print(f"bench: working in {workdir} ({repeats} run(s) per figure)", flush=True)
    clone = Clone(workdir, args.jobs)
    timings: dict = {}

    def record(key: str, runs: list[float], **extra) -> None:
        timings[key] = {"median_s": median(runs), "runs_s": [round(r, 2) for r in runs], **extra}
        print(f"bench: {key}: {timings[key]['median_s']} s (runs {timings[key]['runs_s']})", flush=True)

    try:
        build = ["bash", "scripts/build_book.sh"]
        cold = []
        for _ in range(repeats):
            clone.clean()
            cold.append(clone.run("cold-build", build)[0])
        record("cold_build", cold)
        record("nochange_rebuild", [clone.run("nochange-rebuild", build)[0] for _ in range(repeats)])

        html = clone.path / "_build" / "html"
        heavy = heaviest_chart_page(html)
        weights = page_weights(html, {"front page": front_page(clone.path),
                                      "heaviest chart page": str(heavy.relative_to(html))})

        notebooks = nbcache.find_notebooks(clone.path)
        text_nb = next((p for p in notebooks if "tema" in str(p)), notebooks[0])
        runs = []
        for n in range(repeats):
            edit_text(text_nb, n)
            runs.append(clone.run("text-edit-rebuild", build)[0])
        record("text_edit_rebuild", runs, notebook=str(text_nb.relative_to(clone.path)))

        data_file, readers = least_used_data_file(clone.path)
        runs = []
        for n in range(repeats):
            edit_value(data_file, n)
            seconds, log = clone.run("data-edit-rebuild", build)
            if "input changed" not in log:
                raise SystemExit(f"bench: changing {data_file} re-executed nothing; see {clone.logs}")
            runs.append(seconds)
        record("data_edit_rebuild", runs, file=str(data_file.relative_to(clone.path)), notebooks_reading_it=readers)

        clone.clean()
        record("bare_execution", [bare_execution(clone) for _ in range(repeats)], notebooks=len(notebooks))

        if not args.no_tests:
            runs, last = [], ""
            for _ in range(test_repeats):
                clone.clean()
                seconds, log = clone.run("make-test", ["bash", "scripts/run_tests.sh"])
                runs.append(seconds)
                last = log.strip().splitlines()[-1]
            record("test_suite", runs, last_line=last)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"bench: kept {workdir}")
    info["load_average_end"] = os.getloadavg()
    cold_s = timings["cold_build"]["median_s"]
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": clone.commit, "branch": clone.branch, "repeats": repeats, "test_repeats": test_repeats,
        "jobs": args.jobs or nbcache.default_jobs(), "machine": info, "timings": timings,
        "ratios": {
            "cold_over_bare": round(cold_s / timings["bare_execution"]["median_s"], 3),
            "nochange_over_cold": round(timings["nochange_rebuild"]["median_s"] / cold_s, 3),
            "text_edit_over_cold": round(timings["text_edit_rebuild"]["median_s"] / cold_s, 3),
            "data_edit_over_cold": round(timings["data_edit_rebuild"]["median_s"] / cold_s, 3),
        },
        "targets": TARGETS,
        "page_weight": weights,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(table(result))
    print(f"\nbench: wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

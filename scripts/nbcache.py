"""Execute notebooks into the book's jupyter-cache, in parallel, keyed by what they read.

The book is built with `execute_notebooks: cache` (myst-nb + jupyter-cache). jupyter-cache
keys an executed notebook by its code cells only, so on its own it would serve yesterday's
outputs after a data edit. This module runs before Sphinx and keeps the cache honest:

1. For every notebook (default: all under chapters/) it looks up the cache record that
   matches the notebook's code. The record is *fresh* when it also carries a dependency
   record (written by this module) and every file in it still has the same sha256, every
   directory it listed still has the same entries, and the environment digest (Python,
   requirements.txt, constraints.txt, this module and the tracker) is unchanged.
2. Stale or missing notebooks are executed, `--jobs` at a time (default: one more than the
   CPUs), each in its own kernel with its folder as working directory, as Jupyter Book does. The
   kernel runs scripts/nbdeps_tracker.py, which records every file the notebook reads and
   every directory it lists under the book, the data folder and the helpers package. The
   outputs are stored under the notebook's jupyter-cache key together with the sha256 of
   those inputs. Older records of the same notebook are dropped.
3. A notebook that was re-executed while its code stayed the same (a data or helper change)
   gets its modification time bumped, so Sphinx reads the page again (Sphinx only looks at
   source mtimes). A notebook that fails loses its record, so the build executes it again
   and reports the failure instead of showing old outputs.

Why per notebook and recorded, not "hash all of data/ and src/": a change to one indicator
CSV then re-executes only the pages that read it, and the recording needs no list to keep
in sync when someone adds a notebook or a helper (the status page, which reads the whole
catalog, depends on all of it, as it should).

Outputs are deterministic: the same normalisation as scripts/execute_notebooks.py
(no timings, stable cell ids, fixed kernelspec), and notebooks are independent, so the
order and the number of workers do not change them.

Usage: python scripts/nbcache.py [--force] [--jobs N] [--root DIR] [--cache DIR] [NOTEBOOK_OR_DIR ...]
  --force  empty the cache first and execute everything (the strict CI build)
Exit status 1 when a notebook failed to execute (the build then reports it).
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
TRACKER = Path(__file__).with_name("nbdeps_tracker.py")
# Bump when the meaning of the dependency record changes: every record becomes stale.
KEY_VERSION = 1
DEPS_KEY = "vision_deps"
TIMEOUT = 300
SKIP_PARTS = {".ipynb_checkpoints", "_build", ".venv", ".git"}
# Files whose change invalidates every notebook: the Python stack and how it was installed.
ENVIRONMENT_FILES = ("requirements.txt", "constraints.txt", "pyproject.toml")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from execute_notebooks import KERNELSPEC, normalise  # noqa: E402  (same normalisation as `make notebooks`)


def cpus() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    """VISION_JOBS, else one kernel more than the CPUs this process may use.

    A kernel leaves its CPU idle while it starts and between cells (ZMQ round trips, reading
    files), so one kernel per CPU kept 2 CPUs only about 1.7 busy; with one more, the 29
    notebooks of the book ran in a median 35.6 s instead of 37.5 s on 2 CPUs (December 2026,
    five and four runs), and four kernels were no faster than two.
    """
    env = os.environ.get("VISION_JOBS", "").strip()
    if env:
        return max(1, int(env))
    return cpus() + 1


def cache_dir_for(root: Path) -> Path:
    """Where myst-nb looks by default: next to the html output (`_build/.jupyter_cache`)."""
    return root / "_build" / ".jupyter_cache"


def is_notebook_file(path: Path) -> bool:
    """An .ipynb, or a MyST Markdown notebook (.md with a kernelspec in its front matter, as
    intro.md): myst-nb executes both, so both belong in the cache this module keeps honest."""
    if not path.is_file():
        return False
    if path.suffix == ".ipynb":
        return True
    if path.suffix == ".md":
        from myst_nb.core.read import is_myst_markdown_notebook

        return is_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    return False


def read_notebook(path) -> nbformat.NotebookNode:
    """The notebook as myst-nb reads it (so the cache lookup matches the build's own)."""
    path = Path(path)
    if path.suffix == ".md":
        from myst_nb.core.read import read_myst_markdown_notebook

        return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))
    return nbformat.read(path, as_version=4)


def toc_notebooks(root: Path) -> set[Path]:
    """Notebooks named in _toc.yml (`root`, `file` and `glob` entries at any depth)."""
    import yaml

    toc_path = root / "_toc.yml"
    if not toc_path.is_file():
        return set()
    found: set[Path] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("root", "file") and isinstance(value, str):
                    name = value.strip().lstrip("/")
                    for candidate in (root / name, root / f"{name}.ipynb", root / f"{name}.md"):
                        if candidate.suffix in (".ipynb", ".md") and is_notebook_file(candidate):
                            found.add(candidate.resolve())
                elif key == "glob" and isinstance(value, str):
                    pattern = value.strip().lstrip("/")
                    for ext in (".ipynb", ".md"):
                        found.update(p.resolve() for p in root.glob(pattern + ext) if is_notebook_file(p))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(toc_path.read_text(encoding="utf-8")))
    return found


def find_notebooks(root: Path, paths: list[str] | None = None) -> list[Path]:
    """The given notebooks/folders; by default every notebook under chapters/ (what nbval
    tests) and every notebook in _toc.yml (what the book shows)."""
    if not paths:
        found = toc_notebooks(root)
        if (root / "chapters").is_dir():
            found |= set(find_notebooks(root, [str(root / "chapters")]))
        return sorted(found)
    targets = [Path(p) if Path(p).is_absolute() else Path.cwd() / p for p in paths]
    found = set()
    for target in targets:
        if target.is_dir():
            found |= {p.resolve() for p in target.rglob("*.ipynb") if not SKIP_PARTS & set(p.parts)}
        elif target.suffix in (".ipynb", ".md") and is_notebook_file(target):
            found.add(target.resolve())
        else:
            raise SystemExit(f"nbcache: not a notebook or folder: {target}")
    return sorted(found)


# ------------------------------------------------------------------ dependency digests

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str) -> str | None:
    try:
        return _sha256(Path(path).read_bytes())
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def dir_digest(path: str) -> str | None:
    try:
        names = sorted(os.listdir(path))
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _sha256("\n".join(names).encode("utf-8"))


def environment_digest(root: Path) -> str:
    # Where `helpers` is imported from is part of the environment: an execution made with
    # another checkout's package (an editable install pointing elsewhere) is not this book's.
    spec = find_spec("helpers")
    parts = [f"key {KEY_VERSION}", sys.version, sys.executable,
             f"VISION_DATA_DIR={os.environ.get('VISION_DATA_DIR', '')}",
             f"helpers={spec.origin if spec else ''}"]
    for name in ENVIRONMENT_FILES:
        parts.append(f"{name} {file_digest(str(root / name))}")
    for path in (TRACKER, Path(__file__)):
        parts.append(f"{path.name} {file_digest(str(path))}")
    return _sha256("\n".join(parts).encode("utf-8"))


def dependency_roots(root: Path) -> list[str]:
    """The folders whose files count as inputs: the book, its data, the helpers package."""
    roots = [root]
    data = os.environ.get("VISION_DATA_DIR")
    roots.append(Path(data) if data else root / "data")
    spec = find_spec("helpers")
    if spec and spec.origin:
        roots.append(Path(spec.origin).parent)
    return sorted({str(Path(r).resolve()) for r in roots})


@dataclass
class Check:
    fresh: bool
    reason: str
    record: object | None = None


def check(cache, nb: nbformat.NotebookNode, env_digest: str, memo: dict | None = None) -> Check:
    """Is there a cached execution of this notebook that is still valid?"""
    memo = {} if memo is None else memo
    try:
        record = cache.match_cache_notebook(nb)
    except KeyError:
        return Check(False, "not cached (new or changed code)")
    deps = (record.data or {}).get(DEPS_KEY)
    if not deps:
        return Check(False, "cached without a dependency record", record)
    if deps.get("env") != env_digest:
        return Check(False, "environment changed", record)
    for kind, digest_of in (("files", file_digest), ("dirs", dir_digest)):
        for path, digest in deps.get(kind, {}).items():
            key = (kind, path)
            if key not in memo:
                memo[key] = digest_of(path)
            if memo[key] != digest:
                what = "folder listing" if kind == "dirs" else "input"
                return Check(False, f"{what} changed: {_short(path)}", record)
    return Check(True, "fresh", record)


def _short(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


# ------------------------------------------------------------------ execution (worker side)

@dataclass
class Result:
    path: str
    ok: bool
    seconds: float
    notebook: str = ""              # the executed notebook, JSON
    files: dict = field(default_factory=dict)
    dirs: dict = field(default_factory=dict)
    replayable: bool = True
    error: str = ""


def _tracking_client_class():
    from nbclient import NotebookClient

    class TrackingClient(NotebookClient):
        """Notes messages whose effect nbval does not reproduce (see scripts/nbval_cached.py)."""

        replayable = True

        def process_message(self, msg, cell, cell_index):
            if msg.get("msg_type") in ("clear_output", "update_display_data"):
                self.replayable = False
            return super().process_message(msg, cell, cell_index)

    return TrackingClient


def execute_tracked(path: str, roots: list[str], timeout: int = TIMEOUT) -> Result:
    """Execute one notebook (cwd = its folder) with the read tracker; never raises."""
    start = time.monotonic()
    source = read_notebook(path)
    nb = copy.deepcopy(source)
    normalise(nb)
    fd, log_path = tempfile.mkstemp(prefix="nbdeps-", suffix=".log")
    os.close(fd)
    os.environ["VISION_DEPS_LOG"] = log_path
    os.environ["VISION_DEPS_ROOTS"] = os.pathsep.join(roots)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = _tracking_client_class()(
        nb, timeout=timeout, kernel_name=KERNELSPEC["name"], allow_errors=False, record_timing=False, startup_timeout=300,
        resources={"metadata": {"path": str(Path(path).parent)}},
        extra_arguments=[f"--IPKernelApp.exec_files={TRACKER}"],
    )
    # The kernel's own stderr (e.g. ipykernel's "running over TCP" warning, once per
    # kernel) goes to a file, shown only when the notebook fails.
    kernel_stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    try:
        client.execute(stderr=kernel_stderr)
        normalise(nb)
        lines = Path(log_path).read_text(encoding="utf-8").splitlines()
        if not lines or lines[0] != "started":
            raise RuntimeError(f"the read tracker did not start in the kernel ({TRACKER})")
    except Exception as exc:  # noqa: BLE001 - reported by the caller, the build goes on
        kernel_stderr.seek(0)
        tail = "".join(kernel_stderr.readlines()[-20:])
        error = f"{type(exc).__name__}: {exc}" + (f"\nkernel stderr (last lines):\n{tail}" if tail.strip() else "")
        return Result(path, False, time.monotonic() - start, error=error)
    finally:
        kernel_stderr.close()
        Path(log_path).unlink(missing_ok=True)
    files = {p[2:]: file_digest(p[2:]) for p in lines[1:] if p.startswith("f ")}
    dirs = {p[2:]: dir_digest(p[2:]) for p in lines[1:] if p.startswith("d ")}
    # Store the outputs on the notebook as it is on disk: that is what myst-nb hashes
    # when it looks the notebook up (its kernelspec and cell metadata included).
    merged = copy.deepcopy(source)
    for target, done in zip(merged.cells, nb.cells):
        if target.cell_type == "code":
            target.outputs = done.outputs
            target.execution_count = done.execution_count
    if "language_info" in nb.metadata:
        merged.metadata["language_info"] = nb.metadata["language_info"]
    return Result(path, True, time.monotonic() - start, notebook=nbformat.writes(merged),
                  files=dict(sorted(files.items())), dirs=dict(sorted(dirs.items())),
                  replayable=client.replayable)


# ------------------------------------------------------------------ the cache (parent side)

def open_cache(cache_path: Path):
    from jupyter_cache import get_cache

    cache_path.mkdir(parents=True, exist_ok=True)
    return get_cache(str(cache_path))


def store(cache, result: Result, env_digest: str):
    from jupyter_cache.base import CacheBundleIn

    nb = nbformat.reads(result.notebook, as_version=4)
    record = cache.cache_notebook_bundle(
        CacheBundleIn(nb, result.path, data={
            "execution_seconds": round(result.seconds, 2),
            DEPS_KEY: {"env": env_digest, "files": result.files, "dirs": result.dirs,
                       "replayable": result.replayable, "executed_at": time.time()},
        }),
        check_validity=False, overwrite=True,
    )
    drop_other_records(cache, result.path, keep=record.pk)
    return record


def drop_other_records(cache, uri: str, keep: int | None = None) -> None:
    for other in cache.list_cache_records():
        if other.uri == uri and other.pk != keep:
            try:
                cache.remove_cache(other.pk)
            except KeyError:
                pass


@dataclass
class Outcome:
    path: Path
    state: str          # fresh | executed | failed
    reason: str
    seconds: float = 0.0
    error: str = ""


def prepare(root: Path, notebooks: list[Path], *, cache_path: Path | None = None, jobs: int | None = None,
            force: bool = False, clear: bool = False, timeout: int = TIMEOUT, touch: bool = True,
            log=print) -> list[Outcome]:
    """Make the cache hold a fresh execution of every notebook; returns what happened to each.

    force: execute every notebook even if its cached execution is valid;
    clear: empty the whole cache first (nothing from an earlier run can be served).
    """
    root = root.resolve()
    cache_path = cache_path or cache_dir_for(root)
    cache = open_cache(cache_path)
    if clear:
        cache.clear_cache()
        cache = open_cache(cache_path)
    env_digest = environment_digest(root)
    memo: dict = {}
    outcomes: dict[Path, Outcome] = {}
    todo: list[tuple[Path, Check, float]] = []
    for path in notebooks:
        nb = read_notebook(path)
        state = check(cache, nb, env_digest, memo)
        if force and state.fresh:
            state = Check(False, "forced", state.record)
        if state.fresh:
            outcomes[path] = Outcome(path, "fresh", "unchanged")
        else:
            last = (state.record.data or {}).get("execution_seconds", 0) if state.record else 0
            todo.append((path, state, last or 0))
    # Longest first (from the last run), so two workers finish close together.
    todo.sort(key=lambda item: -item[2])
    jobs = max(1, min(jobs or default_jobs(), len(todo) or 1))
    if todo:
        log(f"nbcache: executing {len(todo)} of {len(notebooks)} notebooks with {jobs} worker(s)")
        roots = dependency_roots(root)
        sphinx_env = (root / "_build" / ".doctrees" / "environment.pickle").exists()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(execute_tracked, str(p), roots, timeout): (p, c) for p, c, _ in todo}
            for future in _as_completed(futures):
                path, state = futures[future]
                result: Result = future.result()
                rel = _rel(path, root)
                if result.ok:
                    store(cache, result, env_digest)
                    outcomes[path] = Outcome(path, "executed", state.reason, result.seconds)
                    if touch and sphinx_env and state.record is not None:
                        os.utime(path)  # code unchanged, inputs changed: Sphinx must read it again
                    log(f"  {rel}: executed in {result.seconds:.1f} s ({state.reason})")
                else:
                    # Never leave an old execution where myst-nb would find it.
                    drop_other_records(cache, str(path))
                    if state.record is not None:
                        drop_other_records(cache, state.record.uri)
                    outcomes[path] = Outcome(path, "failed", state.reason, result.seconds, result.error)
                    log(f"  {rel}: FAILED after {result.seconds:.1f} s: {result.error.splitlines()[0] if result.error else ''}")
    fresh = sum(o.state == "fresh" for o in outcomes.values())
    log(f"nbcache: {fresh} fresh, {len(todo)} executed or failed, cache {_rel(cache_path, root)}")
    return [outcomes[p] for p in notebooks]


def _as_completed(futures):
    from concurrent.futures import as_completed

    return as_completed(futures)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return str(path)


def fresh_notebook(cache, path: Path, env_digest: str) -> tuple[nbformat.NotebookNode, dict] | None:
    """The cached, still valid execution of `path` and its record data, or None."""
    nb = read_notebook(path)
    state = check(cache, nb, env_digest)
    if not state.fresh:
        return None
    return cache.get_cache_bundle(state.record.pk).nb, dict(state.record.data or {})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks or folders (default: chapters/ and the notebooks in _toc.yml)")
    parser.add_argument("--root", default=str(ROOT), help="the book's folder (default: this repository)")
    parser.add_argument("--cache", default=None, help="jupyter-cache folder (default: ROOT/_build/.jupyter_cache)")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="parallel kernels (default: VISION_JOBS or one more than the CPUs)")
    parser.add_argument("--force", action="store_true", help="empty the cache and execute every notebook")
    parser.add_argument("--timeout", type=int, default=TIMEOUT)
    parser.add_argument("--json", default=None, help="also write the outcome per notebook to this file")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    start = time.monotonic()
    outcomes = prepare(root, find_notebooks(root, args.paths), cache_path=Path(args.cache) if args.cache else None,
                       jobs=args.jobs, force=args.force, clear=args.force, timeout=args.timeout)
    print(f"nbcache: done in {time.monotonic() - start:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(
            [{"notebook": _rel(o.path, root), "state": o.state, "reason": o.reason, "seconds": round(o.seconds, 2)}
             for o in outcomes], indent=1), encoding="utf-8")
    failed = [o for o in outcomes if o.state == "failed"]
    for o in failed:
        print(f"nbcache: {_rel(o.path, root)} failed:\n{o.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""pytest plugin: nbval against the build's fresh executions, without executing twice.

`make test` executes every notebook once, in parallel, for the strict build
(scripts/nbcache.py --force). nbval would then execute every notebook again only to
compare the result with the stored outputs. With this plugin nbval compares the stored
outputs against *that* execution instead: its own collection, per-cell items, sanitizers
and output comparison run unchanged; only the kernel is replaced by one that replays the
outputs the build's kernel produced for the same cell source.

    pytest -p nbval_cached --nbval-cached --nbval-current-env \
        --nbval-cached-since=<UNIX time> chapters/

A notebook is replayed only when its cache record is still valid (same code, same inputs,
same environment: `nbcache.check`), was executed after --nbval-cached-since (make test
passes the time it started, so nothing from an earlier run is used), and nothing in it
makes nbval's live run differ from a replay (NBVAL_SKIP cells, which nbval would not
execute; clear_output/update_display_data messages, which nbval does not apply). Every
other notebook runs in a live kernel exactly as `--nbval` does. The terminal summary says
which notebooks were replayed and why others were not.

Under pytest-xdist: a notebook's cells share one kernel (or replay) and must run in order on
one worker, so use a mode that keeps a file together (`--dist loadfile`, or make test's
scheduler in tests/conftest.py, which keeps each notebook in one work unit). Each worker sends
its replayed/live lists to the controller (`workeroutput`), which prints the one summary.

Needs scripts/ on sys.path (run_tests.sh sets PYTHONPATH).
"""
from __future__ import annotations

from collections import deque
from pathlib import Path
from queue import Empty

import pytest
from nbval.plugin import IPyNbFile, find_comment_markers, find_metadata_tags

import nbcache


def pytest_addoption(parser):
    group = parser.getgroup("nbval-cached", "nbval against the build's executions (scripts/nbval_cached.py)")
    group.addoption("--nbval-cached", action="store_true",
                    help="collect notebooks like --nbval, but compare against the cached execution")
    group.addoption("--nbval-cached-since", type=float, default=None,
                    help="only use executions made after this UNIX time (older ones: live kernel)")
    group.addoption("--nbval-cache-dir", default=None,
                    help="jupyter-cache folder (default: <rootdir>/_build/.jupyter_cache)")


class Replays:
    """Which notebooks were replayed, which ran live and why."""

    def __init__(self, config):
        self.root = Path(str(config.rootpath))
        cache_dir = config.option.nbval_cache_dir
        self.cache_path = Path(cache_dir) if cache_dir else nbcache.cache_dir_for(self.root)
        self.since = config.option.nbval_cached_since
        self.replayed: list[str] = []
        self.live: list[tuple[str, str]] = []
        self._cache = None
        self._env = None

    def lookup(self, path: Path, nb) -> tuple[object | None, str]:
        """(the executed notebook, "") or (None, why it must run live)."""
        if not self.cache_path.is_dir():
            return None, f"no cache at {self.cache_path}"
        if self._cache is None:
            self._cache = nbcache.open_cache(self.cache_path)
            self._env = nbcache.environment_digest(self.root)
        if _has_nbval_skip(nb):
            return None, "has NBVAL_SKIP cells"
        state = nbcache.check(self._cache, nb, self._env)
        if not state.fresh:
            return None, state.reason
        deps = state.record.data[nbcache.DEPS_KEY]
        if not deps.get("replayable", False):
            return None, "its outputs use clear_output/update_display_data"
        if self.since is not None and deps.get("executed_at", 0) < self.since:
            return None, "the cached execution is older than this test run"
        return self._cache.get_cache_bundle(state.record.pk).nb, ""


def _has_nbval_skip(nb) -> bool:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        options = dict(find_metadata_tags(cell.metadata))
        options.update(dict(find_comment_markers(cell.source)))
        if options.get("skip"):
            return True
    return False


class ReplayKernel:
    """What nbval's IPyNbCell.runtest needs of nbval.kernel.RunningKernel, served from a
    finished execution: each execute request gets that cell's outputs as iopub messages."""

    def __init__(self, executed_nb, name: str):
        self.cells = [c for c in executed_nb.cells if c.cell_type == "code"]
        self.name = name
        self.position = 0
        self.messages: deque = deque()
        self.alive = True

    def is_alive(self) -> bool:
        return self.alive

    def execute_cell_input(self, cell_input, allow_stdin=None):
        if self.position >= len(self.cells) or self.cells[self.position].source != cell_input:
            raise RuntimeError(f"{self.name}: the cached execution does not match cell {self.position}")
        cell = self.cells[self.position]
        self.position += 1
        msg_id = f"replay-{self.position}"
        for output in cell.outputs:
            self.messages.append(_message(msg_id, output))
        self.messages.append({"msg_type": "status", "parent_header": {"msg_id": msg_id},
                              "content": {"execution_state": "idle"}})
        return msg_id

    def await_reply(self, msg_id, timeout=None):
        return {"parent_header": {"msg_id": msg_id}, "content": {"status": "ok"}}

    def get_message(self, stream, timeout=None):
        if not self.messages:
            raise Empty
        return self.messages.popleft()

    def await_idle(self, parent_id, timeout):
        while self.messages:
            msg = self.messages.popleft()
            if msg["msg_type"] == "status" and msg["parent_header"]["msg_id"] == parent_id:
                return

    def interrupt(self):
        pass

    def stop(self):
        self.alive = False


def _message(msg_id: str, output) -> dict:
    kind = output["output_type"]
    if kind == "stream":
        content = {"name": output["name"], "text": output["text"]}
    elif kind in ("display_data", "execute_result"):
        content = {"data": output.get("data", {}), "metadata": output.get("metadata", {})}
        if kind == "execute_result":
            content["execution_count"] = output.get("execution_count")
    elif kind == "error":
        content = {k: output[k] for k in ("ename", "evalue", "traceback")}
    else:
        raise ValueError(f"cannot replay output of type {kind!r}")
    return {"msg_type": kind, "parent_header": {"msg_id": msg_id}, "content": content}


class CachedNbFile(IPyNbFile):
    """nbval's notebook collector with the replay kernel (falls back to a live kernel)."""

    def setup(self):
        replays: Replays = self.config.stash[REPLAYS]
        path = Path(str(self.fspath))
        rel = str(path.relative_to(replays.root)) if path.is_relative_to(replays.root) else str(path)
        executed, why = replays.lookup(path, self.nb)
        if executed is None:
            replays.live.append((rel, why))
            super().setup()
            return
        replays.replayed.append(rel)
        self.kernel = ReplayKernel(executed, rel)
        self.setup_sanitize_files()


REPLAYS = pytest.StashKey[Replays]()


def pytest_configure(config):
    if config.option.nbval_cached:
        if config.option.nbval or config.option.nbval_lax:
            raise pytest.UsageError("--nbval-cached replaces --nbval/--nbval-lax; give only one")
        config.stash[REPLAYS] = Replays(config)


def pytest_collect_file(file_path, parent):
    if parent.config.option.nbval_cached and file_path.suffix == ".ipynb":
        return CachedNbFile.from_parent(parent, path=file_path)
    return None


def pytest_sessionfinish(session):
    config = session.config
    if config.option.nbval_cached and hasattr(config, "workeroutput"):  # an xdist worker
        replays = config.stash[REPLAYS]
        config.workeroutput["nbval_cached"] = {"replayed": replays.replayed,
                                               "live": [list(x) for x in replays.live]}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """xdist controller: collect what a worker replayed."""
    config = node.config
    output = getattr(node, "workeroutput", None) or {}
    if config.option.nbval_cached and "nbval_cached" in output:
        replays = config.stash[REPLAYS]
        replays.replayed += output["nbval_cached"]["replayed"]
        replays.live += [tuple(x) for x in output["nbval_cached"]["live"]]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not config.option.nbval_cached:
        return
    replays = config.stash[REPLAYS]
    replays.replayed.sort()
    replays.live.sort()
    terminalreporter.write_line(
        f"nbval-cached: {len(replays.replayed)} notebook(s) compared with this run's executions, "
        f"{len(replays.live)} executed live")
    for rel, why in replays.live:
        terminalreporter.write_line(f"  live: {rel} ({why})")


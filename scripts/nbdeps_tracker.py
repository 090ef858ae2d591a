"""Runs inside a notebook's kernel and records which project files the notebook reads.

scripts/nbcache.py starts every kernel it executes for the cache with
`--IPKernelApp.exec_files=<this file>`. A PEP 578 audit hook then sees every `open()` and
`io.open_code()` (so module imports too) and every directory listing (`os.listdir`,
`os.scandir`, which `glob`, `Path.iterdir` and `Path.glob` use). Paths under the roots in
VISION_DEPS_ROOTS (os.pathsep-separated) are appended to the file VISION_DEPS_LOG, one per
line: `f <path>` for a file read, `d <path>` for a directory listed. Those files and
listings are the notebook's inputs; their hashes become part of its cache key.

Why record instead of guessing from the source: a notebook reads data through helpers
(`page.chart_block("population_total")`, the status page loops over the whole catalog), so
only the run itself knows which CSV/YAML files and helper modules it used. If none of them
changed (and no listed directory gained or lost a file), a deterministic notebook gives the
same outputs again.

Everything lives inside one function that deletes itself: IPython runs exec_files in the
user namespace, and the notebook must not see any extra names.
"""


def _vision_track_reads():
    import os
    import sys
    from importlib.util import source_from_cache

    log_path = os.environ.get("VISION_DEPS_LOG")
    roots = tuple(
        os.path.join(os.path.realpath(r), "")
        for r in os.environ.get("VISION_DEPS_ROOTS", "").split(os.pathsep)
        if r
    )
    if not log_path or not roots:
        return
    # Inside a root but never an input: the venv (CI keeps it in the clone), build output,
    # version control, editor checkpoints.
    skip = tuple(os.sep + p + os.sep for p in (".venv", "_build", ".git", ".ipynb_checkpoints", ".jupyter_cache"))
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
    realpath, fspath, fsdecode = os.path.realpath, os.fspath, os.fsdecode
    # Line-buffered, so what was read is on disk even if the kernel dies.
    log = open(log_path, "a", encoding="utf-8", buffering=1)
    log.write("started\n")
    seen = set()
    busy = []
    metadata_module = os.sep + os.path.join("importlib", "metadata") + os.sep

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            if mode is not None:
                if "w" in mode or "a" in mode or "x" in mode:
                    return
            elif flags & write_flags:
                return
            kind = "f"
        elif event == "os.listdir" or event == "os.scandir":
            # The import system and importlib.metadata (entry points) list every sys.path
            # folder, the notebook's own folder among them, looking for modules and
            # *.dist-info; those listings say nothing about the data, and the modules
            # then loaded are recorded as files.
            caller = sys._getframe(1).f_code.co_filename
            if caller.startswith("<frozen importlib") or metadata_module in caller:
                return
            path = args[0]
            kind = "d"
        else:
            return
        if busy or path is None or isinstance(path, int):
            return
        busy.append(1)  # realpath must not re-enter the hook
        try:
            full = realpath(fsdecode(fspath(path)))
            if not full.startswith(roots) or any(s in full for s in skip):
                return
            if kind == "f" and os.sep + "__pycache__" + os.sep in full:
                try:
                    full = source_from_cache(full)  # a cached module counts as its source
                except ValueError:
                    return
            entry = f"{kind} {full}"
            if entry not in seen:
                seen.add(entry)
                log.write(entry + "\n")
        except Exception:  # noqa: BLE001 - never break the notebook over bookkeeping
            return
        finally:
            busy.pop()

    sys.addaudithook(hook)


_vision_track_reads()
del _vision_track_reads

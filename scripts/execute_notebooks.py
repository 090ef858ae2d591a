"""Execute every notebook under chapters/ and write fresh stored outputs into the files.

`make notebooks` runs this. The stored outputs are what nbval compares against
(`pytest --nbval --nbval-current-env chapters/`), so after a data refresh or a helper
change, run this and commit the notebooks.

Execution goes through the book's cache (scripts/nbcache.py): notebooks whose cached
execution is still valid (same code, same input files, same environment) are not run
again, the others run in parallel (`--jobs`, default one kernel more than the CPUs). After `make book` this
is therefore nearly instant. `--fresh` ignores the cache and executes everything.

Output is deterministic: running it twice gives byte-identical files.
- the kernel is the one of the Python that runs this script (kernel name "python3";
  jupyter_client starts it with sys.executable), the same kernel nbval's
  --nbval-current-env uses;
- no execution timestamps: nbclient's timing is off, and any `execution` cell metadata
  is removed;
- notebook-level widget state (metadata.widgets, written by nbclient) is kept: the explorer
  notebooks build their widgets with stable model ids (helpers.explorer.ids), so the state is
  the same on every run;
- cells without an id get a stable one (`cell-<index>`), existing ids are kept;
- the kernelspec metadata is set to python3, and `language_info` to what the kernel
  reports (the same on every run on the same environment).

Usage: python scripts/execute_notebooks.py [--check] [--fresh] [--jobs N] [NOTEBOOK_OR_DIR ...]
  --check  exit 1 listing notebooks whose file would change (nothing is written).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def find_notebooks(paths: list[str]) -> list[Path]:
    targets = [Path(p) for p in paths] or [ROOT / "chapters"]
    found: list[Path] = []
    for target in targets:
        target = target if target.is_absolute() else (Path.cwd() / target)
        if target.is_dir():
            found += [p for p in target.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
        elif target.suffix == ".ipynb" and target.exists():
            found.append(target)
        else:
            raise SystemExit(f"not a notebook or folder: {target}")
    return sorted(set(p.resolve() for p in found))


def normalise(nb: nbformat.NotebookNode) -> None:
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for index, cell in enumerate(nb.cells):
        if not cell.get("id"):
            cell["id"] = f"cell-{index}"
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("execution", None)


def with_outputs_of(path: Path, executed: nbformat.NotebookNode) -> str:
    """The notebook on disk with the code-cell outputs of `executed`, normalised, as text."""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    mine = [c for c in nb.cells if c.cell_type == "code"]
    if len(code) != len(mine) or any(a.source != b.source for a, b in zip(code, mine)):
        raise RuntimeError(f"{path}: the cached execution does not match the notebook's code")
    for target, done in zip(mine, code):
        target.outputs = done.outputs
        target.execution_count = done.execution_count
    if "language_info" in executed.metadata:
        nb.metadata["language_info"] = executed.metadata["language_info"]
    normalise(nb)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def has_widget_state(path: Path) -> bool:
    return "widgets" in nbformat.read(path, as_version=4).metadata


def execute_with_widget_state(path: Path) -> str:
    """A notebook whose stored widget state is its content (the "Udforsk" explorers): the cache
    keeps cell outputs but not notebook metadata, so such a notebook is executed here, with
    nbclient storing the widget state (stable model ids keep it deterministic)."""
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name=KERNELSPEC["name"], store_widget_state=True, record_timing=False,
                   timeout=600, startup_timeout=300,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    normalise(nb)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--check", action="store_true", help="report notebooks whose stored outputs are stale")
    parser.add_argument("--fresh", action="store_true", help="execute every notebook, ignoring cached executions")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="parallel kernels (default: VISION_JOBS or one more than the CPUs)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    notebooks = find_notebooks(args.paths)
    if not notebooks:
        print("no notebooks found")
        return 0
    import nbcache  # imports this module, so not at the top

    outcomes = nbcache.prepare(ROOT, notebooks, jobs=args.jobs, force=args.fresh)
    cache = nbcache.open_cache(nbcache.cache_dir_for(ROOT))
    env_digest = nbcache.environment_digest(ROOT)
    stale: list[Path] = []
    failed: list[Path] = [o.path for o in outcomes if o.state == "failed"]
    for outcome in outcomes:
        path = outcome.path
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if outcome.state == "failed":
            print(f"{rel}: FAILED, file left unchanged\n{outcome.error}", file=sys.stderr)
            continue
        fresh = nbcache.fresh_notebook(cache, path, env_digest)
        if fresh is None:  # an input changed while we ran
            failed.append(path)
            print(f"{rel}: an input changed during execution; run again", file=sys.stderr)
            continue
        text = execute_with_widget_state(path) if has_widget_state(path) else with_outputs_of(path, fresh[0])
        changed = text != path.read_text(encoding="utf-8")
        if changed and not args.check:
            path.write_text(text, encoding="utf-8")
        if changed:
            stale.append(rel)
        state = ("STALE" if args.check else "updated") if changed else "unchanged"
        how = f"executed in {outcome.seconds:.1f} s" if outcome.state == "executed" else "from the cache"
        print(f"{rel}: {state} ({how})")
    if failed:
        print("notebooks that failed to execute:", *failed, sep="\n  ", file=sys.stderr)
        return 1
    if args.check and stale:
        print("stored outputs are stale; run `make notebooks`:", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

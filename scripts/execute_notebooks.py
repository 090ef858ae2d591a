"""Execute every notebook under chapters/ in place, so stored outputs are fresh.

`make notebooks` runs this. The stored outputs are what nbval compares against
(`pytest --nbval --nbval-current-env chapters/`), so after a data refresh or a helper
change, run this and commit the notebooks.

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

Usage: python scripts/execute_notebooks.py [--check] [NOTEBOOK_OR_DIR ...]
  --check  execute into memory and exit 1 listing notebooks whose file would change.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
TIMEOUT = 300


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


def execute(path: Path) -> str:
    """Execute one notebook (cwd = its folder, as Jupyter Book does) and return the new text."""
    nb = nbformat.read(path, as_version=4)
    normalise(nb)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT,
        kernel_name="python3",
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    normalise(nb)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--check", action="store_true", help="report notebooks whose stored outputs are stale")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    notebooks = find_notebooks(args.paths)
    if not notebooks:
        print("no notebooks found")
        return 0
    stale: list[Path] = []
    failed: list[Path] = []
    for path in notebooks:
        start = time.monotonic()
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        try:
            text = execute(path)
        except Exception as exc:  # noqa: BLE001 - report every failing notebook, then exit 1
            failed.append(rel)
            print(f"{rel}: FAILED ({time.monotonic() - start:.1f} s), file left unchanged\n{exc}", file=sys.stderr)
            continue
        old = path.read_text(encoding="utf-8")
        changed = text != old
        if changed and not args.check:
            path.write_text(text, encoding="utf-8")
        if changed:
            stale.append(rel)
        state = ("STALE" if args.check else "updated") if changed else "unchanged"
        print(f"{rel}: {state} ({time.monotonic() - start:.1f} s)")
    if failed:
        print("notebooks that failed to execute:", *failed, sep="\n  ", file=sys.stderr)
        return 1
    if args.check and stale:
        print("stored outputs are stale; run `make notebooks`:", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

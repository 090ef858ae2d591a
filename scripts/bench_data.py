"""Time the data layer: the fixed costs every strict build and many tests pay.

    PYTHONPATH=src python scripts/bench_data.py [--repeats N]

Each figure is a fresh process (as the build and the tests start them), median of N runs,
wall time and CPU time (user + sys of the process and its children):

- check_data: `scripts/check_data.py` (Frictionless in a worker beside our own checks);
- second_hand_markdown: the "Om data og metode" paragraph, every indicator loaded once;
- read all, read all again: `read_indicator` over every snapshot file, then the memo's hits;
- pick_best all: over every snapshot file;
- import_harvest: `python -m helpers.import_harvest` into a temporary copy of data/ (which it
  must leave byte-identical; the script says so if it does not).

Prints a table; no targets are asserted here (timings are not tests).
"""
from __future__ import annotations

import argparse
import filecmp
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

READ_ALL = """
import time
from helpers import load, snapshot
from helpers.catalog import load_catalog
ids = snapshot.list_indicators()
t = time.perf_counter(); frames = [snapshot.read_indicator(i) for i in ids]; a = time.perf_counter() - t
t = time.perf_counter(); [snapshot.read_indicator(i) for i in ids]; b = time.perf_counter() - t
catalog = load_catalog()
t = time.perf_counter()
for i, f in zip(ids, frames):
    load.pick_best(f, catalog.indicators[i]["decimals"] if i in catalog.indicators else 0)
print(a, b, time.perf_counter() - t)
"""


def run(command: list[str], env: dict) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def identical(a: Path, b: Path) -> bool:
    compare = filecmp.dircmp(a, b)
    if compare.left_only or compare.right_only or compare.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, compare.common_files, shallow=False)
    return not mismatch and not errors and all(identical(a / d, b / d) for d in compare.common_dirs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), VISION_SKIP_VENV="1")
    data = Path(env.get("VISION_DATA_DIR") or ROOT / "data")
    py = sys.executable
    rows: dict[str, list[tuple[float, float]]] = {}
    reads: list[list[float]] = []
    for _ in range(args.repeats):
        rows.setdefault("check_data", []).append(run([py, "scripts/check_data.py"], env)[:2])
        rows.setdefault("second_hand_markdown", []).append(run(
            [py, "-c", "from helpers.provenance import second_hand_markdown; second_hand_markdown()"], env)[:2])
        reads.append([float(x) for x in run([py, "-c", READ_ALL], env)[2].split()])
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "data"
            shutil.copytree(data, copy)
            rows.setdefault("import_harvest", []).append(
                run([py, "-m", "helpers.import_harvest"], dict(env, VISION_DATA_DIR=str(copy)))[:2])
            if not identical(data, copy):
                print("import_harvest: the copy of data/ CHANGED (it must stay byte-identical)")
    print(f"{'measure':<24}{'wall':>9}{'cpu':>9}   (median of {args.repeats}, seconds)")
    for name, runs in rows.items():
        print(f"{name:<24}{statistics.median(w for w, _ in runs):>9.2f}{statistics.median(c for _, c in runs):>9.2f}")
    for i, name in enumerate(("read all", "read all again (memo)", "pick_best all")):
        print(f"{name:<24}{statistics.median(r[i] for r in reads):>9.2f}{'':>9}   (in-process)")
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

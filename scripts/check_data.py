"""Check data/ before the book is built: a bad file stops the build here, with its name and line.

1. data/datapackage.json is a valid Frictionless package: every resource, every row against
   the shared table schema (data/snapshot.schema.json).
2. Its resources and the files on disk match both ways: each resource's file exists, and each
   data/snapshot/*.csv is a resource.
3. Every snapshot file passes `helpers.snapshot.read_indicator` (each row, duplicates,
   conflicts) and every catalog indicator passes `helpers.load.load_indicator` (a record that
   promises curated rows has them).

1-2 (Frictionless reading every row, ~6 s) and 3 (our own rules, ~4 s) share nothing, so 1-2
run in a worker process while 3 runs here (`all_problems`); the problems are reported in the
order above either way.

Exit 0 and one "ok" line when all is well; 1 and one line per problem otherwise.
The data folder is helpers.paths.data_dir() (VISION_DATA_DIR overrides it).

--stamp FILE (the incremental `make book`): after a passing check, FILE records sha256
digests of everything the check reads: one over the helpers package, this script, the Python
and Frictionless versions and every file under the data folder except the snapshot CSVs, and
one per snapshot CSV. While nothing changed the check is not run again. When only some
snapshot CSVs changed, Frictionless reads only those (its check of a file depends on nothing
but the file, its resource entry and the schema, all unchanged otherwise; ~0.1 s instead of
~8 core-seconds for all 262), and our own checks run in full (a catalog claim may read several
files). Any other change runs everything; a failing check removes the stamp. The strict build
(CI) and the tests of the full check pass no stamp.

Usage: python scripts/check_data.py [--stamp FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

from helpers import paths

# frictionless, pandas and the catalog are imported where they are used: an unchanged stamp
# must not pay for importing them.

PACKAGE = "datapackage.json"


def package_problems(data: Path, only: list[str] | None = None) -> list[str]:
    """The package's problems; `only` (resource paths) limits Frictionless's reading of rows to
    those files (the package's structure is always checked in full)."""
    path = data / PACKAGE
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"{path}: cannot be read as JSON ({exc})"]
    problems = []
    resources = descriptor.get("resources") or []
    listed = {}
    for i, resource in enumerate(resources):
        where = f"{path}: resources[{i}] ({resource.get('name', '?')})"
        target = resource.get("path")
        if not isinstance(target, str):
            problems.append(f"{where}: no path")
            continue
        listed[target] = where
        if not (data / target).is_file():
            problems.append(f"{where}: path {target} does not exist")
    on_disk = sorted(f"snapshot/{p.name}" for p in paths.snapshot_dir().glob("*.csv"))
    for target in on_disk:
        if target not in listed:
            problems.append(f"{data / target}: not a resource of {path}; run `make import` to rewrite it")
    if problems:
        return problems  # Frictionless would only repeat the missing files, less clearly
    import frictionless

    if only is None:
        report = frictionless.validate(str(path))
    else:
        wanted = set(only)
        subset = dict(descriptor, resources=[r for r in resources if r.get("path") in wanted])
        report = frictionless.Package(subset, basepath=str(data)).validate()
    if not report.valid:
        for task in report.tasks:
            for error in task.errors:
                row = getattr(error, "row_number", None)
                line = f":{row}" if row else ""
                source = data / task.place if task.place and not Path(task.place).is_absolute() else task.place
                problems.append(f"{source}{line}: {error.type}: {error.message}")
        problems += [f"{path}: {error.type}: {error.message}" for error in report.errors]
    return problems


def snapshot_problems() -> list[str]:
    from helpers.catalog import load_catalog
    from helpers.load import load_indicator
    from helpers.snapshot import list_indicators, read_indicator

    problems, broken = [], set()
    for indicator_id in list_indicators():
        try:
            read_indicator(indicator_id)
        except ValueError as exc:
            problems.append(str(exc))
            broken.add(indicator_id)
    catalog = load_catalog()
    for indicator_id in sorted(set(catalog.indicators) - broken):
        try:
            load_indicator(indicator_id, catalog=catalog)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def all_problems(data: Path, only: list[str] | None = None) -> list[str]:
    """package_problems(data, only) + snapshot_problems(), the first computed in a worker process.

    Exceptions come out as if the two had run one after the other: one from the package check
    first (the own checks would not have run), then one from the own checks.
    """
    from concurrent.futures import ProcessPoolExecutor

    # One worker: the machine's other core runs the own checks. Started before pandas and the
    # catalog are imported here, so the forked worker is small.
    with ProcessPoolExecutor(max_workers=1) as pool:
        package = pool.submit(package_problems, data, only)
        try:
            ours, failure = snapshot_problems(), None
        except BaseException as exc:  # re-raised below, after the package check's own outcome
            ours, failure = [], exc
        problems = package.result()
    if failure is not None:
        raise failure
    return problems + ours


def inputs_digests(data: Path) -> dict:
    """{"base": sha256 over the names and bytes of every input but the snapshot CSVs,
    "files": {"snapshot/<name>.csv": sha256 of its bytes}}: what a stamp records."""
    import helpers

    base = hashlib.sha256()
    base.update(f"{sys.version}\nfrictionless {version('frictionless')}\n".encode())
    files = {}
    inputs = [(Path(__file__), "check_data.py")]
    for folder, label in ((data, "data"), (Path(helpers.__file__).parent, "helpers")):
        inputs += [(p, f"{label}/{p.relative_to(folder).as_posix()}") for p in sorted(folder.rglob("*"))
                   if p.is_file() and "__pycache__" not in p.parts]
    for path, name in inputs:
        body = path.read_bytes()
        if path.parent == data / "snapshot" and path.suffix == ".csv":
            files[name.removeprefix("data/")] = hashlib.sha256(body).hexdigest()
        else:
            base.update(f"{name}\0{len(body)}\0".encode())
            base.update(body)
    return {"base": base.hexdigest(), "files": files}


def read_stamp(stamp: Path) -> dict | None:
    """The digests a stamp records, or None (no stamp, or one this version cannot read)."""
    try:
        recorded = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(recorded, dict) and isinstance(recorded.get("base"), str) and isinstance(recorded.get("files"), dict)
    return recorded if ok else None


def changed_files(recorded: dict | None, now: dict) -> list[str] | None:
    """The snapshot CSVs whose bytes changed since `recorded`, or None when anything else did
    (or files came or went), which needs the full check."""
    if recorded is None or recorded["base"] != now["base"] or set(recorded["files"]) != set(now["files"]):
        return None
    return sorted(name for name, digest in now["files"].items() if recorded["files"][name] != digest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stamp", type=Path, default=None,
                        help="skip the check while the inputs' digests equal those recorded here; after a change"
                             " to snapshot CSVs only, Frictionless reads only those")
    args = parser.parse_args(argv)
    data = paths.data_dir()
    digests = inputs_digests(data) if args.stamp else None
    changed = None
    if args.stamp:
        recorded = read_stamp(args.stamp)
        if recorded == digests:
            print(f"check_data: ok: unchanged since the last passing check ({args.stamp})")
            return 0
        changed = changed_files(recorded, digests)
        args.stamp.unlink(missing_ok=True)
    try:
        problems = all_problems(data, changed)
    except ValueError as exc:  # a broken catalog: CatalogError lists every finding
        problems = [str(exc)]
    for problem in problems:
        print(f"check_data: {problem}", file=sys.stderr)
    if problems:
        print(f"check_data: FAILED, {len(problems)} problem(s) in {data}", file=sys.stderr)
        return 1
    from helpers.snapshot import list_indicators

    count = len(list_indicators())
    scope = ("" if changed is None else f"; Frictionless read only the {len(changed)} changed file(s),"
             f" the other {count - len(changed)} are unchanged since the last passing check")
    print(f"check_data: ok: {PACKAGE} is valid and lists the {count} snapshot files;"
          f" every snapshot row and catalog claim checked{scope}")
    if args.stamp:
        args.stamp.parent.mkdir(parents=True, exist_ok=True)
        args.stamp.write_text(json.dumps(digests, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

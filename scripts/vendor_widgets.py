"""Vendor the widget runtime of the "Udforsk" pages into widgets_extra/_static/widgets/.

The explorer pages (chapters/tema*/udforsk-*.ipynb) render ipywidgets with embedded state.
Their browser runtime is:

* require.js                          npm requirejs (pinned below)
* embed-amd.js + its woff2 icon fonts  npm @jupyter-widgets/html-manager (pinned below)
* anywidget.js                         copied from the INSTALLED anywidget wheel
                                       (anywidget/nbextension/index.js), so the front end
                                       always matches the Python package
* widgets-config.js                    committed next to them: the require.js paths that map
                                       every module to a local file (see its comments)

The npm tarballs are fetched with `npm pack` (the ordinary npm client) into a cache folder and
checked against the sha512 integrity pinned here; a mismatch is an error. Nothing is
committed but widgets-config.js (the other files are gitignored and written on each build).

Why widgets_extra/ and not _static/: Jupyter Book 1 adds every .js under html_static_path to
EVERY page (jupyter_book/config.py), which would load 3.7 MB and require.js site-wide. Sphinx
copies `html_extra_path` folders verbatim without listing their scripts, and myst-nb adds the
`nb_ipywidgets_js` scripts only to pages that carry widget state.

Usage: python scripts/vendor_widgets.py [--cache DIR]   (prints what it wrote)
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "widgets_extra" / "_static" / "widgets"
DEFAULT_CACHE = ROOT / "_build" / "npm-widgets"

# name, version, npm tarball integrity (sha512, as `npm view <pkg>@<ver> dist.integrity` prints it),
# {path in tarball: file name under OUT}
PACKAGES = [
    ("@jupyter-widgets/html-manager", "1.0.15",
     "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
     {"package/dist/embed-amd.js": "embed-amd.js",
      "package/dist/embed.js.LICENSE.txt": "embed-amd.js.LICENSE.txt",
      # the icon fonts embed-amd.js's CSS asks for (woff2 is enough for current browsers)
      "package/dist/1551f4f60c37af51121f.woff2": "1551f4f60c37af51121f.woff2",
      "package/dist/7a3337626410ca2f4071.woff2": "7a3337626410ca2f4071.woff2",
      "package/dist/d878b0a6a1144760244f.woff2": "d878b0a6a1144760244f.woff2"}),
    ("requirejs", "2.3.8",
     "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
     {"package/require.js": "require.js"}),
]
CONFIG_JS = "widgets-config.js"  # committed, not generated (as is fa-icons.css)


class VendorError(RuntimeError):
    """A tarball could not be fetched, failed its integrity check, or lacks a file."""


def tarball_name(name: str, version: str) -> str:
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def integrity_of(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch(name: str, version: str, integrity: str, cache: Path) -> bytes:
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / tarball_name(name, version)
    if not path.exists():
        try:
            subprocess.run(["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", str(cache)],
                           check=True, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            raise VendorError(f"npm pack {name}@{version} failed: {exc}") from exc
    data = path.read_bytes()
    found = integrity_of(data)
    if found != integrity:
        path.unlink()
        raise VendorError(f"{path}: integrity {found} differs from the pinned {integrity}")
    return data


def anywidget_module() -> tuple[Path, str]:
    import anywidget

    path = Path(anywidget.__file__).parent / "nbextension" / "index.js"
    if not path.is_file():
        raise VendorError(f"{path} is missing: the installed anywidget wheel has no AMD module")
    return path, anywidget.__version__


def vendor(cache: Path = DEFAULT_CACHE, out: Path = OUT) -> list[tuple[str, int]]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, version, integrity, files in PACKAGES:
        with tarfile.open(fileobj=io.BytesIO(fetch(name, version, integrity, cache)), mode="r:gz") as tar:
            for member, target in files.items():
                handle = tar.extractfile(member) if member in tar.getnames() else None
                if handle is None:
                    raise VendorError(f"{name}@{version}: {member} is not in the tarball")
                data = handle.read()
                dest = out / target
                if not dest.exists() or dest.read_bytes() != data:
                    dest.write_bytes(data)
                written.append((target, len(data)))
    source, version = anywidget_module()
    dest = out / "anywidget.js"
    if not dest.exists() or dest.read_bytes() != source.read_bytes():
        shutil.copyfile(source, dest)
    written.append((f"anywidget.js (anywidget {version})", dest.stat().st_size))
    if not (out / CONFIG_JS).is_file():
        raise VendorError(f"{out / CONFIG_JS} is missing (it is committed, not generated)")
    written.append((CONFIG_JS, (out / CONFIG_JS).stat().st_size))
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    try:
        written = vendor(args.cache)
    except VendorError as exc:
        print(f"vendor_widgets: {exc}", file=sys.stderr)
        return 1
    total = sum(size for _n, size in written)
    print(f"vendor_widgets: {len(written)} files, {total:,} bytes in {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

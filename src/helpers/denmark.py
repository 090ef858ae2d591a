"""The map geometry of Denmark's 98 municipalities: _static/kommuner.topojson.

Built by scripts/make_topojson.py from the DAGI boundaries (see data/geo/SOURCE.md). Sphinx copies
_static/ into the site, so a chart loads the file from a local URL relative to its page; the
browser fetches it once per page (vision-charts.js shares one loader between charts).
"""
from __future__ import annotations

import json
import posixpath
from functools import lru_cache
from pathlib import Path

from helpers.paths import ROOT

ATTRIBUTION = "Kommunegrænser: Geodatastyrelsen & Danske Kommuner (DAGI)"
FILE_NAME = "kommuner.topojson"
OBJECT_NAME = "kommuner"
STATIC_DIR = "_static"


def topojson_path() -> Path:
    return ROOT / STATIC_DIR / FILE_NAME


def url_from(page: str) -> str:
    """The geometry's URL relative to a page (its path without suffix, e.g. 'chapters/kort')."""
    depth = posixpath.dirname(page.strip("/"))
    return posixpath.relpath(f"{STATIC_DIR}/{FILE_NAME}", depth or ".")


@lru_cache(maxsize=2)
def _load(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def municipality_names() -> dict[str, str]:
    """Code -> Danish name of the 98 municipalities in the geometry."""
    topo = _load(str(topojson_path()))
    return {str(g["properties"]["code"]): str(g["properties"]["name"])
            for g in topo["objects"][OBJECT_NAME]["geometries"]}

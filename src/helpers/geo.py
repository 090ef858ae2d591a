"""Simplified municipality boundaries of Region Sjælland (data/geo/region_sjaelland.geojson).

Built by scripts/simplify_geo.py from the DAGI boundaries; see data/geo/SOURCE.md.
Attribution: "Kommunegrænser: Geodatastyrelsen & Danske Kommuner (DAGI)".
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from helpers.paths import data_dir

ATTRIBUTION = "Kommunegrænser: Geodatastyrelsen & Danske Kommuner (DAGI)"
FILE_NAME = "region_sjaelland.geojson"


def region_path() -> Path:
    return data_dir() / "geo" / FILE_NAME


@lru_cache(maxsize=4)
def _load(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_region() -> dict:
    """The FeatureCollection (a fresh copy: callers may modify it)."""
    return json.loads(_load(str(region_path())))


def label_points(geo: dict) -> dict[str, tuple[float, float]]:
    """A point inside each municipality (code -> (lon, lat)) for map labels."""
    from shapely.geometry import shape
    points = {}
    for feat in geo["features"]:
        p = shape(feat["geometry"]).representative_point()
        points[str(feat["properties"]["code"])] = (round(p.x, 5), round(p.y, 5))
    return points

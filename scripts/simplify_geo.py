"""Build data/geo/region_sjaelland.geojson from the shared municipality boundaries.

Steps: keep the 17 municipalities of Region Sjælland, drop the third coordinate (-999.0),
dissolve island polygons by `lau_1`, simplify with shapely (topology preserving), round to
5 decimals (about 1 m) and write properties `code` (lau_1) and `name` (label_dk).

    python scripts/simplify_geo.py [--source PATH] [--tolerance 0.001]

Deterministic: features sorted by code, JSON with sorted keys and no whitespace.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from shapely import set_precision
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from helpers.areas import REGION_SJAELLAND
from helpers.paths import data_dir

DEFAULT_SOURCE = Path("/work/shared/data/geo/kommuner.geojson")
TOLERANCE = 0.001  # degrees (about 60-110 m here): about 72 kB, coastlines still recognisable


def _drop_z(coords):
    if coords and isinstance(coords[0], (int, float)):
        return list(coords[:2])
    return [_drop_z(c) for c in coords]


def _round(coords, digits=5):
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(coords[0]), digits), round(float(coords[1]), digits)]
    return [_round(c, digits) for c in coords]


def build(source: Path, tolerance: float = TOLERANCE) -> dict:
    raw = json.loads(source.read_text(encoding="utf-8"))
    parts: dict[str, list] = {}
    names: dict[str, str] = {}
    for feat in raw["features"]:
        props = feat["properties"]
        code = str(props["lau_1"]).zfill(3)
        if code not in REGION_SJAELLAND:
            continue
        geom = dict(feat["geometry"])
        geom["coordinates"] = _drop_z(geom["coordinates"])
        parts.setdefault(code, []).append(shape(geom).buffer(0))
        names[code] = props.get("label_dk") or REGION_SJAELLAND[code]
    features = []
    for code in sorted(parts):
        geom = unary_union(parts[code]).simplify(tolerance, preserve_topology=True)
        geom = set_precision(geom, 1e-5)
        features.append({
            "type": "Feature",
            "properties": {"code": code, "name": names[code]},
            "geometry": {"type": geom.geom_type, "coordinates": _round(mapping(geom)["coordinates"])},
        })
    return {"type": "FeatureCollection", "features": features}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--out", type=Path, default=data_dir() / "geo" / "region_sjaelland.geojson")
    args = parser.parse_args(argv)
    collection = build(args.source, args.tolerance)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(collection['features'])} municipalities, {len(text.encode())} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

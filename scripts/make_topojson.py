"""Build the one map geometry of Denmark's 98 municipalities: _static/kommuner.topojson.

Input: ../shared/data/geo/kommuner.geojson (DAGI boundaries via a public copy; see
data/geo/SOURCE.md): 311 polygons, islands as separate features sharing one code, with a third
coordinate (-999) and about 1.9 MB of detail. Output: one TopoJSON topology, object `kommuner`,
one feature per municipality (islands dissolved by code with shapely), properties `code`
(Statistics Denmark's three digits, 340 = Sorø) and `name`, simplified and quantized by the
`topojson` library so neighbouring municipalities keep shared borders (no slivers or gaps).
Christiansø (411) is in the input but is not a municipality (it is administered by the state):
it is left out.

The page loads the file once from _static/ (a local URL); it must stay below 300 kB.
Attribution: "Kommunegrænser: Geodatastyrelsen & Danske Kommuner (DAGI)".

Usage: python scripts/make_topojson.py [--source PATH] [--out PATH] [--tolerance DEG]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import topojson
from shapely import force_2d
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "geo" / "kommuner.geojson"
OUT = ROOT / "_static" / "kommuner.topojson"
MAX_BYTES = 300_000
EXPECTED = 98
# Degrees (about 250 m east-west at 56°N): enough for a national overview map.
TOLERANCE = 0.0025
QUANTIZE = 100_000
NOT_MUNICIPALITIES = {"411"}  # Christiansø


def dissolve(source: dict) -> list[dict]:
    """One GeoJSON feature per municipality code, sorted by code."""
    parts: dict[str, list] = defaultdict(list)
    names: dict[str, str] = {}
    for index, feat in enumerate(source["features"]):
        props = feat.get("properties") or {}
        code = str(props.get("lau_1") or "").strip()
        if not code:
            raise SystemExit(f"{SOURCE}: feature {index} has no lau_1 code")
        if code in NOT_MUNICIPALITIES:
            continue
        parts[code].append(force_2d(shape(feat["geometry"])).buffer(0))
        names[code] = str(props.get("label_dk") or code)
    features = []
    for code in sorted(parts):
        geom = unary_union(parts[code])
        features.append({"type": "Feature", "properties": {"code": code, "name": names[code]},
                         "geometry": mapping(geom)})
    return features


def build(source_path: Path, tolerance: float) -> dict:
    source = json.loads(source_path.read_text(encoding="utf-8"))
    features = dissolve(source)
    if len(features) != EXPECTED:
        raise SystemExit(f"{source_path}: {len(features)} municipality codes, expected {EXPECTED}")
    topo = topojson.Topology({"type": "FeatureCollection", "features": features}, object_name="kommuner",
                             prequantize=QUANTIZE, toposimplify=tolerance, topology=True)
    return json.loads(topo.to_json())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    args = parser.parse_args(argv)
    topo = build(args.source, args.tolerance)
    text = json.dumps(topo, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    size = len(text.encode("utf-8"))
    if size >= MAX_BYTES:
        print(f"{args.out}: {size:,} bytes is over the {MAX_BYTES:,} byte budget; raise --tolerance",
              file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    count = len(topo["objects"]["kommuner"]["geometries"])
    print(f"wrote {args.out} ({size:,} bytes, {count} municipalities)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

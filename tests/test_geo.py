"""data/geo/region_sjaelland.geojson and helpers.geo."""
import json

from helpers import geo
from helpers.areas import REGION_SJAELLAND


def test_region_file():
    path = geo.region_path()
    assert path.stat().st_size < 150_000
    collection = json.loads(path.read_text(encoding="utf-8"))
    codes = [f["properties"]["code"] for f in collection["features"]]
    assert sorted(codes) == sorted(REGION_SJAELLAND) and len(codes) == 17
    names = {f["properties"]["code"]: f["properties"]["name"] for f in collection["features"]}
    assert names["340"] == "Sorø"


def _points(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from _points(c)


def test_coordinates_2d_rounded_in_zealand():
    for feat in geo.load_region()["features"]:
        assert feat["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for p in _points(feat["geometry"]["coordinates"]):
            assert len(p) == 2
            assert 10.5 < p[0] < 13.0 and 54.5 < p[1] < 56.1
            assert round(p[0], 5) == p[0] and round(p[1], 5) == p[1]


def test_label_points_inside():
    from shapely.geometry import Point, shape
    region = geo.load_region()
    points = geo.label_points(region)
    soro = next(f for f in region["features"] if f["properties"]["code"] == "340")
    assert shape(soro["geometry"]).contains(Point(points["340"]))


def test_source_md_has_attribution():
    text = (geo.region_path().parent / "SOURCE.md").read_text(encoding="utf-8")
    assert geo.ATTRIBUTION in text

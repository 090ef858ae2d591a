"""The typed indicator record: its fields follow the JSON Schema, and it reads like the YAML."""
from __future__ import annotations

import copy
import dataclasses
import json

import pytest
import yaml

from helpers.catalog import load_catalog
from helpers.paths import ROOT
from helpers.records import RECORD_FIELDS, IndicatorRecord

SCHEMA = ROOT / "data" / "catalog" / "schema" / "indicator.schema.json"
FIXTURE = {"id": "x", "title": "X", "description": "Fixture.", "theme": 1, "goals": ["t1-a"], "sdg": [3],
           "unit": "pct", "decimals": 1, "direction": "up", "measures": ["level"], "comparison_areas": ["000"],
           "data_available": True, "sources": {"curated": True}}


def test_fields_are_the_schemas_properties():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert set(RECORD_FIELDS) == set(schema["properties"]), \
        "add the schema's new field to helpers.records.IndicatorRecord (or drop the removed one)"
    required = {f.name for f in dataclasses.fields(IndicatorRecord)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    assert required == set(schema["required"])


def test_the_catalog_builds_records_that_read_like_their_yaml():
    catalog = load_catalog()
    for path in sorted((catalog.root / "indicators").glob("*.yaml"))[:40]:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        record = catalog.indicator(doc["id"])
        assert isinstance(record, IndicatorRecord)
        assert record == doc and dict(record) == doc and list(record) == list(doc)
        for name in RECORD_FIELDS:
            assert getattr(record, name) == doc.get(name), (path, name)


def test_an_absent_key_stays_absent_but_its_attribute_is_none():
    record = IndicatorRecord.from_dict(FIXTURE)
    assert "target" not in record and record.get("target", "none") == "none" and record.target is None
    with pytest.raises(KeyError):
        record["breaks"]
    assert record.unit == record["unit"] == "pct"


def test_a_record_is_read_only_and_copies_deeply():
    record = IndicatorRecord.from_dict(FIXTURE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.unit = "personer"
    with pytest.raises(TypeError):
        record["unit"] = "personer"
    twin = copy.deepcopy(record)
    twin["sources"]["curated"] = False
    assert record.sources == {"curated": True} and twin.sources is twin["sources"]


def test_a_missing_required_field_names_the_record():
    with pytest.raises(ValueError, match=r"'x'.*unit"):
        IndicatorRecord.from_dict({k: v for k, v in FIXTURE.items() if k != "unit"})

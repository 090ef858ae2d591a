"""A catalog indicator record as a typed, read-only object.

`helpers.catalog` validates each `data/catalog/indicators/<id>.yaml` against its JSON Schema and
then builds one `IndicatorRecord` per file. Code reads fields as attributes (`record.unit`,
`record.target`); the record is also a read-only `Mapping` over the YAML as written
(`record["unit"]`, `record.get("target")`, `"breaks" in record`), so older call sites, notebooks
and tests that treat records as dicts keep working and see exactly what they saw before: a key
left out of the YAML is absent from the mapping even though its attribute has a default.

The record is frozen at the top level; nested values (`target`, `sources`, lists) are the YAML's
own objects, as before. `load_indicator` hands out a deep copy, so changing those never changes
the cached catalog.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Iterator

__all__ = ["IndicatorRecord", "RECORD_FIELDS"]


@dataclass(frozen=True, eq=False)  # eq: Mapping's, so a record equals the dict it was read from
class IndicatorRecord(Mapping):
    """One indicator's catalog record (fields as in `data/catalog/schema/indicator.schema.json`)."""

    id: str
    title: str
    description: str
    theme: int
    goals: list[str]
    sdg: list[int]
    unit: str
    decimals: int
    direction: str                       # "up" | "down" | "none"
    measures: list[str]
    comparison_areas: list[str]
    data_available: bool
    sources: dict[str, Any]
    target: dict[str, Any] | None = None  # kind, text, source, and value/year/base_year/reference_area
    missing_reason: str | None = None
    caveats: list[str] | None = None
    breaks: list[dict[str, Any]] | None = None  # [{year, text}]: method breaks
    projection: bool | None = None
    rank: bool | None = None
    rolling_window: bool | None = None  # 3-year medians etc.: each window counts as its end year
    no_direction_reason: str | None = None  # Danish, shown with 'Kan ikke vurderes'
    # the YAML mapping as read (validated): what Mapping access shows
    _raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> "IndicatorRecord":
        """The record of a schema-valid YAML mapping. Keys the class does not know yet stay
        readable through Mapping access (tests/test_records.py keeps the class and schema in step)."""
        raw = dict(doc)
        known = {f.name for f in fields(cls)} - {"_raw"}
        missing = [f.name for f in fields(cls) if f.name not in raw
                   and f.default is MISSING and f.default_factory is MISSING]
        if missing:
            raise ValueError(f"indicator record {raw.get('id')!r}: required field(s) missing: {', '.join(missing)}")
        return cls(**{k: v for k, v in raw.items() if k in known}, _raw=raw)

    # -- read-only Mapping over the YAML as written -----------------------------------------------
    def __getitem__(self, key: str) -> Any:
        return self._raw[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __deepcopy__(self, memo) -> "IndicatorRecord":
        # rebuild from a copy of the YAML so attributes and Mapping keep sharing their objects
        return type(self).from_dict(copy.deepcopy(self._raw, memo))

    def to_dict(self) -> dict[str, Any]:
        """A plain (deep-copied) dict of the YAML as written, e.g. for JSON."""
        return copy.deepcopy(self._raw)


RECORD_FIELDS = tuple(f.name for f in fields(IndicatorRecord) if f.name != "_raw")

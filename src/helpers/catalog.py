"""The indicator catalog: themes, goals and indicator records in `data/catalog/`.

The catalog is edited by hand (YAML) and checked here before anything uses it:

* every file is validated against its JSON Schema in `data/catalog/schema/`;
* cross-references are checked: goal -> indicator ids exist, indicator.goals -> goal ids exist
  and both sides agree, the file name equals the id, target fields fit the target kind,
  `data_available: false` carries a `missing_reason`, and more (see `_check_*`).

All problems found are reported together in one `CatalogError`; each line names the file and
the JSON path of the offending field, e.g.
``data/catalog/indicators/foo.yaml: $.target.value: 'x' is not of type 'number'``.

`load_catalog()` caches one `Catalog` per catalog folder; `clear_cache()` forgets them.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from helpers.paths import catalog_dir
from helpers.records import IndicatorRecord

# libyaml's loader when present (same results, several times faster on ~200 files)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = [
    "Catalog", "CatalogError", "IndicatorRecord", "UnknownIndicatorError", "UnknownGoalError",
    "load_catalog", "clear_cache", "close_matches",
]

TARGET_KINDS = {
    # kind: (required fields besides kind/text/source, forbidden fields)
    "level": ({"value", "year"}, {"base_year", "reference_area"}),
    "change_from_base": ({"value", "year", "base_year"}, {"reference_area"}),
    "at_least_reference": ({"reference_area"}, {"value", "base_year"}),
    "direction": (set(), {"value", "base_year", "reference_area"}),
}


class CatalogError(ValueError):
    """The catalog breaks its schema or its cross-references. `problems` lists every finding."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:60]
        more = len(self.problems) - len(shown)
        text = f"{len(self.problems)} problem(s) in the indicator catalog:\n  " + "\n  ".join(shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(text)


class _UnknownIdError(KeyError):
    """KeyError whose str() is the plain message (KeyError would show its repr)."""

    kind = "id"

    def __init__(self, wanted: str, known: Iterable[str]):
        self.wanted = wanted
        self.suggestions = close_matches(wanted, known)
        if self.suggestions:
            hint = "closest ids: " + ", ".join(self.suggestions)
        else:
            hint = "no similar ids"
        self.message = f"unknown {self.kind} {wanted!r}; {hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class UnknownIndicatorError(_UnknownIdError):
    """No catalog record has this indicator id. The message lists the closest ids."""

    kind = "indicator id"


class UnknownGoalError(_UnknownIdError):
    """No goal in goals.yaml has this id. The message lists the closest ids."""

    kind = "goal id"


def close_matches(wanted: str, known: Iterable[str], n: int = 5) -> list[str]:
    """Ids that look like `wanted`: difflib's closest first, then ids containing it."""
    known = sorted(known)
    wanted = str(wanted)
    found = difflib.get_close_matches(wanted, known, n=n, cutoff=0.6)
    if len(wanted) >= 3:
        found += [k for k in known if wanted.lower() in k and k not in found]
    return found[:n]


@dataclass
class Catalog:
    """The validated catalog. Indicator records are `IndicatorRecord`s (read-only; attribute or
    Mapping access); themes and goals are plain dicts as read from YAML: do not mutate them."""

    root: Path
    themes: list[dict]
    goals: list[dict]
    indicators: dict[str, IndicatorRecord]
    vision_sdg: list[int] = field(default_factory=list)
    sdg_note: str = ""

    def indicator(self, indicator_id: str) -> IndicatorRecord:
        try:
            return self.indicators[indicator_id]
        except (KeyError, TypeError):
            raise UnknownIndicatorError(indicator_id, self.indicators) from None

    def goal(self, goal_id: str) -> dict:
        for goal in self.goals:
            if goal["id"] == goal_id:
                return goal
        raise UnknownGoalError(goal_id, (g["id"] for g in self.goals))

    def theme(self, number: int) -> dict:
        for theme in self.themes:
            if theme["number"] == number:
                return theme
        raise KeyError(f"no theme number {number!r}; themes are {[t['number'] for t in self.themes]}")

    def goals_for_theme(self, number: int) -> list[dict]:
        self.theme(number)  # unknown theme -> KeyError
        return [g for g in self.goals if g["theme"] == number]

    def indicators_for_goal(self, goal_id: str) -> list[IndicatorRecord]:
        """The goal's indicator records, headline first."""
        return [self.indicators[i] for i in self.goal(goal_id)["indicators"]]

    def headline(self, goal_id: str) -> IndicatorRecord:
        return self.indicators_for_goal(goal_id)[0]


# --------------------------------------------------------------------------------------------
# loading

_CACHE: dict[Path, Catalog] = {}


def clear_cache() -> None:
    _CACHE.clear()


def load_catalog(root: Path | str | None = None, *, refresh: bool = False) -> Catalog:
    """Read and validate the catalog in `root` (default `helpers.paths.catalog_dir()`).

    Raises `CatalogError` listing every problem. The result is cached per folder;
    `refresh=True` (or `clear_cache()`) reads the files again.
    """
    root = Path(root) if root is not None else catalog_dir()
    key = root.resolve()
    if not refresh and key in _CACHE:
        return _CACHE[key]
    catalog = _Loader(root).load()
    _CACHE[key] = catalog
    return catalog


def _json_path(parts: Iterable[Any]) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


class _Loader:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[str] = []
        self.invalid_ids: set[str] = set()  # records that failed the schema (already reported)

    # -- helpers ----------------------------------------------------------------------------
    def problem(self, path: Path, where: Iterable[Any], message: str) -> None:
        self.problems.append(f"{path}: {_json_path(where)}: {message}")

    def read_yaml(self, path: Path):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.problems.append(f"{path}: file is missing")
            return None
        except UnicodeDecodeError as exc:
            self.problems.append(f"{path}: not UTF-8 ({exc})")
            return None
        try:
            doc = yaml.load(text, Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            self.problems.append(f"{path}: invalid YAML{where}: {problem}")
            return None
        if doc is None:
            self.problems.append(f"{path}: file is empty")
        return doc

    def schema(self, name: str) -> jsonschema.protocols.Validator | None:
        path = self.root / "schema" / f"{name}.schema.json"
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
        except (OSError, json.JSONDecodeError, jsonschema.SchemaError) as exc:
            self.problems.append(f"{path}: cannot use schema: {exc}")
            return None
        return cls(schema)

    def validate(self, validator, path: Path, doc) -> bool:
        """Schema-check `doc`; record one line per error. True when valid."""
        if validator is None or doc is None:
            return False
        errors = sorted(validator.iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
        for error in errors:
            where = list(error.absolute_path)
            message = error.message
            if error.validator == "required":
                m = re.match(r"'(.+)' is a required property", message)
                if m:
                    where.append(m.group(1))
                    message = "required field is missing"
            elif error.validator == "additionalProperties":
                message = message.replace("Additional properties are not allowed", "unknown field(s)")
            self.problem(path, where, message)
        return not errors

    # -- main ---------------------------------------------------------------------------------
    def load(self) -> Catalog:
        root = self.root
        if not root.is_dir():
            raise CatalogError([f"{root}: catalog folder does not exist"])

        themes_path, goals_path = root / "themes.yaml", root / "goals.yaml"
        themes_doc = self.read_yaml(themes_path)
        goals_doc = self.read_yaml(goals_path)
        themes_ok = self.validate(self.schema("theme"), themes_path, themes_doc)
        goals_ok = self.validate(self.schema("goal"), goals_path, goals_doc)

        indicator_schema = self.schema("indicator")
        indicators: dict[str, dict] = {}
        files: dict[str, Path] = {}
        folder = root / "indicators"
        if not folder.is_dir():
            self.problems.append(f"{folder}: folder of indicator records is missing")
        else:
            for path in sorted(folder.iterdir()):
                if path.suffix == ".yml":
                    self.problems.append(f"{path}: use the suffix .yaml")
                    continue
                if path.suffix != ".yaml":
                    continue
                doc = self.read_yaml(path)
                if not self.validate(indicator_schema, path, doc):
                    self.invalid_ids.add(path.stem)
                    continue
                if doc["id"] != path.stem:
                    self.problem(path, ["id"], f"id {doc['id']!r} does not match the file name {path.name!r}")
                    self.invalid_ids.add(path.stem)
                    continue
                indicators[doc["id"]] = doc
                files[doc["id"]] = path

        themes = sorted(themes_doc["themes"], key=lambda t: t["number"]) if themes_ok else []
        goals = sorted(goals_doc["goals"], key=lambda g: (g["theme"], g["order"])) if goals_ok else []
        vision_sdg = themes_doc["vision_sdg"] if themes_ok else []

        if themes_ok:
            self._check_themes(themes_path, themes_doc)
        if themes_ok and goals_ok:
            self._check_goals(goals_path, goals_doc, themes, indicators)
        if themes_ok:
            self._check_indicators(files, indicators, themes, goals if goals_ok else None, vision_sdg)

        if self.problems:
            raise CatalogError(self.problems)
        records = {iid: IndicatorRecord.from_dict(doc) for iid, doc in indicators.items()}
        return Catalog(root=root, themes=themes, goals=goals, indicators=records,
                       vision_sdg=vision_sdg, sdg_note=themes_doc["sdg_note"])

    # -- cross-checks ---------------------------------------------------------------------------
    def _check_themes(self, path: Path, doc: dict) -> None:
        vision = set(doc["vision_sdg"])
        seen_numbers, seen_dirs = set(), set()
        for k, theme in enumerate(doc["themes"]):
            where = ["themes", k]
            if theme["number"] in seen_numbers:
                self.problem(path, where + ["number"], f"theme number {theme['number']} occurs twice")
            seen_numbers.add(theme["number"])
            if theme["id"] != f"t{theme['number']}":
                self.problem(path, where + ["id"], f"id {theme['id']!r} should be 't{theme['number']}'")
            if not theme["dir"].startswith(f"tema{theme['number']}-"):
                self.problem(path, where + ["dir"], f"dir {theme['dir']!r} should start with 'tema{theme['number']}-'")
            if theme["dir"] in seen_dirs:
                self.problem(path, where + ["dir"], f"dir {theme['dir']!r} occurs twice")
            seen_dirs.add(theme["dir"])
            outside = sorted(set(theme["sdg"]) - vision)
            if outside:
                self.problem(path, where + ["sdg"], f"SDG {outside} not among the vision's SDGs {sorted(vision)}")

    def _check_goals(self, path: Path, doc: dict, themes: list[dict], indicators: dict) -> None:
        by_number = {t["number"]: t for t in themes}
        vision = set()
        for t in themes:
            vision |= set(t["sdg"])
        seen_ids, seen_order = set(), set()
        for k, goal in enumerate(doc["goals"]):
            where = ["goals", k]
            gid = goal["id"]
            if gid in seen_ids:
                self.problem(path, where + ["id"], f"goal id {gid!r} occurs twice")
            seen_ids.add(gid)
            theme = by_number.get(goal["theme"])
            if theme is None:
                self.problem(path, where + ["theme"], f"no theme number {goal['theme']} in themes.yaml")
                continue
            if not gid.startswith(theme["id"] + "-"):
                self.problem(path, where + ["id"], f"goal id {gid!r} should start with {theme['id'] + '-'!r} (theme {theme['number']})")
            if (goal["theme"], goal["order"]) in seen_order:
                self.problem(path, where + ["order"], f"order {goal['order']} occurs twice in theme {goal['theme']}")
            seen_order.add((goal["theme"], goal["order"]))
            page = f"chapters/{theme['dir']}/{gid}"
            if goal["page"] != page:
                self.problem(path, where + ["page"], f"page {goal['page']!r} should be {page!r}")
            for j, ind in enumerate(goal["indicators"]):
                if ind in self.invalid_ids:
                    continue  # its own file's problem is reported
                if ind not in indicators:
                    hint = close_matches(ind, indicators)
                    self.problem(path, where + ["indicators", j],
                                 f"unknown indicator id {ind!r}" + (f" (closest: {', '.join(hint)})" if hint else "")
                                 + f"; add {self.root / 'indicators' / (ind + '.yaml')}")
                elif gid not in indicators[ind]["goals"]:
                    self.problem(path, where + ["indicators", j],
                                 f"indicator {ind!r} is listed here but its record's goals {indicators[ind]['goals']} "
                                 f"do not include {gid!r}")

    def _check_indicators(self, files: dict[str, Path], indicators: dict, themes: list[dict],
                          goals: list[dict] | None, vision_sdg: list[int]) -> None:
        theme_numbers = {t["number"] for t in themes}
        goal_by_id = {g["id"]: g for g in goals} if goals is not None else None
        for iid, rec in indicators.items():
            path = files[iid]
            if rec["theme"] not in theme_numbers:
                self.problem(path, ["theme"], f"no theme number {rec['theme']} in themes.yaml")
            outside = sorted(set(rec["sdg"]) - set(vision_sdg))
            if outside:
                self.problem(path, ["sdg"], f"SDG {outside} not among the vision's SDGs {sorted(vision_sdg)}")
            if goal_by_id is not None:
                goal_themes = []
                for j, gid in enumerate(rec["goals"]):
                    goal = goal_by_id.get(gid)
                    if goal is None:
                        hint = close_matches(gid, goal_by_id)
                        self.problem(path, ["goals", j], f"unknown goal id {gid!r}"
                                     + (f" (closest: {', '.join(hint)})" if hint else ""))
                        continue
                    goal_themes.append(goal["theme"])
                    if iid not in goal["indicators"]:
                        self.problem(path, ["goals", j], f"goal {gid!r} does not list {iid!r} in its indicators (goals.yaml)")
                if goal_themes and rec["theme"] not in goal_themes:
                    self.problem(path, ["theme"], f"theme {rec['theme']} is not the theme of any of its goals "
                                 f"({sorted(set(goal_themes))})")
            self._check_target(path, rec)
            self._check_availability(path, rec)

    def _check_target(self, path: Path, rec: dict) -> None:
        target = rec.get("target")
        if target is None:
            return
        required, forbidden = TARGET_KINDS[target["kind"]]
        for name in sorted(required - set(target)):
            self.problem(path, ["target", name], f"required for target kind {target['kind']!r}")
        for name in sorted(forbidden & set(target)):
            self.problem(path, ["target", name], f"not allowed for target kind {target['kind']!r}")
        if "base_year" in target and "year" in target and target["base_year"] >= target["year"]:
            self.problem(path, ["target", "base_year"],
                         f"base_year {target['base_year']} must be before year {target['year']}")
        if target["kind"] == "direction" and rec["direction"] == "none":
            self.problem(path, ["direction"], "a target of kind 'direction' needs direction 'up' or 'down'")
        ref = target.get("reference_area")
        if ref is not None and ref not in rec["comparison_areas"]:
            self.problem(path, ["target", "reference_area"],
                         f"reference area {ref!r} is not in comparison_areas {rec['comparison_areas']}")

    def _check_availability(self, path: Path, rec: dict) -> None:
        reason = rec.get("missing_reason")
        sources = rec["sources"]
        if rec["data_available"]:
            if reason not in (None, ""):
                self.problem(path, ["missing_reason"], "must be null when data_available is true")
            if not (sources["curated"] or sources.get("harvest2") or sources.get("live") or sources.get("other")):
                self.problem(path, ["sources"], "data_available is true but no source is given "
                             "(curated, harvest2, live or other)")
        else:
            if not isinstance(reason, str) or not reason.strip():
                self.problem(path, ["missing_reason"], "required (a Danish explanation) when data_available is false")
            if sources["curated"] or sources.get("harvest2") or sources.get("live"):
                self.problem(path, ["data_available"], "is false but the record names curated or live data")

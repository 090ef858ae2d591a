"""The indicator catalog: schema validation, cross-references, coverage of the vision and harvest.

Expected counts and ids come from sources independent of the code under test: the markdown
goal map (/work/shared/docs/goals-and-indicators.md or its copy), the harvest CSVs read with the
csv module, and the Statbank notes (*.tables.md).
"""
from __future__ import annotations

import csv
import fnmatch
import re
import shutil
from pathlib import Path

import pytest
import yaml

from helpers.catalog import (CatalogError, UnknownGoalError, UnknownIndicatorError, clear_cache,
                             load_catalog)

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "data" / "catalog"
SHARED = ROOT.parent / "shared"
GOALS_MD_CANDIDATES = [SHARED / "docs" / "goals-and-indicators.md", ROOT / "docs" / "goals-and-indicators.md"]
HARVEST_CANDIDATES = [SHARED / "data" / "harvest", ROOT / "data" / "harvest"]


def _first_existing(paths, pattern=None):
    for p in paths:
        if p.exists() and (pattern is None or list(p.glob(pattern))):
            return p
    pytest.skip(f"none of {paths} exists")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG, refresh=True)


@pytest.fixture
def cat_copy(tmp_path) -> Path:
    """A private copy of the real catalog that a test may break."""
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG, target)
    return target


def edit(path: Path, change) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)  # mutates doc in place
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def problems_of(root: Path) -> list[str]:
    with pytest.raises(CatalogError) as info:
        load_catalog(root, refresh=True)
    assert info.value.problems, "CatalogError without problems"
    assert str(info.value).count("\n") >= 1
    return info.value.problems


def assert_problem(root: Path, *fragments: str) -> str:
    problems = problems_of(root)
    for line in problems:
        if all(f in line for f in fragments):
            return line
    raise AssertionError(f"no problem mentions all of {fragments}:\n" + "\n".join(problems))


def goal_index(root: Path, goal_id: str) -> int:
    goals = yaml.safe_load((root / "goals.yaml").read_text(encoding="utf-8"))["goals"]
    return [g["id"] for g in goals].index(goal_id)


# ------------------------------------------------------------------------------------------------
# the real catalog


def test_real_catalog_is_valid(catalog):
    assert len(catalog.themes) == 4
    assert [t["number"] for t in catalog.themes] == [1, 2, 3, 4]
    # goals come back ordered by theme, then order
    keys = [(g["theme"], g["order"]) for g in catalog.goals]
    assert keys == sorted(keys)


def test_theme_fields_as_specified(catalog):
    expected = {  # from the task brief
        1: ("Sammen om det gode hverdagsliv", "tema1-hverdagsliv", [3, 4, 8]),
        2: ("Sammen om levende og bæredygtige lokalsamfund", "tema2-lokalsamfund", [11, 15, 17]),
        3: ("Sammen om det gode erhvervsklima", "tema3-erhverv", [8, 9, 12, 13]),
        4: ("Sammen om styrket klimaindsats og biodiversitet", "tema4-klima", [7, 12, 13, 15]),
    }
    for number, (title, folder, sdg) in expected.items():
        theme = catalog.theme(number)
        assert (theme["title"], theme["dir"], theme["sdg"]) == (title, folder, sdg)
        assert theme["sdg_basis"] == "fortolkning"
        assert theme["intro"].strip()
    assert sorted(catalog.vision_sdg) == [3, 4, 7, 8, 9, 11, 12, 13, 15, 17]


def _goal_rows_from_markdown() -> dict[int, list[list[str]]]:
    md = _first_existing(GOALS_MD_CANDIDATES)
    rows: dict[int, list[list[str]]] = {}
    theme = None
    for line in md.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"##\s+([1-4])\s", line)
        if heading:
            theme = int(heading.group(1))
            rows[theme] = []
            continue
        if line.startswith("## "):
            theme = None
            continue
        if theme is None or not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "goal" or cells[0].startswith("goal ") or set(cells[0]) <= set("- "):
            continue  # header or separator
        rows[theme].append(cells)
    return rows


def test_goal_counts_per_theme_match_markdown(catalog):
    rows = _goal_rows_from_markdown()
    assert sorted(rows) == [1, 2, 3, 4]
    assert {n: len(r) for n, r in rows.items()} == {1: 6, 2: 4, 3: 6, 4: 4}
    for number, md_rows in rows.items():
        assert len(catalog.goals_for_theme(number)) == len(md_rows), f"theme {number}"
    assert len(catalog.goals) == sum(len(r) for r in rows.values()) == 20


def test_supplementary_goal_matches_markdown(catalog):
    rows = _goal_rows_from_markdown()
    for number, md_rows in rows.items():
        goals = catalog.goals_for_theme(number)
        for cells, goal in zip(md_rows, goals):
            assert ("supplementary" in cells[0].lower()) == bool(goal.get("supplementary")), goal["id"]
    assert [g["id"] for g in catalog.goals if g.get("supplementary")] == ["t4-forbrug"]


def test_goal_ids_and_pages_as_specified(catalog):
    ids = ["t1-trivsel", "t1-kultur-fritid", "t1-uddannelse-job", "t1-ungdomsuddannelse", "t1-aeldre",
           "t1-mental-sundhed", "t2-lokalsamfund", "t2-bosaetning", "t2-stedbundne-kvaliteter",
           "t2-natur-kultur-historie", "t3-erhvervsvenlighed", "t3-co2-virksomheder", "t3-groenne-arealer",
           "t3-samarbejde", "t3-vaekst-job", "t3-beskaeftigelse", "t4-klimamaal", "t4-natur",
           "t4-klimatilpasning", "t4-forbrug"]
    assert [g["id"] for g in catalog.goals] == ids
    dirs = {1: "tema1-hverdagsliv", 2: "tema2-lokalsamfund", 3: "tema3-erhverv", 4: "tema4-klima"}
    for goal in catalog.goals:
        assert goal["page"] == f"chapters/{dirs[goal['theme']]}/{goal['id']}"
        assert 1 <= len(goal["indicators"]) <= 8


def test_target_numbers_of_markdown_appear_in_goal_target_text(catalog):
    rows = _goal_rows_from_markdown()
    for number, md_rows in rows.items():
        for cells, goal in zip(md_rows, catalog.goals_for_theme(number)):
            numbers = re.findall(r"\d+", cells[1])
            for n in numbers:
                assert re.search(rf"(?<![\d]){n}(?![\d])", goal["target_text"]), \
                    f"{goal['id']}: {n} from {cells[1]!r} missing in {goal['target_text']!r}"


def test_curated_ids_named_in_markdown_exist(catalog):
    ids = set(catalog.indicators)
    for number, md_rows in _goal_rows_from_markdown().items():
        for cells in md_rows:
            for token in [t.strip() for t in cells[3].split(",")]:
                if not re.fullmatch(r"[a-z0-9_/*]+", token):
                    continue  # '—', '(none for Sorø)'
                if "/" in token:
                    parts = token.split("/")
                    suffix = parts[-1][parts[-1].index("_"):]
                    names = [p + suffix for p in parts[:-1]] + [parts[-1]]
                else:
                    names = [token]
                for name in names:
                    if "*" in name:
                        assert fnmatch.filter(ids, name), f"theme {number}: nothing matches {name}"
                    else:
                        assert name in ids, f"theme {number}: {name} has no catalog record"


def _harvest_rows() -> dict[str, list[dict]]:
    folder = _first_existing(HARVEST_CANDIDATES, "*.csv")
    rows: dict[str, list[dict]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                rows.setdefault(row["indicator_id"], []).append(row)
    return rows


def test_every_harvest_indicator_has_a_record(catalog):
    harvest = _harvest_rows()
    assert len(harvest) > 150
    missing = sorted(set(harvest) - set(catalog.indicators))
    assert not missing, f"harvest ids without catalog record: {missing}"
    for iid, rec in catalog.indicators.items():
        assert rec["sources"]["curated"] == (iid in harvest), iid
        if iid in harvest:
            units = {r["unit"] for r in harvest[iid]}
            assert rec["unit"] in units, f"{iid}: unit {rec['unit']!r} not among harvest units {units}"


def test_goal_links_are_symmetric(catalog):
    for goal in catalog.goals:
        for iid in goal["indicators"]:
            assert goal["id"] in catalog.indicator(iid)["goals"]
    listed = {(g["id"], i) for g in catalog.goals for i in g["indicators"]}
    for iid, rec in catalog.indicators.items():
        for gid in rec["goals"]:
            assert (gid, iid) in listed


def test_targets_as_in_goal_map(catalog):
    def t(iid):
        return catalog.indicator(iid)["target"]

    youth = t("profilmodel_youth_edu_by_25")
    assert "fremskrivning" in catalog.indicator("profilmodel_youth_edu_by_25")["description"].lower()
    assert "understøtter" in youth["text"]
    assert (youth["kind"], youth["value"], youth["year"]) == ("level", 90, 2030)
    everyone = t("youth_25_edu_or_job_share")
    assert (everyone["kind"], everyone["value"], everyone["year"]) == ("level", 100, 2026)
    assert "2026" in everyone["text"]
    for iid in ("ghg_emissions_geography", "ghg_emissions_business"):
        ghg = t(iid)
        assert (ghg["kind"], ghg["value"], ghg["year"], ghg["base_year"]) == ("change_from_base", -70, 2030, 1990)
        assert "2050" in ghg["text"] + ghg.get("note", "")
    emp = t("employment_rate_16_64")
    assert (emp["kind"], emp["reference_area"]) == ("at_least_reference", "000")
    rec = t("household_waste_recycling_pct")
    assert (rec["kind"], rec["value"], rec["year"]) == ("level", 60, 2030)
    assert "ikke" in rec["text"] and "Vision 2026" in rec["text"]  # the caveat: not the vision's own target


def test_goal_headlines_carry_the_numeric_targets(catalog):
    # Headlines are the best series (issue #7); the numeric targets sit on them where they fit.
    expected = {"t1-uddannelse-job": "neet_16_24_dst", "t1-ungdomsuddannelse": "profilmodel_youth_edu_by_25",
                "t3-co2-virksomheder": "ghg_per_capita_geographic", "t3-beskaeftigelse": "employment_rate_16_64",
                "t4-klimamaal": "ghg_per_capita_geographic", "t4-forbrug": "household_waste_collected_recycling_pct"}
    for gid, iid in expected.items():
        assert catalog.headline(gid)["id"] == iid
    for gid in ("t1-ungdomsuddannelse", "t3-beskaeftigelse", "t4-klimamaal"):
        assert catalog.headline(gid).get("target"), gid
    # The vision names no base year for -70 %: the headline's target must not claim one.
    ghg = catalog.indicator("ghg_per_capita_geographic")["target"]
    assert "base_year" not in ghg and "basisår" in ghg["note"]


def test_goals_without_data_have_explained_placeholders(catalog):
    for gid in ("t3-groenne-arealer",):
        records = catalog.indicators_for_goal(gid)
        assert all(not r["data_available"] and r["missing_reason"].strip() for r in records), gid
    # t4-klimatilpasning now has one year of insurance claims first; the Klimaatlas placeholder stays.
    assert any("Klimaatlas" in (r.get("missing_reason") or "") for r in catalog.indicators_for_goal("t4-klimatilpasning"))


def _seen_codes() -> dict[str, set[tuple[str, str]]]:
    """Table id -> VAR=CODE pairs shown in backticks on that table's row(s) in the *.tables.md notes."""
    folder = _first_existing(HARVEST_CANDIDATES, "*.tables.md")
    seen: dict[str, set[tuple[str, str]]] = {}
    for path in folder.glob("*.tables.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"\|\s*\**([A-Z0-9]+)\**\s*\|", line)
            if not m:
                continue
            pairs = set()
            for chunk in re.findall(r"`([^`]*)`", line):
                pairs |= set(re.findall(r"([A-Za-zÆØÅæøå]+)=([^,\s`]+)", chunk))
            seen.setdefault(m.group(1), set()).update(pairs)
    return seen


STATBANK_EVIDENCE = SHARED / "docs" / "statbank-tables.md"


def _evidence_for(table: str) -> str:
    """The text statbank-tables.md gives one table: its own section and every line naming it."""
    text = STATBANK_EVIDENCE.read_text(encoding="utf-8")
    parts = [line for line in text.splitlines() if re.search(rf"\b{table}\b", line)]
    m = re.search(rf"^\*\*[^*\n]*\b{table}\b[^*\n]*\*\*.*?(?=^\*\*[A-Z]|^## )", text, re.S | re.M)
    if m:
        parts.append(m.group(0))
    return "\n".join(parts)


def test_verified_live_sources_were_seen_with_their_codes(catalog):
    """A block marked verified names only variable ids and codes the evidence shows for its table."""
    if not STATBANK_EVIDENCE.exists():
        pytest.skip(f"{STATBANK_EVIDENCE} is not here")
    verified = [r for r in catalog.indicators.values() if (r["sources"].get("live") or {}).get("verified")]
    assert verified, "expected at least one verified live query"
    for rec in verified:
        live = rec["sources"]["live"]
        evidence = _evidence_for(live["table"])
        assert evidence, f"{rec['id']}: no evidence for {live['table']}"
        names = [live["area_variable"]] if live.get("area_variable") else []
        codes = [(var, code) for var, values in {**live.get("variables", {}), **live.get("sum", {})}.items()
                 for code in values]
        for name in names + [var for var, _ in codes]:
            assert name in evidence, f"{rec['id']}: variable {name} not seen for {live['table']}"
        for var, code in codes:
            assert re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", evidence), (
                f"{rec['id']}: {var}={code} not seen for {live['table']}")


def test_every_fixed_live_variable_has_one_code(catalog):
    for rec in catalog.indicators.values():
        live = rec["sources"].get("live")
        if live:
            assert all(len(v) == 1 for v in live.get("variables", {}).values()), rec["id"]


# ------------------------------------------------------------------------------------------------
# schema violations name the file and the field


SCHEMA_CASES = [
    ("population_total", lambda d: d.update(direction="sideways"), ["$.direction", "sideways"]),
    ("population_total", lambda d: d.update(theme="two"), ["$.theme"]),
    ("population_total", lambda d: d.pop("title"), ["$.title", "required"]),
    ("population_total", lambda d: d.update(colour="blue"), ["colour"]),
    ("population_total", lambda d: d.update(comparison_areas=["340", 85]), ["$.comparison_areas[1]"]),
    ("population_total", lambda d: d.update(measures=["index"]), ["$.measures"]),
    ("population_total", lambda d: d["sources"]["live"]["variables"].update(KØN=["M", "K"]),
     ["$.sources.live.variables.KØN"]),
    ("profilmodel_youth_edu_by_25", lambda d: d["target"].update(value="ninety"), ["$.target.value", "ninety"]),
    ("profilmodel_youth_edu_by_25", lambda d: d["target"].update(kind="roughly"), ["$.target.kind"]),
    ("youth_edu_completed_25", lambda d: d.update(sdg=[18]), ["$.sdg[0]"]),
]


@pytest.mark.parametrize("iid, change, fragments", SCHEMA_CASES)
def test_indicator_schema_violation_names_file_and_field(cat_copy, iid, change, fragments):
    path = cat_copy / "indicators" / f"{iid}.yaml"
    edit(path, change)
    assert_problem(cat_copy, f"{iid}.yaml", *fragments)


def test_goal_schema_violation_names_file_and_field(cat_copy):
    k = goal_index(cat_copy, "t2-bosaetning")
    edit(cat_copy / "goals.yaml", lambda d: d["goals"][k].pop("summary"))
    assert_problem(cat_copy, "goals.yaml", f"$.goals[{k}].summary", "required")


def test_goal_with_too_many_indicators(cat_copy):
    k = goal_index(cat_copy, "t2-bosaetning")
    edit(cat_copy / "goals.yaml", lambda d: d["goals"][k]["indicators"].append("area_km2"))
    assert_problem(cat_copy, "goals.yaml", f"$.goals[{k}].indicators")


def test_theme_schema_violation_names_file_and_field(cat_copy):
    edit(cat_copy / "themes.yaml", lambda d: d["themes"][0].update(sdg_basis="maybe"))
    assert_problem(cat_copy, "themes.yaml", "$.themes[0].sdg_basis")


def test_broken_yaml_names_the_file(cat_copy):
    (cat_copy / "indicators" / "area_km2.yaml").write_text("id: area_km2\ntitle: [unclosed\n", encoding="utf-8")
    assert_problem(cat_copy, "area_km2.yaml", "invalid YAML")


def test_empty_file_names_the_file(cat_copy):
    (cat_copy / "indicators" / "area_km2.yaml").write_text("", encoding="utf-8")
    assert_problem(cat_copy, "area_km2.yaml", "empty")


def test_all_problems_are_reported_together(cat_copy):
    edit(cat_copy / "indicators" / "area_km2.yaml", lambda d: d.update(direction="sideways"))
    edit(cat_copy / "indicators" / "births.yaml", lambda d: d.update(decimals=-1))
    problems = problems_of(cat_copy)
    assert any("area_km2.yaml" in p and "$.direction" in p for p in problems)
    assert any("births.yaml" in p and "$.decimals" in p for p in problems)


# ------------------------------------------------------------------------------------------------
# cross-references


def test_goal_naming_unknown_indicator_suggests_close_ids(cat_copy):
    k = goal_index(cat_copy, "t2-bosaetning")
    edit(cat_copy / "goals.yaml", lambda d: d["goals"][k]["indicators"].__setitem__(0, "population_totl"))
    line = assert_problem(cat_copy, "goals.yaml", f"$.goals[{k}].indicators[0]", "population_totl")
    assert "population_total" in line.split("population_totl", 1)[1]


def test_invalid_record_is_not_also_reported_as_unknown(cat_copy):
    edit(cat_copy / "indicators" / "population_total.yaml", lambda d: d.update(direction="sideways"))
    problems = problems_of(cat_copy)
    assert len(problems) == 1, problems


def test_indicator_naming_unknown_goal(cat_copy):
    edit(cat_copy / "indicators" / "area_km2.yaml", lambda d: d.update(goals=["t2-bosaetningg"]))
    line = assert_problem(cat_copy, "area_km2.yaml", "$.goals[0]", "t2-bosaetningg")
    assert "t2-bosaetning" in line.split("t2-bosaetningg", 1)[1]


def test_one_sided_link_from_goal(cat_copy):
    # the goal lists births, but the record does not name the goal
    k = goal_index(cat_copy, "t2-lokalsamfund")
    n = len(yaml.safe_load((cat_copy / "goals.yaml").read_text(encoding="utf-8"))["goals"][k]["indicators"])
    edit(cat_copy / "goals.yaml", lambda d: d["goals"][k]["indicators"].append("births"))
    assert_problem(cat_copy, "goals.yaml", f"$.goals[{k}].indicators[{n}]", "births")


def test_one_sided_link_from_indicator(cat_copy):
    edit(cat_copy / "indicators" / "births.yaml", lambda d: d.update(goals=["t2-bosaetning"]))
    assert_problem(cat_copy, "births.yaml", "$.goals[0]", "t2-bosaetning")


def test_file_name_must_equal_id(cat_copy):
    src = cat_copy / "indicators" / "births.yaml"
    shutil.copy(src, cat_copy / "indicators" / "births_copy.yaml")
    assert_problem(cat_copy, "births_copy.yaml", "$.id", "file name")


def test_indicator_theme_must_exist(cat_copy):
    edit(cat_copy / "themes.yaml", lambda d: d.update(themes=d["themes"][:3]))
    problems = problems_of(cat_copy)
    assert any("ghg_emissions_geography.yaml" in p and "$.theme" in p for p in problems)


def test_goal_page_must_match_theme_dir(cat_copy):
    k = goal_index(cat_copy, "t1-aeldre")
    edit(cat_copy / "goals.yaml", lambda d: d["goals"][k].update(page="chapters/tema2-lokalsamfund/t1-aeldre"))
    assert_problem(cat_copy, "goals.yaml", f"$.goals[{k}].page", "chapters/tema1-hverdagsliv/t1-aeldre")


def test_goal_id_must_match_theme(cat_copy):
    k = goal_index(cat_copy, "t1-aeldre")
    edit(cat_copy / "goals.yaml", lambda d: d["goals"][k].update(theme=2, order=9))
    assert_problem(cat_copy, "goals.yaml", f"$.goals[{k}].id", "t2-")


def test_duplicate_goal_order(cat_copy):
    k = goal_index(cat_copy, "t1-aeldre")
    edit(cat_copy / "goals.yaml", lambda d: d["goals"][k].update(order=1))
    assert_problem(cat_copy, "goals.yaml", f"$.goals[{k}].order")


TARGET_CASES = [
    ("profilmodel_youth_edu_by_25", lambda t: t.pop("year"), "$.target.year", "required"),
    ("profilmodel_youth_edu_by_25", lambda t: t.update(base_year=2000), "$.target.base_year", "not allowed"),
    ("ghg_emissions_geography", lambda t: t.pop("base_year"), "$.target.base_year", "required"),
    ("ghg_emissions_geography", lambda t: t.update(base_year=2030), "$.target.base_year", "before"),
    ("employment_rate_16_64", lambda t: t.pop("reference_area"), "$.target.reference_area", "required"),
    ("employment_rate_16_64", lambda t: t.update(reference_area="999"), "$.target.reference_area", "comparison_areas"),
    ("employment_rate_16_64", lambda t: t.update(value=80), "$.target.value", "not allowed"),
    ("population_total", lambda t: t.update(value=30000), "$.target.value", "not allowed"),
]


@pytest.mark.parametrize("iid, change, field, words", TARGET_CASES)
def test_target_fields_must_fit_kind(cat_copy, iid, change, field, words):
    edit(cat_copy / "indicators" / f"{iid}.yaml", lambda d: change(d["target"]))
    assert_problem(cat_copy, f"{iid}.yaml", field, words)


def test_direction_target_needs_a_direction(cat_copy):
    edit(cat_copy / "indicators" / "population_total.yaml", lambda d: d.update(direction="none"))
    assert_problem(cat_copy, "population_total.yaml", "$.direction", "target")


def test_unavailable_data_needs_a_reason(cat_copy):
    edit(cat_copy / "indicators" / "flood_heavy_rain_exposure.yaml", lambda d: d.update(missing_reason=None))
    assert_problem(cat_copy, "flood_heavy_rain_exposure.yaml", "$.missing_reason", "data_available is false")


def test_unavailable_data_cannot_have_curated_rows(cat_copy):
    edit(cat_copy / "indicators" / "births.yaml", lambda d: d.update(data_available=False, missing_reason="x"))
    assert_problem(cat_copy, "births.yaml", "$.data_available")


def test_available_data_has_no_missing_reason(cat_copy):
    edit(cat_copy / "indicators" / "births.yaml", lambda d: d.update(missing_reason="mangler"))
    assert_problem(cat_copy, "births.yaml", "$.missing_reason", "null")


def test_available_data_needs_a_source(cat_copy):
    def change(d):
        d["sources"] = {"curated": False}
    edit(cat_copy / "indicators" / "employment_rate_16_64.yaml", change)
    assert_problem(cat_copy, "employment_rate_16_64.yaml", "$.sources")


# ------------------------------------------------------------------------------------------------
# lookups and caching


def test_unknown_indicator_lists_close_ids(catalog):
    with pytest.raises(UnknownIndicatorError) as info:
        catalog.indicator("population_totl")
    assert isinstance(info.value, KeyError)
    assert "population_total" in str(info.value)
    assert "population_total" in info.value.suggestions


def test_unknown_goal_lists_close_ids(catalog):
    with pytest.raises(UnknownGoalError) as info:
        catalog.goal("t2-bosetning")
    assert "t2-bosaetning" in str(info.value)


def test_goals_for_unknown_theme(catalog):
    with pytest.raises(KeyError):
        catalog.goals_for_theme(5)


def test_catalog_is_cached_per_root(cat_copy):
    clear_cache()
    first = load_catalog(cat_copy)
    assert load_catalog(cat_copy) is first
    assert load_catalog(str(cat_copy)) is first
    other = load_catalog(CATALOG)
    assert other is not first
    assert load_catalog(cat_copy, refresh=True) is not first


def test_default_root_follows_vision_data_dir(tmp_path, monkeypatch):
    shutil.copytree(CATALOG, tmp_path / "catalog")
    edit(tmp_path / "catalog" / "indicators" / "births.yaml", lambda d: d.update(title="Fødte (kopi)"))
    monkeypatch.setenv("VISION_DATA_DIR", str(tmp_path))
    assert load_catalog().indicator("births")["title"] == "Fødte (kopi)"

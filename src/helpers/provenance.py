"""What a reader must be told about where the shown numbers come from.

Three rules, each used by a page (helpers.page) or by "Om data og metode":

* `kind_counts` / `second_hand_markdown`: how many of the shown rows (the best source per
  observation, `helpers.load.pick_best` via `load_indicator`) are still second-hand (press and
  wiki_mirror), and how many come from a publisher's own page.
* `disagreement_lines` / `disagreement_html`: when a cross-check disagrees with the shown value
  beyond rounding (`IndicatorData.disagreements`), the page names both sources and both values.
* `official_start` / `split_official_span` / `older_rows_note_da`: a goal's headline chart
  starts where an official series (`sources.OFFICIAL_SERIES_KINDS`) begins; older rows
  (e.g. 1787 population figures from encyclopedias) stay in the data, the table and the CSV,
  and a Danish line says they exist and where they come from.

Imports point down: helpers.areas, helpers.fmt, helpers.load, helpers.series, helpers.sources.
"""
from __future__ import annotations

import dataclasses
import html

import pandas as pd

from helpers import areas as A
from helpers.fmt import fmt_number, fmt_value, human_period, source_text
from helpers.load import OBSERVATION_KEY, load_indicator
from helpers.series import rget as _get
from helpers.sources import OFFICIAL_SERIES_KINDS, SECOND_HAND_KINDS, SOURCE_KINDS, precedence

KEY = OBSERVATION_KEY


def _with_value(frame: pd.DataFrame) -> pd.DataFrame:
    if frame is None or frame.empty or "value" not in frame:
        return frame.iloc[0:0] if frame is not None else pd.DataFrame()
    return frame[pd.to_numeric(frame["value"], errors="coerce").notna()]


# ---------------------------------------------------------------- second-hand counts
def kind_counts(frames) -> dict[str, int]:
    """Rows with a value per source kind over the given shown frames (every kind, zero included).
    A kind outside SOURCE_KINDS is an error (helpers.sources.precedence names it)."""
    counts = {kind: 0 for kind in SOURCE_KINDS}
    for frame in frames:
        rows = _with_value(frame)
        for kind, n in rows["source_kind"].astype(str).value_counts().items() if len(rows) else []:
            precedence(kind)
            counts[kind] += int(n)
    return counts


def shown_frames(catalog=None, loader=None, area: str | None = None) -> list[pd.DataFrame]:
    """The shown rows (best source per observation) of every catalog indicator with data,
    optionally of one area only."""
    if catalog is None:
        from helpers.catalog import load_catalog
        catalog = load_catalog()
    if loader is None:
        loader = load_indicator
    out = []
    indicators = _get(catalog, "indicators", {}) or {}
    for iid in sorted(indicators):
        if _get(indicators[iid], "data_available", True) is False:
            continue
        frame = loader(iid).data
        out.append(_in_area(frame, area))
    return out


def _in_area(frame: pd.DataFrame, area: str | None) -> pd.DataFrame:
    if area is not None and len(frame):
        return frame[frame["area_code"].astype(str) == str(area)]
    return frame


def _share(n: int, total: int) -> str:
    return fmt_number(100.0 * n / total, 1) + " %" if total else "–"


def second_hand_sentence(counts: dict[str, int], scope: str) -> str:
    """One Danish paragraph from `kind_counts` output; `scope` names what was counted."""
    total = sum(counts.values())
    second = sum(counts[k] for k in SECOND_HAND_KINDS)
    page = counts.get("publisher_page", 0)
    first = total - second - page
    return (f"{scope}: {fmt_number(total, 0)} tal. Heraf er {fmt_number(second, 0)} ({_share(second, total)}) "
            f"stadig gengivet fra andenhånd – {fmt_number(counts['press'], 0)} fra presse, nyheder og "
            f"opslagsværker og {fmt_number(counts['wiki_mirror'], 0)} fra Wikipedia eller kopier af Wikipedia. "
            f"{fmt_number(page, 0)} ({_share(page, total)}) står på udgiverens egen side (fx en rapport eller "
            f"en hjemmeside). De øvrige {fmt_number(first, 0)} ({_share(first, total)}) kommer fra udgiverens API, "
            "et førstehåndsudtræk eller en offentlig kopi af udgiverens API (også tal, som kopien selv har "
            "beregnet, fx en rate eller en median).")


def second_hand_markdown(catalog=None, loader=None) -> str:
    """The paragraph for "Om data og metode": all shown rows, then Sorø's."""
    # Every indicator is loaded once; Sorø's rows are a filter of the same frames.
    frames = shown_frames(catalog, loader)
    everything = kind_counts(frames)
    soro = kind_counts([_in_area(frame, A.SORO) for frame in frames])
    return ("Tallene herunder er talt i bogens data, hver gang bogen bygges. For hver indikator, hvert område "
            "og hver periode vises kun tallet fra den bedste kilde; de andre gemmes som kontrol.\n\n"
            f"- {second_hand_sentence(everything, 'Alle viste tal (alle indikatorer og områder)')}\n"
            f"- {second_hand_sentence(soro, 'Viste tal for Sorø')}\n")


# ---------------------------------------------------------------- disagreements
def _source(row) -> str:
    # publisher, table and kind; the copy's repository (via) is in the table and the CSV
    return source_text(row.get("publisher", ""), row.get("table", ""), row.get("source_kind", ""), "")


def disagreement_lines(data, areas=None, max_lines: int | None = None) -> list[str]:
    """Danish sentences naming both sources and values where a cross-check disagrees with the
    shown value beyond rounding; `areas` limits the area codes (None: all)."""
    checks = data.disagreements if hasattr(data, "disagreements") else pd.DataFrame()
    if checks is None or checks.empty:
        return []
    if areas is not None:
        checks = checks[checks["area_code"].astype(str).isin([str(a) for a in areas])]
    record = data.record
    decimals = int(_get(record, "decimals", 0) or 0)
    unit = str(_get(record, "unit", "") or "")
    shown = data.data
    shown_by_key = {tuple(str(v) for v in r[KEY]): r for _, r in shown.iterrows()} if len(shown) else {}
    lines = []
    order = checks.assign(_k=[A.sort_key(c) for c in checks["area_code"].astype(str)])
    order = order.sort_values(["_k", "period_start", "period", "source_kind", "origin"], kind="stable")
    for rec in order.to_dict(orient="records"):
        key = tuple(str(rec.get(k, "")) for k in KEY)
        best = shown_by_key.get(key)
        area = A.area_label(str(rec["area_code"]), rec.get("area_name"))
        when = human_period(rec.get("period", ""))
        other = fmt_value(rec["value"], decimals, unit)
        value = fmt_value(rec["shown_value"], decimals, unit)
        if best is not None and str(best.get("origin", "")) == str(rec.get("origin", "")):
            # the shown row is itself one of several same-kind rows that disagree
            lines.append(f"{area}, {when}: {_source(rec)} har flere forskellige værdier; siden viser {value}.")
            continue
        shown_src = _source(best) if best is not None else str(rec.get("shown_kind", ""))
        lines.append(f"{area}, {when}: {shown_src} viser {value}, mens {_source(rec)} angiver {other}.")
    if max_lines is not None and len(lines) > max_lines:
        rest = len(lines) - max_lines
        lines = lines[:max_lines] + [f"… og {rest} {'uoverensstemmelse' if rest == 1 else 'uoverensstemmelser'} "
                                     "mere (alle kilder står i CSV-filen)."]
    return lines


def disagreement_html(data, areas=None, max_lines: int = 6) -> str:
    """A Danish box listing the disagreements, or '' when the sources agree."""
    lines = disagreement_lines(data, areas, max_lines=max_lines)
    if not lines:
        return ""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return ('<div class="v26-box v26-disagree" style="border-left-color:#E69F00"><p><strong>Kilderne er ikke '
            'enige.</strong> For nogle tal giver en anden kilde en værdi, der afviger mere end afrundingen. '
            f'Siden viser tallet fra den bedste kilde; det andet er nævnt her:</p><ul>{items}</ul></div>')


# ---------------------------------------------------------------- the official span of a chart
def official_start(frame: pd.DataFrame) -> str | None:
    """ISO start date of the earliest row with a value from an official series (a source kind
    in `OFFICIAL_SERIES_KINDS`), or None when there is none."""
    rows = _with_value(frame)
    if rows.empty:
        return None
    official = rows[rows["source_kind"].astype(str).isin(OFFICIAL_SERIES_KINDS)]
    starts = official["period_start"].astype(str)
    starts = starts[starts.str.match(r"^[0-9]{4}-")]
    return str(starts.min()) if len(starts) else None


def split_official_span(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """(rows from the official start on, older dated rows, start). Undated rows stay in the first
    part; without an official series nothing is split off."""
    start = official_start(frame)
    if start is None or frame.empty:
        return frame, frame.iloc[0:0], start
    starts = frame["period_start"].astype(str)
    older = starts.str.match(r"^[0-9]{4}-") & (starts < start)
    return frame[~older], frame[older], start


def with_rows(data, frame: pd.DataFrame):
    """A copy of an IndicatorData (or similar) holding `frame` as its shown rows."""
    if dataclasses.is_dataclass(data):
        return dataclasses.replace(data, data=frame)
    copy = type("Data", (), {})()
    copy.record, copy.data = data.record, frame
    return copy


def older_rows_note_da(older: pd.DataFrame, start: str, official: pd.DataFrame | None = None) -> str:
    """The Danish line under a chart that starts at `start`: how many older rows exist, for which
    period and areas, and from which sources."""
    rows = _with_value(older)
    if rows.empty:
        return ""
    rows = rows.sort_values("period_start", kind="stable")
    first, last = human_period(rows["period"].iloc[0]), human_period(rows["period"].iloc[-1])
    span = first if first == last else f"{first}–{last}"
    codes = A.order_codes(rows["area_code"].astype(str).unique())
    names = [A.area_label(c) for c in codes]
    sources = sorted({_source(r) for r in rows.to_dict(orient="records")})
    kinds = set(rows["source_kind"].astype(str))
    what = "sekundære kilder" if kinds <= SECOND_HAND_KINDS else "andre kilder end en officiel serie"
    first_official = human_period(start)
    if official is not None and len(official):
        hit = official[official["period_start"].astype(str) == start]
        if len(hit):
            first_official = human_period(hit["period"].iloc[0])
    return (f"Diagrammet begynder {first_official}, hvor den officielle serie begynder. Bogen har også "
            f"{fmt_number(len(rows), 0)} ældre tal ({span}) for {', '.join(names)} fra "
            f"{what}: {'; '.join(sources)}. De står i tabellen herunder og i CSV-filen, men ikke i diagrammet.")

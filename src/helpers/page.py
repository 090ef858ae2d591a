"""What a goal notebook calls: header, status, chart with CSV link, table, sources, gaps.

Each function returns an `Html` object (rendered as text/html by Jupyter and myst-nb). Output
is deterministic: no timestamps, no random ids, rows in a fixed order.

Typical goal page::

    from helpers import page, render
    render.enable()
    page.goal_header("t2-bosaetning")
    page.status_box("population_total")
    page.chart_block("population_total")
    page.data_table("population_total")
    page.missing_block("t2-bosaetning")
    page.sources_block(["population_total", "net_domestic_migration_avg"])
"""
from __future__ import annotations

import base64
import html
import io
import math
import posixpath

import pandas as pd

from helpers import areas as A
from helpers import compare
from helpers.catalog import UnknownIndicatorError
from helpers.notes import reader_note
from helpers.fmt import clean, fmt_number, fmt_value, human_date, human_period, source_text, unit_label
from helpers.progress import LABELS_DA, assess
from helpers.series import frame_of, is_projection, is_target_row, record_of, rget
# The page's markup basics live in helpers.markup (compare uses them too); re-exported here.
from helpers.markup import CSV_COLUMNS, STYLE, Html, csv_data_uri, csv_text, esc  # noqa: F401

VISION_PAGE = "intro"               # the book's front page, which presents the vision
SCORECARD_PAGE = "scorekort"        # where scorecard() is shown (a page path without suffix)
SDG_LIST = (3, 4, 7, 8, 9, 11, 12, 13, 15, 17)
SDG_NAMES = {
    3: "Sundhed og trivsel", 4: "Kvalitetsuddannelse", 7: "Bæredygtig energi",
    8: "Anstændige jobs og økonomisk vækst", 9: "Industri, innovation og infrastruktur",
    11: "Bæredygtige byer og lokalsamfund", 12: "Ansvarligt forbrug og produktion",
    13: "Klimaindsats", 15: "Livet på land", 17: "Partnerskaber for handling",
}
# Official UN SDG colours (text on them is white).
SDG_COLORS = {
    3: "#4C9F38", 4: "#C5192D", 7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 11: "#FD9D24",
    12: "#BF8B2E", 13: "#3F7E44", 15: "#56C02B", 17: "#19486A",
}
# Text on an SDG colour: white or near-black, whichever contrasts more (WCAG >= 4.5:1 for all ten).
SDG_TEXT_DARK = {3, 7, 9, 11, 12, 15}

STATUS_STYLE = {  # background, text colour, symbol (status is never told by colour alone)
    "achieved": ("#1b7837", "#ffffff", "✔"),
    "on_track": ("#5aae61", "#08300f", "●"),  # progress statuses get the number's own arrow (TREND_ARROW)
    "moderate": ("#fee08b", "#3d2c00", "◐"),
    "limited": ("#fdae61", "#3d1a00", "○"),
    "deterioration": ("#b2182b", "#ffffff", "✖"),
    "not_assessable": ("#d9d9d9", "#222222", "?"),
}
TREND_ARROW = {"up": "↗", "down": "↘", "flat": "→"}  # Assessment.trend: the number's move, never the status

# "Hent data (Excel)": the same rows and columns with Danish headers (and a Danish reader note).
CSV_HEADERS_DA = {
    "indicator_id": "Indikator", "area_code": "Områdekode", "area_name": "Område", "period": "Periode",
    "period_type": "Periodetype", "value": "Værdi", "unit": "Enhed", "sex": "Køn", "age": "Alder",
    "publisher": "Udgiver", "table": "Tabel", "source_kind": "Kildetype", "via": "Hentet via",
    "source_url": "Kildens adresse", "quote": "Citat fra kilden", "note": "Note fra indsamlingen (engelsk)",
    "retrieved": "Hentet dato", "updated": "Opdateret af kilden", "origin": "Oprindelse i datagrundlaget",
}

# ------------------------------------------------------------------ numbers
# fmt_number / fmt_value live in helpers.fmt (imported above, re-exported for the notebooks).


# ------------------------------------------------------------------ loading
def _load(indicator_id: str):
    from helpers.load import load_indicator
    return load_indicator(indicator_id)


def _catalog():
    from helpers.catalog import load_catalog
    return load_catalog()


def _goal(catalog, goal_id):
    if hasattr(catalog, "goal"):
        return catalog.goal(goal_id)
    for goal in rget(catalog, "goals", []):
        if rget(goal, "id") == goal_id:
            return goal
    raise KeyError(goal_id)


def _indicator_record(catalog, indicator_id):
    indicators = rget(catalog, "indicators", {}) or {}
    if isinstance(indicators, dict):
        return indicators.get(indicator_id)
    return None


def _rel(target_page: str, from_page: str) -> str:
    """Relative .html link from one page (path without suffix) to another."""
    return posixpath.relpath(target_page, posixpath.dirname(from_page) or ".") + ".html"


def _decimals(record, frame=None) -> int:
    d = rget(record, "decimals", None)
    if d is not None:
        return int(d)
    if frame is not None and len(frame):
        vals = pd.to_numeric(frame["value"], errors="coerce").dropna()
        return 0 if all(float(v).is_integer() for v in vals) else 1
    return 1


# ------------------------------------------------------------------ badges
def status_badge(status: str, label: str | None = None, trend: str | None = None) -> str:
    bg, fg, symbol = STATUS_STYLE.get(status, STATUS_STYLE["not_assessable"])
    if trend in TREND_ARROW and status in ("on_track", "moderate", "limited"):
        symbol = TREND_ARROW[trend]
    label = label or LABELS_DA.get(status, status)
    return (f'<span class="v26-badge v26-status-{esc(status)}" style="background:{bg};color:{fg}">'
            f'<span aria-hidden="true">{symbol}</span> {esc(label)}</span>')


def sdg_badge(number: int, href: str | None = None) -> str:
    n = int(number)
    fg = "#111" if n in SDG_TEXT_DARK else "#fff"
    title = f"Verdensmål {n}: {SDG_NAMES.get(n, '')}"
    inner = f"{n} {esc(SDG_NAMES.get(n, ''))}"
    tag = "a" if href else "span"
    link = f' href="{esc(href)}"' if href else ""
    return (f'<{tag} class="v26-sdg"{link} title="{esc(title)}" '
            f'style="background:{SDG_COLORS.get(n, "#555")};color:{fg}">{inner}</{tag}>')


# ------------------------------------------------------------------ verdict
ANSWERS_DA = {  # "Er Sorø på vej?" in one sentence, by status
    "achieved": "Ja – målet er nået.",
    "on_track": "Ja – Sorø er på rette vej.",
    "moderate": "Delvist – udviklingen går den rigtige vej, men ikke hurtigt nok.",
    "limited": "Kun lidt – udviklingen går kun svagt den rigtige vej.",
    "deterioration": "Nej – udviklingen går den forkerte vej.",
    "not_assessable": "Det kan tallene ikke svare på endnu.",
}


def headline_id(goal) -> str | None:
    """The goal's headline indicator: `headline` if the catalog names one, else the first indicator."""
    explicit = rget(goal, "headline", None)
    if explicit:
        return str(explicit)
    indicators = rget(goal, "indicators", []) or []
    return str(indicators[0]) if indicators else None


def _latest_soro_row(frame: pd.DataFrame, period=None):
    """Sorø's row at `period` (or its latest dated row with a value), as a dict, or None."""
    if frame is None or frame.empty:
        return None
    soro = frame[frame["area_code"].astype(str) == A.SORO]
    soro = soro[pd.to_numeric(soro["value"], errors="coerce").notna()]
    if soro.empty:
        return None
    if period is not None and (soro["period"].astype(str) == str(period)).any():
        soro = soro[soro["period"].astype(str) == str(period)]
    return soro.sort_values(["period_end", "period"], kind="stable").iloc[-1].to_dict()


def data_dates(frames) -> dict:
    """Newest `retrieved` and `updated` dates and the newest period over the given frames."""
    retrieved, updated, newest = "", "", None
    for frame in frames:
        if frame is None or frame.empty:
            continue
        for column in ("retrieved", "updated"):
            if column in frame:
                values = [clean(v)[:10] for v in frame[column] if clean(v)]
                if values:
                    best = max(values)
                    if column == "retrieved":
                        retrieved = max(retrieved, best)
                    else:
                        updated = max(updated, best)
        dated = frame[frame["period_end"].astype(str).str.match(r"^[0-9]{4}-")] if "period_end" in frame else frame.iloc[:0]
        if len(dated) and "note" in dated:  # a projection or a target is not a number "from" a date
            notes = dated["note"].fillna("").astype(str)
            dated = dated[~notes.map(is_projection) & ~notes.map(is_target_row)]
        if len(dated):
            last = dated.sort_values("period_end", kind="stable").iloc[-1]
            if newest is None or str(last["period_end"]) > newest[0]:
                newest = (str(last["period_end"]), str(last["period"]))
    return dict(retrieved=retrieved, updated=updated, newest_period=newest[1] if newest else "")


def dates_sentence(dates: dict) -> str:
    """When the numbers are from, in Danish."""
    parts = []
    if dates.get("retrieved"):
        parts.append(f"Tallene er senest hentet {human_date(dates['retrieved'])}")
    if dates.get("updated"):
        parts.append(f"kilden er senest opdateret {human_date(dates['updated'])}")
    if parts:
        text = "; ".join(parts) + "."
    else:
        text = ("Tallene er samlet fra offentliggjorte kilder; hvornår de er hentet, er ikke registreret i "
                "datagrundlaget.")
    if dates.get("newest_period"):
        text += f" Det nyeste tal på siden gælder {human_period(dates['newest_period'])}."
    return text[0].upper() + text[1:]


def verdict(goal, loader=None) -> dict:
    """What the first screen of a goal page says: status, headline number, period, source, answer.

    Keys: indicator_id, indicator, status, label, answer, reason, value, period, source, target,
    sort_value, latest (value text) and dates (see `data_dates`)."""
    loader = loader or _load
    headline = headline_id(goal)
    out = dict(indicator_id=headline, indicator="–", status="not_assessable",
               label=LABELS_DA["not_assessable"], answer=ANSWERS_DA["not_assessable"], reason="",
               value="", period="", source="", target=rget(goal, "target_text", ""), sort_value=None,
               trend="–", live="")
    frames = []
    if headline:
        try:
            data = loader(headline)
        except UnknownIndicatorError as exc:  # only an unknown id; a broken file must fail the build
            out["indicator"] = f"{headline} (kunne ikke indlæses)"
            out["reason"] = f"Indikatoren kunne ikke indlæses: {exc}"
            data = None
        if data is not None:
            record, frame = record_of(data), frame_of(data)
            frames.append(frame)
            result = assess(data)
            out["indicator"] = rget(record, "title", headline)
            target = rget(record, "target", None)
            if target and rget(target, "text", ""):
                out["target"] = rget(target, "text")
            out.update(status=result.status, label=result.label_da, answer=ANSWERS_DA.get(result.status, ""),
                       reason=result.reason_da, trend=_trend(result), trend_dir=result.trend)
            row = _latest_soro_row(frame, result.latest_period)
            if row is not None:
                unit = rget(record, "unit", "") or row.get("unit", "")
                out["value"] = fmt_value(row["value"], _decimals(record, frame), unit)
                out["period"] = human_period(row.get("period", ""))
                out["sort_value"] = float(row["value"])
                out["source"] = source_text(row.get("publisher"), row.get("table"), row.get("source_kind"),
                                            row.get("via"))
            out["live"] = _live_source_text(record)
    for other in rget(goal, "indicators", []) or []:
        if other == headline:
            continue
        try:
            frames.append(frame_of(loader(other)))
        except UnknownIndicatorError:  # said by missing_block; a broken file must fail the build
            continue
    out["latest"] = out["value"] or "–"
    out["dates"] = data_dates(frames)
    return out


def verdict_html(v: dict, kind: str = "") -> str:
    bg = STATUS_STYLE.get(v["status"], STATUS_STYLE["not_assessable"])[0]
    if v["value"]:
        number = (f'<p class="v26-headline"><span class="v26-headline-number">{esc(v["value"])}</span> '
                  f'<span class="v26-headline-label">{esc(v["indicator"])}, {esc(v["period"])}</span></p>')
        source = f'<p class="v26-verdict-source">Kilde: {esc(v["source"])}.</p>' if v["source"] else ""
    else:
        number = (f'<p class="v26-headline"><span class="v26-headline-number">Intet tal for Sorø</span> '
                  f'<span class="v26-headline-label">{esc(v["indicator"])}</span></p>')
        source = (f'<p class="v26-verdict-source">Kan udfyldes fra: {v["live"].rstrip(".")}.</p>' if v["live"] else "")
    reason = f'<p class="v26-verdict-reason">{esc(v["reason"])}</p>' if v["reason"] else ""
    return (f'<div class="v26-verdict" style="border-left-color:{bg}">'
            f'<p class="v26-verdict-status">{status_badge(v["status"], v["label"], v.get("trend_dir"))}'
            + (f' <span class="v26-muted">{esc(kind)}</span>' if kind else "") + "</p>"
            + number
            + f'<p class="v26-answer"><strong>Er Sorø på vej?</strong> {esc(v["answer"])}</p>'
            + reason + source
            + f'<p class="v26-verdict-dates">{esc(dates_sentence(v["dates"]))}</p></div>')


# ------------------------------------------------------------------ goal header
def goal_header(goal_id: str, catalog=None, loader=None) -> Html:
    """The top of a goal page: the verdict (status, headline number with period and source, the
    answer to "er Sorø på vej?", when the numbers are from), then theme, summary, target, SDGs.

    The book's Sphinx extension (scripts/sphinx_reader.py) moves this output to directly under the
    page title, so the verdict is on the first screen."""
    catalog = catalog or _catalog()
    goal = _goal(catalog, goal_id)
    page = str(rget(goal, "page", "") or "")
    vision_link = _rel(VISION_PAGE, page) if page else VISION_PAGE + ".html"
    theme_no = rget(goal, "theme", "")
    theme_title = ""
    for theme in rget(catalog, "themes", []) or []:
        if rget(theme, "number") == theme_no:
            theme_title = rget(theme, "title", "")
    sdgs = " ".join(sdg_badge(n) for n in rget(goal, "sdg", []) or [])
    supplementary = rget(goal, "supplementary", False)
    kind = "Supplerende analyse" if supplementary else "Styrende mål"
    v = verdict(goal, loader)
    parts = [STYLE, '<div class="v26-goal-header">', verdict_html(v, kind),
             f'<p class="v26-muted">Tema {esc(theme_no)}{": " + esc(theme_title) if theme_title else ""} · {kind}</p>',
             f'<p>{esc(rget(goal, "summary", ""))}</p>',
             f'<div class="v26-box" style="border-left-color:#0072B2"><strong>Mål:</strong> '
             f'{esc(rget(goal, "target_text", ""))}</div>']
    if sdgs:
        parts.append(f'<p><span class="v26-muted">Verdensmål (bogens læsning af visionen):</span> {sdgs}</p>')
    parts.append(f'<p class="v26-muted">Kilde: {esc(rget(goal, "source_ref", "Vision 2026"))}. '
                 f'<a href="{esc(vision_link)}">Tilbage til visionen og oversigten</a></p></div>')
    return Html("".join(parts), f"Mål: {rget(goal, 'title', goal_id)}")


# ------------------------------------------------------------------ status
def status_box(indicator_id: str, data=None, area: str = "340") -> Html:
    """Status badge, reason and method for one indicator (helpers.progress.assess)."""
    data = data if data is not None else _load(indicator_id)
    record = record_of(data)
    result = assess(data, area=area)
    bg = STATUS_STYLE.get(result.status, STATUS_STYLE["not_assessable"])[0]
    target = rget(record, "target", None)
    target_text = rget(target, "text", "") if target else ""
    parts = [STYLE, f'<div class="v26-box v26-status" style="border-left-color:{bg}">',
             f'<p><strong>Status for {esc(rget(record, "title", indicator_id))}:</strong> '
             f'{status_badge(result.status, result.label_da, result.trend)}</p>',
             f'<p>{esc(result.reason_da)}</p>']
    if target_text:
        parts.append(f'<p class="v26-muted">Mål: {esc(target_text)}</p>')
    parts.append(f'<details><summary>Sådan er status beregnet</summary><p class="v26-muted">'
                 f'{esc(result.method_da)}</p></details></div>')
    return Html("".join(parts), f"Status: {result.label_da}")


# ------------------------------------------------------------------ chart block
def excel_csv_text(rows: pd.DataFrame) -> str:
    """The same rows as `csv_text` for Danish Excel: UTF-8 with BOM, ';' between fields, decimal
    comma, Danish headers, plus the Danish reader note ("Note") where one exists; CRLF line ends."""
    out = pd.DataFrame({c: (rows[c] if c in rows else "") for c in CSV_COLUMNS})
    from helpers.notes import reader_note
    from helpers.snapshot import format_value
    out["value"] = ["" if clean(v) == "" else format_value(v).replace(".", ",") for v in out["value"]]
    out["source_kind"] = [clean(k) for k in out["source_kind"]]
    notes = [reader_note(n, d) for n, d in zip(out["note"], rows["note_da"] if "note_da" in rows else [None] * len(out))]
    out.insert(list(out.columns).index("note"), "note_da", notes)
    out = out.rename(columns=dict(CSV_HEADERS_DA, note_da="Note"))
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, sep=";", lineterminator="\r\n")
    return "\ufeff" + buffer.getvalue()


def excel_data_uri(rows: pd.DataFrame) -> str:
    payload = base64.b64encode(excel_csv_text(rows).encode("utf-8")).decode("ascii")
    return f"data:text/csv;charset=utf-8;base64,{payload}"


def file_stem(title: str, fallback: str) -> str:
    """A Danish, portable file name from a title: 'Folketal i Sorø' -> 'folketal-i-soroe'."""
    import re
    text = str(title or "").lower()
    for a, b in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "u")):
        text = text.replace(a, b)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60].strip("-")
    return text or fallback


def downloads_html(rows: pd.DataFrame, stem: str) -> str:
    """'Hent data (CSV)' and 'Hent data (Excel)': the same rows and sources in two formats."""
    n = len(rows)
    return (f'<p class="v26-downloads"><a class="v26-csv" href="{csv_data_uri(rows)}" download="{esc(stem)}.csv">'
            f'Hent data (CSV)</a> <a class="v26-excel" href="{excel_data_uri(rows)}" download="{esc(stem)}-excel.csv">'
            f'Hent data (Excel)</a> <span class="v26-muted">({n} {"række" if n == 1 else "rækker"} med kilder)</span></p>')


def describe_chart(data, rows: pd.DataFrame, mode: str) -> str:
    """A Danish text alternative: what is shown and Sorø's latest value."""
    record = record_of(data)
    title = rget(record, "title", "indikatoren")
    unit = rget(record, "unit", "")
    decimals = _decimals(record, rows)
    kind = {"line": "Linjediagram", "bar": "Søjlediagram"}.get(mode, "Diagram")
    if rows.empty:
        return f"{kind} over {title}: ingen tal at vise."
    codes = A.order_codes(rows["area_code"].astype(str))
    names = [A.area_label(c, rows.loc[rows["area_code"].astype(str) == c, "area_name"].iloc[0]) for c in codes]
    text = f"{kind} over {title} for {', '.join(names)}"
    if mode == "line":
        order = rows.sort_values("period_start")
        text += f", {order['period'].iloc[0]} til {order['period'].iloc[-1]}"
    text += "."
    soro = rows[rows["area_code"].astype(str) == A.SORO].sort_values("period_start")
    if not soro.empty:
        first, last = soro.iloc[0], soro.iloc[-1]
        text += f" Sorø: seneste værdi {fmt_value(last['value'], decimals, unit)} ({last['period'] or 'uden dato'})"
        if len(soro) > 1:
            text += f"; første værdi {fmt_value(first['value'], decimals, unit)} ({first['period'] or 'uden dato'})"
        text += "."
    elif not rows["area_code"].astype(str).map(A.is_soro_or_local).any():  # places in Sorø are named above
        text += " Der er ingen tal for Sorø."
    target = rget(record, "target", None)
    if target and rget(target, "text", ""):
        text += f" Mål: {rget(target, 'text')}"
    text += " Tallene findes i tabellen og i CSV-filen under diagrammet."
    return text


def _is_goal_headline(indicator_id: str) -> bool:
    # a broken catalog raises CatalogError here rather than quietly dropping the span rule
    return any(headline_id(g) == indicator_id for g in rget(_catalog(), "goals", []) or [])


def chart_block(indicator_id: str, data=None, caption: str | None = None, compare: bool = False,
                official_span: bool | None = None, **chart_kwargs) -> Html:
    """One HTML output: chart, caption, 'Hent data (CSV)' link and a screen-reader description.

    `compare=True` draws the latest value of each area as bars (charts.bar_compare_chart; only
    `areas` and `title` apply), for series that are a single period for most areas.
    `official_span` (default: when the indicator is a goal's headline) starts a line chart where an
    official series begins (helpers.provenance); the older rows stay in the CSV, are listed in a
    table under the chart, and a Danish line says so. Disagreeing sources are named under the chart."""
    from helpers import charts, provenance, render
    data = data if data is not None else _load(indicator_id)
    record = record_of(data)
    areas = chart_kwargs.get("areas")
    older_html = ""
    if not compare and (official_span if official_span is not None else _is_goal_headline(indicator_id)):
        inside, older, start = provenance.split_official_span(frame_of(data))
        shown_older = charts.select_areas(older, record, areas) if len(older) else older
        if len(shown_older):
            full_rows = charts.prepare(data, areas, population=chart_kwargs.get("population")).rows
            data = provenance.with_rows(data, inside)
            older_html = (f'<p class="v26-muted v26-older">{esc(provenance.older_rows_note_da(shown_older, start, inside))}</p>'
                          + str(data_table(indicator_id, provenance.with_rows(data, shown_older), areas=areas)
                                ._repr_html_()).replace(STYLE, "", 1))
    if compare:
        chart = charts.bar_compare_chart(data, areas=areas, title=chart_kwargs.get("title"))
        rows = charts.compare_rows(data, areas)
        rows = rows.sort_values(["area_code", "period_start", "period", "sex", "age", "origin"],
                                kind="stable").reset_index(drop=True)
        mode = "bar" if len(rows) else "empty"
    else:
        prep = charts.prepare(data, areas, population=chart_kwargs.get("population"))
        chart = charts.indicator_chart(data, **chart_kwargs)
        rows = prep.rows.reset_index(drop=True)
        mode = prep.mode
    description = describe_chart(data, rows, mode)
    if older_html:  # the CSV keeps every row, the older ones included
        rows = full_rows.reset_index(drop=True)
    if caption is None:
        caption = rget(record, "description", "") or ""
    publishers = sorted(set(rows["publisher"].astype(str))) if len(rows) else []
    hint = ""
    if mode == "line":
        rank = charts.is_rank(prep.unit)
        index_offered = chart_kwargs.get("measure_options", True) and not rank
        hint = (" Klik på et område i forklaringen for at fremhæve det (skift-klik for flere). Skyderne vælger "
                "perioden."
                + (" 'Indeks' sætter første år i perioden = 100 for hvert område." if index_offered else "")
                + (" Placeringsaksen er vendt: nr. 1 (bedst) står øverst." if rank else "")
                + " Linjer forbindes kun mellem år, der følger hinanden; et hul i linjen er et år uden tal.")
    parts = [STYLE, '<figure class="v26-chart">', render.chart_html(chart, description=description),
             f'<figcaption class="v26-caption">{esc(caption)}{esc(hint)}'
             + (f' Kilde: {esc("; ".join(publishers))}.' if publishers else "") + "</figcaption>"]
    parts.append(provenance.disagreement_html(data, areas=sorted(set(rows["area_code"].astype(str))) if len(rows) else []))
    if len(rows):
        parts.append(downloads_html(rows, file_stem(chart_kwargs.get("title") or rget(record, "title", ""), indicator_id)))
    parts.append(older_html)
    parts.append("</figure>")
    return Html("".join(parts), f"Diagram: {rget(record, 'title', indicator_id)}")


# ------------------------------------------------------------------ data table
def data_table(indicator_id: str, data=None, areas=None, collapsed: bool = True) -> Html:
    """The shown rows of an indicator as a Danish table: period, area, value, unit, source, note.

    Without `areas` the table has the areas the page's charts show (the record's comparison
    areas plus Sorø's local places, helpers.charts.select_areas): since series for all 98
    municipalities are in the snapshot, "every row" would make a goal page megabytes heavy."""
    from helpers import charts
    data = data if data is not None else _load(indicator_id)
    record = record_of(data)
    frame = frame_of(data)
    if len(frame):
        frame = charts.select_areas(frame, record, areas)
    decimals = _decimals(record, frame)
    title = rget(record, "title", indicator_id)
    if frame.empty:
        return Html(f'{STYLE}<p class="v26-muted">Ingen tal for {esc(title)}.</p>', f"Tabel: {title}")
    work = frame.copy()
    work["_k"] = [A.sort_key(c) for c in work["area_code"].astype(str)]
    work = work.sort_values(["_k", "period_start", "period", "sex", "age", "origin"], kind="stable")
    breakdown = (work["sex"].astype(str).nunique() > 1) or (work["age"].astype(str).nunique() > 1)
    head = ["Periode", "Område"] + (["Køn", "Alder"] if breakdown else []) + ["Værdi", "Enhed", "Kilde", "Note"]
    num_class = ' class="num"'
    ths = "".join(f'<th scope="col"{num_class if h == "Værdi" else ""}>{h}</th>' for h in head)
    body = []
    for rec in work.to_dict(orient="records"):
        value = rec["value"]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            shown = {"suppressed": "diskretioneret", "missing": "mangler"}.get(rec.get("value_flag", ""), "–")
        else:
            # A row in another unit than the record's (personer next to pct) keeps whole numbers whole.
            other_unit = str(rec.get("unit", "")) != str(rget(record, "unit", "") or rec.get("unit", ""))
            shown = fmt_number(value, 0 if other_unit and float(value).is_integer() else decimals)
            if str(rec.get("unit", "")).lower() == "årstal":  # a year has no thousands separator: 2050
                shown = fmt_number(value, 0).replace(".", "")
        source = esc(source_text(rec.get("publisher", ""), rec.get("table"), rec.get("source_kind"), rec.get("via")))
        if rec.get("source_url"):
            source = f'<a href="{esc(rec["source_url"])}">{source or "kilde"}</a>'
        note = esc(reader_note(rec.get("note", ""), rec.get("note_da")))
        cells = [esc(human_period(rec.get("period"))), esc(A.area_label(rec["area_code"], rec.get("area_name")))]
        if breakdown:
            cells += [esc(rec.get("sex", "")), esc(rec.get("age", ""))]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells)
                    + f'<td class="num">{shown}</td><td>{esc(unit_label(rec.get("unit", "")))}</td>'
                    + f"<td>{source}</td><td>{note}</td></tr>")
    table = (f'<table class="v26-table"><caption class="visually-hidden">{esc(title)}: alle tal med kilder</caption>'
             f"<thead><tr>{ths}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    summary = f"Tabel: {esc(title)} ({len(work)} rækker)"
    markup = (f"{STYLE}<details class=\"v26-datatable\"><summary>{summary}</summary>{table}</details>"
              if collapsed else f"{STYLE}<p><strong>{summary}</strong></p>{table}")
    return Html(markup, f"Tabel: {title}")


# ------------------------------------------------------------------ sources
def _live_source_text(record) -> str:
    sources = rget(record, "sources", {}) or {}
    live = rget(sources, "live", None)
    parts = []
    if live:
        publisher = rget(live, "publisher", "")
        table = rget(live, "table", "")
        url = rget(live, "url", "")
        label = esc(f"{publisher}{', tabel ' + table if table else ''}")
        parts.append(f'<a href="{esc(url)}">{label}</a>' if url else label)
        if rget(live, "verified", False) is False:
            parts[-1] += " (tabel-id ikke efterprøvet)"
    other = rget(sources, "other", "")
    if other:
        parts.append(esc(other))
    return "; ".join(parts)


def sources_block(indicator_ids, datas: dict | None = None, max_quotes: int = 3) -> Html:
    """Publishers, tables and URLs behind the given indicators, with verbatim quotes."""
    datas = datas or {}
    items = []
    for indicator_id in indicator_ids:
        try:
            data = datas.get(indicator_id) or _load(indicator_id)
        except UnknownIndicatorError as exc:  # only an unknown id; a broken file must fail the build
            items.append(f"<li><strong>{esc(indicator_id)}</strong>: kunne ikke indlæses ({esc(exc)})</li>")
            continue
        record, frame = record_of(data), frame_of(data)
        title = rget(record, "title", indicator_id)
        lines = []
        if len(frame):
            groups = {}
            for rec in frame.to_dict(orient="records"):
                key = (str(rec.get("publisher", "")), str(rec.get("table", "")), str(rec.get("source_url", "")))
                groups.setdefault(key, [])
                quote = str(rec.get("quote", "") or "")
                if quote and quote not in groups[key]:
                    groups[key].append(quote)
            for (publisher, table, url), quotes in sorted(groups.items()):
                label = esc(publisher + (f", tabel {table}" if table else ""))
                link = f'<a href="{esc(url)}">{label}</a>' if url else label
                shown = "".join(f"<li><q>{esc(q)}</q></li>" for q in quotes[:max_quotes])
                more = (f'<li class="v26-muted">… og {len(quotes) - max_quotes} citater mere i CSV-filen</li>'
                        if len(quotes) > max_quotes else "")
                lines.append(f"<li>{link}<ul>{shown}{more}</ul></li>" if shown else f"<li>{link}</li>")
        live = _live_source_text(record)
        if live:
            lines.append(f"<li>Løbende kilde: {live}</li>")
        caveats = rget(record, "caveats", []) or []
        if caveats:
            lines.append("<li>Forbehold:<ul>" + "".join(f"<li>{esc(c)}</li>" for c in caveats) + "</ul></li>")
        items.append(f"<li><strong>{esc(title)}</strong> <code class=\"v26-id\">{esc(indicator_id)}</code>"
                     f"<ul>{''.join(lines) or '<li>Ingen kilder registreret.</li>'}</ul></li>")
    markup = f'{STYLE}<details class="v26-sources"><summary>Kilder</summary><ul>{"".join(items)}</ul></details>'
    return Html(markup, "Kilder")


# ------------------------------------------------------------------ missing series
def missing_items(goal_id: str, catalog=None, loader=None) -> list[dict]:
    """Indicators of a goal without Sorø data: id, title, why, live source (html)."""
    catalog = catalog or _catalog()
    loader = loader or _load
    goal = _goal(catalog, goal_id)
    items = []
    for indicator_id in rget(goal, "indicators", []) or []:
        record = _indicator_record(catalog, indicator_id)
        try:
            data = loader(indicator_id)
            record = record_of(data) or record
            frame = frame_of(data)
        except UnknownIndicatorError:  # said below; a broken file must fail the build
            frame = pd.DataFrame()
        title = rget(record, "title", indicator_id)
        if record is None:
            items.append(dict(id=indicator_id, title=indicator_id, why="Indikatoren findes ikke i kataloget.",
                              live=""))
            continue
        if rget(record, "data_available", True) is False:
            why = rget(record, "missing_reason", "") or "Der findes ingen tal."
        else:
            local = frame["area_code"].astype(str).map(A.is_soro_or_local) if len(frame) else None
            has = (len(frame) and local.any()  # Sorø itself or a place inside it (340:<slug>)
                   and pd.to_numeric(frame.loc[local, "value"], errors="coerce").notna().any())
            if has:
                continue
            why = "Ingen tal for Sorø i de indsamlede kilder" + (
                " (kun andre områder)." if len(frame) else ".")
            if rget(record, "missing_reason", ""):
                why += " " + rget(record, "missing_reason")
        items.append(dict(id=indicator_id, title=title, why=why, live=_live_source_text(record)))
    return items


def missing_block(goal_id: str, catalog=None, loader=None) -> Html:
    """Plainly which series are missing for Sorø, and the live source that would fill each."""
    items = missing_items(goal_id, catalog, loader)
    if not items:
        return Html(f'{STYLE}<p class="v26-muted">Alle målets indikatorer har tal for Sorø.</p>', "Mangler: ingen")
    lis = []
    for item in items:
        live = (f" <em>Kan udfyldes fra:</em> {item['live'].rstrip('.')}." if item["live"]
                else " Ingen kendt løbende kilde.")
        lis.append(f"<li><strong>{esc(item['title'])}</strong> <code class=\"v26-id\">{esc(item['id'])}</code>: "
                   f"{esc(item['why'])}{live}</li>")
    markup = (f'{STYLE}<div class="v26-box v26-missing" style="border-left-color:#999"><p><strong>Det mangler vi tal '
              f"for</strong></p><ul>{''.join(lis)}</ul></div>")
    return Html(markup, f"Mangler: {len(items)} serier")


# ------------------------------------------------------------------ scorecard
def _trend(result) -> str:
    # The move the status rests on (base to latest year), so the column never contradicts the badge.
    text = {"up": "↑ stiger", "down": "↓ falder", "flat": "→ uændret"}.get(getattr(result, "trend", None))
    return f"{text} ({result.base_period}–{result.latest_period})" if text else "–"


def _rank_text(indicator_id) -> str:
    """"nr. 23 af 98 (2024)" for a headline compared across all municipalities, else ""."""
    if not indicator_id:
        return ""
    try:
        return compare.rank_cell(indicator_id)
    except UnknownIndicatorError:  # a scorecard drawn from a fixture catalog
        return ""


def scorecard_rows(catalog=None, loader=None) -> list[dict]:
    """One dict per goal (in theme/order order) with what the scorecard shows (see `verdict`)."""
    catalog = catalog or _catalog()
    goals = sorted(rget(catalog, "goals", []) or [], key=lambda g: (rget(g, "theme", 0), rget(g, "order", 0)))
    themes = {rget(t, "number"): rget(t, "title", "") for t in rget(catalog, "themes", []) or []}
    rows = []
    for goal in goals:
        v = verdict(goal, loader)
        rows.append(dict(goal_id=rget(goal, "id"), theme=rget(goal, "theme"),
                         theme_title=themes.get(rget(goal, "theme"), ""), goal=rget(goal, "title", ""),
                         page=rget(goal, "page", ""), indicator_id=v["indicator_id"], indicator=v["indicator"],
                         latest=v["latest"], period=v["period"], trend=v["trend"], target=v["target"],
                         status=v["status"], label=v["label"], sort_value=v["sort_value"], answer=v["answer"],
                         trend_dir=v.get("trend_dir"), rank=_rank_text(v["indicator_id"]),
                         source=v["source"], supplementary=bool(rget(goal, "supplementary", False))))
    return rows


STATUS_ORDER = {s: i for i, s in enumerate(("achieved", "on_track", "moderate", "limited", "deterioration",
                                            "not_assessable"))}

SCORECARD_SCRIPT = """<script>(function(){var t=document.getElementById('v26-scorecard');if(!t)return;
var s=document.getElementById('v26-scorecard-tema'),b=t.tBodies[0];
s.addEventListener('change',function(){for(var i=0;i<b.rows.length;i++){var r=b.rows[i];
r.hidden=s.value!==''&&r.getAttribute('data-tema')!==s.value;}});
var h=t.tHead.rows[0].cells;for(var c=0;c<h.length;c++){(function(c){var btn=h[c].querySelector('button');if(!btn)return;
btn.addEventListener('click',function(){var d=h[c].getAttribute('aria-sort')==='ascending'?-1:1;
for(var k=0;k<h.length;k++)h[k].removeAttribute('aria-sort');h[c].setAttribute('aria-sort',d>0?'ascending':'descending');
var rs=Array.prototype.slice.call(b.rows);rs.sort(function(x,y){var a=x.cells[c].getAttribute('data-sort')||x.cells[c].textContent,
z=y.cells[c].getAttribute('data-sort')||y.cells[c].textContent,na=parseFloat(a),nz=parseFloat(z);
if(!isNaN(na)&&!isNaN(nz))return d*(na-nz);return d*a.localeCompare(z,'da');});
rs.forEach(function(r){b.appendChild(r);});});})(c);}})();</script>"""


def scorecard(catalog=None, loader=None, from_page: str = SCORECARD_PAGE) -> Html:
    """One row per goal: theme, goal (linked to its analysis) with headline indicator and target,
    latest Sorø value, trend, status.

    Five columns, so the table fits a 688 px column without sideways scrolling; on a phone each row
    becomes a card (vision.css). Filter by theme (select) and sort by clicking a column header; a
    tiny inline script does it in the browser. Without JavaScript the table is still complete."""
    rows = scorecard_rows(catalog, loader)
    themes = sorted({(r["theme"], r["theme_title"]) for r in rows})
    options = '<option value="">Alle temaer</option>' + "".join(
        f'<option value="{esc(n)}">Tema {esc(n)}: {esc(t)}</option>' for n, t in themes)
    heads = ["Tema", "Mål og hovedindikator", "Seneste værdi for Sorø", "Udvikling", "Status"]
    ths = "".join(f'<th scope="col"><button type="button" class="v26-sort">{h}</button></th>' for h in heads)
    body = []
    for r in rows:
        link = _rel(r["page"], from_page) if r["page"] else ""
        title = f'<a href="{esc(link)}">{esc(r["goal"])}</a>' if link else esc(r["goal"])
        latest = esc(r["latest"]) + (f' <span class="v26-muted">({esc(r["period"])})</span>' if r["period"] else "")
        if r.get("rank"):  # Sorø's place among the 98 municipalities (helpers.rank), under the value
            latest += f'<br><span class="v26-muted">{esc(r["rank"])} kommuner</span>'
        sort_value = "" if r["sort_value"] is None else repr(float(r["sort_value"]))
        target = f'<br><span class="v26-muted">Mål: {esc(r["target"])}</span>' if r["target"] else ""
        body.append(
            f'<tr data-tema="{esc(r["theme"])}">'
            f'<td data-label="Tema" data-sort="{esc(r["theme"])}">{esc(r["theme"])}</td>'
            f'<td data-label="Mål" data-sort="{esc(r["goal"])}"><strong>{title}</strong><br>'
            f'<span class="v26-muted">{esc(r["indicator"])}</span>{target}</td>'
            f'<td data-label="Seneste værdi" class="num" data-sort="{sort_value}">{latest}</td>'
            f'<td data-label="Udvikling">{esc(r["trend"])}</td>'
            f'<td data-label="Status" data-sort="{STATUS_ORDER.get(r["status"], 9)}">'
            f'{status_badge(r["status"], r["label"], r.get("trend_dir"))}</td></tr>')
    markup = (f'{STYLE}<div class="v26-scorecard"><p><label for="v26-scorecard-tema">Vis tema: </label>'
              f'<select id="v26-scorecard-tema">{options}</select> '
              f'<span class="v26-muted">Klik på en kolonneoverskrift for at sortere.</span></p>'
              f'<table class="v26-table v26-cards" id="v26-scorecard"><caption class="visually-hidden">Scorekort: status for '
              f'hvert mål i Vision 2026</caption><thead><tr>{ths}</tr></thead><tbody>{"".join(body)}</tbody></table>'
              f'</div>{SCORECARD_SCRIPT}')
    return Html(markup, f"Scorekort: {len(rows)} mål")


def glance_sentence(rows) -> str:
    """"x af 20 mål er nået eller på rette vej, ..." from scorecard rows."""
    counts = {c["status"]: c["count"] for c in status_counts(rows)}
    good = counts.get("achieved", 0) + counts.get("on_track", 0)
    some = counts.get("moderate", 0) + counts.get("limited", 0)
    return (f"{good} af {len(rows)} mål er nået eller på rette vej, {some} går langsomt den rigtige vej, "
            f"{counts.get('deterioration', 0)} går den forkerte vej, og {counts.get('not_assessable', 0)} "
            "kan ikke vurderes med de tal, bogen har.")


def at_a_glance(rows=None, catalog=None, loader=None, from_page: str = VISION_PAGE) -> Html:
    """The front page's answer: "x af 20 mål på rette vej ..." and a compact grid of the goals with
    their badges, each linking to its analysis."""
    rows = scorecard_rows(catalog, loader) if rows is None else rows
    sentence = glance_sentence(rows)
    good = sum(1 for r in rows if r["status"] in ("achieved", "on_track"))
    total = len(rows)
    cards = []
    for r in rows:
        link = _rel(r["page"], from_page) if r["page"] else ""
        value = (f'<span class="v26-card-value">{esc(r["latest"])}</span>'
                 f'<span class="v26-muted"> {esc(r["period"])}</span>' if r["latest"] not in ("", "–") else
                 '<span class="v26-muted">Intet tal for Sorø</span>')
        title = f'<a href="{esc(link)}">{esc(r["goal"])}</a>' if link else esc(r["goal"])
        cards.append(f'<li class="v26-card"><span class="v26-card-theme">Tema {esc(r["theme"])}</span>'
                     f'<span class="v26-card-title">{title}</span>{status_badge(r["status"], r["label"])}'
                     f'<span class="v26-card-line">{value}</span></li>')
    markup = (f'{STYLE}<div class="v26-glance"><p class="v26-glance-answer"><strong>Er Sorø på vej?</strong> '
              f'{esc(sentence)}</p><ul class="v26-grid">{"".join(cards)}</ul></div>')
    return Html(markup, f"Overblik: {good} af {total} mål på rette vej")


def status_counts(rows=None, catalog=None, loader=None) -> list[dict]:
    """Goals per status from `scorecard_rows()` (or the given rows), every status in STATUS_ORDER:
    [{status, label, count, goals: [goal titles]}], zero counts included."""
    rows = scorecard_rows(catalog, loader) if rows is None else rows
    counts = []
    for status in sorted(STATUS_ORDER, key=STATUS_ORDER.get):
        goals = [r["goal"] for r in rows if r["status"] == status]
        counts.append(dict(status=status, label=LABELS_DA.get(status, status), count=len(goals), goals=goals))
    return counts


def status_summary(rows=None, catalog=None, loader=None) -> Html:
    """A short list: how many goals have each status (badge, count, the goals' titles)."""
    rows = scorecard_rows(catalog, loader) if rows is None else rows
    counts = status_counts(rows)
    items = []
    for c in counts:
        goals = f' <span class="v26-muted">({esc("; ".join(c["goals"]))})</span>' if c["goals"] else ""
        items.append(f"<li>{status_badge(c['status'], c['label'])} <strong>{c['count']}</strong> "
                     f"mål{goals}</li>")
    markup = (f'{STYLE}<div class="v26-status-summary"><p class="v26-glance-answer"><strong>Er Sorø på vej?</strong> '
              f'{esc(glance_sentence(rows))}</p>'
              f'<ul style="list-style:none;padding-left:0">{"".join(items)}</ul></div>')
    return Html(markup, "Status: " + ", ".join(f"{c['label']} {c['count']}" for c in counts))


# ------------------------------------------------------------------ SDG matrix
def sdg_matrix(catalog=None, from_page: str = SCORECARD_PAGE) -> Html:
    """Goals x the vision's ten SDGs: a linked, numbered SDG mark where the book relates a goal to
    an SDG. Narrow number columns, so all ten fit a 688 px column; a list per goal on a phone."""
    catalog = catalog or _catalog()
    goals = sorted(rget(catalog, "goals", []) or [], key=lambda g: (rget(g, "theme", 0), rget(g, "order", 0)))
    sdgs = list(rget(catalog, "vision_sdg", None) or SDG_LIST)
    head = "".join(
        f'<th scope="col" class="v26-sdg-col"><span class="v26-sdg v26-sdg-n" title="Verdensmål {n}: '
        f'{esc(SDG_NAMES.get(n, ""))}" style="background:{SDG_COLORS.get(n, "#555")};color:'
        f'{"#111" if n in SDG_TEXT_DARK else "#fff"}">{n}<span class="visually-hidden"> {esc(SDG_NAMES.get(n, ""))}'
        f'</span></span></th>' for n in sdgs)
    body = []
    for goal in goals:
        page = rget(goal, "page", "")
        link = _rel(page, from_page) if page else ""
        marks = set(int(n) for n in rget(goal, "sdg", []) or [])
        cells = []
        for n in sdgs:
            if n in marks:
                style = f'background:{SDG_COLORS.get(n, "#555")};color:{"#111" if n in SDG_TEXT_DARK else "#fff"}'
                label = f"Verdensmål {n}: {SDG_NAMES.get(n, '')}"
                mark = (f'<a class="v26-sdg v26-sdg-n" href="{esc(link)}" style="{style}" title="{esc(label)}">{n}'
                        f'<span class="v26-sdg-name"> {esc(SDG_NAMES.get(n, ""))}</span></a>' if link
                        else f'<span class="v26-sdg v26-sdg-n" style="{style}">{n}<span class="v26-sdg-name"> '
                             f'{esc(SDG_NAMES.get(n, ""))}</span></span>')
                cells.append(f'<td class="v26-sdg-col v26-has">{mark}</td>')
            else:
                cells.append('<td class="v26-sdg-col v26-none"><span class="visually-hidden">nej</span></td>')
        title = esc(rget(goal, "title", ""))
        title = f'<a href="{esc(link)}">{title}</a>' if link else title
        body.append(f'<tr><th scope="row">Tema {esc(rget(goal, "theme", ""))}: {title}</th>{"".join(cells)}</tr>')
    note = rget(catalog, "sdg_note", "") or (
        "Visionen tager afsæt i ti af FN's verdensmål for visionen som helhed. Hvilke verdensmål det enkelte "
        "mål knyttes til, er bogens egen læsning, ikke visionens.")
    legend = " ".join(sdg_badge(n) for n in sdgs)
    markup = (f'{STYLE}<p class="v26-sdg-legend">{legend}</p><table class="v26-table v26-sdg-matrix"><caption class="visually-hidden">Mål og verdensmål'
              f'</caption><thead><tr><th scope="col">Mål</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
              f'<p class="v26-muted">{esc(note)}</p>')
    return Html(markup, f"Verdensmål: {len(goals)} mål")


# ------------------------------------------------------------------ region map
def map_rows(indicator_id: str, period: str, data=None, sex: str = "i alt", age: str = "i alt") -> pd.DataFrame:
    """The rows a Region Sjælland map shows: at most one per municipality with a value at `period`.

    Where a municipality has several rows (e.g. Statistics Denmark's figure and the municipality's
    own), the row from the source (publisher + source_url) covering most municipalities in that
    period is kept, so the map compares numbers from one source wherever the snapshot allows."""
    data = data if data is not None else _load(indicator_id)
    frame = frame_of(data)
    if frame.empty:
        return frame
    work = frame[frame["area_code"].astype(str).isin(A.REGION_SJAELLAND)
                 & (frame["period"].astype(str) == str(period))].copy()
    for column, wanted in (("sex", sex), ("age", age)):
        if wanted is not None and column in work and (work[column].astype(str) == wanted).any():
            work = work[work[column].astype(str) == wanted]
    work = work[pd.to_numeric(work["value"], errors="coerce").notna()]
    if work.empty:
        return work
    source = work["publisher"].astype(str) + "\u0000" + work["source_url"].astype(str)
    coverage = work.assign(_s=source).groupby("_s")["area_code"].nunique()
    work["_rank"] = [(-int(coverage[s]), s) for s in source]
    work["_k"] = [A.sort_key(c) for c in work["area_code"].astype(str)]
    work = work.sort_values(["_k", "_rank", "origin"], kind="stable").drop_duplicates("area_code")
    return work.drop(columns=["_rank", "_k"]).reset_index(drop=True)


def map_block(indicator_id: str, period: str, data=None, title: str | None = None, caption: str | None = None,
              sex: str = "i alt", age: str = "i alt") -> Html:
    """Region Sjælland map of one indicator and period: map, caption with the missing municipalities
    (grey, 'ingen data'), sources, the DAGI boundary attribution and a 'Hent data (CSV)' link."""
    from helpers import charts, render
    from helpers.geo import ATTRIBUTION
    data = data if data is not None else _load(indicator_id)
    record = record_of(data)
    rows = map_rows(indicator_id, period, data=data, sex=sex, age=age)
    name = rget(record, "title", indicator_id)
    unit = charts.unit_label(rget(record, "unit", ""))
    decimals = _decimals(record, rows)
    values = pd.DataFrame({"area_code": rows["area_code"].astype(str) if len(rows) else [],
                           "value": pd.to_numeric(rows["value"], errors="coerce") if len(rows) else [],
                           "period": rows["period"].astype(str) if len(rows) else []})
    chart = charts.map_chart(values, title=title or f"{name}, {period}", value_title=name,
                             unit=unit, decimals=decimals)
    present = set(values["area_code"])
    missing = [A.REGION_SJAELLAND[c] for c in sorted(A.REGION_SJAELLAND, key=A.REGION_SJAELLAND.get)
               if c not in present]
    total = len(A.REGION_SJAELLAND)
    text = f"Kort over Region Sjællands {total} kommuner farvet efter {name}, {period}: {len(present)} af {total} har et tal."
    if len(values):
        ordered = values.sort_values(["value", "area_code"])
        low, high = ordered.iloc[0], ordered.iloc[-1]
        text += (f" Lavest: {A.area_label(low['area_code'])} ({fmt_value(low['value'], decimals, unit)});"
                 f" højest: {A.area_label(high['area_code'])} ({fmt_value(high['value'], decimals, unit)}).")
        soro = values[values["area_code"] == A.SORO]
        text += (f" Sorø: {fmt_value(soro['value'].iloc[0], decimals, unit)}." if len(soro)
                 else " Der er intet tal for Sorø.")
    if missing:
        text += f" Ingen data (grå): {', '.join(missing)}."
    text += " Tallene findes i tabellen og i CSV-filen under kortet."
    if caption is None:
        caption = rget(record, "description", "") or ""
    publishers = sorted(set(rows["publisher"].astype(str))) if len(rows) else []
    note = (f" Sorø er fremhævet med kant. Kommuner uden tal for perioden er grå (ingen data): {', '.join(missing)}."
            if missing else f" Sorø er fremhævet med kant. Alle {total} kommuner har et tal for perioden.")
    parts = [STYLE, '<figure class="v26-chart v26-map">', render.chart_html(chart, description=text),
             f'<figcaption class="v26-caption">{esc(caption)} Periode: {esc(period)}.{esc(note)}'
             + (f' Kilde: {esc("; ".join(publishers))}.' if publishers else "")
             + f'<br><span class="v26-muted">{esc(ATTRIBUTION)}</span></figcaption>']
    if len(rows):
        parts.append(downloads_html(rows, file_stem(f"{name} {period}", indicator_id)))
    parts.append("</figure>")
    return Html("".join(parts), f"Kort: {name}, {period}")


def map_table(indicator_id: str, period: str, data=None, sex: str = "i alt", age: str = "i alt",
              collapsed: bool = True) -> Html:
    """The rows behind `map_block` (same selection) as a data_table."""
    data = data if data is not None else _load(indicator_id)
    rows = map_rows(indicator_id, period, data=data, sex=sex, age=age)
    # The map shows every municipality of the region, not only the record's comparison areas.
    return data_table(indicator_id, data={"record": record_of(data), "data": rows},
                      areas=list(rows["area_code"].astype(str)) if len(rows) else None, collapsed=collapsed)


def map_sources(items, max_quotes: int = 3) -> Html:
    """sources_block limited to the rows shown on maps; `items` = [(indicator_id, period), ...]
    (one period per indicator)."""
    datas = {}
    for indicator_id, period in items:
        data = _load(indicator_id)
        datas[indicator_id] = {"record": record_of(data), "data": map_rows(indicator_id, period, data=data)}
    return sources_block([i for i, _ in items], datas=datas, max_quotes=max_quotes)

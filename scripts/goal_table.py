"""Print the per-goal table: headline, source kind, Sorø observations, first-last period, status.

Run from the repository root: `.venv/bin/python scripts/goal_table.py` (Markdown table on stdout,
then the two counts the issue's done-when asks for)."""
from __future__ import annotations

import pandas as pd

from helpers.catalog import load_catalog
from helpers.load import load_indicator
from helpers.page import headline_id
from helpers.progress import assess


def goal_rows(catalog=None):
    catalog = catalog or load_catalog()
    out = []
    for goal in catalog.goals:
        gid = goal["id"] if isinstance(goal, dict) else goal.id
        hid = headline_id(goal)
        data = load_indicator(hid)
        soro = data.data[data.data["area_code"].astype(str) == "340"]
        soro = soro[pd.to_numeric(soro["value"], errors="coerce").notna()]
        kinds = "/".join(sorted(set(soro["source_kind"].astype(str)))) or "–"
        periods = soro.sort_values(["period_start", "period"])["period"].astype(str).tolist()
        span = f"{periods[0]}–{periods[-1]}" if periods else "–"
        result = assess(data)
        out.append(dict(goal=gid, headline=hid, kind=kinds, obs=soro["period"].nunique(), span=span,
                        status=result.status, reason=result.reason_da))
    return out


def main() -> None:
    rows = goal_rows()
    print("| goal | headline | source kind | Sorø obs | first–last | status: reason |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        reason = r["reason"].replace("|", "/")
        if len(reason) > 160:
            reason = reason[:157] + "..."
        print(f"| {r['goal']} | {r['headline']} | {r['kind']} | {r['obs']} | {r['span']} | "
              f"{r['status']}: {reason} |")
    assessed = sum(r["status"] != "not_assessable" for r in rows)
    five = sum(r["obs"] >= 5 for r in rows)
    print(f"\ncomputed status: {assessed} of {len(rows)}; headlines with >=5 Sorø observations: {five}")


if __name__ == "__main__":
    main()

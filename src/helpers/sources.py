"""What a snapshot row's value came through, and which source wins when several overlap.

One precedence decides which value a page shows (DEVELOPERS.md, docs/data-rules.md):

    live API > first-hand export > copy of the official API (value as delivered)
    > the publisher's own page > copy of the official API (value computed by the copy)
    > press, news and encyclopedias > Wikipedia and its mirrors

A value the copy computed (a ratio, a median, its own national line) is not what the publisher
delivered, so the publisher's own figure wins where both exist (harvest2 README: the copy's
national NEET line for 2015 is 11.29 where Statistics Denmark's release says 10.5).

`SOURCE_KINDS` lists the `source_kind` values of the snapshot in that order, best first.
Rows of different kinds for the same indicator, area, period, sex and age are all kept in the
snapshot (the weaker ones are cross-checks); a page shows the best one. Two rows of the *same*
kind with the same key and different values are a conflict and an error: nothing here picks one
by the order of an origin string.
"""
from __future__ import annotations

import re

# Best first. The Danish labels are what a reader sees beside "Kilde".
SOURCE_KINDS: tuple[str, ...] = (
    "live",            # fetched from the publisher's API by `make data`
    "export",          # a first-hand export from the publisher, kept byte for byte
    "api_copy",        # a public copy (cache) of the official API, value as delivered
    "publisher_page",  # the publisher's own web page or report (curated excerpt)
    "copy_computed",   # a public copy of the official API, value computed by the copy
    "press",           # press, news, encyclopedias, other organisations (curated excerpt)
    "wiki_mirror",     # Wikipedia and its mirrors (curated excerpt)
)

SOURCE_KIND_LABELS_DA: dict[str, str] = {
    "live": "hentet direkte fra udgiverens API",
    "export": "førstehåndsudtræk fra udgiveren",
    "api_copy": "offentlig kopi af udgiverens API",
    "copy_computed": "beregnet af en offentlig kopi af udgiverens API",
    "publisher_page": "udgiverens egen side",
    "press": "gengivet i presse eller opslagsværk",
    "wiki_mirror": "Wikipedia eller en kopi af Wikipedia",
}

# `via`: the public copy a value came through, `<repository>@<commit>:<path>` (validated by
# helpers.snapshot, shortened for the reader by helpers.fmt.via_text).
VIA = re.compile(r"(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@(?P<commit>[0-9a-f]{40}):(?P<path>.+)")

# Kinds that make a series from the publisher's API (as delivered or computed from it by a copy):
# a goal's headline chart starts where one of these begins (helpers.provenance).
OFFICIAL_SERIES_KINDS: frozenset[str] = frozenset({"live", "export", "api_copy", "copy_computed"})

# Kinds whose value a reader should know is not first-hand.
SECOND_HAND_KINDS: frozenset[str] = frozenset({"press", "wiki_mirror"})


class UnknownSourceKindError(ValueError):
    """A source kind outside SOURCE_KINDS."""


def precedence(kind: str) -> int:
    """0 for the best kind (`live`), larger for weaker ones; an unknown kind is an error."""
    try:
        return SOURCE_KINDS.index(kind)
    except ValueError:
        raise UnknownSourceKindError(
            f"source_kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}") from None


def best_kind(kinds) -> str:
    """The best of several source kinds."""
    kinds = list(kinds)
    if not kinds:
        raise ValueError("best_kind() of no source kinds")
    return min(kinds, key=precedence)

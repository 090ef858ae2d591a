"""Which source kind a curated (harvest 1) row is, from its source URL's host and its publisher.

The rule, in order (first match wins):

1. The host is a Wikipedia, a copy of Wikipedia or a spam-like mirror (`WIKI_MIRROR_HOSTS`, or
   any host with 'wikipedia' or 'wiki' as a label) -> `wiki_mirror`.
2. The host is a publisher's own domain (`PUBLISHER_DOMAINS`) and the row's publisher is that
   publisher (its name starts the publisher field) and the field does not say the figure is
   reproduced ("gengivet", "via") -> `publisher_page`.
3. The host is a known news site, encyclopedia or other organisation (`PRESS_HOSTS`), or a
   publisher domain whose row names someone else -> `press`.
4. Any other host -> `press` as well (never `publisher_page` by default); `unknown_host()`
   says which hosts took this fallback, and tests/test_source_classes.py lists them, so a new
   host in the harvest makes the test fail until someone classifies it.

A host matches a table entry when it equals it or ends with '.' + entry (`m.`, `www.`, `da.`
subdomains), after lower-casing and dropping port and trailing dot.
"""
from __future__ import annotations

from urllib.parse import urlsplit

# Wikipedia and sites that copy it (several of them spam-like).
WIKI_MIRROR_HOSTS: tuple[str, ...] = (
    "wikipedia.org", "de-academic.com", "knowledgr.com", "wiki.li", "wiki.x.io", "es.us.edu.vn",
    "friendlywiki.com", "sagapedia.com", "veneneo.workers.dev", "wikide.org", "wikizero.net",
    "dewiki.de", "mapnall.com", "dnhewrhegkli.shop", "the-uncensored-wiki.com", "kamerun13.de",
)

# A publisher's own domain -> the publisher names that domain speaks for.
PUBLISHER_DOMAINS: dict[str, tuple[str, ...]] = {
    "dst.dk": ("Danmarks Statistik",),
    "statistikbanken.dk": ("Danmarks Statistik",),
    "statbank.dk": ("Danmarks Statistik",),
    "soroe.dk": ("Sorø Kommune",),
    "holbaek.dk": ("Holbæk Kommune",),
    "slagelse.dk": ("Slagelse Kommune",),
    "naestved.dk": ("Næstved Kommune",),
    "kalundborg.dk": ("Kalundborg Kommune",),
    "kalundborg.cowiplan.dk": ("Kalundborg Kommune",),   # the municipality's plan portal
    "ringsted.cowiplan.dk": ("Ringsted Kommune",),
    "klimaplan.hvidovre.dk": ("Hvidovre Kommune",),
    "regionsjaelland.dk": ("Region Sjælland",),
    "sst.dk": ("Sundhedsstyrelsen",),
    "uvm.dk": ("Børne- og Undervisningsministeriet", "Undervisningsministeriet"),
    "uni-c.dk": ("Børne- og Undervisningsministeriet", "Undervisningsministeriet"),
    "regeringen.dk": ("Undervisningsministeriet",),
    "ens.dk": ("Energistyrelsen",),
    "dce.au.dk": ("DCE",),
    "affaldplus.dk": ("AffaldPlus",),
    "hofor.dk": ("HOFOR",),
    "danskindustri.dk": ("DI",),
    "benchmark.dk": ("Indenrigs- og Sundhedsministeriet",),
    "arst.dk": ("arst.dk", "Styrelsen for Arbejdsmarked og Rekruttering"),
    "lifeeast.dk": ("LIFE Østdanske Højmoser",),
}

# News sites, encyclopedias and other organisations that reproduce figures.
PRESS_HOSTS: tuple[str, ...] = (
    "lex.dk",                      # Trap Danmark, Den Store Danske
    "sn.dk", "dit-soroe.dk", "dit-ringsted.dk", "dit-holbaek.dk", "dit-odense.dk", "faxenetavis.dk",
    "finanz.dk", "holbaekonline.dk", "borsen.dk", "aalborgidag.dk", "stevnsbladet.dk", "bt.dk",
    "business.dk", "dagens.dk", "dknyt.dk", "dksocial.dk", "fyens.dk", "kristeligt-dagblad.dk",
    "jyllands-posten.dk", "via.ritzau.dk", "elfokus.dk", "medicinsktidsskrift.dk", "slagelse.info",
    "denoffentlige.dk", "vaekstviaviden.com", "soroe.dn.dk", "privateskoler.dk", "horten.dk",
    "lokalhistorisk-arkiv-stenlille.dk", "cevea.dk", "kraka.dk", "raw.githubusercontent.com",
)

# Words in the publisher field that say the page reproduces someone else's figure.
REPRODUCED_MARKERS: tuple[str, ...] = ("gengivet", "via ", "citeret")


def host_of(url: str) -> str:
    """Lower-case host without port, trailing dot or 'www.'."""
    host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    return host.removeprefix("www.")


def _matches(host: str, entry: str) -> bool:
    return host == entry or host.endswith("." + entry)


def _is_wiki(host: str) -> bool:
    labels = host.split(".")
    return (any(_matches(host, e) for e in WIKI_MIRROR_HOSTS)
            or any("wikipedia" in label or label == "wiki" for label in labels))


def _publisher_domain(host: str) -> tuple[str, ...] | None:
    # Longest entry first, so 'ringsted.cowiplan.dk' is not taken for another cowiplan site.
    for entry in sorted(PUBLISHER_DOMAINS, key=len, reverse=True):
        if _matches(host, entry):
            return PUBLISHER_DOMAINS[entry]
    return None


def unknown_host(url: str) -> bool:
    """True when the host is in none of the tables (and so falls back to `press`)."""
    host = host_of(url)
    return not (_is_wiki(host) or _publisher_domain(host) is not None
                or any(_matches(host, e) for e in PRESS_HOSTS))


def classify(source_url: str, publisher: str) -> str:
    """`publisher_page`, `press` or `wiki_mirror` for a curated row (see the module docstring)."""
    host = host_of(source_url)
    if not host:
        raise ValueError(f"source_url {source_url!r} has no host")
    if _is_wiki(host):
        return "wiki_mirror"
    owners = _publisher_domain(host)
    if owners is not None:
        text = publisher.strip()
        own = any(text.startswith(name) for name in owners)
        reproduced = any(marker in text.lower() for marker in REPRODUCED_MARKERS)
        if own and not reproduced:
            return "publisher_page"
    return "press"

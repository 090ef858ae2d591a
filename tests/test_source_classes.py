"""The rule that classifies curated (harvest 1) rows by source host and publisher."""
import csv
from pathlib import Path

import pytest

from helpers.source_classes import classify, host_of, unknown_host
from helpers.sources import SOURCE_KINDS

HARVEST = Path(__file__).resolve().parents[1] / "data" / "harvest"
# Hosts in the harvest that no table names; they fall back to `press`. A new host must be
# classified in helpers/source_classes.py or added here knowingly.
KNOWN_UNKNOWN_HOSTS = {"online.flippingbook.com"}


@pytest.mark.parametrize("url, publisher, kind", [
    ("https://dnhewrhegkli.shop/wiki/Sor%C3%B8_Kommune", "Danmarks Statistik", "wiki_mirror"),
    ("http://the-uncensored-wiki.com:20072/wiki/Sor%C3%B8", "Danmarks Statistik", "wiki_mirror"),
    ("https://da.m.wikipedia.org/wiki/Sor%C3%B8", "Danmarks Statistik", "wiki_mirror"),
    ("https://de.m.wikipedia.org./wiki/Sor%C3%B8", "Danmarks Statistik", "wiki_mirror"),
    ("https://some.wiki.example.org/x", "Danmarks Statistik", "wiki_mirror"),
    ("https://www.dst.dk/da/Statistik/nyheder", "Danmarks Statistik", "publisher_page"),
    ("https://www.statistikbanken.dk/FOLK1A", "Danmarks Statistik", "publisher_page"),
    ("https://soroe.dk/politik", "Sorø Kommune", "publisher_page"),
    ("https://soroe.dk/klima", "Folketinget (klimaloven), gengivet af Sorø Kommune", "press"),
    ("https://www.dst.dk/x", "Kraka (på tal fra Danmarks Statistik)", "press"),
    ("https://trap.lex.dk/Sor%C3%B8_Kommune", "Danmarks Statistik (via Trap Danmark)", "press"),
    ("https://denstoredanske.lex.dk/Sor%C3%B8", "Den Store Danske", "press"),
    ("https://sn.dk/soroe/x", "Sorø Kommune", "press"),
    ("https://never-seen-before.example/x", "Danmarks Statistik", "press"),
])
def test_classify(url, publisher, kind):
    assert classify(url, publisher) == kind


def test_unknown_host_never_becomes_publisher_page():
    assert unknown_host("https://never-seen-before.example/x")
    assert classify("https://never-seen-before.example/x", "Sorø Kommune") == "press"


def test_host_of_drops_port_www_and_trailing_dot():
    assert host_of("http://the-uncensored-wiki.com:20072/a") == "the-uncensored-wiki.com"
    assert host_of("https://www.dst.dk./a") == "dst.dk"


def test_every_harvest_host_is_classified_or_listed():
    unknown, kinds = set(), set()
    for path in sorted(HARVEST.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                kind = classify(row["source_url"], row["source_publisher"])
                assert kind in SOURCE_KINDS, f"{path.name}:{line}"
                kinds.add(kind)
                if unknown_host(row["source_url"]):
                    unknown.add(host_of(row["source_url"]))
    assert unknown == KNOWN_UNKNOWN_HOSTS
    assert kinds == {"publisher_page", "press", "wiki_mirror"}

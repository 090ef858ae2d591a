"""Numbers as Statistics Denmark writes them.

Statbank's CSV output in Danish (``lang=da``) uses a decimal comma and may use
``.`` as thousands separator (``1.234,5``). Two special cells occur:

* ``..``  the value is suppressed (confidential or too uncertain);
* empty   the value is missing (no observation).

:func:`parse_danish_number` returns ``None`` for both, so the caller decides which
flag to record (it can tell them apart with :func:`is_suppressed`). Any other text
that is not a well-formed Danish number raises :class:`ValueError` naming the text:
a silently mis-read number is worse than a loud failure.
"""
from __future__ import annotations

import re

__all__ = ["SUPPRESSED", "is_suppressed", "parse_danish_number", "parse_english_number"]

SUPPRESSED = ".."

# Optional leading minus; either plain digits or digits grouped by '.' in threes;
# optional decimal part after a comma.
_DANISH = re.compile(r"-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?", re.ASCII)
# English presentation (lang=en): ',' groups thousands, '.' is the decimal point.
_ENGLISH = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", re.ASCII)


def is_suppressed(text: str | None) -> bool:
    """True when the cell is Statbank's suppression marker ``..``."""
    return text is not None and text.strip() == SUPPRESSED


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"not a Statbank number (expected text, got {type(text).__name__}): {text!r}")
    # Spaces around the number (str.strip also removes non-breaking spaces) are layout.
    return text.strip()


def parse_danish_number(text: str | None) -> float | None:
    """Parse a Statbank CSV cell written the Danish way.

    >>> parse_danish_number("1.234,5")
    1234.5
    >>> parse_danish_number("-0,25")
    -0.25
    >>> parse_danish_number("..") is None     # suppressed
    True
    >>> parse_danish_number("") is None       # missing
    True

    Raises ValueError (naming the text) for anything else, e.g. ``"1,2,3"``,
    ``"12.34"`` (a '.' that does not group thousands) or ``"abc"``.
    """
    cleaned = _clean(text)
    if cleaned is None or cleaned == "" or cleaned == SUPPRESSED:
        return None
    if not _DANISH.fullmatch(cleaned):
        raise ValueError(f"not a Danish-formatted number: {text!r}")
    return float(cleaned.replace(".", "").replace(",", "."))


def parse_english_number(text: str | None) -> float | None:
    """Same contract as :func:`parse_danish_number` for ``lang=en`` output (``1,234.5``)."""
    cleaned = _clean(text)
    if cleaned is None or cleaned == "" or cleaned == SUPPRESSED:
        return None
    if not _ENGLISH.fullmatch(cleaned):
        raise ValueError(f"not an English-formatted number: {text!r}")
    return float(cleaned.replace(",", ""))

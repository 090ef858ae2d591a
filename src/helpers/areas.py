"""Area codes, Danish names, comparison order and the fixed colour palette.

Codes are Statistics Denmark's (340 = Sorø). Colours come from the Okabe-Ito palette, which
stays distinguishable for the common forms of colour-blindness. Sorø has the same colour on
every chart of the book; the other comparison areas keep theirs too.
"""
from __future__ import annotations

SORO = "340"
DENMARK = "000"
REGION = "085"

AREA_NAMES: dict[str, str] = {
    "000": "Hele landet",
    "085": "Region Sjælland",
    "340": "Sorø",
    "329": "Ringsted",
    "330": "Slagelse",
    "370": "Næstved",
    "316": "Holbæk",
    "326": "Kalundborg",
}

NEIGHBOURS: tuple[str, ...] = ("329", "330", "370", "316", "326")

# The order in which areas are listed in legends, tables and bar charts.
COMPARISON_ORDER: tuple[str, ...] = ("340", "000", "085") + NEIGHBOURS

# The 17 municipalities of Region Sjælland (code -> Danish name).
REGION_SJAELLAND: dict[str, str] = {
    "320": "Faxe",
    "253": "Greve",
    "376": "Guldborgsund",
    "316": "Holbæk",
    "326": "Kalundborg",
    "259": "Køge",
    "350": "Lejre",
    "360": "Lolland",
    "370": "Næstved",
    "306": "Odsherred",
    "329": "Ringsted",
    "265": "Roskilde",
    "330": "Slagelse",
    "269": "Solrød",
    "340": "Sorø",
    "336": "Stevns",
    "390": "Vordingborg",
}

# Okabe-Ito (Wong 2011, Nature Methods 8:441), fixed per comparison area.
OKABE_ITO = {
    "vermillion": "#D55E00",
    "black": "#000000",
    "blue": "#0072B2",
    "bluish_green": "#009E73",
    "orange": "#E69F00",
    "reddish_purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "yellow": "#F0E442",
}
SORO_COLOR = OKABE_ITO["vermillion"]

AREA_COLORS: dict[str, str] = {
    "340": SORO_COLOR,
    "000": OKABE_ITO["black"],
    "085": OKABE_ITO["blue"],
    "329": OKABE_ITO["bluish_green"],
    "330": OKABE_ITO["orange"],
    "370": OKABE_ITO["reddish_purple"],
    "316": OKABE_ITO["sky_blue"],
    "326": "#8C7A00",  # Okabe-Ito yellow darkened so it reads on white
}
# Areas outside the comparison set (towns, parishes, other municipalities) cycle through these;
# Sorø's vermillion is never reused.
OTHER_COLORS: tuple[str, ...] = (
    "#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#8C7A00", "#999999",
)


def area_label(code: str, published_name: str | None = None) -> str:
    """Danish display name: the fixed name for known codes, else the published name."""
    code = "" if code is None else str(code)
    if code in AREA_NAMES:
        return AREA_NAMES[code]
    if code in REGION_SJAELLAND:
        return REGION_SJAELLAND[code]
    if published_name:
        return str(published_name)
    return code or "Uoplyst område"


def is_soro(code: str) -> bool:
    """True for Sorø Kommune itself (not for a town or parish inside it)."""
    return str(code) == SORO


def is_soro_or_local(code: str) -> bool:
    """Sorø Kommune or one of its local places (`340:<slug>`)."""
    code = str(code)
    return code == SORO or code.startswith(SORO + ":")


def sort_key(code: str) -> tuple:
    """Comparison order first, then the other codes alphabetically."""
    code = str(code)
    if code in COMPARISON_ORDER:
        return (0, COMPARISON_ORDER.index(code), code)
    return (1, 0, code)


def order_codes(codes) -> list[str]:
    return sorted(dict.fromkeys(str(c) for c in codes), key=sort_key)


def colors_for(codes) -> list[str]:
    """One colour per code, in the order given: fixed colours for the comparison areas."""
    result = []
    other = 0
    for code in codes:
        code = str(code)
        if code in AREA_COLORS:
            result.append(AREA_COLORS[code])
        else:
            result.append(OTHER_COLORS[other % len(OTHER_COLORS)])
            other += 1
    return result

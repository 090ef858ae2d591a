"""Tests for helpers.numbers: Statbank's Danish number format."""
import math
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from helpers.numbers import is_suppressed, parse_danish_number, parse_english_number


def danish(value: float, decimals: int, grouped: bool) -> str:
    """Write a number the way Statbank's Danish CSV does (independent of the parser)."""
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    # Python writes 1,234.5 -> swap separators via a placeholder.
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", 0.0),
        ("32976", 32976.0),
        ("12,3", 12.3),
        ("-4,75", -4.75),
        ("1.234", 1234.0),
        ("1.234.567,89", 1234567.89),
        ("  29.993 ", 29993.0),
        ("\u00a0512,0\u00a0", 512.0),
        ("-0,0", 0.0),
        ("007", 7.0),
    ],
)
def test_examples(text, expected):
    assert parse_danish_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["..", " .. ", "", "   ", None])
def test_suppressed_and_missing_are_none(text):
    assert parse_danish_number(text) is None


def test_suppressed_is_distinguishable_from_missing():
    assert is_suppressed("..") and is_suppressed(" ..")
    assert not is_suppressed("") and not is_suppressed(None) and not is_suppressed("0")


@pytest.mark.parametrize(
    "text",
    ["abc", "1,2,3", "12.34", "1.23,4", ",5", "5,", "--1", "+1", "1e5", "...", "1 234", "12,3%", "1.2345",
     "nan", "inf", "-"],
)
def test_garbage_raises_and_names_the_text(text):
    with pytest.raises(ValueError) as err:
        parse_danish_number(text)
    assert repr(text) in str(err.value)


def test_non_text_raises():
    with pytest.raises(ValueError):
        parse_danish_number(12.5)  # type: ignore[arg-type]


@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=4),
    st.booleans(),
)
def test_roundtrip_danish_format(value, decimals, grouped):
    text = danish(value, decimals, grouped)
    parsed = parse_danish_number(text)
    # The printed text is the truth: compare with Python's own reading of the English form.
    assert parsed == pytest.approx(float(f"{value:.{decimals}f}"), rel=1e-12, abs=1e-9)


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_roundtrip_grouped_integers(value):
    assert parse_danish_number(danish(value, 0, True)) == float(value)


_VALID = re.compile(r"\s*(-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?|\.\.)?\s*")


@given(st.text(alphabet="0123456789.,-+ eEa%\u00a0", max_size=12))
def test_any_text_either_parses_or_raises_valueerror(text):
    try:
        result = parse_danish_number(text)
    except ValueError:
        assert not _VALID.fullmatch(text)
        return
    assert _VALID.fullmatch(text), text
    assert result is None or math.isfinite(result)


@given(st.text(min_size=1).filter(lambda t: any(c.isalpha() for c in t)))
def test_text_with_letters_is_rejected(text):
    assume(text.strip() not in ("", ".."))
    with pytest.raises(ValueError):
        parse_danish_number(text)


@pytest.mark.parametrize("text, expected", [("1,234.5", 1234.5), ("-0.25", -0.25), ("32976", 32976.0)])
def test_english_examples(text, expected):
    assert parse_english_number(text) == pytest.approx(expected)


def test_english_rejects_danish_decimal():
    with pytest.raises(ValueError):
        parse_english_number("12,3")


def test_non_ascii_digits_are_rejected():
    with pytest.raises(ValueError):
        parse_danish_number("\u0661\u0662")  # Arabic-Indic "12": float() would accept it

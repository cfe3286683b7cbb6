"""Reading numbers: both notations, number words, and the round trip of each."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cartotech.errors import InputError
from cartotech.extract.numbers import (
    check_lang,
    find_numbers,
    load_patterns,
    parse_decimal,
    parse_number_words,
)

NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("written", "lang", "value"),
    [
        ("550.000", "fr", 550_000),
        ("550 000", "fr", 550_000),
        (f"550{NNBSP}000", "fr", 550_000),
        (f"1{NBSP}234{NBSP}567", "fr", 1_234_567),
        ("1,2", "fr", 1.2),
        ("1.234,5", "fr", 1234.5),
        ("2.5", "fr", 2.5),
        ("1,990", "en", 1990),
        ("1,234,567.8", "en", 1_234_567.8),
        ("2.5", "en", 2.5),
        ("1,5", "en", 1.5),
        ("1.500.000", "en", 1_500_000),
        ("42", "en", 42),
    ],
)
def test_parse_decimal_reads_each_notation(written: str, lang: str, value: float) -> None:
    assert parse_decimal(written, check_lang(lang)) == pytest.approx(value)


@pytest.mark.parametrize(
    ("words", "lang", "value"),
    [
        ("trois", "fr", 3),
        ("dix-sept", "fr", 17),
        ("vingt et un", "fr", 21),
        ("vingt-et-une", "fr", 21),
        ("soixante-dix", "fr", 70),
        ("soixante et onze", "fr", 71),
        ("quatre-vingts", "fr", 80),
        ("quatre-vingt-dix-neuf", "fr", 99),
        ("deux cents", "fr", 200),
        ("deux cent cinquante mille", "fr", 250_000),
        ("un million", "fr", 1_000_000),
        ("une dizaine", "fr", 10),
        ("une centaine", "fr", 100),
        ("un millier", "fr", 1000),
        ("two", "en", 2),
        ("twenty-five", "en", 25),
        ("a hundred", "en", 100),
        ("one hundred and five", "en", 105),
        ("three thousand", "en", 3000),
        ("a dozen", "en", 12),
        ("two million", "en", 2_000_000),
    ],
)
def test_parse_number_words(words: str, lang: str, value: int) -> None:
    assert parse_number_words(words, check_lang(lang)) == value


@pytest.mark.parametrize(
    ("words", "lang"),
    [("dix et quinze", "fr"), ("deux trois", "fr"), ("a", "en"), ("hundreds", "en")],
)
def test_parse_number_words_refuses_what_is_not_one_number(words: str, lang: str) -> None:
    assert parse_number_words(words, check_lang(lang)) is None


def test_find_numbers_gives_exact_spans_and_skips_names_and_ordinals() -> None:
    text = "La 5G, le Covid-19 et la 2ème édition : 12 000 visiteurs, vingt-deux ateliers."
    found = find_numbers(text, "fr")
    assert [text[n.start : n.end] for n in found] == ["12 000", "vingt-deux"]
    assert [n.value for n in found] == [12_000, 22]


def test_find_numbers_reads_scale_words_and_glued_scales() -> None:
    text = "It reached 2.5 million users, 300k downloads and $3bn."
    found = find_numbers(text, "en")
    assert [(text[n.start : n.end], n.value) for n in found] == [
        ("2.5 million", 2_500_000),
        ("300k", 300_000),
        ("3bn", 3_000_000_000),
    ]


def test_pour_cent_is_not_a_hundred() -> None:
    assert [n.value for n in find_numbers("soit 12 pour cent du total", "fr")] == [12]


def test_other_languages_are_refused_with_the_choices() -> None:
    with pytest.raises(InputError, match="language 'de' is not extracted: expected one of fr, en"):
        find_numbers("zwei Millionen", "de")


def test_pattern_files_hold_words_not_yaml_booleans() -> None:
    """YAML 1.1 reads "on" and "no" as booleans; the loader must keep them as words."""

    def leaves(node: object) -> list[object]:
        if isinstance(node, dict):
            return [x for key, value in node.items() for x in [key, *leaves(value)]]
        if isinstance(node, list):
            return [x for item in node for x in leaves(item)]
        return [node]

    for name in ("numbers", "currencies", "counts", "dates", "purposes"):
        assert not [x for x in leaves(load_patterns(name)) if isinstance(x, bool)], name
    assert "on" in load_patterns("dates")["this_before"]["en"]


# --- round trips: a number written in a notation reads back as itself -----------------

_FR_UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
]
_FR_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _french_below_100(n: int) -> str:
    if n < 20:
        return _FR_UNITS[n]
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _FR_TENS[tens]
        return _FR_TENS[tens] + (" et un" if unit == 1 else "-" + _FR_UNITS[unit])
    if n < 80:
        return "soixante" + (" et onze" if n == 71 else "-" + _FR_UNITS[n - 60])
    if n == 80:
        return "quatre-vingts"
    return "quatre-vingt-" + _FR_UNITS[n - 80]


def _french_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _french_below_100(rest)
    head = "cent" if hundreds == 1 else _FR_UNITS[hundreds] + " cent"
    if rest == 0:
        return head + ("s" if hundreds > 1 else "")
    return head + " " + _french_below_100(rest)


def french_words(n: int) -> str:
    """n in French words, the traditional spelling (0 <= n < 10**9)."""
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    parts = []
    if millions:
        parts.append("un million" if millions == 1 else _french_below_1000(millions) + " millions")
    if thousands:
        parts.append("mille" if thousands == 1 else _french_below_1000(thousands) + " mille")
    if units or not parts:
        parts.append(_french_below_1000(units))
    return " ".join(parts)


def _english_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(_EN_UNITS[hundreds] + " hundred")
    if rest or not words:
        if rest < 20:
            small = _EN_UNITS[rest]
        else:
            tens, unit = divmod(rest, 10)
            small = _EN_TENS[tens] + ("-" + _EN_UNITS[unit] if unit else "")
        words.append(("and " if hundreds else "") + small)
    return " ".join(words)


def english_words(n: int) -> str:
    """n in English words (0 <= n < 10**9)."""
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    parts = []
    if millions:
        parts.append(_english_below_1000(millions) + " million")
    if thousands:
        parts.append(_english_below_1000(thousands) + " thousand")
    if units or not parts:
        parts.append(_english_below_1000(units))
    return " ".join(parts)


def _grouped(n: int, separator: str) -> str:
    return f"{n:,}".replace(",", separator)


@settings(deadline=None)  # the first example compiles the patterns
@given(
    n=st.integers(min_value=0, max_value=10**12),
    separator=st.sampled_from([" ", NBSP, NNBSP, "."]),
)
def test_french_thousands_round_trip(n: int, separator: str) -> None:
    written = _grouped(n, separator)
    assert parse_decimal(written, "fr") == n
    found = find_numbers(f"Elle compte {written} salariés.", "fr")
    assert [x.value for x in found] == [n]


@settings(deadline=None)  # the first example compiles the patterns
@given(n=st.integers(min_value=0, max_value=10**12))
def test_english_thousands_round_trip(n: int) -> None:
    written = _grouped(n, ",")
    assert parse_decimal(written, "en") == n
    assert [x.value for x in find_numbers(f"It has {written} users.", "en")] == [n]


@settings(deadline=None)  # the first example compiles the patterns
@given(
    whole=st.integers(min_value=0, max_value=10**6),
    cents=st.integers(min_value=1, max_value=99),
)
def test_decimals_round_trip_in_both_notations(whole: int, cents: int) -> None:
    value = whole + cents / 100
    french = _grouped(whole, NNBSP) + f",{cents:02d}"
    english = _grouped(whole, ",") + f".{cents:02d}"
    assert parse_decimal(french, "fr") == pytest.approx(value)
    assert parse_decimal(english, "en") == pytest.approx(value)


@settings(deadline=None)  # the first example compiles the patterns
@given(n=st.integers(min_value=2, max_value=999_999_999))
def test_french_number_words_round_trip(n: int) -> None:
    words = french_words(n)
    assert parse_number_words(words, "fr") == n, words
    text = f"Ils sont {words} cette année."
    found = find_numbers(text, "fr")
    assert [(text[x.start : x.end], x.value) for x in found] == [(words, n)]


@settings(deadline=None)  # the first example compiles the patterns
@given(n=st.integers(min_value=2, max_value=999_999_999))
def test_english_number_words_round_trip(n: int) -> None:
    words = english_words(n)
    assert parse_number_words(words, "en") == n, words
    text = f"There are {words} of them."
    found = find_numbers(text, "en")
    assert [(text[x.start : x.end], x.value) for x in found] == [(words, n)]

"""The name keys the resolver compares: what each one folds away, and what it keeps apart."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartotech.resolve import keys


def test_doctests() -> None:
    failed, attempted = doctest.testmod(keys)
    assert attempted > 0
    assert failed == 0


def test_exact_key_composes_accents_and_collapses_spaces() -> None:
    assert keys.exact_key("  Cre\u0301dit\u00a0 Agricole ") == "Crédit Agricole"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("BPI France", "Bpifrance"),  # spaced and compact
        ("Acme SAS", "acme"),  # trailing legal form
        ("la French Tech Toulouse", "French-Tech Toulouse"),  # article, hyphen
        ("The Camp", "thecamp"),  # the article kept in the compact key
    ],
)
def test_folded_spellings_share_a_key(first: str, second: str) -> None:
    assert keys.folded_keys(first) & keys.folded_keys(second)


def test_folding_never_empties_a_name_of_articles_or_legal_forms() -> None:
    assert "sas" in keys.folded_keys("SAS")
    assert "la" in keys.folded_keys("La")


def test_acronym_meets_its_spelt_out_form() -> None:
    key = keys.acronym_key("CCI de Lyon")
    assert key == "cci lyon"
    assert key in keys.acronym_expansions("Chambre de commerce et d'industrie de Lyon")


@pytest.mark.parametrize("text", ["Cci Lyon", "cci lyon", "C", "ABCDEFGHI Lyon", "CC3 Lyon"])
def test_only_capitals_of_two_to_eight_letters_read_as_an_acronym(text: str) -> None:
    assert keys.acronym_key(text) is None


def test_short_names_have_no_fuzzy_key() -> None:
    assert keys.is_short("c e s")
    assert keys.fuzzy_key("CES") is None
    assert keys.fuzzy_key("Station F") == "station f"


def test_overlong_forms_get_only_an_exact_key() -> None:
    text = "Incubateur " * (keys.MAX_NAME_LENGTH // 10)
    assert len(text) > keys.MAX_NAME_LENGTH
    assert keys.exact_key(text)
    assert keys.folded_keys(text) == set()
    assert keys.acronym_expansions(text) == set()
    assert keys.fuzzy_key(text) is None
    assert keys.acronym_key(text) is None


def test_sorted_words_ignores_word_order() -> None:
    assert keys.sorted_words("lyon french tech") == keys.sorted_words("french tech lyon")


def test_stop_words_and_short_words_are_not_blocking_keys() -> None:
    assert keys.block_keys("de la station") >= {"station", "statin"}
    assert not keys.block_keys("de la et") & {"de", "la", "et"}


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12)
LETTERS = st.sampled_from("abcdefghijklmnopqrstuvwxyz")


@given(word=WORDS, position=st.integers(min_value=0), letter=LETTERS)
def test_one_substituted_letter_still_shares_a_blocking_key(
    word: str, position: int, letter: str
) -> None:
    i = position % len(word)
    typo = word[:i] + letter + word[i + 1 :]
    assert keys.block_keys(word) & keys.block_keys(typo)


@given(word=WORDS, position=st.integers(min_value=0), letter=LETTERS)
def test_one_inserted_letter_still_shares_a_blocking_key(
    word: str, position: int, letter: str
) -> None:
    i = position % (len(word) + 1)
    typo = word[:i] + letter + word[i:]
    assert keys.block_keys(word) & keys.block_keys(typo)

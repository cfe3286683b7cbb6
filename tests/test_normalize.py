from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartotech.normalize import fold, name_tokens, normalize_name, slugify


@given(st.text())
def test_normalize_name_is_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once


@given(st.text())
def test_normalized_names_are_folded_ascii_words(text: str) -> None:
    normalized = normalize_name(text)
    assert normalized == normalized.strip()
    assert "  " not in normalized
    assert set(normalized) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert normalized == fold(normalized)


@given(st.text())
def test_slug_is_url_safe_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slug == slugify(slug.replace("-", " "))
    assert " " not in slug


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("St-Étienne", "saint etienne"),
        ("SAINTE-MAXIME", "Ste Maxime"),
        ("Côte d'Azur", "cote d azur"),
        ("Cœur de Ville", "coeur de ville"),
        ("Euratechnologies", "EuraTechnologies"),
        ("Aix-Marseille  French Tech", "aix marseille french tech"),
    ],
)
def test_spellings_compare_equal(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_tokens_expand_abbreviations_only_as_whole_words() -> None:
    assert name_tokens("St Malo, Stade") == ["saint", "malo", "stade"]

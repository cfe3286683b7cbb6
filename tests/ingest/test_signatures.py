"""Dates and numbers normalised across languages; story signatures and shingles."""

from __future__ import annotations

import pytest

from cartotech.ingest.dates import find_dates, metadata_date
from cartotech.ingest.signatures import (
    minhash_from_values,
    minhash_of,
    shingles,
    signature_similarity,
    story_signature,
)

# Two short articles written for these tests: one story told in French and in English.
FRENCH = (
    "Le 12 mars 2024, la start-up Tidewell a levé 1,5 million d'euros à Montpellier. "
    "Son fondateur, Marc Olivier, prévoit 7 embauches et vise 1 200 clients d'ici 2026."
)
ENGLISH = (
    "On March 12, 2024, Montpellier startup Tidewell raised €1.5 million. "
    "Its founder Marc Olivier plans 7 hires and targets 1,200 customers by 2026."
)
OTHER = (
    "En 2019, l'incubateur Quaiverte de Nantes a accueilli 40 projets, "
    "dont 12 dans l'agriculture, selon sa directrice Anne Moreau."
)


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("le 3 avril 2019", ["2019-04-03"]),
        ("on 3 April 2019", ["2019-04-03"]),
        ("on April 3, 2019", ["2019-04-03"]),
        ("the 3rd of April 2019", ["2019-04-03"]),
        ("le 1er août 2020", ["2020-08-01"]),
        ("le 3 Févr. 2021", ["2021-02-03"]),
        ("published 2019-04-03", ["2019-04-03"]),
        ("depuis avril 2019", ["2019-04"]),
        ("le 14 juin prochain", ["--06-14"]),
        ("le 31 février 2020", ["2020-02"]),  # no such day: the month stays
        ("en 2019", []),
    ],
)
def test_find_dates(text, values):
    assert [mention.value for mention in find_dates(text)] == values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-15", "2021-03-15"),
        ("2021-03", "2021-03"),
        ("2021-03-15T23:30:00-05:00", "2021-03-15"),
        ("Mon, 15 Mar 2021 08:00:00 GMT", "2021-03-15"),
        ("15 mars 2021", "2021-03-15"),
        ("March 15, 2021", "2021-03-15"),
        ("bientôt", None),
        ("2021-13-01", None),
        ("", None),
    ],
)
def test_metadata_date(value, expected):
    assert metadata_date(value) == expected


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("1 990 emplois", "n:1990"),
        ("1\u202f990 emplois", "n:1990"),
        ("1990 jobs", "n:1990"),
        ("1,990 jobs", "n:1990"),
        ("1.990 emplois", "n:1990"),
        ("1,2 M€", "n:1.2"),
        ("€1.2m", "n:1.2"),
        ("18 start-up", "n:18"),
        ("12 500 000 euros", "n:12500000"),
        ("0,50 €", "n:0.5"),
    ],
)
def test_numbers_are_normalised(text, token):
    assert token in story_signature(text)


def test_the_same_story_in_two_languages_shares_its_signature():
    french, english, other = (story_signature(text) for text in (FRENCH, ENGLISH, OTHER))
    shared = french & english
    assert {"d:2024-03-12", "n:1.5", "n:7", "n:1200", "n:2026"} <= shared
    assert {"p:tidewell", "p:montpellier", "p:marc", "p:olivier"} <= shared
    assert signature_similarity(french, english) > 0.5
    assert signature_similarity(french, other) < 0.1
    assert signature_similarity(set(), set()) == 0.0


def test_a_capital_that_opens_a_sentence_is_not_a_name():
    assert "p:son" not in story_signature(FRENCH)
    assert "p:its" not in story_signature(ENGLISH)


def test_shingles_and_minhash_round_trip():
    assert shingles("Un Deux trois, quatre") == {"un deux trois", "deux trois quatre"}
    assert shingles("Court") == {"court"}
    assert shingles("") == set()
    minhash = minhash_of(FRENCH)
    again = minhash_from_values([int(value) for value in minhash.hashvalues])
    assert again.jaccard(minhash) == 1.0
    assert minhash_of(FRENCH).jaccard(minhash_of(OTHER)) < 0.2

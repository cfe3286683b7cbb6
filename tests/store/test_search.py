from __future__ import annotations

import pytest
from sqlalchemy import Engine

from cartotech.domain import ActorRecord, ActorType
from cartotech.geo import get_referential
from cartotech.store import (
    ActorQuery,
    SearchResult,
    ensure_source,
    search_actors,
    unit_of_work,
    upsert_actor,
)
from tests.fixtures import TEST_SOURCE
from tests.store.test_query_counts import statements


def _search(engine: Engine, text: str = "", **filters) -> SearchResult:
    with engine.connect() as conn:
        return search_actors(conn, ActorQuery(text=text, **filters), get_referential())


def _names(result: SearchResult) -> list[str]:
    return [item["name"] for item in result.items]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("euratech", "Euratechnologies"),
        ("EURATECHNOLOGIES", "Euratechnologies"),
        ("euratechnology", "Euratechnologies"),  # typo: corrected against the vocabulary
        ("euratecnologies", "Euratechnologies"),  # a missing letter
        ("telecom valley", "Telecom Valley"),
        ("telecom valey", "Telecom Valley"),
        ("ecole centrale", "École Centrale de Lyon"),  # accents folded
        ("ECL", "École Centrale de Lyon"),  # short acronym alias
        ("boost in lyon", "Boost in Lyon"),
    ],
)
def test_search_finds_the_actor_first(directory_engine: Engine, query: str, expected: str) -> None:
    result = _search(directory_engine, query)
    assert result.items, f"nothing found for {query!r}"
    assert result.items[0]["name"] == expected


def test_place_names_are_searchable_with_typos(directory_engine: Engine) -> None:
    names = _names(_search(directory_engine, "bordeau", limit=100))
    assert any("Bordeaux" in n for n in names)


def test_typo_correction_is_reported(directory_engine: Engine) -> None:
    result = _search(directory_engine, "euratechnology")
    assert result.corrected is not None
    assert _search(directory_engine, "euratech").corrected is None


# A name no other actor has, and a typo of it (one letter changed).
NEW_NAME, NEW_NAME_TYPO = "Zorglubex Ventures", "zorglubax"


def test_typo_correction_knows_the_terms_added_since_the_last_search(
    directory_engine: Engine,
) -> None:
    assert _search(directory_engine, NEW_NAME_TYPO).items == []  # the vocabulary is read
    record = ActorRecord(key="zorglubex", name=NEW_NAME, type=ActorType.STARTUP,
                         source_key=TEST_SOURCE.key, territory_id="fr:commune:59350")  # fmt: skip
    with unit_of_work(directory_engine) as conn:
        source_id, _ = ensure_source(conn, TEST_SOURCE)
        upsert_actor(conn, record, source_id, get_referential())
    result = _search(directory_engine, NEW_NAME_TYPO)
    assert _names(result) == [NEW_NAME]
    assert result.corrected is not None


def test_typo_correction_does_not_count_the_vocabulary(directory_engine: Engine) -> None:
    """The cached vocabulary's freshness is checked without counting every term."""
    with statements(directory_engine) as seen:
        assert _search(directory_engine, "euratechnology").corrected is not None
    on_terms = [s.lower() for s in seen if "search_terms" in s]
    assert on_terms, "the correction did not read the vocabulary"
    assert not [s for s in on_terms if "count(" in s]


def test_exact_names_rank_before_names_that_contain_the_query(directory_engine: Engine) -> None:
    names = _names(_search(directory_engine, "atlantis"))
    assert names.index("Atlantis") < names.index("Neo Atlantis Lab")


def test_territory_filter_tells_homonyms_apart(directory_engine: Engine) -> None:
    nantes = _search(directory_engine, "atlantis", territory_id="fr:commune:44109")
    assert [i["key"] for i in nantes.items] == ["atlantis-nantes"]
    brittany = _search(directory_engine, "atlantis", territory_id="fr:region:53")
    assert [i["key"] for i in brittany.items] == ["atlantis-brest"]


def test_facets_count_matches_and_ignore_their_own_filter(directory_engine: Engine) -> None:
    result = _search(directory_engine, "atlantis", types=("startup",))
    assert result.total == 2
    types = dict(result.facets["type"])
    assert types == {"startup": 2, "school_or_lab": 1}
    assert dict(result.facets["sector"]) == {"ai": 1, "maritime": 1}
    assert dict(result.facets["departement"]) == {"29": 1, "44": 1}


def test_filters_combine(directory_engine: Engine) -> None:
    result = _search(directory_engine, types=("incubator",), regions=("32",))
    assert "Euratechnologies" in _names(result)
    assert all(i["region_code"] == "32" for i in result.items)


def test_pagination_is_stable(directory_engine: Engine) -> None:
    everything = _names(_search(directory_engine, limit=500))
    pages = []
    for offset in range(0, len(everything), 7):
        pages += _names(_search(directory_engine, limit=7, offset=offset))
    assert pages == everything


def test_injection_strings_are_plain_text(directory_engine: Engine) -> None:
    for hostile in ['" OR 1=1 --', "'; DROP TABLE actors;--", "NEAR(a b)", "*", "%_%"]:
        _search(directory_engine, hostile)
    result = _search(directory_engine, "drop table actors")
    assert _names(result) == ["<script>alert('x')</script> Robert'); DROP TABLE actors;--"]


def test_nothing_found_is_an_empty_page(directory_engine: Engine) -> None:
    result = _search(directory_engine, "zzzqqqxxx")
    assert result.total == 0
    assert result.items == []


def test_every_word_must_match(directory_engine: Engine) -> None:
    # "telecom" alone finds Telecom Valley; "lyon" is not in its text.
    assert "Telecom Valley" in _names(_search(directory_engine, "telecom"))
    assert "Telecom Valley" not in _names(_search(directory_engine, "telecom lyon"))

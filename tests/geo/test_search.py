"""find_places: exact names first, tolerant spellings, homonyms by population, codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartotech.errors import InputError
from cartotech.geo import PlaceCandidate, Referential, find_places, search_key

SAINT_ETIENNE = "fr:commune:42218"


def first_id(query: str, **kwargs: object) -> str:
    results = find_places(query, **kwargs)  # type: ignore[arg-type]
    assert results, f"no result for {query!r}"
    return results[0].territory.id


def position(results: list[PlaceCandidate], territory_id: str) -> int:
    return [c.territory.id for c in results].index(territory_id)


@pytest.mark.parametrize(
    "query",
    [
        "st etienne",
        "saint etienne",
        "Saint-Étienne",
        "SAINT ETIENNE",
        "St-Étienne",
        " saint  étienne ",
    ],
)
def test_saint_etienne_spellings(query: str) -> None:
    assert first_id(query) == SAINT_ETIENNE


def test_label_carries_the_departement() -> None:
    best = find_places("st etienne")[0]
    assert best.label == "Saint-Étienne (42, Loire)"
    assert (best.departement_code, best.departement_name) == ("42", "Loire")
    assert best.score == 100


def test_homonyms_by_population_and_labelled() -> None:
    # Four communes are called Saint-Denis: La Réunion's (974) and the 93 one are far larger
    # than those of the Aude and the Gard.
    results = find_places("Saint-Denis", levels=["commune"])
    homonyms = [c for c in results if c.territory.name == "Saint-Denis"]
    assert len(homonyms) == 4
    populations = [c.territory.population or 0 for c in homonyms]
    assert populations == sorted(populations, reverse=True)
    assert position(results, "fr:commune:93066") < position(results, "fr:commune:11339")
    assert position(results, "fr:commune:93066") < position(results, "fr:commune:30247")
    labels = {c.territory.code: c.label for c in homonyms}
    assert labels["93066"] == "Saint-Denis (93, Seine-Saint-Denis)"
    assert labels["11339"] == "Saint-Denis (11, Aude)"
    # Homonyms rank before names that merely start with the query.
    assert all(c.score == 100 for c in results[:4])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("paris 15e", "fr:commune:75115"),
        ("Paris 15ème arrondissement", "fr:commune:75115"),
        ("15e arrondissement de Paris", "fr:commune:75115"),
        ("Paris 15", "fr:commune:75115"),
        ("Marseille 1er", "fr:commune:13201"),
        ("Lyon 3e arrondissement", "fr:commune:69383"),
    ],
)
def test_arrondissements(query: str, expected: str) -> None:
    assert first_id(query) == expected


def test_marseille_is_the_commune_before_its_arrondissements() -> None:
    results = find_places("marseille")
    assert results[0].territory.id == "fr:commune:13055"
    assert any(c.territory.kind == "arrondissement" for c in results[1:])


def test_typo_finds_bordeaux() -> None:
    assert "fr:commune:33063" in [c.territory.id for c in find_places("bordeau")[:3]]
    assert first_id("marseile") == "fr:commune:13055"  # fuzzy fallback
    assert first_id("st etiene") == SAINT_ETIENNE


def test_codes() -> None:
    assert first_id("59000") == "fr:commune:59350"  # postal code
    assert first_id("42218") == SAINT_ETIENNE  # INSEE code
    assert first_id("2A004") == "fr:commune:2A004"
    assert first_id("2a004") == "fr:commune:2A004"
    assert first_id("200093201") == "fr:epci:200093201"  # SIREN
    assert first_id("13") == "fr:departement:13"
    assert first_id("fr:region:93") == "fr:region:93"
    # A postal code of an arrondissement: the arrondissement, then the whole commune.
    assert [c.territory.id for c in find_places("75015")] == [
        "fr:commune:75115",
        "fr:commune:75056",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Rhône", "fr:departement:69"),
        ("Provence-Alpes-Côte d'Azur", "fr:region:93"),
        ("provence alpes cote d azur", "fr:region:93"),
        ("Bretagne", "fr:region:53"),
        ("Métropole Européenne de Lille", "fr:epci:200093201"),
        ("metropole europeenne de lille", "fr:epci:200093201"),
        ("Sophia Antipolis", "group:sophia-antipolis"),
        ("sophia-antipolis", "group:sophia-antipolis"),
        ("Normandy French Tech", "group:normandy-french-tech"),
        ("Le Havre", "fr:commune:76351"),
        ("Havre", "fr:commune:76351"),
        ("les sables d'olonne", "fr:commune:85194"),
        ("Sables-d'Olonne", "fr:commune:85194"),
        ("L'Haÿ-les-Roses", "fr:commune:94038"),
        ("lhay les roses", "fr:commune:94038"),
        ("Ste Maxime", "fr:commune:83115"),
        ("Communauté d'agglomération du Pays Basque", "fr:epci:200067106"),
        ("metropole lille", "fr:epci:200093201"),
    ],
)
def test_names_of_every_level(query: str, expected: str) -> None:
    assert first_id(query) == expected


def test_levels_filter() -> None:
    results = find_places("Paris", levels=["departement"])
    assert [c.territory.id for c in results] == ["fr:departement:75"]
    assert first_id("Bretagne", levels=["commune"]) in {"fr:commune:90019", "fr:commune:36024"}
    assert find_places("Lille", levels="epci")[0].territory.id == "fr:epci:200093201"


def test_unknown_level_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown territory level"):
        find_places("Lille", levels=["city"])


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "--", "'"])
def test_empty_query_gives_no_result(query: str) -> None:
    assert find_places(query) == []


def test_limit() -> None:
    assert len(find_places("saint", limit=3)) == 3
    assert len(find_places("saint")) == 10
    with pytest.raises(InputError, match="limit must be at least 1"):
        find_places("Lille", limit=0)


def test_scores_decrease() -> None:
    for query in ("saint etienne", "bordeau", "lile", "paris"):
        scores = [c.score for c in find_places(query)]
        assert scores == sorted(scores, reverse=True), query


def test_first_result_does_not_depend_on_limit(referential: Referential) -> None:
    for commune in referential.all("commune")[::700]:
        assert (
            referential.find_places(commune.name, limit=1)[0].territory.id
            == referential.find_places(commune.name, limit=10)[0].territory.id
        )


def test_very_long_query_is_cut_not_slow() -> None:
    assert isinstance(find_places("saint " * 10_000), list)


@given(st.text(max_size=40))
def test_search_key_is_idempotent(text: str) -> None:
    key = search_key(text)
    assert search_key(key) == key


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("St Etienne", "saint etienne"),
        ("Marseille 1er Arrondissement", "marseille 1e"),
        ("15ème arrondissement de Paris", "paris 15e"),
        ("Paris 15", "paris 15e"),
        ("CC des 7 Vallées", "cc des 7e vallees"),
    ],
)
def test_search_key(text: str, key: str) -> None:
    assert search_key(text) == key

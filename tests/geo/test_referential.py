"""The referential: counts, hierarchy both ways, groups and outlines."""

from __future__ import annotations

import pytest

from cartotech.errors import InputError, InvalidTerritoryId, NotFound
from cartotech.geo import Referential, Territory

LILLE = "fr:commune:59350"
MEL = "fr:epci:200093201"  # Métropole Européenne de Lille
PARIS = "fr:commune:75056"
PARIS_15 = "fr:commune:75115"
SOPHIA = "group:sophia-antipolis"


def ids(territories: list[Territory]) -> list[str]:
    return [t.id for t in territories]


def test_stats(referential: Referential) -> None:
    stats = referential.stats()
    assert stats["departements"] == 101
    assert stats["regions"] == 18
    assert 34_800 <= stats["communes"] <= 35_000
    assert stats["arrondissements"] == 45
    assert stats["epci"] > 1_200
    assert stats["groups"] >= 9


def test_all_matches_stats(referential: Referential) -> None:
    stats = referential.stats()
    assert len(referential.all("commune", kind="commune")) == stats["communes"]
    assert len(referential.all("commune", kind="arrondissement")) == 45
    assert len(referential.all("commune")) == stats["communes"] + 45
    assert len(referential.all("region")) == 18
    assert {t.kind for t in referential.all("epci")} == {"metropole", "cu", "ca", "cc"}


def test_all_rejects_unknown_level(referential: Referential) -> None:
    with pytest.raises(InputError, match="unknown territory level 'city'"):
        referential.all("city")


def test_get_and_exists(referential: Referential) -> None:
    lille = referential.get(LILLE)
    assert (lille.name, lille.level, lille.kind, lille.code) == (
        "Lille",
        "commune",
        "commune",
        "59350",
    )
    assert "59000" in lille.postal_codes
    assert lille.population is not None
    assert lille.population > 200_000
    assert referential.exists(LILLE)
    assert not referential.exists("fr:commune:99999")
    assert not referential.exists("not an id")


def test_get_unknown_id_raises_not_found_with_the_id(referential: Referential) -> None:
    with pytest.raises(NotFound, match="fr:commune:99999"):
        referential.get("fr:commune:99999")
    with pytest.raises(NotFound, match="fr:departement:975"):  # overseas collectivity, left out
        referential.get("fr:departement:975")


def test_get_malformed_id_raises_invalid(referential: Referential) -> None:
    with pytest.raises(InvalidTerritoryId, match="'Lille'"):
        referential.get("Lille")


def test_chain_of_lille(referential: Referential) -> None:
    assert ids(referential.chain(LILLE)) == [LILLE, MEL, "fr:departement:59", "fr:region:32"]
    assert referential.get(MEL).kind == "metropole"


def test_chain_of_an_arrondissement_goes_through_its_commune(referential: Referential) -> None:
    chain = ids(referential.chain(PARIS_15))
    assert chain == [
        PARIS_15,
        PARIS,
        "fr:epci:200054781",  # Métropole du Grand Paris
        "fr:departement:75",
        "fr:region:11",
    ]
    assert referential.get(PARIS_15).parent_id == PARIS


def test_chain_of_other_levels(referential: Referential) -> None:
    assert ids(referential.chain("fr:departement:13")) == ["fr:departement:13", "fr:region:93"]
    assert ids(referential.chain("fr:region:93")) == ["fr:region:93"]
    assert ids(referential.chain(MEL)) == [MEL, "fr:departement:59", "fr:region:32"]
    assert ids(referential.chain(SOPHIA)) == [SOPHIA]


def test_chain_of_an_island_commune_without_epci(referential: Referential) -> None:
    # Ouessant belongs to no EPCI: the chain skips that level.
    assert ids(referential.chain("fr:commune:29155")) == [
        "fr:commune:29155",
        "fr:departement:29",
        "fr:region:53",
    ]


def test_communes_of_a_departement(referential: Referential) -> None:
    communes = referential.communes_of("fr:departement:2A", arrondissements=False)
    assert len(communes) > 100
    assert {c.departement_code for c in communes} == {"2A"}
    assert "fr:commune:2A004" in ids(communes)  # Ajaccio


def test_communes_of_an_epci(referential: Referential) -> None:
    communes = referential.communes_of(MEL)
    assert LILLE in ids(communes)
    assert len(communes) > 90
    assert {c.epci_code for c in communes} == {"200093201"}
    assert referential.children(MEL) == communes


def test_communes_of_a_group(referential: Referential) -> None:
    communes = ids(referential.communes_of(SOPHIA))
    assert "fr:commune:06152" in communes  # Valbonne
    assert "fr:commune:06004" in communes  # Antibes


def test_nested_groups_are_expanded(referential: Referential) -> None:
    cote = referential.get("group:cote-d-azur")
    assert "fr:commune:06152" in cote.member_ids  # Valbonne, through Sophia Antipolis
    assert "fr:commune:06088" in cote.member_ids  # Nice
    assert SOPHIA in ids(referential.children("group:cote-d-azur"))
    assert cote.kind == "coalition"
    assert referential.get(SOPHIA).kind == "technopole"


def test_communes_of_paris_bring_its_arrondissements(referential: Referential) -> None:
    assert ids(referential.communes_of(PARIS, arrondissements=False)) == [PARIS]
    with_arrondissements = ids(referential.communes_of(PARIS))
    assert with_arrondissements[0] == PARIS
    assert len(with_arrondissements) == 21
    assert PARIS_15 in with_arrondissements
    assert PARIS_15 in ids(referential.communes_of("fr:region:11"))
    assert ids(referential.communes_of(PARIS_15)) == [PARIS_15]


def test_communes_of_every_region_partition_the_communes(referential: Referential) -> None:
    total = sum(
        len(referential.communes_of(r.id, arrondissements=False)) for r in referential.all("region")
    )
    assert total == referential.stats()["communes"]


def test_children(referential: Referential) -> None:
    departements = referential.children("fr:region:93")
    assert {d.code for d in departements} == {"04", "05", "06", "13", "83", "84"}
    arrondissements = referential.children("fr:commune:13055")
    assert len(arrondissements) == 16
    assert all(a.parent_id == "fr:commune:13055" for a in arrondissements)
    assert referential.children(LILLE) == []


def test_children_of_a_departement_are_its_epci_and_loose_communes(
    referential: Referential,
) -> None:
    children = referential.children("fr:departement:29")
    levels = {c.level for c in children}
    assert levels == {"epci", "commune"}
    assert "fr:epci:242900314" in ids(children)  # Brest Métropole
    loose = [c for c in children if c.level == "commune"]
    assert {c.code for c in loose} == {"29083", "29155"}  # Île-de-Sein, Ouessant


def test_every_commune_is_reachable_from_its_departement(referential: Referential) -> None:
    for departement in referential.all("departement"):
        reached = set()
        for child in referential.children(departement.id):
            members = [child] if child.level == "commune" else referential.children(child.id)
            reached |= {c.id for c in members if c.departement_code == departement.code}
        expected = {c.id for c in referential.communes_of(departement.id, arrondissements=False)}
        assert reached == expected, departement.id


def test_display_names(referential: Referential) -> None:
    assert referential.iter_display_names(LILLE) == [
        "Lille",
        "Métropole Européenne de Lille",
        "Nord",
        "Hauts-de-France",
    ]
    # Paris the commune and Paris the département are named once.
    assert referential.iter_display_names(PARIS_15) == [
        "Paris 15e Arrondissement",
        "Paris",
        "Métropole du Grand Paris",
        "Île-de-France",
    ]


def test_epci_and_group_placement(referential: Referential) -> None:
    aix_marseille = referential.get("fr:epci:200054807")
    assert aix_marseille.departement_code == "13"
    assert aix_marseille.region_code == "93"
    assert referential.get("fr:epci:200046977").kind == "metropole"  # Métropole de Lyon (MET69)
    sophia = referential.get(SOPHIA)
    assert sophia.departement_code == "06"
    assert sophia.population is not None
    assert sophia.population > 100_000
    assert sophia.lat is not None
    assert 43.5 < sophia.lat < 43.7
    one_lyon = referential.get("group:one-lyon-saint-etienne")
    assert one_lyon.departement_code is None  # Lyon (69) and Saint-Étienne (42)
    assert one_lyon.region_code == "84"


def test_populations_add_up(referential: Referential) -> None:
    region = referential.get("fr:region:11")
    departements = referential.children(region.id)
    assert sum(d.population or 0 for d in departements) == region.population
    paris = referential.get(PARIS)
    arrondissements = referential.children(PARIS)
    assert abs(sum(a.population or 0 for a in arrondissements) - (paris.population or 0)) < 1_000


def test_outlines(referential: Referential) -> None:
    regions = referential.outlines("region")
    assert regions["type"] == "FeatureCollection"
    assert {f["id"] for f in regions["features"]} == {r.id for r in referential.all("region")}
    departements = referential.outlines("departement")
    assert len(departements["features"]) == 101
    epci = referential.outlines("epci")
    assert {f["id"] for f in epci["features"]} == {e.id for e in referential.all("epci")}
    geometry = referential.outline("fr:departement:13")
    assert geometry is not None
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    assert referential.outline(LILLE) is None
    assert referential.outline(SOPHIA) is None


def test_outlines_reject_other_levels(referential: Referential) -> None:
    with pytest.raises(InputError, match="no outlines for level 'commune'"):
        referential.outlines("commune")

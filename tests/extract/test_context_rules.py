"""Context rules of the extractor, each on a sentence written for these tests
(invented names), run through the real models: sentence repair, quoted names,
lists, appositions, names that carry a city, inverse cues."""

from __future__ import annotations

from typing import Any

import pytest

from cartotech.extract.entities import city_in_name
from cartotech.extract.places import place_gazetteer
from tests.extract.support import orgs_by_name, relation_triples


def test_a_sentence_is_not_cut_inside_a_bracketed_list(extractor: Any) -> None:
    nlp = extractor.pipelines["fr"]
    doc = nlp("Elle ira aux salons (Web Summit de Lisbonne, Data Innovation Forum à Berlin).")
    assert len(list(doc.sents)) == 1


def test_quoted_names_keep_their_lower_case_words(extractor: Any) -> None:
    text = 'Brest a organisé le « Brest Code Days » et le site "Atelier du code" en juin.'
    names = set(orgs_by_name(extractor.extract(text, "fr")))
    assert {"Brest Code Days", "Atelier du code"} <= names


def test_a_long_quotation_is_not_a_name(extractor: Any) -> None:
    text = "« Nous allons ouvrir deux nouveaux bureaux cette année », annonce Odile Ferrant."
    assert not extractor.extract(text, "fr").organizations


def test_bracketed_lists_after_a_plural_trigger(extractor: Any) -> None:
    text = (
        "La ville compte plusieurs lieux d'accueil (accélérateur Q, Plexagone, Vireo Factory) "
        "et quelques autres (Brasseroc, Quillory)."
    )
    orgs = orgs_by_name(extractor.extract(text, "fr"))
    assert orgs["Q"].type == "accelerator"  # its own trigger noun wins over the list's
    assert orgs["Plexagone"].type == "incubator"
    assert orgs["Brasseroc"].type == "incubator"  # second list, same opener


def test_untyped_names_of_a_list_take_the_list_type(extractor: Any) -> None:
    text = (
        "The team will travel abroad (ZRX in Berlin, Data Innovation Forum in Lisbon, "
        "Code Fest in Oslo, and more)."
    )
    orgs = orgs_by_name(extractor.extract(text, "en"))
    assert orgs["ZRX"].type == "event"
    assert orgs["Data Innovation Forum"].city == "Lisbon"


def test_apposition_after_a_placed_trigger(extractor: Any) -> None:
    text = "Let me introduce a start-up/SME from Nantes, Vorpalix. It sells software."
    extraction = extractor.extract(text, "en")
    orgs = orgs_by_name(extraction)
    assert orgs["Vorpalix"].type == "startup"  # "start-up/SME": the first noun
    assert ("Vorpalix", "located_in", "Nantes") in relation_triples(extraction)


def test_apposition_skips_complements_of_the_head_noun(extractor: Any) -> None:
    text = "La Bretagne a créé un accélérateur de start-up du numérique, la Fabrique Zorva."
    orgs = orgs_by_name(extractor.extract(text, "fr"))
    assert orgs["Fabrique Zorva"].type == "accelerator"


@pytest.mark.parametrize(
    ("name", "city"),
    [
        ("Hub in Nantes", "Nantes"),
        ("communauté urbaine de Brest", "Brest"),
        ("Rennes Numérique", "Rennes"),
        ("France Robotique", None),  # a country is not a city
        ("Bretagne Startups", None),  # nor a région
    ],
)
def test_city_in_name(name: str, city: str | None) -> None:
    assert city_in_name(name, place_gazetteer()) == city


def test_a_city_in_the_name_gives_located_in(extractor: Any) -> None:
    text = "In that field, we have Rennes Numérique, which supports young companies."
    assert ("Rennes Numérique", "located_in", "Rennes") in relation_triples(
        extractor.extract(text, "en")
    )


def test_inverse_member_of_cues(extractor: Any) -> None:
    text = "La coalition French Tech Armor regroupe Brest, Lannion et Saint-Brieuc."
    triples = relation_triples(extractor.extract(text, "fr"))
    for city in ("Brest", "Lannion", "Saint-Brieuc"):
        assert (city, "member_of", "French Tech Armor") in triples


def test_role_of_a_body_named_by_its_noun(extractor: Any) -> None:
    text = "Selon Odile Ferrant, présidente du conseil départemental, le budget augmente."
    extraction = extractor.extract(text, "fr")
    (person,) = extraction.people
    assert person.organization == "conseil départemental"
    assert ("conseil départemental", "led_by", "Odile Ferrant") in relation_triples(extraction)


def test_a_lone_trigger_noun_is_not_an_organisation(extractor: Any) -> None:
    text = "La région a voté un budget pour l'incubateur."
    assert not extractor.extract(text, "fr").organizations


def test_sentence_initial_participle_is_not_part_of_the_name(extractor: Any) -> None:
    text = "Le jury a siégé.\nLabellisée French Tech Tremplin, la ville de Brest se réjouit."
    names = set(orgs_by_name(extractor.extract(text, "fr")))
    assert "French Tech Tremplin" in names
    assert not any(name.startswith("Labellisée") for name in names)


def test_attribution_frame_names_the_previous_speaker(extractor: Any) -> None:
    text = (
        "« Nous ouvrons un bureau à Lyon », annonce Odile Ferrant. "
        "Pour la fondatrice de NautiLoop, l'enjeu est international."
    )
    assert ("NautiLoop", "founded_by", "Odile Ferrant") in relation_triples(
        extractor.extract(text, "fr")
    )


def test_a_role_without_attribution_frame_names_nobody(extractor: Any) -> None:
    text = (
        "« Nous ouvrons un bureau », annonce Odile Ferrant. La fondatrice de NautiLoop est absente."
    )
    assert not any(r.predicate == "founded_by" for r in extractor.extract(text, "fr").relations)


def test_born_in_places_a_company(extractor: Any) -> None:
    text = "First of all, there is Vorpalix Systems, born in the North of France, a cloud host."
    assert ("Vorpalix Systems", "located_in", "North of France") in relation_triples(
        extractor.extract(text, "en")
    )


def test_the_press_names_of_a_label_fold_into_the_label(extractor: Any) -> None:
    text = (
        "Since receiving the metropolis label in 2015, Brest has grown. "
        "It now holds the French Tech Capital Label."
    )
    orgs = orgs_by_name(extractor.extract(text, "en"))
    assert orgs["Métropole French Tech"].type == "label_program"
    assert "metropolis label" in orgs["Métropole French Tech"].aliases
    assert "French Tech Capital Label" in orgs["Capitale French Tech"].aliases


def test_directory_aliases_fold_into_one_organisation() -> None:
    from cartotech.extract.gazetteer import GazetteerEntry
    from cartotech.extract.pipeline import Extractor

    directory = [GazetteerEntry("Zorblex Robotics", ("ZR Bots", "Zorblex"), "startup")]
    extractor = Extractor.load(directory=directory, languages=("en",))
    text = "Zorblex Robotics opened in Brest. Later, ZR Bots hired ten engineers."
    extraction = extractor.extract(text, "en")
    (org,) = extraction.organizations
    assert org.name == "Zorblex Robotics"
    assert "ZR Bots" in org.aliases
    assert len(org.spans) == 2


def test_a_directory_name_the_article_does_not_write_is_an_alias() -> None:
    from cartotech.extract.gazetteer import GazetteerEntry
    from cartotech.extract.pipeline import Extractor

    directory = [GazetteerEntry("Zorblex Robotics SAS", ("ZR Bots",), "startup")]
    extractor = Extractor.load(directory=directory, languages=("en",))
    (org,) = extractor.extract("Last year ZR Bots hired ten engineers.", "en").organizations
    assert org.name == "ZR Bots"
    assert "Zorblex Robotics SAS" in org.aliases


def test_a_labelled_french_tech_structure_is_one_organisation_holding_the_label(
    extractor: Any,
) -> None:
    text = (
        "Odile Ferrant, présidente de la Capitale French Tech Brest Bretagne Ouest, se réjouit. "
        "La Brest French Tech Bretagne Ouest fédère 300 start-up."
    )
    extraction = extractor.extract(text, "fr")
    structures = [o for o in extraction.organizations if "Brest" in o.name]
    assert len(structures) == 1
    (structure,) = structures
    assert structure.name == "Brest French Tech Bretagne Ouest"
    assert (structure.name, "awarded", "Capitale French Tech") in relation_triples(extraction)
    assert extraction.people[0].organization == structure.name


@pytest.mark.parametrize(
    ("text", "lang", "city"),
    [
        ("Le 3 mai, la jeune pousse rennaise Zorblex a levé 2 M€.", "fr", "Rennes"),
        ("Zorblex, une start-up nantaise, recrute dix personnes.", "fr", "Nantes"),
        ("La start-up Zorblex, basée à Grenoble, recrute dix personnes.", "fr", "Grenoble"),
        ("Zorblex, une jeune entreprise installée à Dijon, recrute.", "fr", "Dijon"),
        ("Zorblex, a Toulouse-based startup, hired ten people.", "en", "Toulouse"),
        ("Zorblex, a startup based in Bordeaux, hired ten people.", "en", "Bordeaux"),
    ],
)
def test_a_demonym_or_a_placed_apposition_gives_the_city(
    extractor: Any, text: str, lang: str, city: str
) -> None:
    extraction = extractor.extract(text, lang)
    zorblex = orgs_by_name(extraction)["Zorblex"]
    assert zorblex.type == "startup"
    assert zorblex.city == city
    assert ("Zorblex", "located_in", city) in relation_triples(extraction)


def test_a_passive_cue_types_its_agent(extractor: Any) -> None:
    extraction = extractor.extract("Zorblex est incubée chez Plexagone depuis 2023.", "fr")
    assert orgs_by_name(extraction)["Plexagone"].type == "incubator"
    assert ("Zorblex", "incubated_by", "Plexagone") in relation_triples(extraction)
    extraction = extractor.extract("La start-up Zorblex, accélérée par Plexagone, recrute.", "fr")
    assert orgs_by_name(extraction)["Plexagone"].type == "accelerator"
    assert ("Zorblex", "accelerated_by", "Plexagone") in relation_triples(extraction)


def test_coordinated_roles_share_the_organisation(extractor: Any) -> None:
    text = "« Nous recrutons », explique Odile Ferrant, cofondatrice et présidente de Zorblex."
    extraction = extractor.extract(text, "fr")
    (person,) = extraction.people
    assert person.organization == "Zorblex"
    assert person.role == "cofondatrice et présidente de Zorblex"
    triples = relation_triples(extraction)
    assert {
        ("Zorblex", "founded_by", "Odile Ferrant"),
        ("Zorblex", "led_by", "Odile Ferrant"),
    } <= triples


def test_a_role_complement_reaches_the_organisation_without_making_a_leader(
    extractor: Any,
) -> None:
    text = "Nadia Ferrant, head of startup programmes at Euratechnologies, opened the day."
    extraction = extractor.extract(text, "en")
    (person,) = extraction.people
    assert person.name == "Nadia Ferrant"
    assert person.organization == "Euratechnologies"
    assert "Nadia Ferrant" not in orgs_by_name(extraction)
    assert not any(r.object == "Nadia Ferrant" for r in extraction.relations)


def test_a_trigger_inside_a_relative_clause_does_not_type_the_name(extractor: Any) -> None:
    clause = "Le 3 mai, PlexaGone, qui accompagne une start-up par mois, ouvre ses portes."
    apposition = "Le 3 mai, PlexaGone, une start-up lyonnaise, ouvre ses portes."
    assert orgs_by_name(extractor.extract(clause, "fr"))["PlexaGone"].evidence != "trigger"
    assert orgs_by_name(extractor.extract(apposition, "fr"))["PlexaGone"].evidence == "trigger"


def test_a_name_the_article_has_used_is_found_again_where_the_model_misses_it(
    extractor: Any,
) -> None:
    text = (
        "Le 14 mars, la jeune pousse marseillaise Trimova a bouclé un tour de table. "
        "Trimova est installée à Marseille. « Cet argent doit nous aider », "
        "explique Odile Ferrant, cofondatrice et présidente de Trimova."
    )
    extraction = extractor.extract(text, "fr")
    trimova = orgs_by_name(extraction)["Trimova"]
    assert len(trimova.spans) == 3
    assert extraction.people[0].organization == "Trimova"


@pytest.mark.parametrize(
    ("text", "lang", "triple"),
    [
        (
            "Bpifrance finance la start-up Zorblex depuis 2021.",
            "fr",
            ("Zorblex", "funded_by", "Bpifrance"),
        ),
        (
            "La start-up Zorblex, financée par Bpifrance, recrute.",
            "fr",
            ("Zorblex", "funded_by", "Bpifrance"),
        ),
        # The masculine participle folds to the present tense ("financé", "finance").
        (
            "Le fabricant Zorblex est financé par Bpifrance.",
            "fr",
            ("Zorblex", "funded_by", "Bpifrance"),
        ),
        (
            "L'accélérateur Plexagone accompagne la start-up Zorblex depuis mai.",
            "fr",
            ("Zorblex", "accelerated_by", "Plexagone"),
        ),
    ],
)
def test_active_and_passive_voices_give_the_same_relation(
    extractor: Any, text: str, lang: str, triple: tuple[str, str, str]
) -> None:
    triples = relation_triples(extractor.extract(text, lang))
    assert triple in triples
    reverse = (triple[2], triple[1], triple[0])
    assert reverse not in triples


def test_a_place_after_a_locative_is_not_a_member(extractor: Any) -> None:
    text = "Le pôle Plexagone fédère une centaine d'entreprises du numérique en Bretagne."
    triples = relation_triples(extractor.extract(text, "fr"))
    assert not any(predicate == "member_of" for _, predicate, _ in triples)


def test_a_verb_after_the_comma_is_not_an_apposition(extractor: Any) -> None:
    text = "Son accélérateur, la Plexagone, accompagnera six start-up pendant neuf mois."
    assert orgs_by_name(extractor.extract(text, "fr"))["Plexagone"].type == "accelerator"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Le salon Zorbex Summit, organisé par la Région Occitanie, ouvre demain.", "fr"),
        ("The Zorbex Summit, organised by the Région Occitanie, opens tomorrow.", "en"),
    ],
)
def test_a_passive_organiser_comes_after_its_event(extractor: Any, text: str, lang: str) -> None:
    triples = relation_triples(extractor.extract(text, lang))
    assert ("Région Occitanie", "organizes", "Zorbex Summit") in triples


def test_national_programmes_are_labels(extractor: Any) -> None:
    text = "Zorblex a obtenu une Bourse French Tech et rejoint le programme French Tech 2030."
    orgs = orgs_by_name(extractor.extract(text, "fr"))
    assert orgs["Bourse French Tech"].type == "label_program"
    assert orgs["French Tech 2030"].type == "label_program"


def test_a_possessive_role_points_to_the_organisation_named_before(extractor: Any) -> None:
    text = (
        "Parmi les candidats figure Trimova, une entreprise de Mérignac. "
        "Son fondateur, Paul Esteban, a recruté quatre développeurs."
    )
    extraction = extractor.extract(text, "fr")
    (person,) = extraction.people
    assert person.role == "fondateur"  # the comma after the role is not part of it
    assert person.organization == "Trimova"
    assert ("Trimova", "founded_by", "Paul Esteban") in relation_triples(extraction)
    assert orgs_by_name(extraction)["Trimova"].city == "Mérignac"


def test_a_name_after_a_role_and_a_comma_is_a_person(extractor: Any) -> None:
    text = "The team moved to Lyon last year. Its CEO, Nadia Ferrant, hired ten people."
    extraction = extractor.extract(text, "en")
    assert [p.name for p in extraction.people] == ["Nadia Ferrant"]
    assert "Nadia Ferrant" not in orgs_by_name(extraction)


def test_sentences_are_looked_up_from_the_index_and_the_index_is_released(
    extractor: Any,
) -> None:
    nlp = extractor.pipelines["fr"]
    text = "Zorblex recrute. La start-up Trimova, installée à Nantes, lève 2 M€. Fin."
    doc = nlp.make_doc(text)
    for name, component in nlp.pipeline:
        if name == "cartotech_release":
            break
        doc = component(doc)
    assert "sent" in doc.user_span_hooks
    walked_sentences = [(s.start, s.end) for s in doc.sents]
    for token in doc:
        sentence = token.sent
        assert (sentence.start, sentence.end) in walked_sentences
        assert sentence.start <= token.i < sentence.end
    assert "sent" not in nlp.get_pipe("cartotech_release")(doc).user_span_hooks


def test_blank_lines_start_sentences_and_lower_case_words_do_not(extractor: Any) -> None:
    nlp = extractor.pipelines["fr"]
    doc = nlp("Zorblex lève 2 M€\n\nLe 14 mars, M. Dupont a signé. « C'est fait. » dit-il.\n\nFin")
    assert [s.text.strip() for s in doc.sents] == [
        "Zorblex lève 2 M€",
        "Le 14 mars, M. Dupont a signé.",
        "« C'est fait. » dit-il.",
        "Fin",
    ]


def test_a_hard_wrapped_paragraph_stays_one_sentence(extractor: Any) -> None:
    text = (
        "La start-up Zorblex a levé 2 M€\nauprès de Bpifrance et de la Région Sud\nen mars dernier."
    )
    extraction = extractor.extract(text, "fr")
    assert len(list(extractor.pipelines["fr"](text).sents)) == 1
    assert ("Zorblex", "funded_by", "Bpifrance") in relation_triples(extraction)


@pytest.mark.parametrize(
    ("text", "lang", "name"),
    [
        (
            "Le marché bouge. Dassault Systèmes, leader européen du logiciel, recrute.",
            "fr",
            "Dassault Systèmes",
        ),
        ("Capgemini Invent, membre du jury, a voté pour Zorblex.", "fr", "Capgemini Invent"),
    ],
)
def test_a_role_an_organisation_can_hold_does_not_make_a_person(
    extractor: Any, text: str, lang: str, name: str
) -> None:
    extraction = extractor.extract(text, lang)
    assert name in orgs_by_name(extraction)
    assert not extraction.people


def test_a_neighbour_s_demonym_does_not_place_the_name(extractor: Any) -> None:
    extraction = extractor.extract("Zorblex, racheté par le nantais Kelvora, grandit.", "fr")
    assert orgs_by_name(extraction)["Zorblex"].city is None
    assert ("Zorblex", "located_in", "Nantes") not in relation_triples(extraction)


def test_only_a_known_place_makes_x_based_a_place(extractor: Any) -> None:
    extraction = extractor.extract("Its Blockchain-based ledger was launched in May.", "en")
    assert not extraction.organizations
    assert not extraction.places


def test_a_fund_named_as_a_noun_is_no_funding_verb(extractor: Any) -> None:
    text = "Zorblex raised 2 million euros from the Elaia fund, alongside Kelvora Capital."
    triples = relation_triples(extractor.extract(text, "en"))
    assert ("Kelvora Capital", "funded_by", "Elaia") not in triples
    french = relation_triples(
        extractor.extract("La finance verte attire Bpifrance et la start-up Zorblex.", "fr")
    )
    assert ("Zorblex", "funded_by", "Bpifrance") not in french

"""resolve_mentions: sure links, proposed merges and proposed new actors.

The directory below is small and named: each actor is there for one reason,
said on its line. Scores are asserted as "at least" or "below" a threshold,
never as frozen values, except where a method's base score is the point.
"""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cartotech.resolve
import cartotech.resolve.linking
from cartotech.extract.records import OrgMention
from cartotech.resolve import (
    LINK_THRESHOLD,
    REVIEW_THRESHOLD,
    ActorCandidate,
    ActorIndex,
    LinkStatus,
    MentionLink,
    resolve_mentions,
)

# Written with a capital T; the press writes "Euratechnologies".
EURATECH = ActorCandidate(
    1, "euratechnologies", "EuraTechnologies", ("Euratech",), "incubator", "Lille"
)
# The exact-name case, in Paris.
STATION_F = ActorCandidate(2, "station-f", "Station F", (), "incubator", "Paris")
# Articles say "la French Tech Toulouse".
FRENCH_TECH_TOULOUSE = ActorCandidate(
    3, "french-tech-toulouse", "French Tech Toulouse", (), "association", "Toulouse"
)
# One word in the directory, two in the press ("BPI France").
BPIFRANCE = ActorCandidate(4, "bpifrance", "Bpifrance", (), "investor", "Paris")
# Spelt out in the directory; the press writes "la CCI de Lyon".
ACRONYM_ONLY_CCI_LYON = ActorCandidate(
    5, "cci-lyon", "Chambre de commerce et d'industrie de Lyon", (), "public_body", "Lyon"
)
# Two startups with one name: only the city tells them apart.
HOMONYM_STARTUP_LYON = ActorCandidate(6, "cobalt-lyon", "Cobalt", (), "startup", "Lyon")
HOMONYM_STARTUP_NANTES = ActorCandidate(7, "cobalt-nantes", "Cobalt", (), "startup", "Nantes")
# A one-letter name (the Le Monde magazine): only an exact "M" may link to it.
SHORT_NAME_MEDIA = ActorCandidate(8, "m-le-mag", "M", (), "media", None)
# A three-letter name with a long alias.
SHORT_NAME_EVENT = ActorCandidate(
    9, "ces", "CES", ("Consumer Electronics Show",), "event", "Las Vegas"
)
# Typos of a two-word name, with a city to corroborate.
MARSEILLE_INNOVATION = ActorCandidate(
    10, "marseille-innovation", "Marseille Innovation", (), "incubator", "Marseille"
)
# One word in the directory, "The Camp" in English articles.
THECAMP = ActorCandidate(11, "thecamp", "thecamp", (), "incubator", "Aix-en-Provence")
# A legal form in the directory name that the press leaves out.
LEGAL_FORM_ACCELERATOR = ActorCandidate(
    12, "wesprint", "WeSprint SAS", (), "accelerator", "Marseille"
)
# Known under an alias.
ALIAS_ONLY_HOST = ActorCandidate(13, "ovhcloud", "OVHcloud", ("OVH",), "company", "Roubaix")
# A short name that an alias of a Bpifrance mention also spells.
SHORT_NAME_NAMESAKE = ActorCandidate(14, "bpi-group", "BPI", (), "company", "Paris")
# Word order differs from the press ("Lyon French Tech").
WORD_ORDER_ASSOCIATION = ActorCandidate(
    15, "french-tech-lyon", "French Tech Lyon", (), "association", "Lyon"
)
# One name, one city, two types: only the type tells them apart.
HOMONYM_INCUBATOR_VILLAGE = ActorCandidate(
    16, "village-incubator", "Le Village", (), "incubator", "Paris"
)
HOMONYM_EVENT_VILLAGE = ActorCandidate(17, "village-event", "Le Village", (), "event", "Paris")

DIRECTORY = [
    EURATECH,
    STATION_F,
    FRENCH_TECH_TOULOUSE,
    BPIFRANCE,
    ACRONYM_ONLY_CCI_LYON,
    HOMONYM_STARTUP_LYON,
    HOMONYM_STARTUP_NANTES,
    SHORT_NAME_MEDIA,
    SHORT_NAME_EVENT,
    MARSEILLE_INNOVATION,
    THECAMP,
    LEGAL_FORM_ACCELERATOR,
    ALIAS_ONLY_HOST,
    SHORT_NAME_NAMESAKE,
    WORD_ORDER_ASSOCIATION,
    HOMONYM_INCUBATOR_VILLAGE,
    HOMONYM_EVENT_VILLAGE,
]


@pytest.fixture(scope="module")
def index() -> ActorIndex:
    return ActorIndex(DIRECTORY)


def mention(
    name: str, *aliases: str, type_: str | None = None, city: str | None = None
) -> OrgMention:
    return OrgMention(name, aliases, type_, city, ((0, max(1, len(name))),))


def resolve_one(index: ActorIndex, org: OrgMention, **thresholds: float) -> MentionLink:
    [link] = resolve_mentions([org], index, **thresholds)
    assert link.mention is org
    return link


def assert_linked(link: MentionLink, actor: ActorCandidate, method: str) -> None:
    assert (link.status, link.actor_id, link.method) == (LinkStatus.LINKED, actor.actor_id, method)
    assert LINK_THRESHOLD <= link.score <= 1.0


def assert_review_merge(link: MentionLink, actor: ActorCandidate, method: str) -> None:
    assert (link.status, link.actor_id, link.method) == (
        LinkStatus.REVIEW_MERGE,
        actor.actor_id,
        method,
    )


def assert_review_new(link: MentionLink) -> None:
    assert (link.status, link.actor_id, link.method) == (LinkStatus.REVIEW_NEW, None, "none")
    assert link.score < REVIEW_THRESHOLD


# -- names: exact, alias, folded -------------------------------------------------------


def test_exact_name_links_with_full_score(index: ActorIndex) -> None:
    link = resolve_one(index, mention("Station F"))
    assert_linked(link, STATION_F, "exact")
    assert link.score == 1.0


def test_directory_alias_links(index: ActorIndex) -> None:
    assert_linked(resolve_one(index, mention("OVH")), ALIAS_ONLY_HOST, "alias")


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("Euratechnologies", EURATECH),
        ("EURATECHNOLOGIES", EURATECH),
        ("la French Tech Toulouse", FRENCH_TECH_TOULOUSE),
        ("La French-Tech Toulouse", FRENCH_TECH_TOULOUSE),
        ("BPI France", BPIFRANCE),
        ("Bpi France", BPIFRANCE),
        ("The Camp", THECAMP),
        ("WeSprint", LEGAL_FORM_ACCELERATOR),
        ("Marseille Innovation SARL", MARSEILLE_INNOVATION),
        ("Station-F", STATION_F),
    ],
)
def test_folded_spellings_link(index: ActorIndex, name: str, actor: ActorCandidate) -> None:
    assert_linked(resolve_one(index, mention(name)), actor, "folded")


def test_decomposed_accents_and_odd_spaces_are_the_exact_name() -> None:
    school = ActorCandidate(30, "epitech", "Épitech Montpellier", (), "school_or_lab")
    decomposed = "E\u0301pitech \n Montpellier"
    assert_linked(resolve_one(ActorIndex([school]), mention(decomposed)), school, "exact")


def test_an_alias_of_the_mention_is_tried(index: ActorIndex) -> None:
    """The name is unknown, but the article also says "Euratech"."""
    link = resolve_one(index, mention("Euratechnologies Lille Métropole", "Euratech"))
    assert_linked(link, EURATECH, "alias")


def test_the_mention_name_wins_over_a_short_alias_naming_another_actor(
    index: ActorIndex,
) -> None:
    """ "BPI" is also the name of another company; the fuller "Bpifrance" decides."""
    link = resolve_one(index, mention("Bpifrance", "BPI"))
    assert_linked(link, BPIFRANCE, "exact")


def test_a_blank_name_falls_back_on_the_aliases(index: ActorIndex) -> None:
    assert_linked(resolve_one(index, mention("", "", "  ", "Station F")), STATION_F, "exact")


# -- context ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("city", "actor"),
    [
        ("Nantes", HOMONYM_STARTUP_NANTES),
        ("Lyon", HOMONYM_STARTUP_LYON),
        ("LYON", HOMONYM_STARTUP_LYON),
    ],
)
def test_homonyms_are_told_apart_by_city(
    index: ActorIndex, city: str, actor: ActorCandidate
) -> None:
    assert_linked(resolve_one(index, mention("Cobalt", city=city)), actor, "exact")


@pytest.mark.parametrize("city", [None, "Bordeaux"])
def test_homonyms_the_city_cannot_separate_go_to_review(
    index: ActorIndex, city: str | None
) -> None:
    link = resolve_one(index, mention("Cobalt", type_="startup", city=city))
    assert link.status is LinkStatus.REVIEW_MERGE
    assert link.actor_id in {HOMONYM_STARTUP_LYON.actor_id, HOMONYM_STARTUP_NANTES.actor_id}
    assert link.method == "exact"


def test_homonyms_are_told_apart_by_type(index: ActorIndex) -> None:
    link = resolve_one(index, mention("le Village", type_="incubator", city="Paris"))
    assert_linked(link, HOMONYM_INCUBATOR_VILLAGE, "folded")
    link = resolve_one(index, mention("Le Village", type_="event"))
    assert_linked(link, HOMONYM_EVENT_VILLAGE, "exact")


def test_compatible_types_count_as_agreeing(index: ActorIndex) -> None:
    """The extractor may call an accelerator an incubator: same family, so the
    type outweighs a wrong city; a media type does not."""
    link = resolve_one(index, mention("Wesprint", type_="incubator", city="Paris"))
    assert_linked(link, LEGAL_FORM_ACCELERATOR, "folded")
    link = resolve_one(index, mention("Wesprint", type_="media", city="Paris"))
    assert_review_merge(link, LEGAL_FORM_ACCELERATOR, "folded")


def test_folded_and_exact_spellings_of_two_actors_do_not_link_silently() -> None:
    """Two directory entries share the folded name: the exact one must not win by casing."""
    duplicate = ActorCandidate(
        40, "euratechnologies-2", "Euratechnologies", (), "incubator", "Lille"
    )
    directory = ActorIndex([EURATECH, duplicate])
    link = resolve_one(directory, mention("Euratechnologies", city="Lille"))
    assert link.status is LinkStatus.REVIEW_MERGE
    assert link.actor_id in {EURATECH.actor_id, duplicate.actor_id}


def test_context_raises_a_fuzzy_word_order_match_to_a_link(index: ActorIndex) -> None:
    alone = resolve_one(index, mention("Lyon French Tech"))
    assert_review_merge(alone, WORD_ORDER_ASSOCIATION, "fuzzy")
    placed = resolve_one(index, mention("Lyon French Tech", type_="association", city="Lyon"))
    assert_linked(placed, WORD_ORDER_ASSOCIATION, "fuzzy+city")
    assert placed.score > alone.score


def test_contradicting_context_sends_a_folded_match_to_review(index: ActorIndex) -> None:
    link = resolve_one(index, mention("Euratechnologies", type_="media", city="Paris"))
    assert_review_merge(link, EURATECH, "folded")
    assert REVIEW_THRESHOLD <= link.score < LINK_THRESHOLD


def test_contradicting_context_does_not_undo_an_exact_name(index: ActorIndex) -> None:
    link = resolve_one(index, mention("Station F", type_="media", city="Lyon"))
    assert_linked(link, STATION_F, "exact")
    assert link.score < 1.0


# -- acronyms --------------------------------------------------------------------------

# Spelt out in the directory, written as acronyms by the press.
ACRONYM_ONLY_CCI = ActorCandidate(
    50, "cci", "Chambre de commerce et d'industrie", (), "public_body", None
)
ACRONYM_ONLY_BPI = ActorCandidate(
    51, "bpi", "Banque publique d'investissement", (), "investor", "Paris"
)
# Written as an acronym in the directory, spelt out by the press.
ACRONYM_IN_DIRECTORY = ActorCandidate(
    52, "cci-nca", "CCI Nice Côte d'Azur", (), "public_body", "Nice"
)


@pytest.fixture(scope="module")
def acronyms() -> ActorIndex:
    return ActorIndex(
        [ACRONYM_ONLY_CCI, ACRONYM_ONLY_BPI, ACRONYM_IN_DIRECTORY, ACRONYM_ONLY_CCI_LYON]
    )


@pytest.mark.parametrize(
    ("name", "actor"),
    [("CCI", ACRONYM_ONLY_CCI), ("BPI", ACRONYM_ONLY_BPI), ("C.C.I.", ACRONYM_ONLY_CCI)],
)
def test_a_short_acronym_is_proposed_never_linked(
    acronyms: ActorIndex, name: str, actor: ActorCandidate
) -> None:
    link = resolve_one(acronyms, mention(name, city=actor.city, type_=actor.type))
    assert_review_merge(link, actor, "acronym")


def test_a_short_acronym_stays_in_review_above_the_link_threshold(acronyms: ActorIndex) -> None:
    """City and type agree, the score clears the threshold: still three letters."""
    link = resolve_one(acronyms, mention("BPI", city="Paris", type_="investor"))
    assert_review_merge(link, ACRONYM_ONLY_BPI, "acronym")
    assert link.score >= LINK_THRESHOLD


def test_an_acronym_with_a_place_links_when_the_city_agrees(acronyms: ActorIndex) -> None:
    placed = resolve_one(acronyms, mention("la CCI de Lyon", city="Lyon"))
    assert_linked(placed, ACRONYM_ONLY_CCI_LYON, "acronym")
    unplaced = resolve_one(acronyms, mention("la CCI de Lyon"))
    assert_review_merge(unplaced, ACRONYM_ONLY_CCI_LYON, "acronym")


def test_a_spelt_out_name_finds_the_acronym_of_the_directory(acronyms: ActorIndex) -> None:
    spelt = "Chambre de commerce et d'industrie Nice Côte d'Azur"
    assert_review_merge(resolve_one(acronyms, mention(spelt)), ACRONYM_IN_DIRECTORY, "acronym")
    placed = resolve_one(acronyms, mention(spelt, city="Nice"))
    assert_linked(placed, ACRONYM_IN_DIRECTORY, "acronym")


def test_lower_case_words_are_not_read_as_acronyms(acronyms: ActorIndex) -> None:
    """ "Bpi" could be a brand: only capitals make an acronym."""
    assert_review_new(resolve_one(acronyms, mention("Bpi")))


# -- fuzzy -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("Euratechnologie", EURATECH),
        ("Euratechnolgies", EURATECH),
        ("Statoin F", STATION_F),
        ("French Tech Toulouze", FRENCH_TECH_TOULOUSE),
        ("Marseile Innovation", MARSEILLE_INNOVATION),
    ],
)
def test_typos_are_proposed_not_linked(index: ActorIndex, name: str, actor: ActorCandidate) -> None:
    link = resolve_one(index, mention(name))
    assert_review_merge(link, actor, "fuzzy")
    assert REVIEW_THRESHOLD <= link.score < LINK_THRESHOLD


def test_a_typo_stays_in_review_even_with_agreeing_context(index: ActorIndex) -> None:
    link = resolve_one(index, mention("Marseile Innovation", type_="incubator", city="Marseille"))
    assert_review_merge(link, MARSEILLE_INNOVATION, "fuzzy+city")
    assert link.score < LINK_THRESHOLD


@pytest.mark.parametrize(
    "name",
    [
        "Banquiz",
        "Ministère des Armées",
        "French Tech Lille",  # another city's French Tech, not a typo of Toulouse's
        "Google",
        "Stationnement Ferroviaire",
    ],
)
def test_unrelated_names_are_proposed_as_new(index: ActorIndex, name: str) -> None:
    assert_review_new(resolve_one(index, mention(name)))


# -- short names -----------------------------------------------------------------------


def test_a_short_name_links_exactly(index: ActorIndex) -> None:
    assert_linked(resolve_one(index, mention("M")), SHORT_NAME_MEDIA, "exact")
    assert_linked(resolve_one(index, mention("CES")), SHORT_NAME_EVENT, "exact")


def test_a_short_name_in_another_case_is_only_proposed(index: ActorIndex) -> None:
    assert_review_merge(resolve_one(index, mention("Ces")), SHORT_NAME_EVENT, "folded")
    assert_review_merge(resolve_one(index, mention("m")), SHORT_NAME_MEDIA, "folded")


def test_a_short_name_with_accents_and_punctuation_is_only_proposed(index: ActorIndex) -> None:
    assert_review_merge(resolve_one(index, mention("Cès!")), SHORT_NAME_EVENT, "folded")


@pytest.mark.parametrize("name", ["CEZ", "CE", "CESS", "Mx", "M6", "MM"])
def test_short_names_are_never_matched_fuzzily(index: ActorIndex, name: str) -> None:
    assert_review_new(resolve_one(index, mention(name)))


def test_a_short_names_long_alias_links(index: ActorIndex) -> None:
    link = resolve_one(index, mention("Consumer Electronics Show", city="Las Vegas"))
    assert_linked(link, SHORT_NAME_EVENT, "alias")


# -- hostile inputs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "org",
    [
        mention(""),
        mention("", "", " "),
        mention("!!!"),
        mention("—", "…", "&&"),
        mention("\u200b\u00a0"),
        mention("Station F" * 2_000),
        mention("x" * 100_000, "y" * 50_000),
        mention("la"),
        mention("SAS"),
        mention("de la du"),
    ],
    ids=lambda org: repr(org.name[:12]),
)
def test_hostile_names_are_proposed_as_new(index: ActorIndex, org: OrgMention) -> None:
    assert_review_new(resolve_one(index, org))


def test_a_very_long_name_still_matches_itself_exactly() -> None:
    long_name = ActorCandidate(
        60, "long", "Association pour le développement " * 300, (), "association"
    )
    link = resolve_one(ActorIndex([long_name]), mention(long_name.name))
    assert_linked(link, long_name, "exact")


def test_hostile_directory_entries_do_not_match_everything() -> None:
    directory = ActorIndex(
        [
            ActorCandidate(70, "blank", "", ("", "  "), "company"),
            ActorCandidate(71, "punct", "!!!", ("...",), "company"),
            ActorCandidate(72, "article", "Les", ("The",), "company"),
            STATION_F,
        ]
    )
    assert_review_new(resolve_one(directory, mention("")))
    assert_review_new(resolve_one(directory, mention("?")))
    assert_linked(resolve_one(directory, mention("Station F")), STATION_F, "exact")


# -- the function's contract -----------------------------------------------------------


def test_one_decision_per_mention_in_order(index: ActorIndex) -> None:
    orgs = [mention("Station F"), mention("Banquiz"), mention("Station F"), mention("OVH")]
    links = resolve_mentions(iter(orgs), index)
    assert [link.mention for link in links] == orgs
    assert [link.actor_id for link in links] == [2, None, 2, 13]
    assert resolve_mentions([], index) == []


def test_lowering_the_link_threshold_links_a_typo(index: ActorIndex) -> None:
    link = resolve_one(index, mention("Euratechnologie"), link_threshold=0.8)
    assert_linked_at(link, EURATECH, 0.8)


def assert_linked_at(link: MentionLink, actor: ActorCandidate, threshold: float) -> None:
    assert (link.status, link.actor_id) == (LinkStatus.LINKED, actor.actor_id)
    assert link.score >= threshold


def test_raising_the_review_threshold_proposes_new_actors(index: ActorIndex) -> None:
    assert_review_new_at(resolve_one(index, mention("Statoin F"), review_threshold=0.9), 0.9)


def assert_review_new_at(link: MentionLink, threshold: float) -> None:
    assert (link.status, link.actor_id, link.method) == (LinkStatus.REVIEW_NEW, None, "none")
    assert link.score < threshold


def test_an_exact_name_is_never_proposed_as_new_whatever_the_thresholds(
    index: ActorIndex,
) -> None:
    """An actor already bears the name: a new actor would duplicate it."""
    link = resolve_one(
        index, mention("Station F", city="Lyon"), review_threshold=1.0, link_threshold=1.0
    )
    assert_review_merge(link, STATION_F, "exact")
    assert link.score < 1.0


@pytest.mark.parametrize(
    ("review", "link"), [(0.0, 0.9), (0.9, 0.8), (0.5, 1.5), (-1.0, 0.5), (float("nan"), 0.9)]
)
def test_thresholds_out_of_order_are_refused(index: ActorIndex, review: float, link: float) -> None:
    with pytest.raises(ValueError, match="0 < review_threshold <= link_threshold <= 1"):
        resolve_mentions(
            [mention("Station F")], index, review_threshold=review, link_threshold=link
        )


NAMES = [c.name for c in DIRECTORY] + [a for c in DIRECTORY for a in c.aliases]
CITIES = [None, "Lyon", "Nantes", "Paris", "Lille", "Marseille", "Bordeaux"]
TYPES = [None, "startup", "incubator", "association", "event", "media", "investor"]


@st.composite
def edited_names(draw: st.DrawFn) -> str:
    """A directory name with random edits, or any text at all."""
    name = draw(st.sampled_from(NAMES))
    if draw(st.booleans()):
        return draw(st.text(max_size=40))
    position = draw(st.integers(0, len(name)))
    insert = draw(st.text(max_size=2))
    cut = draw(st.integers(0, 2))
    return name[:position] + insert + name[position + cut :]


@settings(max_examples=300, deadline=None)
@given(
    name=edited_names(),
    aliases=st.lists(edited_names(), max_size=3),
    city=st.sampled_from(CITIES),
    type_=st.sampled_from(TYPES),
    review=st.floats(0.05, 1.0),
    spread=st.floats(0.0, 0.5),
)
def test_decisions_always_respect_the_thresholds(
    name: str,
    aliases: list[str],
    city: str | None,
    type_: str | None,
    review: float,
    spread: float,
) -> None:
    index = ActorIndex(DIRECTORY)  # built here: hypothesis forbids function fixtures
    link_threshold = min(1.0, review + spread)
    org = OrgMention(name, tuple(aliases), type_, city, ((0, 1),))
    [link] = resolve_mentions([org], index, review_threshold=review, link_threshold=link_threshold)
    assert 0.0 <= link.score <= 1.0
    if link.status is LinkStatus.LINKED:
        assert link.score >= link_threshold
        assert link.method != "none"
    if link.status is LinkStatus.REVIEW_NEW:
        assert (link.actor_id, link.method) == (None, "none")
    else:
        assert link.actor_id is not None
        assert index.get(link.actor_id) is not None


# -- the index -------------------------------------------------------------------------


def test_index_size_and_lookup(index: ActorIndex) -> None:
    assert len(index) == len(DIRECTORY)
    assert index.get(STATION_F.actor_id) == STATION_F
    assert index.get(999) is None


def test_one_actor_given_twice_is_one_actor_with_both_names() -> None:
    """The store may hand an actor once per alias row: that is not a homonym."""
    first = ActorCandidate(80, "zebox", "ZeBox", (), "accelerator", "Marseille")
    second = ActorCandidate(80, "zebox", "ZeBox", ("ZEBOX by CMA CGM",), "accelerator", "Marseille")
    directory = ActorIndex([first, second])
    assert len(directory) == 1
    assert_linked(resolve_one(directory, mention("ZeBox")), first, "exact")
    assert_linked(resolve_one(directory, mention("ZEBOX by CMA CGM")), first, "alias")
    assert_linked(resolve_one(directory, mention("Ze Box")), first, "folded")


def test_documented_examples_hold() -> None:
    for module in (cartotech.resolve, cartotech.resolve.linking):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0, module.__name__
        assert failed == 0, module.__name__

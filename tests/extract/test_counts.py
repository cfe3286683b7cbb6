"""Counts of things: digits and words, French and English, and what is not a count."""

from __future__ import annotations

import pytest

from cartotech.extract import Count, find_counts


def _counts(text: str, lang: str) -> list[tuple[str, float, str]]:
    found = find_counts(text, lang)
    for count in found:
        assert text[count.start : count.end] == count.text
    return [(c.text, c.value, c.unit) for c in found]


def _one(text: str, lang: str) -> Count:
    found = find_counts(text, lang)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le pôle a créé 2450 emplois.", ("2450 emplois", 2450, "jobs")),
        ("Le site accueille 650 start-up.", ("650 start-up", 650, "startups")),
        ("La pépinière héberge 37 startups.", ("37 startups", 37, "startups")),
        ("Le réseau fédère plus de 310 entreprises.", ("310 entreprises", 310, "companies")),
        ("On y trouve une vingtaine de start-up.", ("une vingtaine de start-up", 20, "startups")),
        (
            "Près d'un millier de participants sont venus.",
            ("un millier de participants", 1000, "participants"),
        ),
        ("La ville compte quatre incubateurs.", ("quatre incubateurs", 4, "incubators")),
        ("Le campus s'étend sur 42 000 m².", ("42 000 m²", 42_000, "m2")),
        ("Le campus s'étend sur 42\u202f000\u00a0m².", ("42\u202f000\u00a0m²", 42_000, "m2")),
        (
            "Elle réunit 9 autres petites communes.",
            ("9 autres petites communes", 9, "municipalities"),
        ),
        ("Le jury a choisi sept jeunes pousses.", ("sept jeunes pousses", 7, "startups")),
        ("La pétition a recueilli 1 300 signataires.", ("1 300 signataires", 1300, "signatories")),
        ("Il y a déjà vingt-deux câbles.", ("vingt-deux câbles", 22, "cables")),
        (
            "L'opérateur exploite 1,5 million de serveurs.",
            ("1,5 million de serveurs", 1_500_000, "servers"),
        ),
    ],
)
def test_french_counts(text: str, expected: tuple[str, float, str]) -> None:
    assert _counts(text, "fr") == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The cluster now has 2,450 jobs.", ("2,450 jobs", 2450, "jobs")),
        ("The hub hosts 120 start-ups.", ("120 start-ups", 120, "startups")),
        (
            "Roughly a hundred establishments opened.",
            ("a hundred establishments", 100, "establishments"),
        ),
        ("The city has two incubators.", ("two incubators", 2, "incubators")),
        ("A dozen startups pitched.", ("A dozen startups", 12, "startups")),
        ("The park covers 50,000m² of offices.", ("50,000m²", 50_000, "m2")),
        (
            "It joined 14 other large European cities.",
            ("14 other large European cities", 14, "cities"),
        ),
        ("The agency reviewed 91 start-up projects.", ("91 start-up projects", 91, "projects")),
        ("The firm has 35 staff.", ("35 staff", 35, "employees")),
        ("The app has 2.5 million users.", ("2.5 million users", 2_500_000, "users")),
        ("It logged 300k downloads.", ("300k downloads", 300_000, "downloads")),
        ("The office spans 5,000 sq ft.", ("5,000 sq ft", 5000, "sq ft")),
    ],
)
def test_english_counts(text: str, expected: tuple[str, float, str]) -> None:
    assert _counts(text, "en") == [expected]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Le réseau fédère entre 40 et 60 entreprises.", "fr", ("40 et 60 entreprises", 40)),
        ("Il accompagne de 10 à 15 projets par an.", "fr", ("10 à 15 projets", 10)),
        ("Il accompagne 10-15 projets par an.", "fr", ("10-15 projets", 10)),
        ("Between 1,000 and 1,200 servers will run.", "en", ("1,000 and 1,200 servers", 1000)),
        ("It will back 30 to 40 companies.", "en", ("30 to 40 companies", 30)),
    ],
)
def test_ranges_take_the_lower_bound_and_say_so(
    text: str, lang: str, expected: tuple[str, float]
) -> None:
    count = _one(text, lang)
    assert (count.text, count.value) == expected
    assert count.subject is not None
    assert "range lower bound" in count.subject


def test_a_comparison_counts_the_same_thing_as_the_count_before() -> None:
    text = "En 2021, l'agence a suivi 74 dossiers contre 51 en 2019."
    assert _counts(text, "fr") == [("74 dossiers", 74, "projects"), ("contre 51", 51, "projects")]
    text = "It now has 250 employees, up from 180."
    assert _counts(text, "en") == [
        ("250 employees", 250, "employees"),
        ("up from 180", 180, "employees"),
    ]


def test_a_part_counts_the_same_thing_as_the_whole() -> None:
    text = "Le groupe compte 1 200 emplois, dont 800 en CDI."
    assert _counts(text, "fr") == [("1 200 emplois", 1200, "jobs"), ("dont 800", 800, "jobs")]
    text = "It created 400 jobs, including 150 in Lyon, and 35% of them for women."
    assert _counts(text, "en") == [("400 jobs", 400, "jobs"), ("including 150", 150, "jobs")]


def test_a_count_does_not_reach_over_a_line_break_or_into_a_numeric_date() -> None:
    text = "Mis à jour le 18/10/2022\n\nLabellisée Métropole, la ville attire 40 start-up."
    assert _counts(text, "fr") == [("40 start-up", 40, "startups")]


def test_thousands_borrowed_from_the_other_notation() -> None:
    assert _counts("Le parc couvre 80,000 m².", "fr") == [("80,000 m²", 80_000, "m2")]
    assert _counts("The plant created 1.500 jobs.", "en") == [("1.500 jobs", 1500, "jobs")]


def test_an_employment_verb_says_what_a_bare_number_counts() -> None:
    text = "Rachetée en 2010, l'entreprise en emploie aujourd’hui près de 90."
    assert _counts(text, "fr") == [("près de 90", 90, "employees")]
    text = "Elle en salarie 30, et prévoit d'en recruter 12 autres."
    assert _counts(text, "fr") == [("30", 30, "employees"), ("12", 12, "jobs")]
    assert _counts("The company employs 45.", "en") == [("45", 45, "employees")]


def test_a_partitive_counts_the_plural_noun_it_refers_to() -> None:
    text = "Les villes candidates se sont multipliées. Une dizaine d'entre elles ont été retenues."
    assert _counts(text, "fr") == [("Une dizaine", 10, "cities")]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # percentages
        ("Les start-up représentent 36 % des emplois.", "fr"),
        ("Startups make up 36% of jobs and 12 per cent of firms.", "en"),
        # durations and ages
        ("Elle a été fondée il y a 12 ans, après trois ans de travaux.", "fr"),
        ("The two founders, aged 29 and 34, met at a 10-year-old incubator.", "en"),
        ("Within four years the programme had doubled.", "en"),
        ("Une quinzaine de jours plus tard, tout a changé.", "fr"),
        # ranks and names
        ("Elle a pris la 2e place et figure dans le top 50 des start-up.", "fr"),
        ("It ranks in the top 100 companies and is one of the 10 largest players.", "en"),
        ("Le CAC 40 a reculé; la 5G couvre la ville.", "fr"),
        # multipliers and ratios
        ("Les ventes ont été multipliées par 4; six fois plus d'entreprises.", "fr"),
        ("A six-fold rise: four in 10 founders agree.", "en"),
        # years
        ("En 2018 startups et PME ont recruté.", "fr"),
        ("In 2019 companies hired more.", "en"),
        # money
        ("Elle a levé 3 millions d'euros.", "fr"),
        # vague quantities without a number
        ("Des centaines de start-up et des milliers d'emplois sont concernés.", "fr"),
        ("Hundreds of thousands of jobs and dozens of startups were created.", "en"),
        # measures that are not counts of things
        ("Le centre consomme 20 MW et stocke 40 To de données.", "fr"),
        ("A 5 MW data center with 2 PB of storage.", "en"),
        # "one", and number words that refer back
        ("C'est l'un des incubateurs; une start-up parmi d'autres.", "fr"),
        ("One of the incubators. I kept one last actor.", "en"),
        ("La coopération des deux régions se renforce.", "fr"),
        ("The three companies merged.", "en"),
        # nouns outside the lexicon
        ("Le bâtiment compte 6 étages.", "fr"),
    ],
)
def test_not_counts(text: str, lang: str) -> None:
    assert _counts(text, lang) == []


def test_each_distinct_text_once_but_two_wordings_twice() -> None:
    text = "Elle emploie 40 salariés. Avec ses 40 salariés, soit quarante salariés, elle grandit."
    assert [c.text for c in find_counts(text, "fr")] == ["40 salariés", "quarante salariés"]


def test_subject_is_short_context_with_notes() -> None:
    count = _one("Le réseau fédère aujourd'hui plus de 310 entreprises du numérique.", "fr")
    assert count.subject is not None
    assert "310 entreprises" in count.subject
    assert count.subject.endswith("(more than)")
    approx = _one("On y trouve une vingtaine de start-up.", "fr")
    assert approx.subject is not None
    assert approx.subject.endswith("(approx.)")

"""Calendar dates: absolute, partial and relative, resolved against a reference."""

from __future__ import annotations

import pytest

from cartotech.errors import InputError
from cartotech.extract import find_dates


def _dates(text: str, lang: str, published: str | None = None) -> list[tuple[str, str]]:
    found = find_dates(text, lang, published)
    for mention in found:
        assert text[mention.start : mention.end] == mention.text
    return [(d.text, d.iso) for d in found]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("La société est née en 2011.", "fr", [("2011", "2011")]),
        ("Le dispositif a démarré en septembre 2016.", "fr", [("septembre 2016", "2016-09")]),
        ("Le jury s'est réuni le 7 mars 2022.", "fr", [("7 mars 2022", "2022-03-07")]),
        ("Ouverture le 1er octobre 2024.", "fr", [("1er octobre 2024", "2024-10-01")]),
        ("Signé le 3 janv. 2020 à Lille.", "fr", [("3 janv. 2020", "2020-01-03")]),
        ("Échéance au 30/06/2023.", "fr", [("30/06/2023", "2023-06-30")]),
        ("The hub opened in 2011.", "en", [("2011", "2011")]),
        ("It launched in September 2016.", "en", [("September 2016", "2016-09")]),
        ("The jury met on 7 March 2022.", "en", [("7 March 2022", "2022-03-07")]),
        ("The jury met on March 7, 2022.", "en", [("March 7, 2022", "2022-03-07")]),
        ("The jury met on March 7th, 2022.", "en", [("March 7th, 2022", "2022-03-07")]),
        ("Filed 2022-03-07 in Paris.", "en", [("2022-03-07", "2022-03-07")]),
        ("From Dec 5, 2019 onwards.", "en", [("Dec 5, 2019", "2019-12-05")]),
    ],
)
def test_absolute_dates_as_precise_as_the_text(
    text: str, lang: str, expected: list[tuple[str, str]]
) -> None:
    assert _dates(text, lang) == expected


def test_year_ranges_split_into_their_years() -> None:
    assert _dates("Le plan 2021-2027 prolonge celui de 2014–2020.", "fr") == [
        ("2021", "2021"),
        ("2027", "2027"),
        ("2014", "2014"),
        ("2020", "2020"),
    ]
    assert _dates("Between 2016 and 2019, and in the 2023/24 season.", "en") == [
        ("2016", "2016"),
        ("2019", "2019"),
        ("2023", "2023"),
        ("24", "2024"),
    ]


def test_qualified_years_give_the_year() -> None:
    assert _dates("Fin 2019, puis début d'année 2021 et mi-2022.", "fr") == [
        ("2019", "2019"),
        ("2021", "2021"),
        ("2022", "2022"),
    ]
    assert _dates("By the end of 2025 and in Q3 2026.", "en") == [
        ("2025", "2025"),
        ("2026", "2026"),
    ]


@pytest.mark.parametrize(
    ("text", "lang", "published", "expected"),
    [
        (
            "Le 12 mai dernier, le jury a tranché.",
            "fr",
            "2021-09-20",
            ("12 mai dernier", "2021-05-12"),
        ),
        (
            "Le 12 octobre dernier, le jury a tranché.",
            "fr",
            "2021-09-20",
            ("12 octobre dernier", "2020-10-12"),
        ),
        (
            "Le 14 novembre prochain, le salon ouvrira.",
            "fr",
            "2021-09-20",
            ("14 novembre prochain", "2021-11-14"),
        ),
        (
            "Le 14 mars prochain, le salon ouvrira.",
            "fr",
            "2021-09-20",
            ("14 mars prochain", "2022-03-14"),
        ),
        (
            "En mars dernier, les inscriptions ont ouvert.",
            "fr",
            "2021-09-20",
            ("mars dernier", "2021-03"),
        ),
        (
            "Ce jeudi matin, le maire a inauguré le site.",
            "fr",
            "2021-09-20",
            ("Ce jeudi", "2021-09-23"),
        ),
        (
            "Mardi dernier, le maire a inauguré le site.",
            "fr",
            "2021-09-20",
            ("Mardi dernier", "2021-09-14"),
        ),
        (
            "Vendredi prochain aura lieu la finale.",
            "fr",
            "2021-09-20",
            ("Vendredi prochain", "2021-09-24"),
        ),
        ("Le jury se réunira le 3 décembre.", "fr", "2021-09-20", ("3 décembre", "2021-12-03")),
        ("Last June, the city opened a hub.", "en", "2021-09-20", ("Last June", "2021-06")),
        ("Next March, the city opens a hub.", "en", "2021-09-20", ("Next March", "2022-03")),
        ("On Friday, the mayor spoke.", "en", "2021-09-20", ("On Friday", "2021-09-17")),
        ("Last Monday, the mayor spoke.", "en", "2021-09-20", ("Last Monday", "2021-09-13")),
        ("The final is on Friday, June 24.", "en", "2021-09-20", ("Friday, June 24", "2022-06-24")),
    ],
)
def test_relative_references_resolve_against_the_publication_date(
    text: str, lang: str, published: str, expected: tuple[str, str]
) -> None:
    assert _dates(text, lang, published) == [expected]


def test_without_publication_date_the_latest_full_date_of_the_text_is_the_reference() -> None:
    text = (
        "Le 9 février 2020, la métropole a été distinguée. "
        "Depuis le 9 février dernier, elle prépare un forum prévu le 20 mai prochain."
    )
    assert _dates(text, "fr") == [
        ("9 février 2020", "2020-02-09"),
        ("9 février dernier", "2020-02-09"),
        ("20 mai prochain", "2020-05-20"),
    ]


def test_a_year_alone_is_the_reference_when_the_text_gives_no_full_date() -> None:
    text = "Lancé au printemps 2016, le réseau a organisé en juin dernier sa première rencontre."
    assert _dates(text, "fr") == [("2016", "2016"), ("juin dernier", "2016-06")]


def test_a_day_beats_a_weekday_or_a_month_around_it() -> None:
    text = "The club met on October 6 and meets on Thursday, December 8."
    assert _dates(text, "en", "2022-10-18") == [
        ("October 6", "2022-10-06"),
        ("Thursday, December 8", "2022-12-08"),
    ]
    text = "Mis à jour le 18/10/2022, le jeudi 20 octobre prochain."
    assert _dates(text, "fr") == [
        ("18/10/2022", "2022-10-18"),
        ("jeudi 20 octobre prochain", "2022-10-20"),
    ]


def test_unresolvable_references_are_left_out() -> None:
    assert _dates("Mardi dernier, le salon a fermé.", "fr") == []
    assert _dates("Mardi dernier, le salon a fermé.", "fr", "2019") == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Dans les années 2000, le secteur a explosé.", "fr"),
        ("In the 2000s and the 1990's, the sector boomed.", "en"),
        ("Depuis trois ans et pour dix mois encore.", "fr"),
        ("L'an dernier, cette année et ces prochaines années.", "fr"),
        ("Aujourd'hui, ce matin, depuis le début de l'année.", "fr"),
        ("Last year, this year and next year.", "en"),
        ("The firm may grow; March on, they said.", "en"),
        ("Le pôle compte 1990 emplois et 2000 adhérents.", "fr"),
        ("The budget reached €2019 and 2020%.", "en"),
        ("Tous les mardis, le mardi et chaque lundi.", "fr"),
        ("Ouvert du lundi au vendredi.", "fr"),
        ("Open Monday to Friday; Cyber Monday deals.", "en"),
        ("See page 2019 and article 2020.", "en"),
    ],
)
def test_not_dates(text: str, lang: str) -> None:
    assert _dates(text, lang, "2021-09-20") == []


def test_each_distinct_text_once_and_two_wordings_twice() -> None:
    text = "Le 5 avril 2018, puis en 2018, encore en 2018 et le 5 avril 2018 au soir."
    assert _dates(text, "fr") == [("5 avril 2018", "2018-04-05"), ("2018", "2018")]


def test_bad_publication_date_is_an_input_error() -> None:
    with pytest.raises(InputError, match="publication date 'hier' is not a date"):
        find_dates("En 2020.", "fr", "hier")


def test_publication_date_may_be_a_date_time() -> None:
    assert _dates("Ce lundi, tout a changé.", "fr", "2021-09-22T08:30:00+02:00") == [
        ("Ce lundi", "2021-09-20")
    ]

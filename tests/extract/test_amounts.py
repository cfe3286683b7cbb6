"""Money amounts in French and English notations."""

from __future__ import annotations

import pytest

from cartotech.extract import Amount, find_amounts


def _one(text: str, lang: str) -> Amount:
    found = find_amounts(text, lang)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "surface", "value", "currency"),
    [
        ("Le concours est doté de 250.000 euros.", "250.000 euros", 250_000, "EUR"),
        ("Une aide de 80 000 € a été votée.", "80 000 €", 80_000, "EUR"),
        ("Une aide de 80\u202f000\u00a0€ a été votée.", "80\u202f000\u00a0€", 80_000, "EUR"),
        ("La foncière injecte 340 millions d’euros.", "340 millions d’euros", 340e6, "EUR"),
        ("La foncière injecte 340 millions d'euros.", "340 millions d'euros", 340e6, "EUR"),
        ("Elle a levé 3,4 M€ en amorçage.", "3,4 M€", 3.4e6, "EUR"),
        ("Elle a levé 7 M€ en amorçage.", "7 M€", 7e6, "EUR"),
        ("Un ticket de 45 k€ par projet.", "45 k€", 45_000, "EUR"),
        ("Un ticket de 45k€ par projet.", "45k€", 45_000, "EUR"),
        ("Le rachat atteint 1,8 milliard de dollars.", "1,8 milliard de dollars", 1.8e9, "USD"),
        ("Le plan pèse 6 Md€ sur dix ans.", "6 Md€", 6e9, "EUR"),
        ("Le fonds gère 12 MEUR.", "12 MEUR", 12e6, "EUR"),
        ("Un chèque de deux millions d'euros.", "deux millions d'euros", 2e6, "EUR"),
        (
            "Le club anglais a reçu 9 millions de livres sterling.",
            "9 millions de livres sterling",
            9e6,
            "GBP",
        ),
        ("Il a coûté 40 francs suisses.", "40 francs suisses", 40, "CHF"),
    ],
)
def test_french_notations(text: str, surface: str, value: float, currency: str) -> None:
    amount = _one(text, "fr")
    assert (amount.text, amount.value, amount.currency) == (surface, value, currency)
    assert text[amount.start : amount.end] == amount.text


@pytest.mark.parametrize(
    ("text", "surface", "value", "currency"),
    [
        ("The insurer raised €38 million last week.", "€38 million", 38e6, "EUR"),
        ("The merger is worth $4bn.", "$4bn", 4e9, "USD"),
        ("The merger is worth $4 billion.", "$4 billion", 4e9, "USD"),
        ("It secured £2.3m in grants.", "£2.3m", 2.3e6, "GBP"),
        ("A cheque for $750,000 arrived.", "$750,000", 750_000, "USD"),
        ("Backers put in US$ 6 million.", "US$ 6 million", 6e6, "USD"),
        ("Backers put in USD 6m.", "USD 6m", 6e6, "USD"),
        ("Backers put in 6 million euros.", "6 million euros", 6e6, "EUR"),
        ("It sold for 3 million pounds.", "3 million pounds", 3e6, "GBP"),
        ("The grant is €15K.", "€15K", 15_000, "EUR"),
        ("They raised a hundred million dollars.", "a hundred million dollars", 1e8, "USD"),
    ],
)
def test_english_notations(text: str, surface: str, value: float, currency: str) -> None:
    amount = _one(text, "en")
    assert (amount.text, amount.value, amount.currency) == (surface, value, currency)
    assert text[amount.start : amount.end] == amount.text


@pytest.mark.parametrize(
    ("text", "lang", "surface", "value"),
    [
        ("Le ticket moyen va de 2 à 3 millions d'euros.", "fr", "2 à 3 millions d'euros", 2e6),
        ("Un budget de 4-6 M€ est prévu.", "fr", "4-6 M€", 4e6),
        ("Rounds of $2-3 million are common.", "en", "$2-3 million", 2e6),
        ("Between €10 and €20 million will be spent.", "en", "€10 and €20 million", 10e6),
    ],
)
def test_ranges_take_the_lower_bound(text: str, lang: str, surface: str, value: float) -> None:
    amount = _one(text, lang)
    assert (amount.text, amount.value) == (surface, value)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "La jeune pousse lève 4 millions auprès de deux fonds.",
            "fr",
            [("4 millions", 4e6, "EUR")],
        ),
        ("Un budget de 2,5 millions a été voté.", "fr", [("2,5 millions", 2.5e6, "EUR")]),
        (
            "It raised $1m, then 3 million in a seed round.",
            "en",
            [("$1m", 1e6, "USD"), ("3 million", 3e6, "USD")],
        ),
        ("It raised 3 million in a seed round.", "en", []),  # dollars or euros?
        ("Le salon attire 3 millions de visiteurs.", "fr", []),  # a count, not money
        ("It raised its profile with 2 million users.", "en", []),
    ],
)
def test_scaled_numbers_that_the_sentence_says_are_money(
    text: str, lang: str, expected: list[tuple[str, float, str]]
) -> None:
    assert [(a.text, a.value, a.currency) for a in find_amounts(text, lang)] == expected


def test_qualifiers_stay_out_of_the_text() -> None:
    assert _one("Elle a levé plus de 5 millions d'euros.", "fr").text == "5 millions d'euros"
    assert _one("It raised nearly €5m.", "en").text == "€5m"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Elle a levé plusieurs millions d'euros.", "fr"),
        ("Des millions d'euros sont en jeu.", "fr"),
        ("La croissance atteint 35 %.", "fr"),
        ("La métropole dépasse 3 millions.", "fr"),  # no currency, no money word
        ("Il a vendu 500 livres en un an.", "fr"),  # books
        ("It weighs 10 pounds.", "en"),
        ("Sales rose 12 per cent in 2022.", "en"),
        ("The startup raised several million euros.", "en"),
    ],
)
def test_no_amount_without_a_number_and_a_currency(text: str, lang: str) -> None:
    assert find_amounts(text, lang) == []


def test_each_distinct_text_once_in_text_order() -> None:
    text = "Un prêt de 2 M€, puis 500 000 euros, puis encore 2 M€."
    assert [a.text for a in find_amounts(text, "fr")] == ["2 M€", "500 000 euros"]


@pytest.mark.parametrize(
    ("text", "lang", "purpose"),
    [
        (
            "La Région débloque 4 M€ pour la rénovation des laboratoires.",
            "fr",
            "rénovation des laboratoires",
        ),
        ("Une enveloppe de 900 000 euros a été votée.", "fr", "enveloppe"),
        ("Un budget de 2 millions d'euros est prévu.", "fr", "budget"),
        ("It raised $12m to expand into Spain.", "en", "expand into Spain"),
        ("A €5m fund for local founders was unveiled.", "en", "local founders"),
        (
            "It put €1.8 million on the table for a 4,500 sq m building that opens soon.",
            "en",
            "4,500 sq m building",
        ),
    ],
)
def test_purpose_is_the_phrase_that_says_what_it_funds(text: str, lang: str, purpose: str) -> None:
    assert _one(text, lang).purpose == purpose


def test_purpose_after_beats_purpose_before() -> None:
    text = "Une enveloppe de 900 000 euros destinée aux tiers-lieux ruraux."
    assert _one(text, "fr").purpose == "tiers-lieux ruraux"


def test_another_amount_is_not_a_purpose() -> None:
    found = find_amounts("Revenue grew from $1m to $2m.", "en")
    assert [(a.text, a.purpose) for a in found] == [("$1m", None), ("$2m", None)]


def test_records_are_frozen() -> None:
    amount = _one("Elle a levé 7 M€.", "fr")
    with pytest.raises(AttributeError):
        amount.value = 1  # type: ignore[misc]

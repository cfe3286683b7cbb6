"""Territory ids: build/parse round-trip and useful errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartotech.errors import InputError, InvalidTerritoryId
from cartotech.geo import LEVELS, TerritoryRef, build_territory_id, parse_territory_id

_DIGIT = st.sampled_from("0123456789")
CODES = {
    "commune": st.one_of(
        st.text(_DIGIT, min_size=5, max_size=5),
        st.builds(
            lambda c, rest: f"2{c}{rest}",
            st.sampled_from("AB"),
            st.text(_DIGIT, min_size=3, max_size=3),
        ),
    ),
    "epci": st.text(_DIGIT, min_size=9, max_size=9),
    "departement": st.one_of(
        st.integers(1, 95).filter(lambda n: n != 20).map(lambda n: f"{n:02d}"),
        st.sampled_from(["2A", "2B"]),
        st.integers(971, 976).map(str),
    ),
    "region": st.text(_DIGIT, min_size=2, max_size=2),
    "group": st.lists(
        st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8),
        min_size=1,
        max_size=4,
    ).map("-".join),
}
REFS = st.sampled_from(LEVELS).flatmap(
    lambda level: CODES[level].map(lambda code: TerritoryRef(level, code))
)


@given(REFS)
def test_parse_inverts_build(ref: TerritoryRef) -> None:
    text = build_territory_id(ref.level, ref.code)
    assert parse_territory_id(text) == ref
    assert parse_territory_id(text).id == text


@given(REFS)
def test_build_inverts_parse(ref: TerritoryRef) -> None:
    assert build_territory_id(*_fields(parse_territory_id(ref.id))) == ref.id


def _fields(ref: TerritoryRef) -> tuple[str, str]:
    return ref.level, ref.code


@pytest.mark.parametrize(
    ("text", "level", "code"),
    [
        ("fr:commune:13055", "commune", "13055"),
        ("fr:commune:2A004", "commune", "2A004"),
        ("fr:commune:75115", "commune", "75115"),
        ("fr:epci:200054807", "epci", "200054807"),
        ("fr:departement:13", "departement", "13"),
        ("fr:departement:2B", "departement", "2B"),
        ("fr:departement:974", "departement", "974"),
        ("fr:region:93", "region", "93"),
        ("group:sophia-antipolis", "group", "sophia-antipolis"),
    ],
)
def test_documented_forms(text: str, level: str, code: str) -> None:
    assert parse_territory_id(text) == TerritoryRef(level, code)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "13055",
        "commune:13055",
        "fr:commune:1305",
        "fr:commune:2a004",  # ids are exact: upper-case 2A
        " fr:commune:13055",
        "fr:commune:13055:x",
        "fr:ville:13055",
        "fr:departement:20",
        "fr:departement:96",
        "fr:departement:977",
        "fr:region:9",
        "fr:epci:20005480",
        "fr:group:sophia-antipolis",
        "group:Sophia-Antipolis",
        "group:sophia--antipolis",
        "group:",
    ],
)
def test_invalid_ids_raise_with_value_and_forms(text: str) -> None:
    with pytest.raises(InvalidTerritoryId) as caught:
        parse_territory_id(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "fr:commune:" in message or "code must be" in message
    assert isinstance(caught.value, InputError)  # a 422 for the API


def test_invalid_id_message_lists_every_form() -> None:
    with pytest.raises(InvalidTerritoryId, match="fr:commune:13055") as caught:
        parse_territory_id("lille")
    for form in ("fr:epci:", "fr:departement:", "fr:region:", "group:"):
        assert form in str(caught.value)


def test_wrong_code_for_level_names_the_expected_code() -> None:
    with pytest.raises(InvalidTerritoryId, match="SIREN of 9 digits"):
        parse_territory_id("fr:epci:59350")


def test_build_rejects_bad_level_and_code() -> None:
    with pytest.raises(InvalidTerritoryId, match="unknown territory level 'city'"):
        build_territory_id("city", "13055")
    with pytest.raises(InvalidTerritoryId, match="invalid departement code '20'"):
        build_territory_id("departement", "20")

"""Pure rules: email normalisation, SIREN/SIRET, territory scopes, permissions, scoring."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cartotech.domain.participation import Role, RoleGrant, User
from cartotech.domain.permissions import (
    can_decide_event,
    can_edit_actor,
    can_manage_candidacy,
    can_manage_territory,
    can_moderate,
)
from cartotech.domain.scopes import territories_containing, territory_within
from cartotech.domain.validation import canonical_email, clean_identifiers, normalize_email
from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.labels import Measurement, get_programme, load_programmes, score_programme
from tests.participation.conftest import BORDEAUX_EPCI, LILLE, LILLE_EPCI, NORD

LOCAL = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789._-", min_size=1, max_size=20
)
DOMAIN = st.sampled_from(
    ["example.org", "Example.ORG", "gmail.com", "googlemail.com", "ac-lille.fr"]
)


@given(local=LOCAL, domain=DOMAIN, tag=st.text(alphabet="abc123", max_size=5))
def test_canonical_email_is_idempotent_and_ignores_case_and_tags(
    local: str, domain: str, tag: str
) -> None:
    address = f"{local}@{domain}"
    canonical = canonical_email(address)
    assert canonical_email(canonical) == canonical
    assert canonical_email(f"  {address.upper()}  ") == canonical
    assert canonical_email(f"{local}+{tag}@{domain}") == canonical


def test_email_rules() -> None:
    assert normalize_email(" Jean.Dupont@Example.ORG ") == "jean.dupont@example.org"
    assert canonical_email("Jean.Dupont+ft@googlemail.com") == "jeandupont@gmail.com"
    assert canonical_email("jean.dupont+ft@example.org") == "jean.dupont@example.org"
    for bad in (
        "",
        "no-at",
        "a@b",
        "a b@example.org",
        "a@exa mple.org",
        "<a@example.org>",
        "a@example.org\r\nBcc: x@example.org",
        "a@-example.org",
    ):
        with pytest.raises(InputError, match="email"):
            normalize_email(bad)


def test_siren_siret_rules() -> None:
    assert clean_identifiers("732 829 320", None) == ("732829320", None)
    assert clean_identifiers(None, "732 829 320 00074") == ("732829320", "73282932000074")
    with pytest.raises(InputError, match="check digit"):
        clean_identifiers("732829321", None)
    with pytest.raises(InputError, match="does not belong"):
        clean_identifiers("552100554", "73282932000074")


def test_scopes(referential: Referential) -> None:
    assert territory_within(LILLE, LILLE_EPCI, referential)
    assert territory_within(LILLE, NORD, referential)
    assert territory_within(LILLE_EPCI, NORD, referential)
    assert not territory_within(NORD, LILLE_EPCI, referential)
    assert not territory_within(BORDEAUX_EPCI, NORD, referential)
    assert territory_within("fr:commune:75115", "fr:commune:75056", referential)  # arrondissement
    assert territory_within("fr:commune:06152", "group:cote-d-azur", referential)  # via Sophia
    assert territory_within("group:sophia-antipolis", "group:cote-d-azur", referential)
    assert territory_within("group:sophia-antipolis", "fr:departement:06", referential)
    assert not territory_within("group:cote-d-azur", "group:sophia-antipolis", referential)
    assert not territory_within("fr:commune:99999", NORD, referential)
    holding = territories_containing("fr:commune:06152", referential)
    assert {
        "fr:departement:06",
        "fr:region:93",
        "group:sophia-antipolis",
        "group:cote-d-azur",
    } <= set(holding)
    assert territories_containing(None, referential) == []


def _user(*grants: RoleGrant, active: bool = True, user_id: int = 7) -> User:
    return User(
        id=user_id, email="u@example.org", display_name=None, is_active=active, roles=grants
    )


def test_permissions(referential: Referential) -> None:
    admin = _user(RoleGrant(Role.ADMIN))
    moderator = _user(RoleGrant(Role.MODERATOR))
    manager = _user(RoleGrant(Role.TERRITORY_MANAGER, territory_id=NORD))
    owner = _user(RoleGrant(Role.ACTOR_OWNER, actor_id=12))
    nobody = _user()
    assert can_manage_territory(admin, BORDEAUX_EPCI, referential)
    assert can_manage_territory(manager, LILLE, referential)  # inside the département
    assert not can_manage_territory(manager, BORDEAUX_EPCI, referential)
    assert not can_manage_territory(moderator, LILLE, referential)
    assert can_edit_actor(owner, 12)
    assert not can_edit_actor(owner, 13)
    assert can_edit_actor(manager, 13, actor_territory_id=LILLE, referential=referential)
    assert not can_edit_actor(
        manager, 13, actor_territory_id=BORDEAUX_EPCI, referential=referential
    )
    assert not can_edit_actor(nobody, 12)
    assert can_decide_event(manager, LILLE, referential)
    assert not can_decide_event(owner, LILLE, referential)
    assert can_moderate(moderator)
    assert not can_moderate(manager)
    assert can_manage_candidacy(nobody, manager_ids=[7], territory_ids=[BORDEAUX_EPCI])
    assert can_manage_candidacy(
        manager, manager_ids=[], territory_ids=[LILLE, NORD], referential=referential
    )
    assert not can_manage_candidacy(
        manager, manager_ids=[], territory_ids=[LILLE, BORDEAUX_EPCI], referential=referential
    )
    inactive_admin = _user(RoleGrant(Role.ADMIN), active=False)
    assert not can_manage_territory(inactive_admin, LILLE, referential)
    assert not can_edit_actor(_user(RoleGrant(Role.ACTOR_OWNER, actor_id=12), active=False), 12)


def test_shipped_programmes_are_valid_and_illustrative() -> None:
    programmes = load_programmes()
    assert set(programmes) == {"capitale-french-tech", "communaute-french-tech"}
    for programme in programmes.values():
        assert programme.illustrative
        assert programme.max_points == 100
        assert programme.validity_years == 3


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=12, max_size=12))
def test_scores_are_reproducible_and_bounded(values: list[float]) -> None:
    programme = get_programme("capitale-french-tech")
    measurements = {c.key: Measurement(v) for c, v in zip(programme.criteria, values, strict=True)}
    first = score_programme(programme, measurements, as_of=date(2026, 1, 1))
    assert first == score_programme(
        programme, dict(reversed(measurements.items())), as_of=date(2026, 1, 1)
    )
    assert 0 <= first.total <= first.max_total
    for criterion in first.criteria:
        assert 0 <= criterion.points <= criterion.max_points
        assert (criterion.missing is None) == criterion.met

"""Funding calls: open or closed on a given date, matched to an actor by territory chain
and sectors, who may add them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from cartotech.domain import SourceKind, SourceRecord
from cartotech.domain.participation import FundingCallInput, FundingKind, SystemActor, User
from cartotech.domain.participation_errors import PermissionDenied
from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.store import ensure_source, unit_of_work
from cartotech.store.funding import (
    add_funding_call,
    get_funding_call,
    list_funding_calls,
    matching_calls,
)
from tests.participation.conftest import LILLE, LILLE_EPCI, NOW, actor_id

AS_OF = date(2026, 3, 2)


def _add(engine: Engine, referential: Referential, by=SystemActor.IMPORT, **fields) -> int:
    funder = actor_id(engine, "bpifrance")
    call = FundingCallInput(funder_actor_id=funder, title=fields.pop("title", "Call"), **fields)
    with unit_of_work(engine) as conn:
        source_id, _ = ensure_source(
            conn, SourceRecord(key="calls", kind=SourceKind.CURATED, title="Calls for projects")
        )
        return add_funding_call(
            conn, call, source_id=source_id, by=by, referential=referential, now=NOW
        )


def test_open_closed_and_matching(directory_engine: Engine, referential: Referential) -> None:
    euratech = actor_id(directory_engine, "euratechnologies")  # Lille, sector digital
    national = _add(
        directory_engine,
        referential,
        title="National, any sector",
        amount=200e6,
        kind=FundingKind.FUND,
    )
    hauts_de_france = _add(
        directory_engine,
        referential,
        title="Région, digital",
        territory_id="fr:region:32",
        sectors=("digital",),
        deadline="2026-03-02",
        cohort_size_per_year=12,
    )
    _add(
        directory_engine,
        referential,
        title="Région, health only",
        territory_id="fr:region:32",
        sectors=("health",),
    )
    _add(directory_engine, referential, title="Bordeaux only", territory_id="fr:epci:243300316")
    _add(directory_engine, referential, title="Closed yesterday", deadline="2026-03-01")
    _add(directory_engine, referential, title="Opens next month", opens_on="2026-04-01")
    in_lille = _add(
        directory_engine,
        referential,
        title="Métropole",
        territory_id=LILLE_EPCI,
        sectors=("digital", "ai"),
        deadline="2026-12-31",
    )
    with directory_engine.connect() as conn:
        matched = matching_calls(conn, euratech, as_of=AS_OF, referential=referential)
        assert [c["id"] for c in matched] == [hauts_de_france, in_lille, national]
        assert matched[0]["cohort_size_per_year"] == 12
        assert matched[0]["source"]["key"] == "calls"
        assert matched[0]["funder_name"] == "Bpifrance"
        later = matching_calls(conn, euratech, as_of=date(2026, 3, 3), referential=referential)
        assert hauts_de_france not in [c["id"] for c in later]  # the deadline day is included
        listing = list_funding_calls(conn, as_of=AS_OF)
        assert len(listing) == 7
        assert [c["open"] for c in listing] == [True] * 5 + [False] * 2
        assert len(list_funding_calls(conn, as_of=AS_OF, state="open")) == 5
        closed = list_funding_calls(conn, as_of=AS_OF, state="closed")
        assert [c["title"] for c in closed] == ["Closed yesterday", "Opens next month"]
        assert [c["id"] for c in list_funding_calls(conn, as_of=AS_OF, sector="ai")] == [in_lille]
        assert get_funding_call(conn, national, as_of=AS_OF)["amount"] == 200e6


def test_closed_calls_are_found_behind_more_open_calls_than_the_limit(
    directory_engine: Engine, referential: Referential
) -> None:
    """The closed listing is chosen in SQL: open calls, listed first, do not fill its page."""
    for index in range(3):
        _add(directory_engine, referential, title=f"Open {index}", deadline="2026-12-31")
    closed = _add(directory_engine, referential, title="Closed", deadline="2026-03-01")
    with directory_engine.connect() as conn:
        listing = list_funding_calls(conn, as_of=AS_OF, state="closed", limit=2)
        assert [c["id"] for c in listing] == [closed]
        assert listing[0]["open"] is False
        assert [c["open"] for c in list_funding_calls(conn, as_of=AS_OF, limit=2)] == [True] * 2
        assert len(list_funding_calls(conn, as_of=AS_OF, state="open", limit=2)) == 2
        with pytest.raises(InputError, match="expected open, closed or all"):
            list_funding_calls(conn, as_of=AS_OF, state="shut")  # not a FundingState


def test_group_scoped_call_matches_member_communes(
    directory_engine: Engine, referential: Referential
) -> None:
    telecom_valley = actor_id(directory_engine, "telecom-valley")  # Valbonne, in Sophia
    sophia = _add(
        directory_engine, referential, title="Sophia", territory_id="group:sophia-antipolis"
    )
    with directory_engine.connect() as conn:
        ids = [
            c["id"]
            for c in matching_calls(conn, telecom_valley, as_of=AS_OF, referential=referential)
        ]
    assert ids == [sophia]


def test_who_adds_calls_and_what_is_refused(
    directory_engine: Engine, referential: Referential, lille_manager: User, moderator: User
) -> None:
    assert _add(directory_engine, referential, by=lille_manager, territory_id=LILLE)
    assert _add(directory_engine, referential, by=moderator)
    with pytest.raises(PermissionDenied):
        _add(directory_engine, referential, by=lille_manager, territory_id="fr:region:75")
    with pytest.raises(PermissionDenied):
        _add(directory_engine, referential, by=lille_manager)  # national: moderators only
    for fields, field in (
        ({"currency": "euros"}, "currency"),
        ({"amount": -1}, "amount"),
        ({"opens_on": "2026-05-01", "deadline": "2026-04-01"}, "deadline"),
        ({"deadline": "31/12/2026"}, "deadline"),
        ({"territory_id": "fr:region:00"}, "territory"),
    ):
        with pytest.raises(InputError) as caught:
            _add(directory_engine, referential, **fields)
        assert caught.value.field == field

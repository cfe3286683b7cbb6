"""The participation demo data: loads on the curated directory, once, and shows a
candidacy whose score has evidence, a petition with confirmed signatures, events and
funding calls."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from cartotech.geo import Referential
from cartotech.store.candidacy_scores import score_candidacy
from cartotech.store.events import territory_calendar
from cartotech.store.funding import list_funding_calls, matching_calls
from cartotech.store.participation_demo import load_participation_demo
from cartotech.store.petitions import petition_signatories
from tests.participation.conftest import actor_id


def test_demo_loads_once_with_evidence(directory_engine: Engine, referential: Referential) -> None:
    demo = load_participation_demo(directory_engine, referential)
    assert demo.created
    assert not load_participation_demo(directory_engine, referential).created
    assert demo.candidacy_id is not None
    assert demo.petition_id is not None
    with directory_engine.connect() as conn:
        public = petition_signatories(conn, demo.petition_id)
        assert public.count == 12
        assert len(public.names) == 8
        score = score_candidacy(
            conn, demo.candidacy_id, as_of=date(2026, 3, 1), referential=referential
        )
        by_key = {c.criterion.key: c for c in score.criteria}
        assert by_key["support_signatures"].value == 12
        assert by_key["legal_entity"].met
        assert by_key["events"].value == 2  # the workshop and Roubaix; Lille's Tech Days is ahead
        assert by_key["support_structures"].evidence[0].label == "Euratechnologies"
        lille = territory_calendar(conn, "fr:epci:200093201", referential=referential)
        assert len(lille) == 3  # the pending meetup is not shown
        assert len(list_funding_calls(conn, as_of=date(2026, 3, 1))) == 6
        helloasso = actor_id(directory_engine, "helloasso")
        titles = [
            c["title"]
            for c in matching_calls(
                conn, helloasso, as_of=date(2026, 3, 1), referential=referential
            )
        ]
        assert titles == [
            "Appel à projets économie collaborative",
            "French Tech : accélération des start-up",
        ]

"""Self-presentation: form checks, email verification, "is this you?", moderation
(accept, reject, merge), claims and owners' moderated edits, hostile text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from cartotech.domain import ActorRecord, ActorType, SourceKind, SourceRecord
from cartotech.domain.participation import (
    ActorEdit,
    ActorSubmission,
    Role,
    RoleGrant,
    SubmissionState,
    User,
)
from cartotech.domain.participation_errors import (
    InvalidState,
    InvalidToken,
    PermissionDenied,
    TokenExpired,
)
from cartotech.errors import InputError
from cartotech.geo import Referential
from cartotech.normalize import slugify
from cartotech.store import ActorQuery, get_actor, search_actors, unit_of_work
from cartotech.store.accounts import find_user_by_email
from cartotech.store.actors import upsert_actor
from cartotech.store.audit import audit_trail
from cartotech.store.duplicates import WORD_LIMIT, likely_duplicates
from cartotech.store.moderation import accept_submission, merge_submission, reject_submission
from cartotech.store.schema import actor_identifiers, submissions
from cartotech.store.sources import ensure_source
from cartotech.store.submissions import (
    claim_actor,
    get_submission,
    list_submissions,
    present_organisation,
    propose_actor_edit,
    verify_submission,
)
from tests.participation.conftest import LILLE, NOW, MakeUser, actor_id

# A valid SIREN/SIRET pair (check digits right): the INSEE's own example.
SIREN = "732829320"
SIRET = "73282932000074"
NEW_STARTUP = ActorSubmission(
    name="Lumio Robotique",
    type=ActorType.STARTUP,
    contact_email="Founder@Lumio.example",
    territory_id=LILLE,
    sectors=("robotics", "AI"),
    website="https://lumio.example",
    description_fr="Robots d'inventaire pour entrepôts.",
    siret=SIRET,
    contact_name="Camille",
)
# Hostile text in every field is data: stored as typed, escaped by the web layer.
XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"
SQLI = "Robert'); DROP TABLE actors;--"


def _present(engine: Engine, referential: Referential, submission: ActorSubmission = NEW_STARTUP):
    with unit_of_work(engine) as conn:
        return present_organisation(conn, submission, referential=referential, now=NOW)


def _verified(
    engine: Engine, referential: Referential, submission: ActorSubmission = NEW_STARTUP
) -> int:
    receipt = _present(engine, referential, submission)
    assert receipt.token is not None
    with unit_of_work(engine) as conn:
        return verify_submission(conn, receipt.token, now=NOW + timedelta(minutes=5))


def test_present_verify_accept_creates_a_sourced_actor_and_an_owner(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    receipt = _present(directory_engine, referential)
    assert receipt.state is SubmissionState.SUBMITTED
    with directory_engine.connect() as conn:
        stored = conn.execute(select(submissions.c.token_hash)).scalar_one()
        assert receipt.token not in stored  # only a hash at rest
        queue, total = list_submissions(conn)
        assert total == 0  # unverified: not in the moderation queue
    with unit_of_work(directory_engine) as conn:
        submission_id = verify_submission(conn, receipt.token, now=NOW)
        assert verify_submission(conn, receipt.token, now=NOW) == submission_id  # harmless again
    with unit_of_work(directory_engine) as conn:
        queue, total = list_submissions(conn)
        assert [s["id"] for s in queue] == [submission_id]
        assert queue[0]["payload"]["siren"] == SIREN  # taken from the SIRET
        assert queue[0]["payload"]["sectors"] == ["robotics", "ai"]
        decision = accept_submission(
            conn, submission_id, by=moderator, referential=referential, now=NOW
        )
    assert decision.actor_created
    assert decision.invitation_token  # the owner has no password yet
    with directory_engine.connect() as conn:
        actor = get_actor(conn, decision.actor_id)
        assert actor["name"] == "Lumio Robotique"
        assert actor["source"]["kind"] == "submitter"
        assert "submission #" in actor["source"]["submitter"]
        assert "lumio.example" not in str(actor["source"])  # no contact in the public source
        owner = find_user_by_email(conn, "founder@lumio.example")
        assert owner is not None
        assert owner.actor_ids == (decision.actor_id,)
        identifiers = conn.execute(
            select(actor_identifiers.c.scheme, actor_identifiers.c.value).where(
                actor_identifiers.c.actor_id == decision.actor_id
            )
        ).all()
        assert sorted(identifiers) == [("siren", SIREN), ("siret", SIRET)]
        # It is in the directory search and placed for the map.
        found = search_actors(conn, ActorQuery(text="lumio"), referential)
        assert [i["id"] for i in found.items] == [decision.actor_id]
        assert found.items[0]["lat"] is not None
        actions = [e.action for e in audit_trail(conn, "submission", submission_id)]
        assert actions == ["submission.new", "submission.verify", "submission.accepted"]
        assert [e.action for e in audit_trail(conn, "actor", decision.actor_id)] == ["actor.create"]


def test_expired_and_wrong_links_are_refused(
    directory_engine: Engine, referential: Referential
) -> None:
    receipt = _present(directory_engine, referential)
    assert receipt.token
    with pytest.raises(TokenExpired), unit_of_work(directory_engine) as conn:
        verify_submission(conn, receipt.token, now=NOW + timedelta(days=3))
    with pytest.raises(InvalidToken), unit_of_work(directory_engine) as conn:
        verify_submission(conn, receipt.token[:-2] + "xx", now=NOW)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"siren": "732829321"}, "siren"),  # wrong check digit
        ({"siret": "73282932000075"}, "siret"),
        ({"siren": "552100554", "siret": SIRET}, "siret"),  # SIRET of another company
        ({"contact_email": "not an email"}, "contact_email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"name": "  "}, "name"),
        ({"name": "Nul\x00byte"}, "name"),
        ({"sectors": ("health tech", "<b>")}, "sectors"),
        ({"territory_id": "fr:commune:99999"}, "territory"),
    ],
)
def test_form_errors_name_the_field(
    directory_engine: Engine, referential: Referential, change: dict, field: str
) -> None:
    from dataclasses import replace

    with pytest.raises(InputError) as caught:
        _present(directory_engine, referential, replace(NEW_STARTUP, **change))
    assert caught.value.field == field


def test_is_this_you_finds_the_directory_actor(
    directory_engine: Engine, referential: Referential
) -> None:
    with directory_engine.connect() as conn:
        typo = likely_duplicates(conn, "Euratechnology", LILLE, referential=referential)
        longer = likely_duplicates(conn, "EuraTechnologies SAS", LILLE, referential=referential)
        unrelated = likely_duplicates(conn, "Boulangerie Martin", LILLE, referential=referential)
    euratech = actor_id(directory_engine, "euratechnologies")
    assert typo[0].actor_id == euratech
    assert longer[0].actor_id == euratech
    assert "same commune" in longer[0].reasons
    assert unrelated == []


# SHARED_WORDS: the two words of many actors' names (3 * WORD_LIMIT of them, created
# first), and the whole name of one more, created last: the one a visitor typing these
# words means.
SHARED_WORDS = "Zephyrine Quorvex"


def test_is_this_you_reads_at_most_word_limit_actors_per_word_the_likeliest_first(
    directory_engine: Engine, referential: Referential
) -> None:
    source = SourceRecord(key="test-shared-words", kind=SourceKind.CURATED, title="Test")
    names = [f"{SHARED_WORDS} Atelier {n}" for n in range(3 * WORD_LIMIT)] + [SHARED_WORDS]
    with unit_of_work(directory_engine) as conn:
        source_id, _ = ensure_source(conn, source)
        for name in names:
            record = ActorRecord(key=slugify(name), name=name, type=ActorType.COMPANY,
                                 source_key=source.key)  # fmt: skip
            upsert_actor(conn, record, source_id, referential)
    with directory_engine.connect() as conn:
        considered = likely_duplicates(
            conn, SHARED_WORDS, referential=referential, limit=len(names), min_score=0
        )
        shown = likely_duplicates(conn, SHARED_WORDS, referential=referential)
    assert len(considered) <= 2 * WORD_LIMIT  # two words
    assert shown[0].actor_id == actor_id(directory_engine, slugify(SHARED_WORDS))


def test_reject_needs_a_reason_and_only_moderators_decide(
    directory_engine: Engine, referential: Referential, moderator: User, lille_manager: User
) -> None:
    submission_id = _verified(directory_engine, referential)
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        accept_submission(conn, submission_id, by=lille_manager, referential=referential, now=NOW)
    with pytest.raises(InputError, match="reason"), unit_of_work(directory_engine) as conn:
        reject_submission(conn, submission_id, by=moderator, reason=" ", now=NOW)
    with unit_of_work(directory_engine) as conn:
        reject_submission(conn, submission_id, by=moderator, reason="Not a company", now=NOW)
    with pytest.raises(InvalidState), unit_of_work(directory_engine) as conn:
        accept_submission(conn, submission_id, by=moderator, referential=referential, now=NOW)
    with directory_engine.connect() as conn:
        assert get_submission(conn, submission_id)["decision_reason"] == "Not a company"


def test_unverified_submissions_cannot_be_decided(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    receipt = _present(directory_engine, referential)
    with pytest.raises(InvalidState, match="not verified"), unit_of_work(directory_engine) as conn:
        accept_submission(conn, receipt.submission_id, by=moderator, referential=referential)


def test_merge_keeps_the_name_as_alias_and_makes_an_owner(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    from dataclasses import replace

    euratech = actor_id(directory_engine, "euratechnologies")
    submission_id = _verified(
        directory_engine,
        referential,
        replace(NEW_STARTUP, name="Euratech Lille", type=ActorType.INCUBATOR),
    )
    with unit_of_work(directory_engine) as conn:
        decision = merge_submission(
            conn, submission_id, euratech, by=moderator, referential=referential, now=NOW
        )
        assert decision.state is SubmissionState.MERGED
        assert "Euratech Lille" in get_actor(conn, euratech)["aliases"]
        owner = find_user_by_email(conn, "founder@lumio.example")
        assert owner is not None
        assert euratech in owner.actor_ids


def test_claim_then_owner_edits_go_through_moderation(
    directory_engine: Engine, referential: Referential, moderator: User, make_user: MakeUser
) -> None:
    nubbo = actor_id(directory_engine, "nubbo")
    with unit_of_work(directory_engine) as conn:
        receipt = claim_actor(
            conn, nubbo, contact_email="team@nubbo.example", message="C'est nous", now=NOW
        )
    assert receipt.token
    with unit_of_work(directory_engine) as conn:
        verify_submission(conn, receipt.token, now=NOW)
        accept_submission(
            conn, receipt.submission_id, by=moderator, referential=referential, now=NOW
        )
        owner = find_user_by_email(conn, "team@nubbo.example")
    assert owner is not None
    assert owner.actor_ids == (nubbo,)
    with unit_of_work(directory_engine) as conn:
        edit = propose_actor_edit(
            conn,
            nubbo,
            ActorEdit(description_en=XSS, website=""),
            by=owner,
            referential=referential,
            now=NOW,
        )
        assert edit.state is SubmissionState.VERIFIED  # straight to the queue
        assert get_actor(conn, nubbo)["description_en"] != XSS  # not applied yet
    with unit_of_work(directory_engine) as conn:
        accept_submission(conn, edit.submission_id, by=moderator, referential=referential, now=NOW)
    with directory_engine.connect() as conn:
        actor = get_actor(conn, nubbo)
        assert actor["description_en"] == XSS  # stored verbatim
        assert actor["website"] is None
        assert actor["key"] == "nubbo"
        # The directory import audited the creation too, at the real time, after NOW.
        update = [e for e in audit_trail(conn, "actor", nubbo) if e.action == "actor.update"][-1]
        assert update.before["description_en"] != XSS
        assert update.after["description_en"] == XSS


def test_owner_cannot_edit_another_actor(
    directory_engine: Engine, referential: Referential, make_user: MakeUser
) -> None:
    nubbo = actor_id(directory_engine, "nubbo")
    euratech = actor_id(directory_engine, "euratechnologies")
    owner = make_user("team@nubbo.example", RoleGrant(Role.ACTOR_OWNER, actor_id=nubbo))
    with (
        pytest.raises(PermissionDenied, match=str(euratech)),
        unit_of_work(directory_engine) as conn,
    ):
        propose_actor_edit(
            conn, euratech, ActorEdit(name="Mine now"), by=owner, referential=referential, now=NOW
        )


def test_territory_manager_edits_only_actors_of_their_territory(
    directory_engine: Engine, referential: Referential, lille_manager: User
) -> None:
    euratech = actor_id(directory_engine, "euratechnologies")  # in Lille
    nubbo = actor_id(directory_engine, "nubbo")  # in Toulouse
    with unit_of_work(directory_engine) as conn:
        propose_actor_edit(
            conn,
            euratech,
            ActorEdit(sectors=("digital", "ai")),
            by=lille_manager,
            referential=referential,
            now=NOW,
        )
    with pytest.raises(PermissionDenied), unit_of_work(directory_engine) as conn:
        propose_actor_edit(
            conn,
            nubbo,
            ActorEdit(sectors=("ai",)),
            by=lille_manager,
            referential=referential,
            now=NOW,
        )


def test_hostile_text_is_stored_literally(
    directory_engine: Engine, referential: Referential, moderator: User
) -> None:
    from dataclasses import replace

    hostile = replace(
        NEW_STARTUP,
        name=SQLI,
        description_fr=XSS,
        description_en=SQLI,
        contact_name=XSS,
        siret=None,
    )
    submission_id = _verified(directory_engine, referential, hostile)
    with unit_of_work(directory_engine) as conn:
        decision = accept_submission(
            conn, submission_id, by=moderator, referential=referential, now=NOW
        )
    with directory_engine.connect() as conn:
        actor = get_actor(conn, decision.actor_id)
        assert (actor["name"], actor["description_fr"]) == (SQLI, XSS)
        assert get_submission(conn, submission_id)["contact_name"] == XSS
        # The tables are all still there and searchable.
        assert search_actors(conn, ActorQuery(text="robert drop table"), referential).total >= 1

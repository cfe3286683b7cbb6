"""An owner's edit form and its identifiers, on SQLite and PostgreSQL: the form shows the
actor's SIREN and SIRET; a number whose check digit is wrong, a SIRET of another company
or an emptied SIREN is a field error and files nothing; a right change goes to the
moderation queue, which shows the number the actor has now, and once accepted the actor
has the new identifiers (the audit log keeps both). An actor with several SIRETs (its
establishments) keeps the ones its form did not show."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cartotech.domain import ActorType
from cartotech.domain.participation import ActorSubmission
from cartotech.geo import get_referential
from cartotech.store import unit_of_work
from cartotech.store.actors import identifiers_of
from cartotech.store.audit import audit_trail
from cartotech.store.moderation import accept_submission
from cartotech.store.schema import submissions
from cartotech.store.submissions import claim_actor, present_organisation, verify_submission
from tests.web import participation_support
from tests.web.participation_support import ParticipationSite, post_form
from tests.web.test_participation_moderation import decide, set_password

smtp = participation_support.smtp
psite = participation_support.psite

LILLE = "fr:commune:59350"
# Valid SIREN/SIRET pairs (Luhn check digits right): the INSEE's example, and another.
SIREN, SIRET = "732829320", "73282932000074"
NEW_SIREN, NEW_SIRET = "552100554", "55210055400013"
# Other establishments of SIREN: SECOND_SIRET sorts after SIRET (the form shows SIRET).
SECOND_SIRET, THIRD_SIRET = "73282932000082", "73282932000025"
# The edit form as the owner finds it (the presentation had no website nor description).
FORM = {
    "name": "Quillbrook Robotique", "type": "startup", "commune": "Lille",
    "territory_id": LILLE, "website": "", "description_fr": "", "description_en": "",
    "siren": SIREN, "siret": SIRET,
}  # fmt: skip


def owned_actor(site: ParticipationSite) -> tuple[int, TestClient]:
    """An actor presented with SIREN and SIRET, accepted; its owner, logged in."""
    presented = ActorSubmission(
        "Quillbrook Robotique", ActorType.STARTUP, "owner@edit.example", LILLE, siren=SIREN,
        siret=SIRET,
    )  # fmt: skip
    with unit_of_work(site.engine) as conn:
        receipt = present_organisation(conn, presented, referential=get_referential())
        verify_submission(conn, receipt.token or "")
        decision = accept_submission(
            conn, receipt.submission_id, by=site.moderator, referential=get_referential()
        )
    owner = site.client()
    assert set_password(owner, decision.invitation_token or "").status_code == 303
    assert decision.actor_id is not None
    return decision.actor_id, owner


def edit(owner: TestClient, actor_id: int, **changes: str) -> Any:
    path = f"/actors/{actor_id}/edit"
    return post_form(owner, path, path, {**FORM, **changes})


def edits(site: ParticipationSite) -> int:
    return site.count(submissions, submissions.c.kind == "edit")


def test_the_edit_form_shows_the_siren_and_siret(psite: ParticipationSite) -> None:
    actor_id, owner = owned_actor(psite)
    page = owner.get(f"/actors/{actor_id}/edit").text
    assert f'name="siren" value="{SIREN}"' in page
    assert f'name="siret" value="{SIRET}"' in page
    # Sent back unchanged, they are not proposed again.
    assert edit(owner, actor_id, website="https://quillbrook.example").status_code == 303
    with psite.engine.connect() as conn:
        payload = conn.execute(
            select(submissions.c.payload).where(submissions.c.kind == "edit")
        ).scalar_one()
    assert "siren" not in payload


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"siren": "552100553", "siret": ""}, "siren", "is not a valid SIREN"),
        ({"siren": NEW_SIREN}, "siret", f"siret {SIRET} does not belong to siren {NEW_SIREN}"),
        ({"siren": "", "siret": ""}, "siren", "can be corrected but not removed"),
    ],
)
def test_a_wrong_siren_is_a_field_error_and_nothing_is_filed(
    psite: ParticipationSite, changes: dict[str, str], field: str, message: str
) -> None:
    actor_id, owner = owned_actor(psite)
    refused = edit(owner, actor_id, **changes)
    assert refused.status_code == 422
    assert message in refused.text
    assert f'id="f-{field}" type="text" name="{field}"' in refused.text
    assert 'aria-invalid="true"' in refused.text.split(f'id="f-{field}"', 1)[1].split(">", 1)[0]
    assert edits(psite) == 0
    with psite.engine.connect() as conn:
        assert identifiers_of(conn, [actor_id])[actor_id] == {"siren": [SIREN], "siret": [SIRET]}


def test_a_siren_change_is_moderated_then_replaces_the_identifiers(
    psite: ParticipationSite,
) -> None:
    actor_id, owner = owned_actor(psite)
    sent = edit(owner, actor_id, siren=NEW_SIREN, siret=NEW_SIRET)
    assert sent.status_code == 303, sent.text
    moderator = psite.moderator_client()
    queue = moderator.get("/moderation").text
    assert f'{NEW_SIREN} <span class="muted">(actuellement : {SIREN})</span>' in queue
    with psite.engine.connect() as conn:
        # Not applied before a moderator accepts it.
        assert identifiers_of(conn, [actor_id])[actor_id]["siren"] == [SIREN]
    number = int(psite.scalar(select(submissions.c.id).where(submissions.c.kind == "edit")))
    assert decide(moderator, number, "accept").status_code == 303
    with psite.engine.connect() as conn:
        now = identifiers_of(conn, [actor_id])[actor_id]
        update = [e for e in audit_trail(conn, "actor", actor_id) if e.action == "actor.update"]
    assert now == {"siren": [NEW_SIREN], "siret": [NEW_SIRET]}
    assert update[-1].before["identifiers"] == {"siren": [SIREN], "siret": [SIRET]}
    assert update[-1].after["identifiers"] == now
    assert f'name="siren" value="{NEW_SIREN}"' in owner.get(f"/actors/{actor_id}/edit").text


def add_establishment(site: ParticipationSite, actor_id: int, siret: str) -> None:
    """A claim, accepted, that brings the SIRET of another establishment of the actor."""
    with unit_of_work(site.engine) as conn:
        claim = claim_actor(conn, actor_id, contact_email="second@edit.example", siret=siret)
        verify_submission(conn, claim.token or "")
        accept_submission(conn, claim.submission_id, by=site.moderator,
                          referential=get_referential())  # fmt: skip


MUTED = '<span class="muted">'


@pytest.mark.parametrize(
    ("changes", "queue_shows", "after"),
    [
        ({"siret": THIRD_SIRET},
         f"{THIRD_SIRET} {MUTED}(actuellement : {SIRET}, {SECOND_SIRET} ; remplace {SIRET})",
         {"siren": [SIREN], "siret": sorted([SECOND_SIRET, THIRD_SIRET])}),
        ({"siren": NEW_SIREN, "siret": NEW_SIRET},
         f"{NEW_SIRET} {MUTED}(actuellement : {SIRET}, {SECOND_SIRET} ; remplace {SIRET})",
         {"siren": [NEW_SIREN], "siret": sorted([SECOND_SIRET, NEW_SIRET])}),
        ({"siret": ""},
         f"{SIRET} retiré {MUTED}(actuellement : {SIRET}, {SECOND_SIRET})",
         {"siren": [SIREN], "siret": [SECOND_SIRET]}),
    ],
)  # fmt: skip
def test_an_edit_replaces_the_siret_shown_and_the_other_establishments_stay(
    psite: ParticipationSite, changes: dict[str, str], queue_shows: str,
    after: dict[str, list[str]],
) -> None:  # fmt: skip
    actor_id, owner = owned_actor(psite)
    add_establishment(psite, actor_id, SECOND_SIRET)
    assert f'name="siret" value="{SIRET}"' in owner.get(f"/actors/{actor_id}/edit").text
    sent = edit(owner, actor_id, **changes)
    assert sent.status_code == 303, sent.text
    moderator = psite.moderator_client()
    assert queue_shows in moderator.get("/moderation").text
    number = int(psite.scalar(select(submissions.c.id).where(submissions.c.kind == "edit")))
    assert decide(moderator, number, "accept").status_code == 303
    with psite.engine.connect() as conn:
        assert identifiers_of(conn, [actor_id])[actor_id] == after

"""'Présentez votre organisation' end to end, on SQLite and PostgreSQL: the form, the
"is this you?" step and claims, the email read from a real local SMTP server, the
confirmation, the moderation queue (accept, reject, merge), the directory and the map,
the new owner's invitation and their moderated edits."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cartotech.domain import ActorType
from cartotech.domain.participation import ActorSubmission
from cartotech.geo import get_referential
from cartotech.store import unit_of_work
from cartotech.store.schema import actor_identifiers, actors, sources, submissions
from cartotech.store.submissions import present_organisation, verify_submission
from tests.conftest import BACKENDS
from tests.web import participation_support
from tests.web.auth_support import csrf_of
from tests.web.participation_support import (
    MANAGER_PASSWORD,
    MARSEILLE_MANAGER,
    ParticipationSite,
    SmtpServer,
    open_participation_site,
    post_form,
    unreachable_smtp,
)

smtp = participation_support.smtp
psite = participation_support.psite

# NEW_STARTUP: a name nothing in the directory resembles, in Lille, with a valid SIREN
# (Luhn check digit), so that the form goes straight to the email step.
NEW_STARTUP = {
    "name": "Quillbrook Robotique",
    "type": "startup",
    "commune": "Lille",
    "territory_id": "",
    "sectors": ["hardware", "ai"],
    "website": "https://quillbrook.example",
    "description_fr": "Des bras robotisés pour les ateliers.",
    "description_en": "Robot arms for workshops.",
    "siren": "732829320",
    "contact_name": "Alix Martin",
}


def present(client: Any, email: str, **overrides: Any) -> Any:
    data = {**NEW_STARTUP, "contact_email": email, **overrides}
    return post_form(client, "/present", "/present", data)


def confirm(client: Any, path: str) -> Any:
    """Open an email's link (a page with a button) and press the button."""
    page = client.get(path)
    assert page.status_code == 200
    token = path.split("token=", 1)[1]
    return client.post(
        path.split("?", 1)[0], data={"token": token, "csrf_token": csrf_of(page.text)}
    )


def queue_form_token(client: Any) -> str:
    return csrf_of(client.get("/moderation").text)


def submission_id(site: ParticipationSite, name: str) -> int:
    return int(site.scalar(select(submissions.c.id).where(submissions.c.name == name)))


def test_present_confirm_accept_then_the_actor_is_in_the_directory_and_on_the_map(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    email = "alix@quillbrook.example"
    sent = present(visitor, email)
    assert sent.status_code == 200, sent.text
    assert "Vérifiez votre boîte e-mail" in sent.text
    message = psite.inbox.last(email)
    assert message["Subject"] == "Confirmez la présentation de votre organisation"
    assert "Quillbrook Robotique" in message.get_content()
    link = psite.inbox.link(email)
    assert link.startswith("/present/confirm?token=")
    # Before the link is followed, the moderators do not see it.
    moderator = psite.moderator_client()
    assert "Quillbrook" not in moderator.get("/moderation").text

    confirmed = confirm(visitor, link)
    assert confirmed.status_code == 200
    assert "attend la vérification" in confirmed.text
    queue = moderator.get("/moderation")
    assert "Quillbrook Robotique" in queue.text
    assert "alix@quillbrook.example" in queue.text  # the moderator sees the verified contact

    number = submission_id(psite, "Quillbrook Robotique")
    accepted = moderator.post(
        f"/moderation/submissions/{number}/accept",
        data={"note": "vérifié", "csrf_token": queue_form_token(moderator)},
    )
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/moderation?done=accepted"

    found = visitor.get("/api/v1/actors", params={"q": "Quillbrook"}).json()["items"]
    assert [item["name"] for item in found] == ["Quillbrook Robotique"]
    actor_id = found[0]["id"]
    actor = visitor.get(f"/api/v1/actors/{actor_id}").json()
    assert actor["source"]["kind"] == "submitter"
    assert f"submission #{number}" in actor["source"]["submitter"]
    assert actor["territory_id"] == "fr:commune:59350"
    assert sorted(actor["sectors"]) == ["ai", "hardware"]
    page = visitor.get(f"/actors/{actor_id}")
    assert "Quillbrook Robotique" in page.text
    assert "Formulaire de participation" in page.text or "Participation form" in page.text
    directory = visitor.get("/actors", params={"q": "quillbrook"})
    assert f'href="/actors/{actor_id}"' in directory.text
    points = visitor.get("/api/v1/map/points", params={"q": "Quillbrook"}).json()
    assert [f["properties"]["id"] for f in points["features"]] == [actor_id]
    with psite.engine.connect() as conn:
        identifiers = conn.execute(
            select(actor_identifiers.c.scheme, actor_identifiers.c.value).where(
                actor_identifiers.c.actor_id == actor_id
            )
        ).all()
    assert [tuple(row) for row in identifiers] == [("siren", "732829320")]

    # The contact is invited to set a password; then they may edit their actor.
    invitation = psite.inbox.last(email)
    assert invitation["Subject"] == "Votre organisation est publiée sur cartotech"
    owner = psite.client()
    path = psite.inbox.link(email)
    form = owner.get(path)
    owned = owner.post(
        "/invitation",
        data={"token": path.split("token=", 1)[1], "new_password": "owner password 123",
              "confirm_password": "owner password 123", "csrf_token": csrf_of(form.text)},
    )  # fmt: skip
    assert owned.status_code == 303
    assert owned.headers["location"] == f"/actors/{actor_id}"
    assert "Proposer une modification" in owner.get(f"/actors/{actor_id}").text
    edit = post_form(
        owner, f"/actors/{actor_id}/edit", f"/actors/{actor_id}/edit",
        {**NEW_STARTUP, "type": "startup", "territory_id": "fr:commune:59350",
         "description_en": "Robot arms for small workshops."},
    )  # fmt: skip
    assert edit.status_code == 303, edit.text
    assert edit.headers["location"] == f"/actors/{actor_id}?edit=sent"
    assert "Robot arms for small workshops." in moderator.get("/moderation").text
    # Published only once a moderator accepts it.
    assert (
        actor["description_en"]
        == visitor.get(f"/api/v1/actors/{actor_id}").json()["description_en"]
    )


def test_an_owner_cannot_edit_another_actor(psite: ParticipationSite) -> None:
    visitor = psite.client()
    email = "owner@quillbrook.example"
    present(visitor, email)
    confirm(visitor, psite.inbox.link(email))
    moderator = psite.moderator_client()
    number = submission_id(psite, "Quillbrook Robotique")
    moderator.post(
        f"/moderation/submissions/{number}/accept",
        data={"csrf_token": queue_form_token(moderator)},
    )
    path = psite.inbox.link(email)
    owner = psite.client()
    owner.post(
        "/invitation",
        data={"token": path.split("token=", 1)[1], "new_password": "owner password 123",
              "confirm_password": "owner password 123",
              "csrf_token": csrf_of(owner.get(path).text)},
    )  # fmt: skip
    other = int(psite.scalar(select(actors.c.id).where(actors.c.key == "euratechnologies")))
    before = psite.count(submissions)
    assert owner.get(f"/actors/{other}/edit").status_code == 403
    token = csrf_of(owner.get("/present").text)
    refused = owner.post(
        f"/actors/{other}/edit", data={"name": "Pwned", "type": "incubator", "csrf_token": token}
    )
    assert refused.status_code == 403
    assert psite.count(submissions) == before
    # A territory manager of another territory may not either.
    marseille = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    assert marseille.get(f"/actors/{other}/edit").status_code == 403


def test_is_this_you_offers_to_claim_the_existing_profile(psite: ParticipationSite) -> None:
    visitor = psite.client()
    email = "contact@euratech.example"
    check = present(visitor, email, name="EuraTechnologies", type="incubator", siren="")
    assert check.status_code == 200
    assert "Est-ce vous ?" in check.text
    eura = int(psite.scalar(select(actors.c.id).where(actors.c.key == "euratechnologies")))
    assert f'action="/actors/{eura}/claim"' in check.text
    assert psite.count(submissions) == 0  # nothing filed before the person chooses
    claim = visitor.post(
        f"/actors/{eura}/claim",
        data={"contact_email": email, "contact_name": "Camille", "csrf_token": csrf_of(check.text)},
    )
    assert claim.status_code == 200
    assert (
        psite.inbox.last(email)["Subject"] == "Confirmez votre demande sur une fiche de l'annuaire"
    )
    confirmed = confirm(visitor, psite.inbox.link(email))
    assert "votre demande attend" in confirmed.text
    moderator = psite.moderator_client()
    queue = moderator.get("/moderation").text
    assert "Revendication — Euratechnologies" in queue


def test_choosing_new_anyway_files_the_presentation(psite: ParticipationSite) -> None:
    visitor = psite.client()
    email = "new@euratech.example"
    check = present(visitor, email, name="EuraTechnologies", type="incubator", siren="")
    again = visitor.post(
        "/present",
        data={**NEW_STARTUP, "name": "EuraTechnologies", "type": "incubator", "siren": "",
              "contact_email": email, "confirmed": "yes", "csrf_token": csrf_of(check.text)},
    )  # fmt: skip
    assert again.status_code == 200
    assert "Vérifiez votre boîte e-mail" in again.text
    assert psite.inbox.link(email).startswith("/present/confirm?token=")


def test_a_moderator_rejects_with_a_reason_or_merges(psite: ParticipationSite) -> None:
    visitor = psite.client()
    for email, name in (("a@reject.example", "Quillbrook Robotique"),
                        ("b@merge.example", "Euratech Lille Campus")):  # fmt: skip
        present(visitor, email, name=name, confirmed="yes")
        confirm(visitor, psite.inbox.link(email))
    moderator = psite.moderator_client()
    token = queue_form_token(moderator)
    rejected = submission_id(psite, "Quillbrook Robotique")
    no_reason = moderator.post(
        f"/moderation/submissions/{rejected}/reject", data={"reason": " ", "csrf_token": token}
    )
    assert no_reason.status_code == 422
    assert "reason is required" in no_reason.text
    done = moderator.post(
        f"/moderation/submissions/{rejected}/reject",
        data={"reason": "doublon", "csrf_token": token},
    )
    assert done.status_code == 303
    merged = submission_id(psite, "Euratech Lille Campus")
    eura = int(psite.scalar(select(actors.c.id).where(actors.c.key == "euratechnologies")))
    done = moderator.post(
        f"/moderation/submissions/{merged}/merge",
        data={"into_actor": str(eura), "csrf_token": token},
    )
    assert done.status_code == 303
    actor = visitor.get(f"/api/v1/actors/{eura}").json()
    assert "Euratech Lille Campus" in actor["aliases"]
    with psite.engine.connect() as conn:
        rows = conn.execute(select(submissions.c.name, submissions.c.state)).all()
    states = dict(rows)
    assert states == {"Quillbrook Robotique": "rejected", "Euratech Lille Campus": "merged"}


def test_only_moderators_decide(psite: ParticipationSite) -> None:
    visitor = psite.client()
    present(visitor, "c@only.example", confirmed="yes")
    confirm(visitor, psite.inbox.link("c@only.example"))
    number = submission_id(psite, "Quillbrook Robotique")
    anonymous = visitor.get("/moderation")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
    manager = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    assert "Quillbrook" not in manager.get("/moderation").text
    token = csrf_of(manager.get("/moderation").text)
    refused = manager.post(f"/moderation/submissions/{number}/accept", data={"csrf_token": token})
    assert refused.status_code == 403
    assert psite.count(actors, actors.c.name == "Quillbrook Robotique") == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siren", "732829321", "is not a valid SIREN"),
        ("commune", "Zzyzx-sur-Rien", "no commune matches"),
        ("website", "javascript:alert(1)", "is not a web address"),
        ("contact_email", "not an email", "contact_email"),
        ("name", "", "name is required"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_filed(
    psite: ParticipationSite, field: str, value: str, message: str
) -> None:
    response = present(psite.client(), "d@fields.example", **{field: value})
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert psite.count(submissions) == 0
    assert psite.inbox.to("d@fields.example") == []


def test_the_honeypot_is_answered_like_a_person_and_nothing_is_written(
    psite: ParticipationSite,
) -> None:
    response = present(psite.client(), "bot@spam.example", website_url="http://spam.example")
    assert response.status_code == 200
    assert "Vérifiez votre boîte e-mail" in response.text
    assert psite.count(submissions) == 0
    assert psite.inbox.to("bot@spam.example") == []


def test_a_wrong_or_used_link_is_refused_plainly(psite: ParticipationSite) -> None:
    visitor = psite.client()
    page = visitor.get("/present/confirm?token=not-a-token")
    response = visitor.post(
        "/present/confirm", data={"token": "not-a-token", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 400
    assert "Ce lien n&#39;est pas valide" in response.text


def test_a_logged_in_person_with_their_own_email_skips_the_link(
    psite: ParticipationSite,
) -> None:
    manager = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    response = present(manager, MARSEILLE_MANAGER, confirmed="yes")
    assert response.status_code == 200
    assert "passe directement en modération" in response.text
    assert psite.inbox.to(MARSEILLE_MANAGER) == []
    assert psite.count(submissions, submissions.c.state == "verified") == 1


def test_sources_of_accepted_presentations_carry_no_personal_data(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    email = "private.person@quillbrook.example"
    present(visitor, email, contact_name="Private Person")
    confirm(visitor, psite.inbox.link(email))
    moderator = psite.moderator_client()
    moderator.post(
        f"/moderation/submissions/{submission_id(psite, 'Quillbrook Robotique')}/accept",
        data={"csrf_token": queue_form_token(moderator)},
    )
    with psite.engine.connect() as conn:
        row = conn.execute(select(sources).where(sources.c.kind == "submitter")).all()
    text = " ".join(f"{r.title} {r.submitter}" for r in row)
    assert "private.person" not in text
    assert "Private Person" not in text


@pytest.fixture(params=BACKENDS)
def site_without_smtp(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer
) -> Iterator[ParticipationSite]:
    """Development without CARTOTECH_SMTP_HOST, as `make demo` runs."""
    with open_participation_site(
        request, tmp_path_factory, request.param, smtp, smtp_host=None, public_url=None
    ) as site:
        yield site


def test_development_without_smtp_writes_the_link_to_the_log(
    site_without_smtp: ParticipationSite, caplog: pytest.LogCaptureFixture
) -> None:
    visitor = site_without_smtp.client()
    with caplog.at_level(logging.WARNING, logger="cartotech.mail"):
        response = present(visitor, "dev@quillbrook.example")
    assert response.status_code == 200
    assert "Vérifiez votre boîte e-mail" in response.text
    (link,) = re.findall(r"http://testserver(/present/confirm\?token=\S+)", caplog.text)
    assert "attend la vérification" in confirm(visitor, link).text


def test_production_without_smtp_says_so_and_counts_nothing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer
) -> None:
    with open_participation_site(
        request, tmp_path_factory, "sqlite", smtp, smtp_host=None, environment="production",
        secret_key="a production secret key for tests",
    ) as site:  # fmt: skip
        # Production's session cookie is Secure: the browser talks HTTPS.
        visitor = TestClient(site.app, base_url="https://testserver", follow_redirects=False)
        response = present(visitor, "prod@quillbrook.example")
        assert response.status_code == 503
        assert "ne peut pas encore envoyer d" in response.text
        # The pending submission was written before the email: it waits, unverified.
        assert site.count(submissions, submissions.c.state == "verified") == 0


def test_an_invitation_that_cannot_be_sent_is_said_to_the_moderator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer
) -> None:
    closed = unreachable_smtp(smtp.inbox)
    with open_participation_site(request, tmp_path_factory, "sqlite", closed) as site:
        with unit_of_work(site.engine) as conn:
            receipt = present_organisation(
                conn,
                ActorSubmission(name="Quillbrook Robotique", type=ActorType.STARTUP,
                                contact_email="nomail@quillbrook.example",
                                territory_id="fr:commune:59350"),
                referential=get_referential(),
            )  # fmt: skip
            verify_submission(conn, receipt.token or "")
        moderator = site.moderator_client()
        accepted = moderator.post(
            f"/moderation/submissions/{receipt.submission_id}/accept",
            data={"csrf_token": queue_form_token(moderator)},
        )
        assert accepted.headers["location"] == "/moderation?done=accepted&mail=failed"
        page = moderator.get(accepted.headers["location"]).text
        assert "l&#39;e-mail d&#39;invitation n&#39;a pas pu partir" in page
        assert site.count(actors, actors.c.name == "Quillbrook Robotique") == 1

"""Security of the participation forms, on SQLite and PostgreSQL: a form without its
CSRF token is refused (403) and writes nothing, logged in or not; markup typed in every
text field of a presentation is shown as text on every page that shows it (moderation
queue, actor page, directory, API); SQL typed in the forms and the search is kept as
text and changes nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Table, select

from cartotech.store.schema import (
    actors,
    audit_log,
    candidacy_evidence,
    events,
    petition_signatures,
    submissions,
    users,
)
from tests.web import participation_support
from tests.web.auth_support import csrf_of
from tests.web.participation_support import (
    LILLE_MANAGER,
    MANAGER_PASSWORD,
    PETITION,
    ParticipationSite,
    post_form,
)

smtp = participation_support.smtp
psite = participation_support.psite

WATCHED: list[Table] = [
    actors, audit_log, candidacy_evidence, events, petition_signatures, submissions, users,
]  # fmt: skip
# HOSTILE: one payload per field, each different so that a test can tell which
# field leaked.
HOSTILE = {
    "name": "<script>alert('name')</script>Hostile Org",
    "website": "https://hostile.example/?q=<script>alert('web')</script>",
    "description_fr": "<img src=x onerror=alert('fr')>",
    "description_en": '"><svg onload=alert("en")>',
    "contact_name": "<b onmouseover=alert('contact')>Eve</b>",
}
SQL_INJECTIONS = [
    "' OR '1'='1",
    "x'; DROP TABLE actors; --",
    "1) UNION SELECT email, password_hash FROM users --",
    "%' AND 1=1 --",
]


def counts(site: ParticipationSite) -> dict[str, int]:
    return {table.name: site.count(table) for table in WATCHED}


@pytest.mark.parametrize(
    ("page", "action", "data"),
    [
        ("/present", "/present",
         {"name": "Sans jeton", "type": "startup", "commune": "Lille",
          "contact_email": "a@b.example", "confirmed": "yes"}),
        (f"/petitions/{PETITION}", f"/petitions/{PETITION}/sign",
         {"name": "Sans jeton", "email": "a@b.example"}),
        ("/events/new", "/events/new",
         {"title": "Sans jeton", "start_date": "2030-01-01", "commune": "Lille",
          "contact_email": "a@b.example"}),
        ("/candidacies/1", "/candidacies/1/evidence",
         {"criterion": "manifesto", "reference": "https://example.org/x"}),
        ("/candidacies/1", "/candidacies/1/state", {"state": "withdrawn"}),
        ("/candidacies/new", "/candidacies/new",
         {"programme": "capitale-french-tech", "name": "X", "territories": "fr:epci:200093201"}),
    ],
)  # fmt: skip
def test_a_form_without_its_token_is_refused_and_writes_nothing(
    psite: ParticipationSite, page: str, action: str, data: dict[str, str]
) -> None:
    client = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    client.get(page)
    before = counts(psite)
    for token in (None, "forged-token"):
        sent = {**data, **({"csrf_token": token} if token else {})}
        response = client.post(action, data=sent)
        assert response.status_code == 403, (action, token)
        assert "jeton de sécurité" in response.text or "security token" in response.text
    assert counts(psite) == before
    assert psite.inbox.to("a@b.example") == []


def test_markup_in_every_field_of_a_presentation_is_shown_as_text(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    email = "eve@hostile.example"
    data = {**HOSTILE, "type": "startup", "commune": "Lille", "contact_email": email,
            "confirmed": "yes"}  # fmt: skip
    assert post_form(visitor, "/present", "/present", data).status_code == 200
    path = psite.inbox.link(email)
    page = visitor.get(path)
    visitor.post(
        "/present/confirm",
        data={"token": path.split("token=", 1)[1], "csrf_token": csrf_of(page.text)},
    )
    moderator = psite.moderator_client()
    queue = moderator.get("/moderation").text
    assert_escaped(queue)
    number = psite.scalar(select(submissions.c.id).where(submissions.c.contact_email == email))
    moderator.post(f"/moderation/submissions/{number}/accept", data={"csrf_token": csrf_of(queue)})
    actor_id = psite.scalar(select(actors.c.id).where(actors.c.name == HOSTILE["name"]))
    for path in (f"/actors/{actor_id}", f"/actors/{actor_id}?lang=en", "/actors?q=hostile",
                 "/territories/fr:commune:59350"):  # fmt: skip
        assert_escaped(visitor.get(path).text)
    api = visitor.get(f"/api/v1/actors/{actor_id}").json()
    assert api["name"] == HOSTILE["name"]  # JSON keeps the text as typed


def assert_escaped(html: str) -> None:
    for field, payload in HOSTILE.items():
        if field == "website":
            continue  # checked below: only ever inside an attribute or as text
        assert payload not in html, field
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert "<b onmouseover" not in html


@pytest.mark.parametrize("payload", SQL_INJECTIONS)
def test_sql_in_the_forms_and_the_search_is_kept_as_text(
    psite: ParticipationSite, payload: str
) -> None:
    visitor = psite.client()
    before = counts(psite)
    data = {"name": payload, "type": "startup", "commune": "Lille",
            "description_fr": payload, "contact_email": "sql@inject.example",
            "confirmed": "yes"}  # fmt: skip
    response = post_form(visitor, "/present", "/present", data)
    assert response.status_code == 200
    stored = psite.scalar(
        select(submissions.c.name).where(submissions.c.contact_email == "sql@inject.example")
    )
    assert stored == payload
    after = counts(psite)
    assert after["submissions"] == before["submissions"] + 1
    assert after["actors"] == before["actors"]
    assert after["users"] == before["users"]
    for path, params in (("/actors", {"q": payload}), ("/api/v1/actors", {"q": payload}),
                         ("/api/v1/territories", {"q": payload}), ("/funding", {}),
                         ("/api/v1/candidacies/1", {"as_of": payload[:10]})):  # fmt: skip
        status = visitor.get(path, params=params).status_code
        assert status in (200, 422), (path, status)
    assert counts(psite)["actors"] == before["actors"]


def test_the_moderation_queue_and_decisions_need_a_login(psite: ParticipationSite) -> None:
    visitor = psite.client()
    token = csrf_of(visitor.get("/present").text)
    before = counts(psite)
    responses: list[Any] = [
        visitor.get("/moderation"),
        visitor.post("/moderation/submissions/1/accept", data={"csrf_token": token}),
        visitor.post("/moderation/events/6/accept", data={"csrf_token": token}),
        visitor.post("/moderation/evidence/2/accept", data={"csrf_token": token}),
    ]
    for response in responses:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    assert counts(psite) == before

"""Support petitions on the web, on SQLite and PostgreSQL: sign, confirm from the email
of a real local SMTP server, the counter moves; unconfirmed signatures never count;
200 signatures from one address are throttled and none counts twice; the honeypot;
the CSV for the candidacy's managers only, with hostile cells neutralised."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import select

from cartotech.store.schema import petition_signatures, petitions
from tests.web import participation_support
from tests.web.auth_support import csrf_of
from tests.web.participation_support import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LILLE_MANAGER,
    MANAGER_PASSWORD,
    MARSEILLE_MANAGER,
    MODERATOR_EMAIL,
    MODERATOR_PASSWORD,
    PETITION,
    ParticipationSite,
)

smtp = participation_support.smtp
psite = participation_support.psite

PAGE = f"/petitions/{PETITION}"
DEMO_COUNT = 12  # the demo's confirmed signatures
# HOSTILE_*: what a signatory may type, shown on the page and written to the CSV.
HOSTILE_NAME = "<script>alert('name')</script>"
HOSTILE_COMMENT = '<img src=x onerror="alert(1)"> merci'
FORMULA_NAME = '=HYPERLINK("http://evil.example","clic")'
FORMULA_COMMENT = "+cmd|' /C calc'!A0"


def sign(client: Any, email: str, **fields: Any) -> Any:
    token = csrf_of(client.get(PAGE).text)
    data = {"name": "Jeanne Test", "email": email, **fields, "csrf_token": token}
    return client.post(f"{PAGE}/sign", data=data)


def confirm(client: Any, path: str) -> Any:
    page = client.get(path)
    token = path.split("token=", 1)[1]
    return client.post(
        "/signatures/confirm", data={"token": token, "csrf_token": csrf_of(page.text)}
    )


def count(client: Any) -> int:
    return int(client.get(f"/api/v1/petitions/{PETITION}").json()["count"])


def petition_id(site: ParticipationSite) -> int:
    return int(site.scalar(select(petitions.c.id).where(petitions.c.slug == PETITION)))


def test_sign_confirm_and_the_counter_moves(psite: ParticipationSite) -> None:
    visitor = psite.client()
    page = visitor.get(PAGE)
    assert f'data-count="{DEMO_COUNT}"' in page.text
    email = "jeanne@signe.example"
    sent = sign(visitor, email, name="Jeanne Signataire", show_name="yes",
                organisation="Euratechnologies")  # fmt: skip
    assert sent.status_code == 200, sent.text
    assert "Vérifiez votre boîte e-mail" in sent.text
    message = psite.inbox.last(email)
    assert message["Subject"] == "Confirmez votre signature"
    assert "Soutenez la candidature de Lille" in message.get_content()
    assert count(visitor) == DEMO_COUNT  # pending: not counted
    assert "Jeanne Signataire" not in visitor.get(PAGE).text

    link = psite.inbox.link(email)
    assert link.startswith("/signatures/confirm?token=")
    done = confirm(visitor, link)
    assert done.status_code == 303
    assert done.headers["location"] == f"{PAGE}?confirmed=true"
    after = visitor.get(done.headers["location"])
    assert f'data-count="{DEMO_COUNT + 1}"' in after.text
    assert "votre signature est confirmée" in after.text
    assert "Jeanne Signataire" in after.text
    assert count(visitor) == DEMO_COUNT + 1
    # Following the link again counts nothing more.
    again = confirm(visitor, link)
    assert again.status_code == 303
    assert count(visitor) == DEMO_COUNT + 1


def test_an_unconfirmed_signature_is_never_counted(psite: ParticipationSite) -> None:
    visitor = psite.client()
    sign(visitor, "pending@signe.example", name="Paul Pending", show_name="yes")
    assert count(visitor) == DEMO_COUNT
    assert "Paul Pending" not in visitor.get(PAGE).text
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    exported = manager.get(f"{PAGE}/signatures.csv")
    assert exported.status_code == 200
    assert "Paul Pending" not in exported.text
    assert len(list(csv.DictReader(io.StringIO(exported.text)))) == DEMO_COUNT


def test_one_person_counts_once_whatever_the_spelling_of_their_email(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    for variant in ("Twice@Signe.example", "twice+petition@signe.example"):
        assert sign(visitor, variant).status_code == 200
    rows = psite.count(
        petition_signatures, petition_signatures.c.email_canonical == "twice@signe.example"
    )
    assert rows == 1
    confirm(visitor, psite.inbox.link("twice+petition@signe.example"))
    assert count(visitor) == DEMO_COUNT + 1
    # Signing again once confirmed shows the same page, and changes nothing.
    assert "Vérifiez votre boîte e-mail" in sign(visitor, "twice@signe.example").text
    assert count(visitor) == DEMO_COUNT + 1


def test_two_hundred_signatures_from_one_address_are_throttled_and_none_counts_twice(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    token = csrf_of(visitor.get(PAGE).text)
    statuses = []
    for number in range(200):
        response = visitor.post(
            f"{PAGE}/sign",
            data={"name": f"Robot {number}", "email": f"flood{number}@signe.example",
                  "csrf_token": token},
        )  # fmt: skip
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) > 0
            assert "Trop de signatures depuis cette adresse" in response.text
            assert f'value="Robot {number}"' in response.text  # the form is kept
    accepted = statuses.count(200)
    assert accepted == 20  # the store's per-address limit: 20 in 10 minutes
    assert statuses.count(429) == 180
    assert psite.count(petition_signatures, petition_signatures.c.name.like("Robot %")) == 20
    assert count(visitor) == DEMO_COUNT
    for number in range(accepted):
        link = psite.inbox.link(f"flood{number}@signe.example")
        confirm(visitor, link)
        confirm(visitor, link)  # a second click confirms nothing more
    assert psite.inbox.to(f"flood{accepted}@signe.example") == []
    assert count(visitor) == DEMO_COUNT + accepted


def test_the_honeypot_is_answered_like_a_person_and_nothing_is_written(
    psite: ParticipationSite,
) -> None:
    before = psite.count(petition_signatures)
    response = sign(psite.client(), "bot@spam.example", website_url="https://spam.example")
    assert response.status_code == 200
    assert "Vérifiez votre boîte e-mail" in response.text
    assert psite.count(petition_signatures) == before
    assert psite.inbox.to("bot@spam.example") == []


def test_hostile_signatures_are_shown_as_text_and_neutralised_in_the_csv(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    for email, name, comment in (
        ("xss@signe.example", HOSTILE_NAME, HOSTILE_COMMENT),
        ("formula@signe.example", FORMULA_NAME, FORMULA_COMMENT),
    ):
        sign(visitor, email, name=name, comment=comment, show_name="yes")
        confirm(visitor, psite.inbox.link(email))
    page = visitor.get(PAGE).text
    assert HOSTILE_NAME not in page
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in page
    assert "<img src=x" not in page
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    exported = manager.get(f"{PAGE}/signatures.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    names = [row["name"] for row in rows]
    assert "'" + FORMULA_NAME in names
    assert FORMULA_NAME not in names
    assert "'" + FORMULA_COMMENT in [row["comment"] for row in rows]
    assert HOSTILE_NAME in names  # a CSV is data, not markup: kept as typed
    assert all("@" not in value for row in rows for value in row.values())  # no email


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 303),  # to the login page
        ((MARSEILLE_MANAGER, MANAGER_PASSWORD), 403),  # another territory
        ((MODERATOR_EMAIL, MODERATOR_PASSWORD), 403),  # not the candidacy's team
        ((LILLE_MANAGER, MANAGER_PASSWORD), 200),
        ((ADMIN_EMAIL, ADMIN_PASSWORD), 200),
    ],
)
def test_the_csv_is_for_the_candidacys_managers(
    psite: ParticipationSite, who: tuple[str, str] | None, status: int
) -> None:
    client = psite.logged_in(*who) if who else psite.client()
    response = client.get(f"{PAGE}/signatures.csv")
    assert response.status_code == status
    link_shown = "signatures.csv" in client.get(PAGE).text
    assert link_shown == (status == 200)


@pytest.mark.parametrize(
    "payload",
    ["' OR '1'='1", "x'); DELETE FROM petition_signatures; --", "1; DROP TABLE petitions"],
)
def test_sql_in_the_form_is_kept_as_text(psite: ParticipationSite, payload: str) -> None:
    visitor = psite.client()
    before = psite.count(petition_signatures)
    sign(visitor, "sql@signe.example", name=payload, comment=payload, show_name="yes")
    assert psite.count(petition_signatures) == before + 1
    confirm(visitor, psite.inbox.link("sql@signe.example"))
    stored = psite.scalar(
        select(petition_signatures.c.name).where(
            petition_signatures.c.email_canonical == "sql@signe.example"
        )
    )
    assert stored == payload
    assert count(visitor) == DEMO_COUNT + 1
    assert psite.count(petitions) == 1


def test_an_organisation_must_be_in_the_directory(psite: ParticipationSite) -> None:
    response = sign(psite.client(), "org@signe.example", organisation="Nowhere Incorporated")
    assert response.status_code == 422
    assert "no organisation named" in response.text
    assert psite.inbox.to("org@signe.example") == []


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    visitor.get(PAGE)
    before = psite.count(petition_signatures)
    response = visitor.post(
        f"{PAGE}/sign", data={"name": "No Token", "email": "csrf@signe.example"}
    )
    assert response.status_code == 403
    assert psite.count(petition_signatures) == before
    assert psite.inbox.to("csrf@signe.example") == []
    assert petition_id(psite) > 0


def test_moderators_open_standalone_petitions_and_visitors_cannot(
    psite: ParticipationSite,
) -> None:
    visitor = psite.client()
    assert "Ouvrir une pétition" not in visitor.get("/petitions").text
    token = csrf_of(visitor.get(PAGE).text)
    refused = visitor.post("/petitions", data={"title": "Spam", "csrf_token": token})
    assert refused.status_code == 303  # to the login page
    moderator = psite.moderator_client()
    page = moderator.get("/petitions").text
    assert "Ouvrir une pétition" in page
    opened = moderator.post(
        "/petitions",
        data={"title": "Un tiers-lieu numérique à Roubaix", "description": HOSTILE_COMMENT,
              "csrf_token": csrf_of(page)},
    )  # fmt: skip
    assert opened.status_code == 303
    assert opened.headers["location"] == "/petitions/un-tiers-lieu-numerique-a-roubaix"
    html = visitor.get(opened.headers["location"]).text
    assert 'data-count="0"' in html
    assert "<img src=x" not in html
    again = moderator.post(
        "/petitions",
        data={"title": "Autre", "slug": "un-tiers-lieu-numerique-a-roubaix",
              "csrf_token": csrf_of(page)},
    )  # fmt: skip
    assert again.status_code == 409
    assert "choose another" in again.text
    assert psite.count(petitions) == 2


def test_the_candidacys_managers_close_its_petition(psite: ParticipationSite) -> None:
    pending = psite.client()
    assert sign(pending, "pending@example.org").status_code == 200  # not confirmed yet
    visitor = psite.client()
    assert "Clore la pétition" not in visitor.get(PAGE).text
    token = csrf_of(visitor.get(PAGE).text)
    assert visitor.post(f"{PAGE}/close", data={"csrf_token": token}).status_code == 303  # login
    other = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    assert "Clore la pétition" not in other.get(PAGE).text
    assert other.post(f"{PAGE}/close", data={"csrf_token": token}).status_code == 403
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    page = manager.get(PAGE).text
    assert "Clore la pétition" in page
    assert manager.post(f"{PAGE}/close").status_code == 403  # no CSRF token
    assert psite.scalar(select(petitions.c.state).where(petitions.c.slug == PETITION)) == "open"

    closed = manager.post(f"{PAGE}/close", data={"csrf_token": csrf_of(page)})
    assert (closed.status_code, closed.headers["location"]) == (303, PAGE)
    assert psite.scalar(select(petitions.c.state).where(petitions.c.slug == PETITION)) == "closed"
    html = visitor.get(PAGE).text
    assert "Cette pétition est close." in html
    assert 'action="/petitions/' not in html  # neither the signing form nor the close one
    late = psite.client()
    token = csrf_of(late.get("/events/new").text)  # the page has no form any more
    data = {"name": "Jeanne Test", "email": "late@example.org", "csrf_token": token}
    assert late.post(f"{PAGE}/sign", data=data).status_code == 409
    assert manager.post(f"{PAGE}/close", data={"csrf_token": csrf_of(page)}).status_code == 409
    assert count(visitor) == DEMO_COUNT  # the confirmed signatures stay counted


def test_moderators_close_a_standalone_petition(psite: ParticipationSite) -> None:
    moderator = psite.moderator_client()
    page = moderator.get("/petitions").text
    opened = moderator.post("/petitions", data={"title": "Un fablab à Tourcoing",
                                                "csrf_token": csrf_of(page)})  # fmt: skip
    standalone = opened.headers["location"]
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    token = csrf_of(manager.get(standalone).text)
    assert manager.post(f"{standalone}/close", data={"csrf_token": token}).status_code == 403
    assert "Clore la pétition" in moderator.get(standalone).text
    closed = moderator.post(f"{standalone}/close", data={"csrf_token": csrf_of(page)})
    assert closed.status_code == 303
    assert "Cette pétition est close." in moderator.get(standalone).text

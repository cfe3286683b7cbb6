"""Candidacy pages, on SQLite and PostgreSQL: each criterion with its value, the evidence
behind it linked with its source, points, formula and what is missing; the JSON API
gives the same score; managers add evidence and a moderator checks it; a manager of
another territory can touch nothing; hostile evidence is shown as text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from cartotech.store.schema import actors, candidacies, candidacy_evidence, petitions
from tests.web import participation_support
from tests.web.auth_support import csrf_of
from tests.web.participation_support import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    LILLE_MANAGER,
    MANAGER_PASSWORD,
    MARSEILLE_MANAGER,
    PETITION,
    ParticipationSite,
)

smtp = participation_support.smtp
psite = participation_support.psite

CANDIDACY = "/candidacies/1"
AS_OF = "2026-03-01"  # a fixed day: the score does not move with the clock
HOSTILE_NOTE = "<script>alert('evidence')</script>"
HOSTILE_URL = "https://example.org/statuts.pdf?<b>x</b>"


def manage(client: Any, action: str, data: dict[str, str]) -> Any:
    token = csrf_of(client.get(CANDIDACY).text)
    return client.post(f"{CANDIDACY}/{action}", data={**data, "csrf_token": token})


def test_the_candidacy_page_shows_criteria_with_evidence_links(psite: ParticipationSite) -> None:
    page = psite.client().get(f"{CANDIDACY}?as_of={AS_OF}")
    assert page.status_code == 200
    html = page.text
    assert "French Tech Lille" in html
    assert "Capitale French Tech" in html
    for label in ("Structure juridique dédiée", "Incubateurs et accélérateurs",
                  "Soutiens confirmés (pétition de la candidature)",
                  "Événements des 12 derniers mois"):  # fmt: skip
        assert label in html
    eura = psite.scalar(select(actors.c.id).where(actors.c.key == "euratechnologies"))
    section = html.split('id="evidence-support_structures"', 1)[1].split("</section>", 1)[0]
    assert f'href="/actors/{eura}"' in section  # the actor counted, linked
    assert 'class="source"' in section  # with its source
    assert "points = 10 × min(1, " in section  # the formula
    signatures = html.split('id="evidence-support_signatures"', 1)[1].split("</section>", 1)[0]
    assert f'href="/petitions/{PETITION}"' in signatures
    assert "138 signatures confirmées de plus pour atteindre 150" in html  # what is missing
    assert re.search(r"total = [0-9.]+( \+ [0-9.]+)+ = [0-9.]+", html)
    events = html.split('id="evidence-events"', 1)[1].split("</section>", 1)[0]
    assert 'href="/events/' in events


def test_the_api_gives_the_same_reproducible_score(psite: ParticipationSite) -> None:
    client = psite.client()
    first = client.get(f"/api/v1/candidacies/1?as_of={AS_OF}").json()
    second = client.get(f"/api/v1/candidacies/1?as_of={AS_OF}").json()
    assert first == second
    score = first["score"]
    page = client.get(f"{CANDIDACY}?as_of={AS_OF}").text
    assert score["formula"] in page.replace("&#43;", "+")
    criteria = {c["key"]: c for c in score["criteria"]}
    assert criteria["support_signatures"]["value"] == 12
    assert criteria["legal_entity"]["met"] is True
    hrefs = {e["href"] for e in criteria["support_structures"]["evidence"]}
    assert all(h.startswith("/actors/") for h in hrefs)
    assert score["missing_required"]  # the demo is not eligible yet
    assert first["petitions"][0]["slug"] == PETITION


def test_a_manager_adds_evidence_and_a_moderator_checks_it(psite: ParticipationSite) -> None:
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    before = psite.client().get("/api/v1/candidacies/1?as_of=2099-01-01").json()["score"]
    added = manage(
        manager, "evidence",
        {"criterion": "operational_team", "reference": "https://example.org/equipe.pdf",
         "note": "Organigramme"},
    )  # fmt: skip
    assert added.status_code == 303
    page = psite.client().get(CANDIDACY).text
    team = page.split('id="evidence-operational_team"', 1)[1].split("</section>", 1)[0]
    assert "En attente de vérification" in team
    moderator = psite.moderator_client()
    queue = moderator.get("/moderation").text
    assert "https://example.org/equipe.pdf" in queue
    evidence_id = psite.scalar(
        select(candidacy_evidence.c.id).where(
            candidacy_evidence.c.reference == "https://example.org/equipe.pdf"
        )
    )
    decided = moderator.post(
        f"/moderation/evidence/{evidence_id}/accept", data={"csrf_token": csrf_of(queue)}
    )
    assert decided.status_code == 303
    after = psite.client().get("/api/v1/candidacies/1?as_of=2099-01-01").json()["score"]
    assert after["total"] == before["total"] + 5


def test_a_manager_of_another_territory_cannot_touch_the_candidacy(
    psite: ParticipationSite,
) -> None:
    other = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    page = other.get(CANDIDACY).text
    assert "Gérer la candidature" not in page
    evidence = psite.count(candidacy_evidence)
    state = psite.scalar(select(candidacies.c.state).where(candidacies.c.id == 1))
    attempts = [
        ("evidence", {"criterion": "manifesto", "reference": "https://evil.example/x"}),
        ("state", {"state": "withdrawn"}),
        ("petition", {"title": "Une autre pétition"}),
    ]
    for action, data in attempts:
        response = manage(other, action, data)
        assert response.status_code == 403, action
    assert psite.count(candidacy_evidence) == evidence
    assert psite.scalar(select(candidacies.c.state).where(candidacies.c.id == 1)) == state
    assert psite.count(petitions) == 1
    # Nor open one for a territory outside their scope.
    token = csrf_of(other.get("/candidacies/new").text)
    refused = other.post(
        "/candidacies/new",
        data={"programme": "capitale-french-tech", "name": "Lille, par Marseille",
              "territories": "fr:epci:200093201", "csrf_token": token},
    )  # fmt: skip
    assert refused.status_code == 403
    assert psite.count(candidacies) == 1


def test_a_manager_opens_a_candidacy_in_their_territory(psite: ParticipationSite) -> None:
    manager = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    token = csrf_of(manager.get("/candidacies/new").text)
    created = manager.post(
        "/candidacies/new",
        data={"programme": "communaute-french-tech", "name": "French Tech Aix-Marseille",
              "territories": "fr:commune:13055", "csrf_token": token},
    )  # fmt: skip
    assert created.status_code == 303
    page = manager.get(created.headers["location"])
    assert "French Tech Aix-Marseille" in page.text
    assert "Gérer la candidature" in page.text
    territory = psite.client().get("/territories/fr:commune:13055").text
    assert "French Tech Aix-Marseille" in territory


def test_state_changes_by_a_manager(psite: ParticipationSite) -> None:
    admin = psite.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert manage(admin, "state", {"state": "draft"}).status_code == 303
    assert psite.scalar(select(candidacies.c.state).where(candidacies.c.id == 1)) == "draft"
    wrong = manage(admin, "state", {"state": "awarded"})
    assert wrong.status_code == 422


def test_hostile_evidence_is_shown_as_text(psite: ParticipationSite) -> None:
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    added = manage(
        manager, "evidence",
        {"criterion": "manifesto", "reference": HOSTILE_URL, "note": HOSTILE_NOTE},
    )  # fmt: skip
    assert added.status_code == 303
    for client in (psite.client(), psite.moderator_client()):
        for path in (CANDIDACY, "/moderation"):
            html = client.get(path).text
            assert HOSTILE_NOTE not in html
            assert "<b>x</b>" not in html
    queue = psite.moderator_client().get("/moderation").text
    assert "&lt;script&gt;alert(&#39;evidence&#39;)&lt;/script&gt;" in queue


@pytest.mark.parametrize("reference", ["javascript:alert(1)", "not a link", ""])
def test_evidence_must_be_a_web_address(psite: ParticipationSite, reference: str) -> None:
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    before = psite.count(candidacy_evidence)
    response = manage(manager, "evidence", {"criterion": "manifesto", "reference": reference})
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert psite.count(candidacy_evidence) == before


def test_an_award_shows_on_the_territory_page_with_its_validity(
    psite: ParticipationSite,
) -> None:
    territory = "/territories/fr:epci:200093201"
    assert 'href="/candidacies/1"' in psite.client().get(territory).text
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    assert "Enregistrer la labellisation" not in manager.get(CANDIDACY).text
    assert manage(manager, "award", {"awarded_on": "2026-04-03"}).status_code == 403
    admin = psite.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    awarded = manage(
        admin, "award",
        {"awarded_on": "2026-04-03", "source_title": "Annonce de la Mission French Tech",
         "source_url": "https://lafrenchtech.example/capitales-2026"},
    )  # fmt: skip
    assert awarded.status_code == 303, awarded.text
    html = psite.client().get(territory).text
    labels = html.split('id="labels-title"', 1)[1].split("</section>", 1)[0]
    assert "Capitale French Tech" in labels
    assert "valable jusqu&#39;au 2029-04-03" in labels  # the programme's three years
    assert "Annonce de la Mission French Tech" in labels
    assert "labellisée" in psite.client().get(CANDIDACY).text

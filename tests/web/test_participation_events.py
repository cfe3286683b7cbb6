"""Events and funding calls on the web, on SQLite and PostgreSQL: an event submitted
through the form, decided by a manager of its territory (not by another territory's),
then in the calendars of its commune, its EPCI and its organiser, and in their .ics
files; hostile text shown as text; funding calls open and closed, and those matching
an actor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import select

from cartotech.domain.participation import EventInput
from cartotech.geo import get_referential
from cartotech.store import unit_of_work
from cartotech.store.events import submit_event
from cartotech.store.schema import actors, events
from tests.web import participation_support
from tests.web.auth_support import csrf_of
from tests.web.participation_support import (
    LILLE_MANAGER,
    MANAGER_PASSWORD,
    MARSEILLE_MANAGER,
    ParticipationSite,
    post_form,
)

smtp = participation_support.smtp
psite = participation_support.psite

LILLE = "fr:commune:59350"
HOSTILE_TITLE = "<script>alert('event')</script> Meetup"
HOSTILE_DESCRIPTION = '<img src=x onerror="alert(1)">\nBEGIN:VEVENT'


def next_month() -> str:
    return (datetime.now(UTC) + timedelta(days=30)).date().isoformat()


def submit(client: Any, **fields: Any) -> Any:
    data = {"title": "Meetup IA de Lille", "start_date": next_month(), "start_time": "18:30",
            "end_time": "21:00", "commune": "Lille", "territory_id": "",
            "place_label": "Euratechnologies", "organiser": "Euratechnologies",
            "url": "https://meetup.example/ia", "description": "Trois présentations.",
            "contact_email": "orga@meetup.example", **fields}  # fmt: skip
    return post_form(client, "/events/new", "/events/new", data)


def event_id(site: ParticipationSite, title: str) -> int:
    return int(site.scalar(select(events.c.id).where(events.c.title == title)))


def decide(client: Any, number: int, decision: str, reason: str = "") -> Any:
    token = csrf_of(client.get("/moderation").text)
    return client.post(
        f"/moderation/events/{number}/{decision}", data={"reason": reason, "csrf_token": token}
    )


def test_an_event_goes_from_the_form_to_the_calendars(psite: ParticipationSite) -> None:
    visitor = psite.client()
    sent = submit(visitor)
    assert sent.status_code == 200, sent.text
    assert "attend la vérification" in sent.text
    number = event_id(psite, "Meetup IA de Lille")
    assert visitor.get(f"/events/{number}").status_code == 404  # not published yet
    assert "Meetup IA de Lille" not in visitor.get("/territories/fr:commune:59350").text

    other = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD)
    assert "Meetup IA de Lille" not in other.get("/moderation").text
    assert decide(other, number, "accept").status_code == 403
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    assert "Meetup IA de Lille" in manager.get("/moderation").text
    assert decide(manager, number, "accept").status_code == 303

    eura = int(psite.scalar(select(actors.c.id).where(actors.c.key == "euratechnologies")))
    for page in ("/territories/fr:commune:59350", "/territories/fr:epci:200093201",
                 f"/actors/{eura}", "/events"):  # fmt: skip
        html = visitor.get(page).text
        assert f'href="/events/{number}"' in html, page
    event_page = visitor.get(f"/events/{number}").text
    assert "18:30" in event_page  # shown in Paris time
    api = visitor.get("/api/v1/territories/fr:epci:200093201/events").json()["items"]
    (item,) = [i for i in api if i["id"] == number]
    assert item["organiser_actor_id"] == eura
    assert item["source"]["kind"] == "submitter"
    assert "orga@meetup.example" not in str(api)  # the contact stays private
    ics = visitor.get(f"/api/v1/actors/{eura}/events.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(ics.content).walk("VEVENT")]
    assert "Meetup IA de Lille" in summaries


def test_the_events_page_lists_coming_soonest_first_and_past_latest_first(
    psite: ParticipationSite,
) -> None:
    now = datetime.now(UTC)
    moderator = psite.moderator_client()
    referential = get_referential()
    # submitted out of date order; one a territory manager of Marseille may not see
    for days, title in ((40, "Coming later"), (-30, "Past recent"), (10, "Coming soon"),
                        (-200, "Past older"), (-400, "Past too old")):  # fmt: skip
        start = now + timedelta(days=days)
        event = EventInput(title=title, starts_at=start, ends_at=start + timedelta(hours=2),
                           territory_id=LILLE, contact_email="o@example.org")  # fmt: skip
        with unit_of_work(psite.engine) as conn:
            submit_event(conn, event, referential=referential)
    marseille = psite.logged_in(MARSEILLE_MANAGER, MANAGER_PASSWORD).get("/moderation").text
    assert "Coming soon" not in marseille
    queue = moderator.get("/moderation").text
    assert queue.index("Coming later") < queue.index("Past recent") < queue.index("Coming soon")
    for title in ("Coming later", "Past recent", "Coming soon", "Past older", "Past too old"):
        assert decide(moderator, event_id(psite, title), "accept").status_code == 303
    html = psite.client().get("/events").text
    assert html.index("Coming soon") < html.index("Coming later") < html.index("Past recent")
    assert html.index("Past recent") < html.index("Past older")
    assert "Past too old" not in html


def test_a_manager_rejects_with_a_reason(psite: ParticipationSite) -> None:
    submit(psite.client(), title="Hors sujet")
    number = event_id(psite, "Hors sujet")
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    assert decide(manager, number, "reject").status_code == 422
    assert decide(manager, number, "reject", "hors sujet").status_code == 303
    assert psite.scalar(select(events.c.state).where(events.c.id == number)) == "rejected"


def test_hostile_event_text_is_shown_as_text_and_stays_one_event_in_ics(
    psite: ParticipationSite,
) -> None:
    submit(psite.client(), title=HOSTILE_TITLE, description=HOSTILE_DESCRIPTION,
           place_label="<b>salle</b>")  # fmt: skip
    number = event_id(psite, HOSTILE_TITLE)
    moderator = psite.moderator_client()
    queue = moderator.get("/moderation").text
    assert HOSTILE_TITLE not in queue
    assert "&lt;script&gt;alert(&#39;event&#39;)&lt;/script&gt; Meetup" in queue
    decide(moderator, number, "accept")
    visitor = psite.client()
    for page in (f"/events/{number}", "/territories/fr:commune:59350", "/events"):
        html = visitor.get(page).text
        assert HOSTILE_TITLE not in html, page
        assert "<img src=x" not in html, page
        assert "<b>salle</b>" not in html, page
    ics = visitor.get("/api/v1/territories/fr:commune:59350/events.ics").content
    parsed = [e for e in Calendar.from_ical(ics).walk("VEVENT") if e["UID"].startswith(
        f"event-{number}@")]  # fmt: skip
    assert len(parsed) == 1
    assert str(parsed[0]["SUMMARY"]) == HOSTILE_TITLE  # text, escaped by the format
    assert str(parsed[0]["DESCRIPTION"]).startswith(HOSTILE_DESCRIPTION)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "title is required"),
        ({"start_date": "31/12/2026"}, "is not a date"),
        ({"commune": "Zzyzx-sur-Rien"}, "no commune matches"),
        ({"organiser": "Nobody Known"}, "no organisation named"),
        ({"url": "javascript:alert(1)"}, "is not a web address"),
        ({"contact_email": ""}, "needs a contact email"),
        ({"end_date": "2000-01-01"}, "ends_at is before starts_at"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_filed(
    psite: ParticipationSite, fields: dict[str, str], message: str
) -> None:
    before = psite.count(events)
    response = submit(psite.client(), **fields)
    assert response.status_code == 422
    assert message in response.text
    assert psite.count(events) == before


def test_the_honeypot_and_a_missing_csrf_token_write_nothing(psite: ParticipationSite) -> None:
    before = psite.count(events)
    bot = submit(psite.client(), website_url="http://spam.example")
    assert bot.status_code == 200
    forged = psite.client().post(
        "/events/new",
        data={"title": "Sans jeton", "start_date": next_month(), "commune": "Lille",
              "contact_email": "x@y.example"},
    )  # fmt: skip
    assert forged.status_code == 403
    assert psite.count(events) == before


def test_funding_calls_open_and_closed(psite: ParticipationSite) -> None:
    client = psite.client()
    every = client.get("/api/v1/funding-calls").json()["items"]
    assert len(every) == 6
    opened = client.get("/api/v1/funding-calls", params={"state": "open"}).json()["items"]
    closed = client.get("/api/v1/funding-calls", params={"state": "closed"}).json()["items"]
    assert {c["id"] for c in opened} | {c["id"] for c in closed} == {c["id"] for c in every}
    assert all(c["open"] for c in opened)
    assert "Appel à projets logiciel libre" in {c["title"] for c in closed}  # deadline 2025
    page = client.get("/funding", params={"state": "closed"}).text
    assert "Appel à projets logiciel libre" in page
    assert "French Tech : accélération des start-up" not in page
    assert "Appel à projets logiciel libre" not in client.get("/funding?state=open").text


def test_an_actor_page_lists_the_open_calls_that_match_it(psite: ParticipationSite) -> None:
    client = psite.client()
    banquiz = int(psite.scalar(select(actors.c.id).where(actors.c.key == "banquiz")))
    matching = client.get(f"/api/v1/actors/{banquiz}/funding-calls").json()["items"]
    titles = {c["title"] for c in matching}
    assert "French Tech : accélération des start-up" in titles  # no territory, no sector
    assert "Appel à projets logiciel libre" not in titles  # closed
    html = client.get(f"/actors/{banquiz}").text
    funding = html.split('id="funding"', 1)[1].split("</section>", 1)[0]
    for title in titles:
        assert title.replace("'", "&#39;") in funding


def test_the_openapi_document_has_the_participation_routes(psite: ParticipationSite) -> None:
    paths = psite.client().get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/territories/{territory_id}/events",
                 "/api/v1/territories/{territory_id}/events.ics",
                 "/api/v1/actors/{actor_id}/events", "/api/v1/actors/{actor_id}/funding-calls",
                 "/api/v1/funding-calls", "/api/v1/petitions/{slug}",
                 "/api/v1/candidacies/{candidacy_id}"):  # fmt: skip
        assert "get" in paths[path], path
    assert set(paths["/api/v1/petitions/{slug}"]) == {"get"}

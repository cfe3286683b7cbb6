"""The moderation queue's own guarantees, on SQLite and PostgreSQL: its page runs as many
SQL statements for 6 pending presentations as for 2 (the "is this you?" candidates are
found for the whole queue at once), and still shows each presentation's close actors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select

from cartotech.domain import ActorType
from cartotech.domain.participation import ActorSubmission
from cartotech.geo import get_referential
from cartotech.store import unit_of_work
from cartotech.store.schema import actors
from cartotech.store.submissions import present_organisation, verify_submission
from tests.web import participation_support
from tests.web.participation_support import ParticipationSite

smtp = participation_support.smtp
psite = participation_support.psite

LILLE = "fr:commune:59350"
# PENDING: presentations waiting in the queue, each kind of duplicate search in it:
# a typo of a directory actor (found only through the vocabulary's corrections), an
# exact alias, a valid SIREN nothing has, names nothing resembles.
PENDING = [
    ActorSubmission("Euratechnology", ActorType.INCUBATOR, "a@queue.example", LILLE),
    ActorSubmission("Quillbrook Robotique", ActorType.STARTUP, "b@queue.example", LILLE,
                    siren="732829320"),
    ActorSubmission("Boulangerie Martin", ActorType.COMPANY, "c@queue.example", LILLE),
    ActorSubmission("EuraTechnologies", ActorType.INCUBATOR, "d@queue.example", LILLE),
    ActorSubmission("Atelier Verrier du Nord", ActorType.COMPANY, "e@queue.example", LILLE),
    ActorSubmission("Lumio Entrepôts", ActorType.STARTUP, "f@queue.example", LILLE),
]  # fmt: skip


def queue_up(site: ParticipationSite, pending: list[ActorSubmission]) -> None:
    with unit_of_work(site.engine) as conn:
        for submission in pending:
            receipt = present_organisation(conn, submission, referential=get_referential())
            verify_submission(conn, receipt.token or "")


@contextmanager
def statements(site: ParticipationSite) -> Iterator[list[str]]:
    """The SQL statements the site's engine runs inside the block."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(site.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(site.engine, "before_cursor_execute", count)


def test_the_queue_runs_as_many_statements_for_six_presentations_as_for_two(
    psite: ParticipationSite,
) -> None:
    moderator = psite.moderator_client()
    queue_up(psite, PENDING[:2])
    moderator.get("/moderation")  # warm the caches (vocabulary, programmes)
    with statements(psite) as for_two:
        page = moderator.get("/moderation")
    assert page.status_code == 200
    assert page.text.count('class="queue-item" id="submission-') == 2
    queue_up(psite, PENDING[2:])
    with statements(psite) as for_six:
        page = moderator.get("/moderation")
    assert page.text.count('class="queue-item" id="submission-') == 6
    assert len(for_six) == len(for_two), "\n\n".join(for_six)


def test_each_presentation_shows_its_own_close_actors(psite: ParticipationSite) -> None:
    queue_up(psite, PENDING)
    eura = int(psite.scalar(select(actors.c.id).where(actors.c.key == "euratechnologies")))
    page = psite.moderator_client().get("/moderation").text
    articles = dict(
        re.findall(r'<article class="queue-item" id="submission-\d+".*?<h3[^>]*>.*? — (.*?)</h3>'
                   r'(.*?)</article>', page, flags=re.S)
    )  # fmt: skip
    assert set(articles) == {s.name for s in PENDING}
    for name in ("Euratechnology", "EuraTechnologies"):
        assert f'href="/actors/{eura}"' in articles[name], name
    for name in ("Quillbrook Robotique", "Boulangerie Martin", "Lumio Entrepôts"):
        assert "moderation-duplicates" not in articles[name], name

"""The moderation queue, on SQLite and PostgreSQL, with the emails read from a real local
SMTP server:

- its page runs as many SQL statements for 6 pending presentations as for 2 (the "is
  this you?" candidates are found for the whole queue at once), and still shows each
  presentation's close actors;
- rejecting a presentation or a claim emails its contact the reason, as plain text;
  a failed email leaves the rejection and is said to the moderator;
- no database connection is held while a decision's email is sent;
- an owner whose invitation expired (or whose email failed) gets a new one from the
  queue: the new link works, the old one no longer does; when the new one's email
  fails, the moderator is told so and the earlier link still works."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from cartotech.domain import ActorType
from cartotech.domain.participation import ActorEdit, ActorSubmission, User
from cartotech.geo import get_referential
from cartotech.mail import MailConfig, Mailer
from cartotech.store import unit_of_work
from cartotech.store.accounts import find_user_by_email
from cartotech.store.audit import audit_trail
from cartotech.store.invitations import RESEND_LIMIT
from cartotech.store.moderation import accept_submission
from cartotech.store.schema import actors, submissions
from cartotech.store.submissions import (
    claim_actor,
    present_organisation,
    propose_actor_edit,
    verify_submission,
)
from tests.conftest import BACKENDS
from tests.pgcluster import free_port
from tests.web import participation_support
from tests.web.auth_support import csrf_of
from tests.web.participation_support import (
    LILLE_MANAGER,
    MANAGER_PASSWORD,
    Inbox,
    ParticipationSite,
    SmtpServer,
    open_participation_site,
    unreachable_smtp,
)

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


def queue_up(
    site: ParticipationSite, pending: list[ActorSubmission], now: datetime | None = None
) -> list[int]:
    """File and verify ``pending`` (at ``now``); their submission ids."""
    numbers = []
    with unit_of_work(site.engine) as conn:
        for submission in pending:
            receipt = present_organisation(conn, submission, referential=get_referential(), now=now)
            verify_submission(conn, receipt.token or "", now=now)
            numbers.append(receipt.submission_id)
    return numbers


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


# HOSTILE_REASON: markup, an entity and a format placeholder typed as a rejection's reason;
# the email must carry them as the moderator typed them, as text.
HOSTILE_REASON = (
    'Doublon de <a href="https://evil.example">Euratech</a> &amp; <script>x()</script> {name}'
)


def decide(moderator: TestClient, number: int, decision: str, **fields: str) -> Any:
    token = csrf_of(moderator.get("/moderation").text)
    return moderator.post(
        f"/moderation/submissions/{number}/{decision}", data={**fields, "csrf_token": token}
    )


def assert_plain_text_with(message: EmailMessage, text: str) -> None:
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert text in message.get_content().replace("\r\n", "\n")


def test_rejecting_a_presentation_or_a_claim_emails_the_reason_as_text(
    psite: ParticipationSite,
) -> None:
    (presented,) = queue_up(psite, [PENDING[1]])
    eura = int(psite.scalar(select(actors.c.id).where(actors.c.key == "euratechnologies")))
    with unit_of_work(psite.engine) as conn:
        claim = claim_actor(conn, eura, contact_email="claimant@queue.example")
        verify_submission(conn, claim.token or "")
    moderator = psite.moderator_client()
    for number in (presented, claim.submission_id):
        done = decide(moderator, number, "reject", reason=HOSTILE_REASON)
        assert done.headers["location"] == "/moderation?done=rejected"

    message = psite.inbox.last("b@queue.example")
    assert message["Subject"] == "Votre présentation de Quillbrook Robotique n'a pas été acceptée"
    assert_plain_text_with(message, f"pour ce motif :\n\n{HOSTILE_REASON}\n")
    message = psite.inbox.last("claimant@queue.example")
    assert (
        message["Subject"] == "Votre demande sur la fiche de Euratechnologies n'a pas été acceptée"
    )
    assert_plain_text_with(message, HOSTILE_REASON)
    with psite.engine.connect() as conn:
        states = conn.execute(select(submissions.c.state, submissions.c.decision_reason)).all()
    assert [tuple(row) for row in states] == [("rejected", HOSTILE_REASON)] * 2


def test_an_owner_edit_rejected_sends_no_email(psite: ParticipationSite) -> None:
    (number,) = queue_up(psite, [PENDING[1]])
    decide(psite.moderator_client(), number, "accept")
    owner = invited_owner(psite, "b@queue.example")
    actor_id = int(psite.scalar(select(submissions.c.actor_id).where(submissions.c.id == number)))
    with unit_of_work(psite.engine) as conn:
        edit = propose_actor_edit(
            conn, actor_id, ActorEdit(website="https://other.example"), by=owner,
            referential=get_referential(),
        )  # fmt: skip
    received = len(psite.inbox.to("b@queue.example"))
    done = decide(psite.moderator_client(), edit.submission_id, "reject", reason="non")
    assert done.headers["location"] == "/moderation?done=rejected"
    assert len(psite.inbox.to("b@queue.example")) == received


def test_a_rejection_email_that_fails_leaves_the_rejection_and_says_so(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed = unreachable_smtp(smtp.inbox)
    with open_participation_site(request, tmp_path_factory, "sqlite", closed) as site:
        (number,) = queue_up(site, [PENDING[1]])
        moderator = site.moderator_client()
        with caplog.at_level(logging.WARNING):
            done = decide(moderator, number, "reject", reason="hors sujet")
        assert done.headers["location"] == "/moderation?done=rejected&mail=failed"
        page = moderator.get(done.headers["location"]).text
        assert "Le refus est enregistré, mais l&#39;e-mail" in page
        assert f"presentation_rejected email of submission {number} was not sent" in caplog.text
        assert site.count(submissions, submissions.c.state == "rejected") == 1


@dataclass
class WatchingInbox(Inbox):
    """An inbox that notes, as each message arrives, how many connections of the site's
    database are checked out (the request sending it is then waiting on the server)."""

    checked_out: Callable[[], int] = lambda: 0
    seen: list[int] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.seen.append(self.checked_out())
        return await super().handle_DATA(server, session, envelope)


def checked_out_connections(engine: Engine) -> Callable[[], int]:
    """How many connections of ``engine``'s pool are out, counted from now."""
    moves: list[int] = []
    event.listen(engine, "checkout", lambda *_: moves.append(1))
    event.listen(engine, "checkin", lambda *_: moves.append(-1))
    return lambda: sum(moves)


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_database_connection_is_held_while_a_decision_is_emailed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, backend: str
) -> None:
    # Held across the SMTP exchange (seconds when the server is slow), a connection of
    # the pool sits idle in transaction on PostgreSQL.
    inbox, port = WatchingInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    server = SmtpServer("127.0.0.1", port, inbox)
    try:
        with open_participation_site(request, tmp_path_factory, backend, server) as site:
            inbox.checked_out = checked_out_connections(site.engine)
            rejected, accepted = queue_up(site, [
                replace(PENDING[1], contact_email="held-reject@queue.example"),
                replace(PENDING[5], contact_email="held-accept@queue.example"),
            ])  # fmt: skip
            moderator = site.moderator_client()
            assert decide(moderator, rejected, "reject", reason="non").status_code == 303
            assert decide(moderator, accepted, "accept").status_code == 303
    finally:
        controller.stop()
    assert [m["To"] for m in inbox.messages] == ["held-reject@queue.example",
                                                 "held-accept@queue.example"]  # fmt: skip
    assert inbox.seen == [0, 0]


# --- invitations sent again -------------------------------------------------------------


def invited_owner(site: ParticipationSite, email: str) -> User:
    with site.engine.connect() as conn:
        owner = find_user_by_email(conn, email)
    assert owner is not None
    return owner


def set_password(client: TestClient, token: str) -> Any:
    page = client.get(f"/invitation?token={token}")
    return client.post(
        "/invitation",
        data={"token": token, "new_password": "owner password 123",
              "confirm_password": "owner password 123", "csrf_token": csrf_of(page.text)},
    )  # fmt: skip


def resend(client: TestClient, user_id: int) -> Any:
    token = csrf_of(client.get("/moderation").text)
    return client.post(f"/moderation/invitations/{user_id}/resend", data={"csrf_token": token})


def test_an_expired_invitation_is_sent_again_and_only_the_new_link_works(
    psite: ParticipationSite,
) -> None:
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    (number,) = queue_up(psite, [PENDING[1]], now=three_days_ago)
    with unit_of_work(psite.engine) as conn:
        decision = accept_submission(
            conn, number, by=psite.moderator, referential=get_referential(), now=three_days_ago
        )
    old_token = decision.invitation_token or ""
    owner = invited_owner(psite, "b@queue.example")
    visitor = psite.client()
    assert "Ce lien a expiré" in set_password(visitor, old_token).text

    moderator = psite.moderator_client()
    waiting = moderator.get("/moderation").text
    assert f'id="invitation-{owner.id}"' in waiting
    assert "plus de lien valable" in waiting
    sent = resend(moderator, owner.id)
    assert sent.headers["location"] == "/moderation?done=invitation_sent"
    message = psite.inbox.last("b@queue.example")
    assert message["Subject"] == "Votre organisation est publiée sur cartotech"
    assert "« Quillbrook Robotique »" in message.get_content()
    new_token = psite.inbox.token("b@queue.example")
    assert new_token != old_token
    assert set_password(visitor, old_token).status_code == 400  # withdrawn
    logged_in = set_password(visitor, new_token)
    assert logged_in.status_code == 303
    assert logged_in.headers["location"] == f"/actors/{decision.actor_id}"
    assert f'id="invitation-{owner.id}"' not in moderator.get("/moderation").text
    with psite.engine.connect() as conn:
        trail = audit_trail(conn, "user", owner.id)
    resent = [e for e in trail if e.action == "user.resend_invitation"]
    assert [(e.who, e.after) for e in resent] == [
        (f"user:{psite.moderator.id}", {"earlier_links_withdrawn": 1})
    ]


def test_an_invitation_whose_email_failed_is_sent_again_once_mail_works(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer
) -> None:
    closed = unreachable_smtp(smtp.inbox)
    address = "invited-while-mail-failed@queue.example"  # this test's own: the inbox is shared
    with open_participation_site(request, tmp_path_factory, "sqlite", closed) as site:
        (number,) = queue_up(site, [replace(PENDING[5], contact_email=address)])
        moderator = site.moderator_client()
        failed = decide(moderator, number, "accept")
        assert failed.headers["location"] == "/moderation?done=accepted&mail=failed"
        assert smtp.inbox.to(address) == []
        # The SMTP server is back.
        site.app.state.mailer = Mailer(
            MailConfig(host=smtp.host, port=smtp.port, starttls=False,
                       sender="cartotech <no-reply@cartotech.test>")
        )  # fmt: skip
        owner = invited_owner(site, address)
        assert resend(moderator, owner.id).headers["location"] == "/moderation?done=invitation_sent"
        assert set_password(site.client(), smtp.inbox.token(address)).status_code == 303


def test_a_resend_whose_email_fails_says_so_and_the_earlier_link_still_works(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    closed = unreachable_smtp(smtp.inbox)
    address = "resend-fails@queue.example"
    with open_participation_site(request, tmp_path_factory, "sqlite", closed) as site:
        (number,) = queue_up(site, [replace(PENDING[1], contact_email=address)])
        with unit_of_work(site.engine) as conn:
            decision = accept_submission(conn, number, by=site.moderator,
                                         referential=get_referential())  # fmt: skip
        owner = invited_owner(site, address)
        moderator = site.moderator_client()
        with caplog.at_level(logging.WARNING):
            failed = resend(moderator, owner.id)
        assert failed.headers["location"] == "/moderation?done=invitation_sent&mail=failed"
        assert f"invitation email of user {owner.id} (sent again) was not sent" in caplog.text
        page = moderator.get(failed.headers["location"]).text
        assert "La nouvelle invitation n&#39;a pas pu partir" in page
        assert "La décision est enregistrée" not in page
        assert "Un nouveau lien d&#39;invitation a été émis" not in page
        with site.engine.connect() as conn:
            trail = audit_trail(conn, "user", owner.id)
        assert "user.resend_invitation" not in [e.action for e in trail]
        # A failed attempt counts against the limit all the same (a server that failed
        # may have delivered the message).
        for _ in range(RESEND_LIMIT.limit - 1):
            assert resend(moderator, owner.id).status_code == 303
        assert resend(moderator, owner.id).status_code == 429
        # Nothing reached the person: the link they may have still works.
        assert set_password(site.client(), decision.invitation_token or "").status_code == 303


def test_only_moderators_resend_to_owners_still_invited_and_not_too_often(
    psite: ParticipationSite,
) -> None:
    (number,) = queue_up(psite, [PENDING[1]])
    moderator = psite.moderator_client()
    decide(moderator, number, "accept")
    owner = invited_owner(psite, "b@queue.example")
    manager = psite.logged_in(LILLE_MANAGER, MANAGER_PASSWORD)
    assert resend(manager, owner.id).status_code == 403
    received = len(psite.inbox.to("b@queue.example"))  # the inbox serves every test
    for _ in range(RESEND_LIMIT.limit):
        assert resend(moderator, owner.id).status_code == 303
    assert resend(moderator, owner.id).status_code == 429
    assert len(psite.inbox.to("b@queue.example")) == received + RESEND_LIMIT.limit
    assert resend(moderator, psite.moderator.id).status_code == 409  # has a password
    assert resend(moderator, 99999).status_code == 404

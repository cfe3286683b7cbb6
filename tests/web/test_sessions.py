"""Session.log_in and Session.log_out: whoever comes or goes, the session starts again
(a new CSRF token, a new lifetime) and is written back."""

from __future__ import annotations

import pytest

from cartotech.web.sessions import Session, SessionCodec

CODEC = SessionCodec("a test secret key that is long enough", max_age=3600)


def old_session() -> Session:
    """A session read from a cookie half an hour old (within its hour of life; old enough
    that a restart is visible in issued_at)."""
    session = Session(user_id=7, epoch=2, issued_at=0, persisted=True)
    read = CODEC.loads(CODEC.dumps(session), now=1800)
    assert read is not None
    return read


def test_log_in_starts_a_new_session_for_the_user() -> None:
    session = old_session()
    before = session.csrf
    session.log_in(42, 5)
    assert (session.user_id, session.epoch) == (42, 5)
    assert session.csrf != before
    assert session.issued_at > 0
    assert session.modified


def test_log_out_starts_a_new_anonymous_session() -> None:
    session = old_session()
    before = session.csrf
    session.log_out()
    assert (session.user_id, session.epoch) == (None, None)
    assert session.csrf != before
    assert session.issued_at > 0
    assert session.modified


@pytest.mark.parametrize("change", ["log_in", "log_out"])
def test_a_token_from_before_the_change_is_refused_after_it(change: str) -> None:
    session = old_session()
    before = session.csrf
    if change == "log_in":
        session.log_in(42, 5)
    else:
        session.log_out()
    assert not session.check_csrf(before)
    assert session.check_csrf(session.csrf)

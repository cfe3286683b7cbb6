"""Logging in (with lockout and a per-IP rate limit), logging out, and "set your
password" links.

:func:`authenticate` is the one function of the store that takes an *engine*:
a failed login must be counted even though the login fails, so it commits
its own unit of work and raises afterwards. A login rehashes the password
when the hasher's parameters changed since it was stored.

Lockout: after ``LoginPolicy.max_failures`` consecutive failures the account
refuses every login, right password included, for ``LoginPolicy.lockout``;
logins are also rate-limited per IP address (``login-ip`` bucket). Unknown
emails cost the same argon2 work as known ones.

Logging out raises the account's ``session_epoch``, which ends every session of
the user (a copy of the cookie included), as a new password does.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, Engine, select, update

from cartotech.domain.participation import SystemActor, User, Who
from cartotech.domain.participation_errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidToken,
    RateLimited,
    TokenExpired,
)
from cartotech.domain.validation import normalize_email
from cartotech.errors import CartotechError, InputError
from cartotech.store._participation import hash_token, new_token, utc_now
from cartotech.store.accounts import get_user, set_password
from cartotech.store.audit import record_audit
from cartotech.store.engine import unit_of_work
from cartotech.store.passwords import dummy_hash, password_hasher
from cartotech.store.ratelimits import RateLimit, hit_rate_limit
from cartotech.store.schema import user_tokens, users

__all__ = [
    "PASSWORD_TOKEN_TTL",
    "LoginPolicy",
    "authenticate",
    "issue_password_token",
    "log_out",
    "set_password_with_token",
]

PASSWORD_TOKEN_TTL = timedelta(days=2)


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    per_ip: RateLimit = field(
        default_factory=lambda: RateLimit(50, timedelta(minutes=15), "login attempts")
    )


def issue_password_token(
    conn: Connection,
    user_id: int,
    *,
    by: Who,
    now: datetime | None = None,
    ttl: timedelta = PASSWORD_TOKEN_TTL,
) -> str:
    """A single-use token for a "set your password" link (invitation or reset); only
    its hash is stored. The web layer emails it and never shows it to anyone else."""
    now = utc_now(now)
    get_user(conn, user_id)
    token = new_token()
    conn.execute(
        user_tokens.insert().values(
            user_id=user_id,
            purpose="password",
            token_hash=hash_token(token),
            expires_at=now + ttl,
            created_at=now,
        )
    )
    record_audit(conn, by, "user.issue_password_token", "user", user_id, at=now)
    return token


def set_password_with_token(
    conn: Connection,
    token: str,
    password: str,
    *,
    now: datetime | None = None,
    hasher: PasswordHasher | None = None,
) -> User:
    """Set the password of the token's user; the token is used up (and every other
    password token of that user), and the user's sessions end. Returns the user with
    the new ``session_epoch``, for the page to log them in."""
    now = utc_now(now)
    row = conn.execute(
        select(user_tokens).where(
            user_tokens.c.token_hash == hash_token(token or ""),
            user_tokens.c.purpose == "password",
        )
    ).first()
    if row is None or row.used_at is not None:
        raise InvalidToken("this password link is not valid (already used?): ask for a new one")
    if row.expires_at <= now:
        raise TokenExpired("this password link has expired: ask for a new one")
    user = get_user(conn, row.user_id)
    conn.execute(
        update(user_tokens)
        .where(user_tokens.c.user_id == row.user_id, user_tokens.c.used_at.is_(None))
        .values(used_at=now)
    )
    return set_password(conn, user.id, password, by=user, now=now, hasher=hasher)


def log_out(conn: Connection, user_id: int, *, now: datetime | None = None) -> None:
    """End every session of the user (the one logging out and any copy of its cookie,
    other browsers included) by raising their ``session_epoch``."""
    now = utc_now(now)
    user = get_user(conn, user_id)
    conn.execute(
        update(users).where(users.c.id == user_id).values(session_epoch=users.c.session_epoch + 1)
    )
    record_audit(conn, user, "user.logout", "user", user_id, at=now)


# --- login ------------------------------------------------------------------------


@dataclass
class _Outcome:
    user: User | None = None
    error: CartotechError | None = None


def _attempt(
    conn: Connection,
    email: str,
    password: str,
    *,
    ip: str | None,
    now: datetime,
    hasher: PasswordHasher,
    policy: LoginPolicy,
) -> _Outcome:
    if ip:
        try:
            hit_rate_limit(conn, "login-ip", ip, policy.per_ip, now=now, field="password")
        except RateLimited as exc:
            return _Outcome(error=exc)
    try:
        address = normalize_email(email)
    except InputError:
        address = None
    query = select(users).where(users.c.email == address).with_for_update()
    row = conn.execute(query).first() if address else None
    if row is None or row.password_hash is None or not row.is_active:
        # The same work as a real check, so timing does not tell accounts apart.
        with contextlib.suppress(VerificationError):
            hasher.verify(dummy_hash(hasher), password)
        return _Outcome(error=AuthenticationFailed())
    if row.locked_until is not None and row.locked_until > now:
        return _Outcome(error=AccountLocked(row.locked_until))
    failures = 0 if row.locked_until is not None else row.failed_logins
    try:
        hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        failures += 1
        locked_until = now + policy.lockout if failures >= policy.max_failures else None
        values: dict[str, Any] = {"failed_logins": 0 if locked_until else failures}
        values["locked_until"] = locked_until
        conn.execute(update(users).where(users.c.id == row.id).values(**values))
        after = {"failed_logins": failures}
        record_audit(conn, SystemActor.PUBLIC, "user.login_failed", "user", row.id, after=after,
                     at=now)  # fmt: skip
        if locked_until is not None:
            record_audit(conn, SystemActor.SYSTEM, "user.lock", "user", row.id,
                         after={"locked_until": locked_until}, at=now)  # fmt: skip
            return _Outcome(error=AccountLocked(locked_until))
        return _Outcome(error=AuthenticationFailed())
    values = {"failed_logins": 0, "locked_until": None, "last_login_at": now}
    if hasher.check_needs_rehash(row.password_hash):
        values["password_hash"] = hasher.hash(password)
    conn.execute(update(users).where(users.c.id == row.id).values(**values))
    user = get_user(conn, row.id)
    note = "password rehashed with current parameters" if "password_hash" in values else None
    record_audit(conn, user, "user.login", "user", row.id, note=note, at=now)
    return _Outcome(user=user)


def authenticate(
    engine: Engine,
    email: str,
    password: str,
    *,
    ip: str | None = None,
    now: datetime | None = None,
    hasher: PasswordHasher | None = None,
    policy: LoginPolicy | None = None,
) -> User:
    """Log in: the user, or :class:`AuthenticationFailed` (wrong email or password,
    inactive account, no password yet — the message does not say which),
    :class:`AccountLocked` or :class:`RateLimited` (per IP). Runs and commits its own
    transaction, so failures are counted even though it raises."""
    with unit_of_work(engine) as conn:
        outcome = _attempt(
            conn, email, password, ip=ip, now=utc_now(now), hasher=hasher or password_hasher(),
            policy=policy or LoginPolicy(),
        )  # fmt: skip
    if outcome.error is not None:
        raise outcome.error
    assert outcome.user is not None
    return outcome.user

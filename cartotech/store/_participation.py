"""Helpers shared by the participation modules: the clock, tokens, who did it."""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from cartotech.domain.participation import SystemActor, User, Who
from cartotech.errors import InputError, NotFound
from cartotech.store.schema import actors

TOKEN_BYTES = 32


def utc_now(now: datetime | None = None) -> datetime:
    """``now`` (aware, converted to UTC) or the current time: every write takes an
    explicit ``now`` so that tests fix the clock."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise InputError(f"naive datetime {now!r}: pass an aware datetime", field="now")
    return now.astimezone(UTC)


def new_token() -> str:
    """A random URL-safe token (256 bits) for an email link."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the store keeps of a token: its SHA-256 (tokens are random, so a fast
    hash is enough; a stolen database gives no usable link)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now) / timedelta(seconds=1)))


def who_of(who: Who) -> tuple[str, int | None]:
    """The audit log's ``who`` text and user id for ``who``."""
    if isinstance(who, User):
        return f"user:{who.id}", who.id
    return SystemActor(who).value, None


def user_id_of(who: Who) -> int | None:
    """The user id of ``who``; None for the system actors."""
    return who_of(who)[1]


def submitter_label(who: Who) -> str:
    """How a 'submitter' source names who submitted, without personal data."""
    return f"user #{who.id}" if isinstance(who, User) else "public form"


def require_actor(conn: Connection, actor_id: int, *, field: str = "actor") -> Any:
    row = conn.execute(select(actors).where(actors.c.id == actor_id)).first()
    if row is None:
        raise NotFound(f"no actor with id {actor_id}", field=field)
    return row

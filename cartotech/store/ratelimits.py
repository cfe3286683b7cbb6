"""Rate limits that hold across web workers: attempts are rows in the store.

:func:`hit_rate_limit` counts the attempts of one key (an IP address, an
email) in a bucket (``sign-ip``, ``login-ip``...) over a sliding window and
records the new one, or raises :class:`RateLimited`. Keys are kept as a
SHA-256 of bucket and key, never in clear; rows older than the window are
deleted as new attempts come (and by :func:`purge_rate_limit_hits`).

The count and the insert run in the caller's transaction: concurrent workers
can each let one attempt past the limit at the same instant (at most one per
worker), which is fine for throttling. An attempt refused, or whose
transaction rolls back, is not counted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, select

from cartotech.domain.participation_errors import RateLimited
from cartotech.store._participation import seconds_until, utc_now
from cartotech.store.schema import rate_limit_hits

__all__ = [
    "RateLimit",
    "forget_rate_limit_key",
    "hit_rate_limit",
    "purge_rate_limit_hits",
    "rate_limit_key_hash",
]


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` attempts per ``window``; ``what`` names them in the message."""

    limit: int
    window: timedelta
    what: str = "attempts"


def rate_limit_key_hash(bucket: str, key: str) -> str:
    return hashlib.sha256(f"{bucket}\x00{key}".encode()).hexdigest()


def hit_rate_limit(
    conn: Connection,
    bucket: str,
    key: str,
    rule: RateLimit,
    *,
    now: datetime | None = None,
    field: str | None = None,
) -> None:
    """Record an attempt of ``key`` in ``bucket``, or raise :class:`RateLimited` when
    ``rule.limit`` attempts already happened in the last ``rule.window``."""
    now = utc_now(now)
    since = now - rule.window
    key_hash = rate_limit_key_hash(bucket, key)
    conn.execute(
        delete(rate_limit_hits).where(
            rate_limit_hits.c.bucket == bucket, rate_limit_hits.c.at <= since
        )
    )
    in_window = (
        rate_limit_hits.c.bucket == bucket,
        rate_limit_hits.c.key_hash == key_hash,
        rate_limit_hits.c.at > since,
    )
    count, oldest = conn.execute(
        select(func.count(), func.min(rate_limit_hits.c.at)).where(*in_window)
    ).one()
    if count >= rule.limit:
        retry = seconds_until(oldest + rule.window, now) if oldest is not None else 1
        minutes = max(1, round(retry / 60))
        raise RateLimited(
            f"too many {rule.what} ({rule.limit} per {_duration(rule.window)}): "
            f"try again in about {minutes} minute{'s' if minutes > 1 else ''}",
            retry_after=retry,
            field=field,
        )
    conn.execute(rate_limit_hits.insert().values(bucket=bucket, key_hash=key_hash, at=now))


def _duration(window: timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours > 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def purge_rate_limit_hits(conn: Connection, *, older_than: datetime) -> int:
    """Delete attempts older than ``older_than`` (for a periodic clean-up); returns how many."""
    result = conn.execute(delete(rate_limit_hits).where(rate_limit_hits.c.at < older_than))
    return int(result.rowcount or 0)


def forget_rate_limit_key(conn: Connection, bucket: str, key: str) -> int:
    """Delete the attempts of ``key`` in ``bucket`` (erasure of a person's data)."""
    result = conn.execute(
        delete(rate_limit_hits).where(
            rate_limit_hits.c.bucket == bucket,
            rate_limit_hits.c.key_hash == rate_limit_key_hash(bucket, key),
        )
    )
    return int(result.rowcount or 0)

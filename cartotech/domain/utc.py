"""UTC datetimes across the two stores (pure).

SQLite gives back naive datetimes (they are UTC: the store writes UTC), PostgreSQL
aware ones; the pages, the API and the calendar exports all want aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["as_utc"]


def as_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime: a naive one is taken to be UTC already (the
    store's convention), an aware one is converted."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

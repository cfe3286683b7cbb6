"""as_utc: one meaning of a stored datetime for the pages, the API and the calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from cartotech.domain.utc import as_utc


def test_a_naive_datetime_is_taken_as_utc() -> None:
    # SQLite's way of giving back what the store wrote in UTC.
    moment = as_utc(datetime(2026, 6, 9, 8, 0))
    assert moment == datetime(2026, 6, 9, 8, 0, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


def test_an_aware_datetime_is_converted_not_relabelled() -> None:
    paris = datetime(2026, 6, 9, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    moment = as_utc(paris)
    assert (moment.hour, moment.tzinfo) == (8, UTC)
    assert moment == paris


def test_a_fixed_offset_is_converted() -> None:
    # PostgreSQL's timestamptz comes back with a fixed offset.
    moment = as_utc(datetime(2026, 1, 15, 23, 30, tzinfo=timezone(timedelta(hours=-5))))
    assert moment == datetime(2026, 1, 16, 4, 30, tzinfo=UTC)
    assert moment.tzinfo is UTC


def test_utc_is_unchanged() -> None:
    moment = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
    assert as_utc(moment) == moment
    assert as_utc(moment).tzinfo is UTC

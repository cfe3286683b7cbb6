"""Partial ISO dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``): as precise as the source."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_partial_date", "is_partial_date"]

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(text: str) -> str:
    """Check ``text`` is a real partial ISO date and return it unchanged.

    Raises ``ValueError`` naming the expected forms otherwise.
    """
    match = _PARTIAL.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date: {exc}") from None
    return match.group(0)


def is_partial_date(text: str) -> bool:
    try:
        parse_partial_date(text)
    except ValueError:
        return False
    return True

"""Dates written in French or English, as partial ISO dates (pure, no I/O).

``find_dates`` lists the dates a text states ("3 avril 2019", "April 3, 2019",
"2019-04-03", "avril 2019"); ``metadata_date`` reads the date a source
declares (ISO 8601, RFC 2822 as in RSS, or a written date). Relative dates
("hier", "last week") are left to the extractor, which knows the article's
date: read here they would depend on the day of the run.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from dataclasses import dataclass

from cartotech.domain.dates import is_partial_date
from cartotech.normalize import fold

__all__ = ["DateMention", "find_dates", "metadata_date"]

# Folded month names and abbreviations (a trailing dot is allowed by the pattern).
_MONTHS = {
    "janvier": 1, "janv": 1, "january": 1, "jan": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "september": 9, "sept": 9, "sep": 9,
    "octobre": 10, "october": 10, "oct": 10,
    "novembre": 11, "november": 11, "nov": 11,
    "decembre": 12, "december": 12, "dec": 12,
}  # fmt: skip
# Accented spellings as written; the match is folded before the table lookup.
_MONTH = r"(?P<month>janvier|janv|f[ée]vrier|f[ée]vr|f[ée]v|mars|avril|avr|mai|juin|juillet|juil|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre|d[ée]c|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"  # noqa: E501
_DAY = r"(?P<day>1er|[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89]\d\d|2[01]\d\d)"
_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)", re.IGNORECASE),
]
_ISO_PREFIX = re.compile(r"^\s*(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:[T ]\S*)?\s*$")


@dataclass(frozen=True)
class DateMention:
    """A date stated in a text: its span and its value.

    ``value`` is a partial ISO date (``2019-04-03``, ``2019-04``) or, for a
    day and month without a year, ``--04-03`` (the ISO 8601 form).
    """

    start: int
    end: int
    value: str


def _value(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    month_text = groups["month"]
    month = int(month_text) if month_text.isdigit() else _MONTHS[fold(month_text).rstrip(".")]
    day = groups.get("day")
    day_number = None if day is None else (1 if day.lower() == "1er" else int(day))
    year = groups.get("year")
    try:
        dt.date(int(year or 2000), month, day_number or 1)  # 2000 is a leap year
    except ValueError:
        return None
    if year is None:
        return f"--{month:02d}-{day_number:02d}"
    if day_number is None:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day_number:02d}"


def find_dates(text: str) -> list[DateMention]:
    """The dates ``text`` states, in order, the most precise reading of each span."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            value = _value(match)
            if value is not None:
                found.append(DateMention(start, end, value))
                taken.append((start, end))
    return sorted(found, key=lambda mention: mention.start)


def metadata_date(value: str) -> str | None:
    """The partial ISO date of a declared date, or ``None`` when it is not one.

    >>> metadata_date("2021-03-15T08:00:00+01:00"), metadata_date("Mon, 15 Mar 2021 08:00:00 GMT")
    ('2021-03-15', '2021-03-15')
    """
    iso = _ISO_PREFIX.match(value)
    if iso and is_partial_date(iso.group(1)):
        return iso.group(1)
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.date().isoformat()
    mentions = [m for m in find_dates(value) if not m.value.startswith("--")]
    if len(mentions) == 1 and len(value.strip()) <= (mentions[0].end - mentions[0].start) + 12:
        return mentions[0].value
    return None

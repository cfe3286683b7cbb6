"""Calendar dates in French and English press text.

``find_dates(text, lang, published)`` finds years (``en 2014``, ranges ``2015-2017``
split into their years), months (``février 2013``), days (``3 avril 2019``,
``April 3rd, 2019``, ``2019-04-03``) and the partial or relative references of the
press (``le 4 juin dernier``, ``14 juin prochain``, ``juin dernier``,
``Friday, June 24``, ``ce mercredi``, ``last Monday``), resolved against the
publication date — or, without one, against the latest full date the text states.
``iso`` is as precise as the text: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. Durations,
decades ("les années 2000", "the 2000s") and vague relatives ("l'an dernier",
"aujourd'hui") are not dates. Month and weekday names are data in ``patterns/dates.yaml``.

dateparser is not used: it gives None for "14 juin prochain", "3 avril dernier",
"juin dernier" and "ce mercredi", and picks a year for "mercredi 5 juin" without
checking the weekday; finding the mentions in running text needs patterns anyway.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from typing import Literal

from cartotech.errors import InputError
from cartotech.extract.amounts import find_amounts
from cartotech.extract.counts import find_counts
from cartotech.extract.numbers import (
    Lang,
    SpanIndex,
    check_lang,
    fold_key,
    load_patterns,
    phrase_regex,
)

__all__ = ["DateMention", "find_dates"]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar reference: ``text`` is ``source[start:end]``; ``iso`` is ``YYYY``,
    ``YYYY-MM`` or ``YYYY-MM-DD``."""

    text: str
    start: int
    end: int
    iso: str


@dataclass(frozen=True, slots=True)
class _Reference:
    """The date relative references are resolved against, as precise as known."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)


Direction = Literal["past", "future", "near"]


@dataclass(frozen=True, slots=True)
class _Rules:
    months: dict[str, int]
    weekdays: dict[str, int]
    past: frozenset[str]
    future: frozenset[str]
    capitalised: bool
    weekday_blockers: frozenset[str]
    decade_before: frozenset[str]
    not_year_before: frozenset[str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    year: re.Pattern[str]


_YEAR = r"(?:1[89]|20)\d{2}"


@cache
def _rules(lang: Lang) -> _Rules:
    data = load_patterns("dates")
    months = {fold_key(k): int(v) for k, v in data["months"][lang].items()}
    months.update({fold_key(k): int(v) for k, v in data["month_abbreviations"][lang].items()})
    weekdays = {fold_key(k): int(v) for k, v in data["weekdays"][lang].items()}
    weekdays.update({fold_key(k): int(v) for k, v in data["weekday_abbreviations"][lang].items()})
    suffixes = phrase_regex(data["day_suffixes"][lang])
    past_after = list(data["past_after"][lang])
    future_after = list(data["future_after"][lang])
    past_before = list(data["past_before"][lang])
    future_before = list(data["future_before"][lang])
    this_before = list(data["this_before"][lang])

    full_months = phrase_regex(list(data["months"][lang]))
    short_months = phrase_regex(list(data["month_abbreviations"][lang]))
    # In a date with a day or a year, a month may be abbreviated ("3 janv. 2020").
    month = rf"(?P<month>(?:{full_months})(?![\w])|(?:{short_months})(?![\w])\.?)"
    # Alone or with dernier/prochain/last/next, only a full month name is a date.
    full_month = rf"(?P<month>{full_months})(?![\w])"
    full_days = phrase_regex(list(data["weekdays"][lang]))
    short_days = phrase_regex(list(data["weekday_abbreviations"][lang]))
    weekday = rf"(?P<wd>(?:{full_days})(?![\w])|(?:{short_days})(?![\w])\.?)"
    full_weekday = rf"(?P<wd>{full_days})(?![\w])"
    prefix = rf"(?:{weekday},?\s+)?"
    day = rf"(?<![\d\w.,])(?P<day>[0-3]?\d)(?:{suffixes})?(?![\d])"
    day_links = phrase_regex(data["day_range_links"][lang])
    day2 = rf"(?:\s*(?:{day_links})\s*(?P<day2>[0-3]?\d)(?:{suffixes})?(?![\d]))?"
    links = data["day_month_links"][lang]
    day_month = rf"(?:\s+(?:{phrase_regex(links)}))?" if links else ""
    month_year = rf"(?:\s+(?:{phrase_regex(data['month_year_links'][lang])}))?"
    year = rf"(?P<year>{_YEAR})(?![\d\w])"
    after_words = past_after + future_after
    before_words = past_before + future_before + this_before
    month_before_words = past_before + future_before + list(data["this_before_month"][lang])
    after = rf"(?:\s+(?P<after>{phrase_regex(after_words)})(?![\w]))" if after_words else ""
    optional_after = f"{after}?" if after else ""
    before = rf"(?<![\w])(?P<before>{phrase_regex(before_words)})\s+"
    month_before = rf"(?<![\w])(?P<before>{phrase_regex(month_before_words)})\s+"
    preceders = phrase_regex(data["month_preceders"][lang])
    patterns = [
        ("iso", rf"(?<![\w-])(?P<year>{_YEAR})-(?P<mm>\d{{2}})-(?P<dd>\d{{2}})(?![\w-])"),
        ("numeric", rf"(?<![\w/.])(?P<n1>\d{{1,2}})[/.](?P<n2>\d{{1,2}})[/.]{year}"),
        (
            "dmy",
            rf"{prefix}{day}{day2}{day_month}\s+{month}(?:,?\s+{year})?{optional_after}",
        ),
        ("my", rf"(?<![\w]){month}{month_year},?\s+{year}"),
    ]
    if "month_day" in data["day_month_orders"][lang]:  # "April 3, 2019", "June 24"
        patterns.append(("mdy", rf"{prefix}(?<![\w]){month}\s+{day}{day2}(?:,?\s+{year})?"))
    if after_words:  # "juin dernier", "mercredi prochain"
        patterns.append(("month_after", rf"(?<![\w]){full_month}{after}"))
        patterns.append(("weekday_after", rf"(?<![\w]){full_weekday}(?![\w]){after}"))
    if before_words:  # "last June", "ce mercredi", "on Friday"
        patterns.append(("month_before", rf"{month_before}{full_month}"))
        patterns.append(("weekday_before", rf"{before}{full_weekday}(?![\w])"))
    patterns += [
        ("month_bare", rf"(?<![\w])(?:{preceders})\s+{full_month}"),
        (
            "weekday_bare",
            rf"(?<![\w]){full_weekday}(?![\w])"
            rf"(?!\s*(?:{phrase_regex(data['weekday_range_links'][lang])})\s*(?:{full_days}))",
        ),
    ]
    flags = re.IGNORECASE
    return _Rules(
        months=months,
        weekdays=weekdays,
        past=frozenset(fold_key(w) for w in past_after + past_before),
        future=frozenset(fold_key(w) for w in future_after + future_before),
        capitalised=lang in data["capitalised_names"],
        weekday_blockers=frozenset(fold_key(w) for w in data["weekday_blockers"][lang]),
        decade_before=frozenset(fold_key(w) for w in data["decade_before"][lang]),
        not_year_before=frozenset(fold_key(w) for w in data["not_year_before"][lang]),
        patterns=tuple((name, re.compile(p, flags)) for name, p in patterns),
        year=re.compile(
            rf"(?<![\w.,])(?P<y1>{_YEAR})"
            rf"(?:\s*[-–/]\s*(?P<y2>{_YEAR}|\d{{2}}))?(?![\w]|[.,]\d|[ \u00a0\u202f]\d{{3}}(?!\d))",
        ),
    )


def _parse_published(published: str) -> _Reference:
    match = re.match(r"^\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", published)
    try:
        if match is None:
            raise ValueError(published)
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if month and match.group(3) else None
        if month is not None:
            dt.date(year, month, day or 1)  # raises on 2021-13 or 2021-02-30
        return _Reference(year, month, day)
    except ValueError:
        raise InputError(
            f"publication date {published!r} is not a date: expected YYYY-MM-DD "
            "(or YYYY-MM, YYYY, an ISO date-time)",
            field="published",
        ) from None


@dataclass(frozen=True, slots=True)
class _Found:
    """One matched reference before resolution."""

    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    direction: Direction = "near"

    @property
    def absolute(self) -> _Reference | None:
        if self.year is None:
            return None
        return _Reference(self.year, self.month, self.day)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _direction(rules: _Rules, word: str | None) -> Direction:
    key = fold_key(word or "")
    if key in rules.past:
        return "past"
    if key in rules.future:
        return "future"
    return "near"


def _capitalised(match: re.Match[str], group: str) -> bool:
    value = match.groupdict().get(group)
    return value is None or value[:1].isupper()


def _read(match: re.Match[str], kind: str, rules: _Rules) -> _Found | None:
    """What one pattern match says, or None if it is not a date after all."""
    g = match.groupdict()
    if rules.capitalised and not (_capitalised(match, "month") and _capitalised(match, "wd")):
        return None  # "may", "march", "sun": English months and days are capitalised
    start, end = match.start(), match.end()
    year = int(g["year"]) if g.get("year") else None
    month = rules.months[fold_key(g["month"].rstrip("."))] if g.get("month") else None
    weekday = rules.weekdays[fold_key(g["wd"].rstrip("."))] if g.get("wd") else None
    direction = _direction(rules, g.get("after") or g.get("before"))
    if kind == "iso":
        day, month = int(g["dd"]), int(g["mm"])
    elif kind == "numeric":
        first, second = int(g["n1"]), int(g["n2"])
        day, month = (first, second) if first > 12 or second <= 12 else (second, first)
    elif kind in ("dmy", "mdy"):
        day = int(g["day"])
        if g.get("after") and year is not None:
            end = match.start("after")  # "3 avril 2019 dernier" is not written
            direction = "near"
    else:
        day = None
    if kind == "month_bare":
        start = match.start("month")
    if day is not None and month is not None and not _valid(year or 2000, month, day):
        return None
    return _Found(start, end, kind, year, month, day, weekday, direction)


def _blocked_weekday(text: str, found: _Found, rules: _Rules) -> bool:
    before = re.findall(r"[^\W\d_]+", text[max(0, found.start - 12) : found.start])
    return bool(before) and fold_key(before[-1]) in rules.weekday_blockers


def _nearest_year(month: int, day: int, weekday: int | None, ref: _Reference) -> int | None:
    """The year of "14 juin", "Friday, June 24": the one whose date matches the weekday
    and lies nearest the reference."""
    anchor = ref.date
    if anchor is None:
        return ref.year
    candidates = [y for y in (ref.year - 1, ref.year, ref.year + 1) if _valid(y, month, day)]
    if weekday is not None:
        matching = [y for y in candidates if dt.date(y, month, day).weekday() == weekday]
        candidates = matching or candidates
    if not candidates:
        return None
    return min(candidates, key=lambda y: abs((dt.date(y, month, day) - anchor).days))


def _resolve(found: _Found, ref: _Reference | None) -> str | None:
    """The ISO form of ``found``, resolved against ``ref`` when the text leaves out parts."""
    if found.year is not None:
        if found.month is None:
            return f"{found.year:04d}"
        if found.day is None:
            return f"{found.year:04d}-{found.month:02d}"
        return f"{found.year:04d}-{found.month:02d}-{found.day:02d}"
    if ref is None:
        return None
    if found.month is not None and found.day is not None:
        year = _resolve_year(found.month, found.day, found.direction, found.weekday, ref)
        return None if year is None else f"{year:04d}-{found.month:02d}-{found.day:02d}"
    if found.month is not None:
        year = _resolve_year(found.month, None, found.direction, None, ref)
        return None if year is None else f"{year:04d}-{found.month:02d}"
    if found.weekday is not None and ref.date is not None:
        delta = (found.weekday - ref.date.weekday()) % 7
        if found.direction == "past":
            delta = delta - 7 if delta else -7
        elif found.direction == "future":
            delta = delta or 7
        elif delta > 3:
            delta -= 7
        return (ref.date + dt.timedelta(days=delta)).isoformat()
    return None


def _resolve_year(
    month: int, day: int | None, direction: Direction, weekday: int | None, ref: _Reference
) -> int | None:
    """The year of a day or month given without one: the last one before the reference
    ("dernier", "last"), the next one after it ("prochain", "next"), else the nearest."""
    if ref.month is None:
        return ref.year  # only the year is known: "juin dernier" is in it
    here = (month, day or 1)
    now = (ref.month, ref.day or 1) if day is not None else (ref.month, 1)
    if direction == "past":
        year = ref.year if here <= now else ref.year - 1
    elif direction == "future":
        year = ref.year if here >= now else ref.year + 1
    elif day is not None:
        return _nearest_year(month, day, weekday, ref)
    else:
        anchor = ref.year * 12 + ref.month
        year = min(
            (ref.year - 1, ref.year, ref.year + 1), key=lambda y: abs(y * 12 + month - anchor)
        )
    if day is not None and not _valid(year, month, day):
        return None
    return year


def _latest(found: list[_Found]) -> _Reference | None:
    """The latest date the text states, preferring the most precise ones."""
    absolute = [f.absolute for f in found if f.absolute is not None]
    for level in ("day", "month", "year"):
        picked = [
            a
            for a in absolute
            if (level == "day" and a.day is not None)
            or (level == "month" and a.month is not None and a.day is None)
            or (level == "year" and a.month is None)
        ]
        if picked:
            return max(picked, key=lambda a: (a.year, a.month or 0, a.day or 0))
    return None


def find_dates(text: str, lang: str, published: str | None = None) -> list[DateMention]:
    """Every calendar reference in ``text``, each distinct text once, in text order.

    ``published`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; an ISO date-time is cut to
    its date) resolves partial and relative references; without it, the latest full
    date the text states does. References that cannot be resolved are left out.
    """
    checked = check_lang(lang)
    rules = _rules(checked)
    reference = _parse_published(published) if published else None
    numeric = [(a.start, a.end) for a in find_amounts(text, checked)]
    numeric += [(c.start, c.end) for c in find_counts(text, checked)]
    found = _find_references(text, checked, rules, SpanIndex(numeric))
    found += _find_years(text, rules, SpanIndex(numeric + [(f.start, f.end) for f in found]))
    found.sort(key=lambda f: f.start)
    if reference is None:
        reference = _latest(found)
    mentions: list[DateMention] = []
    seen: set[str] = set()
    for item in found:
        iso = _resolve(item, reference)
        surface = text[item.start : item.end]
        if iso is None or surface in seen:
            continue
        seen.add(surface)
        mentions.append(DateMention(surface, item.start, item.end, iso))
    return mentions


_SPECIFICITY = {
    "iso": 3,
    "numeric": 3,
    "dmy": 3,
    "mdy": 3,
    "my": 2,
    "month_after": 2,
    "month_before": 2,
    "month_bare": 2,
    "weekday_after": 1,
    "weekday_before": 1,
    "weekday_bare": 1,
}


def _find_references(text: str, lang: Lang, rules: _Rules, taken: SpanIndex) -> list[_Found]:
    """Day, month and weekday references, longest first where they overlap."""
    candidates: list[_Found] = []
    for kind, pattern in rules.patterns:
        for match in pattern.finditer(text):
            found = _read(match, kind, rules)
            if found is None or taken.overlaps(found.start, found.end):
                continue
            if kind == "weekday_bare" and _blocked_weekday(text, found, rules):
                continue
            candidates.append(found)
    # A day beats a month, a month beats a weekday; then the longer span wins.
    candidates.sort(key=lambda f: (-_SPECIFICITY[f.kind], -(f.end - f.start), f.start))
    chosen: list[_Found] = []
    starts: list[int] = []
    for candidate in candidates:
        i = bisect_left(starts, candidate.start)
        if i > 0 and chosen[i - 1].end > candidate.start:
            continue
        if i < len(chosen) and chosen[i].start < candidate.end:
            continue
        chosen.insert(i, candidate)
        starts.insert(i, candidate.start)
    return chosen


def _find_years(text: str, rules: _Rules, taken: SpanIndex) -> list[_Found]:
    """Standalone years and year ranges (each year its own mention), not decades."""
    found: list[_Found] = []
    for match in rules.year.finditer(text):
        if taken.overlaps(match.start(), match.end()):
            continue
        before = re.findall(r"[^\W\d_]+\.?|[#°]", text[max(0, match.start() - 14) : match.start()])
        last = fold_key(before[-1]) if before else ""
        if last in rules.decade_before or last in rules.not_year_before:
            continue
        if text[match.end() : match.end() + 2].strip().startswith(("%", "€", "$")):
            continue
        if re.match(r"['’]s(?![\w])", text[match.end() : match.end() + 3]):
            continue  # "the 2000's"
        first = int(match.group("y1"))
        found.append(_Found(match.start("y1"), match.end("y1"), "year", first))
        if match.group("y2"):
            raw = match.group("y2")
            second = int(raw) if len(raw) == 4 else first // 100 * 100 + int(raw)
            if second > first:
                found.append(_Found(match.start("y2"), match.end("y2"), "year", second))
    return found

"""Reading numbers in French and English press text (pure functions, no I/O but the
pattern files, read once).

Both notations are read: ``550.000``, ``550 000`` (with a space, a no-break space or a
narrow no-break space), ``1,2`` in French; ``1,990``, ``2.5`` in English; scale words
(``200 millions``, ``€45 million``) and number words (``quatre-vingt-dix``, ``a hundred``,
``une dizaine``). The amount, count and date extractors build on :func:`find_numbers`;
the rules (number words, glued suffixes…) are data in ``patterns/*.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from cartotech.errors import InputError
from cartotech.normalize import fold

__all__ = [
    "LANGS",
    "Lang",
    "NumberSpan",
    "check_lang",
    "find_numbers",
    "fold_key",
    "load_patterns",
    "number_at",
    "of_link",
    "range_link_end",
    "parse_decimal",
    "parse_number_words",
    "phrase_regex",
    "SpanIndex",
    "sentence_bounds",
]

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

# Thousands separators written as spaces: space, no-break space, narrow no-break
# space (French typography), thin space.
SPACES = " \u00a0\u202f\u2009"
_SPACE_CLASS = f"[{SPACES}]"
_NUMBER_BODY = rf"""
    (?:
        \d{{1,3}}(?:(?:{_SPACE_CLASS}|[.,'])\d{{3}})+(?:[.,]\d+)?   # grouped thousands
      | \d+(?:[.,]\d+)?
    )
    (?!\d|/\d)
"""
# Not inside a word, a bigger number, a name such as "Covid-19" or a numeric date or
# fraction ("18/10/2022", "24/7").
_DIGITS = re.compile(r"(?<![\w.,/])(?<!\w[-–])" + _NUMBER_BODY, re.VERBOSE)
# The same, anchored where the caller says (the second bound of "10-15").
_DIGITS_AT = re.compile(_NUMBER_BODY, re.VERBOSE)
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """A number written in the text: ``text[start:end]`` reads ``value``.

    ``kind`` is ``digits`` (``1 990``, ``1,2 million``), ``words`` (``trois``,
    ``a hundred``) or ``approximate`` (``une dizaine``, ``a dozen``); ``scale`` is the
    factor of the scale word that ends the span (``million`` -> 1e6), 1 without one.
    """

    start: int
    end: int
    value: float
    kind: Literal["digits", "words", "approximate"]
    scale: float = 1.0

    @property
    def scaled(self) -> bool:
        """A scale word (million, milliard, thousand…) ends the span."""
        return self.scale != 1.0


def check_lang(lang: str) -> Lang:
    """``lang`` if the extractors read it, else an :class:`InputError` naming the choices."""
    if lang == "fr":
        return "fr"
    if lang == "en":
        return "en"
    raise InputError(
        f"language {lang!r} is not extracted: expected one of {', '.join(LANGS)}",
        field="lang",
    )


class _WordsLoader(yaml.SafeLoader):
    """YAML without booleans: pattern files hold words, and YAML 1.1 would read the
    English "on" and the French "no" (numéro) as True and False."""


_WordsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@cache
def load_patterns(name: str) -> dict[str, Any]:
    """The pattern file ``cartotech/extract/patterns/<name>.yaml``, parsed once."""
    path = resources.files("cartotech.extract") / "patterns" / f"{name}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_WordsLoader)  # noqa: S506
    if not isinstance(data, dict):
        raise InputError(f"pattern file {name}.yaml must hold a mapping")
    return data


def fold_key(text: str) -> str:
    """The comparison key of a word or phrase: folded, typographic apostrophe and
    spaces unified (``D’Euros`` -> ``d'euros``)."""
    folded = fold(text).replace("’", "'")
    return " ".join(folded.split())


def phrase_regex(phrases: list[str] | set[str], *, ignore_case: bool = True) -> str:
    """A regex alternation of ``phrases`` (longest first) that accepts either apostrophe,
    any run of spaces between words and accented or unaccented letters."""

    def one(phrase: str) -> str:
        parts = []
        for ch in phrase:
            if ch in "'’":
                parts.append("['’]")
            elif ch in SPACES:
                parts.append(r"\s+")
            else:
                plain = fold(ch) if ignore_case else ch
                parts.append(
                    f"[{re.escape(ch)}{re.escape(plain)}]" if plain != ch else re.escape(ch)
                )
        return "".join(parts)

    unique = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    return "|".join(one(p) for p in unique)


def parse_decimal(text: str, lang: Lang) -> float:
    """The value of a digit number as the language writes it.

    Spaces always group thousands. With one kind of mark only, French reads ``,`` as the
    decimal comma and ``.`` followed by groups of three digits as thousands
    (``550.000``); English reads ``,`` followed by groups of three as thousands
    (``1,990``) and ``.`` as the decimal point. With both marks, the last one is the
    decimal mark (``1.234,5``, ``1,234.5``).
    """
    raw = "".join(ch for ch in text if ch not in SPACES).replace("'", "")
    if not raw or not any(ch.isdigit() for ch in raw):
        raise ValueError(f"not a number: {text!r}")
    if "," in raw and "." in raw:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(raw.replace(thousands, "").replace(decimal, "."))
    for mark in ",.":
        if mark not in raw:
            continue
        head, *groups = raw.split(mark)
        grouped = all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3
        if len(groups) > 1 and grouped:
            return float(raw.replace(mark, ""))
        thousands_mark = "." if lang == "fr" else ","
        if mark == thousands_mark and grouped:
            return float(raw.replace(mark, ""))
        return float(raw.replace(mark, "."))
    return float(raw)


@dataclass(frozen=True, slots=True)
class _Words:
    """The number words of one language, folded."""

    units: dict[str, int]
    hundred: frozenset[str]
    scales: dict[str, int]
    joiners: frozenset[str]
    approximate: dict[str, int]
    one_articles: frozenset[str]
    percent_before: frozenset[str]
    regex: re.Pattern[str]
    scale_regex: re.Pattern[str]


@cache
def _words(lang: Lang) -> _Words:
    data = load_patterns("numbers")[lang]
    units = {fold_key(k): int(v) for k, v in data["units"].items()}
    hundred = frozenset(fold_key(w) for w in data["hundred"])
    scales = {fold_key(k): int(v) for k, v in data["scales"].items()}
    scales.update({fold_key(w): 1000 for w in data["thousand"]})
    joiners = frozenset(fold_key(w) for w in data["joiners"])
    approximate = {fold_key(k): int(v) for k, v in data["approximate"].items()}
    one_articles = frozenset(fold_key(w) for w in data["one_articles"])
    every = (
        list(data["units"]) + list(data["hundred"]) + list(data["scales"]) + list(data["thousand"])
    )
    every += list(data["approximate"]) + list(data["one_articles"])
    word = rf"(?:{phrase_regex(every)})"
    joiner = rf"(?:{phrase_regex(list(data['joiners']))})"
    # "vingt et un", "vingt-et-un", "quatre-vingt-dix", "two hundred and five"
    sep = r"(?:\s*-\s*|\s+)"
    regex = re.compile(
        rf"(?<![\w-]){word}(?:{sep}(?:{joiner}{sep})?{word})*(?![\w-])",
        re.IGNORECASE,
    )
    scale_regex = re.compile(
        rf"[{SPACES}]+({phrase_regex(list(data['scales']) + list(data['thousand']))})(?![\w-])",
        re.IGNORECASE,
    )
    return _Words(
        units=units,
        hundred=hundred,
        scales=scales,
        joiners=joiners,
        approximate=approximate,
        one_articles=one_articles,
        percent_before=frozenset(fold_key(w) for w in data["percent_before"]),
        regex=regex,
        scale_regex=scale_regex,
    )


@cache
def _glued_suffixes() -> frozenset[str]:
    return frozenset(load_patterns("numbers")["glued_suffixes"])


_WORD_SPLIT = re.compile(r"[^\W\d_]+(?:['’])?")


def _valid_prefix(words: list[str], lang: Lang) -> int:
    """How many of ``words`` form one well-built number (the rest is another number
    or not a number: "dix et quinze" is two numbers, "a" alone is an article)."""
    w = _words(lang)
    state = "start"
    previous = 0
    kept = 0
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word in w.joiners:
            ok = False
            if nxt is not None:
                if lang == "fr":
                    ok = state == "ten" and 20 <= previous <= 60 and w.units.get(nxt) in (1, 11)
                else:
                    ok = state in ("hundred", "scale") and nxt in w.units
            if not ok:
                break
            i += 1
            continue
        if state == "start" and word in w.one_articles and word not in w.units:
            # "a"/"an": only before hundred, thousand, million, dozen.
            if nxt is None or not (nxt in w.hundred or nxt in w.scales or nxt in w.approximate):
                break
            state, previous = "article", 1
        elif word in w.units:
            value = w.units[word]
            if state in ("start", "hundred", "scale"):
                state = "ten" if value >= 20 else "unit"
            elif state == "unit" and previous == 4 and value == 20 and lang == "fr":
                state = "ten"  # quatre-vingt
                value = 80
            elif state == "ten" and (
                value < 10 or (lang == "fr" and previous in (60, 80) and 10 <= value < 20)
            ):
                state = "unit"
            elif state == "unit" and lang == "fr" and previous == 10 and 7 <= value <= 9:
                state = "unit"  # dix-sept, soixante-dix-huit, quatre-vingt-dix-neuf
            else:
                break
            previous = value
        elif word in w.hundred:
            # "cent", "deux cents", "mille cent", "a hundred", "one hundred"; not "un cent"
            after_unit = state == "unit" and (previous >= 2 or lang == "en")
            alone = state == "start" and lang == "fr"  # "cent emplois"; not "hundred jobs"
            if not (after_unit or alone or state in ("article", "scale")):
                break
            state = "hundred"
        elif word in w.scales:
            # "mille emplois" stands alone; "millions", "thousand" need a number before
            alone = state == "start" and lang == "fr" and w.scales[word] == 1000
            if state == "approx" or (state == "start" and not alone):
                break
            state = "scale"
        elif word in w.approximate:
            if state not in ("start", "unit", "article"):
                break
            state = "approx"
        else:
            break
        i += 1
        kept = i
    return kept


def parse_number_words(text: str, lang: Lang) -> float | None:
    """The value of number words (``quatre-vingt-dix`` -> 90, ``deux cent mille`` -> 200000,
    ``a hundred`` -> 100, ``une dizaine`` -> 10), or None if they are not one number."""
    words = [fold_key(m.group()).rstrip("'") for m in _WORD_SPLIT.finditer(text)]
    if not words or _valid_prefix(words, lang) != len(words):
        return None
    return _value_of_words(words, lang)


def _value_of_words(words: list[str], lang: Lang) -> float:
    w = _words(lang)
    total = 0
    current = 0
    last = 0
    for word in words:
        if word in w.joiners:
            continue
        if word in w.units:
            value = w.units[word]
            if value == 20 and last == 4 and lang == "fr":
                current += 76  # quatre (4) vingt -> 80
            else:
                current += value
            last = value
        elif word in w.one_articles:
            current += 1
            last = 1
        elif word in w.hundred:
            current = max(current, 1) * 100
            last = 100
        elif word in w.scales:
            total += max(current, 1) * w.scales[word]
            current = 0
            last = w.scales[word]
        elif word in w.approximate:
            current = max(current, 1) * w.approximate[word]
    return float(total + current)


def _words_from(text: str, match: re.Match[str], lang: Lang) -> tuple[NumberSpan | None, int]:
    """The number the word-sequence ``match`` starts with, and where to search next."""
    w = _words(lang)
    pieces = list(_WORD_SPLIT.finditer(match.group()))
    words = [fold_key(p.group()).rstrip("'") for p in pieces]
    kept = _valid_prefix(words, lang)
    while kept and words[kept - 1] in w.joiners:
        kept -= 1
    if kept == 0:
        return None, match.start() + (pieces[0].end() if pieces else 1)
    end = match.start() + pieces[kept - 1].end()
    words = words[:kept]
    before = _LETTERS.findall(text[max(0, match.start() - 12) : match.start()])
    if words[0] in w.hundred and before and fold_key(before[-1]) in w.percent_before:
        return None, end  # "pour cent", "per cent"
    if len(words) == 1 and words[0] in w.one_articles and words[0] not in w.units:
        return None, end
    approx = words[-1] in w.approximate
    span = NumberSpan(
        start=match.start(),
        end=end,
        value=_value_of_words(words, lang),
        kind="approximate" if approx else "words",
        scale=float(w.scales.get(words[-1], 1)),
    )
    return span, end


def _word_spans(text: str, lang: Lang) -> list[NumberSpan]:
    regex = _words(lang).regex
    found: list[NumberSpan] = []
    pos = 0
    while (match := regex.search(text, pos)) is not None:
        span, pos = _words_from(text, match, lang)
        if span is not None:
            found.append(span)
    return found


@cache
def _glued_scales(lang: Lang) -> dict[str, int]:
    return {str(k): int(v) for k, v in load_patterns("numbers")["glued_scales"][lang].items()}


def _digits_from(text: str, match: re.Match[str], lang: Lang) -> NumberSpan | None:
    end = match.end()
    letters = _LETTERS.match(text, end)
    if letters and letters.group() not in _glued_suffixes():
        return None  # 5G, 3D, 2ème, 1er: names and ordinals
    value = parse_decimal(match.group(), lang)
    scale = 1.0
    if letters and letters.group() in _glued_scales(lang):
        scale = float(_glued_scales(lang)[letters.group()])
        end = letters.end()
    elif not letters:
        w = _words(lang)
        scale_match = w.scale_regex.match(text, end)
        if scale_match:
            scale = float(w.scales[fold_key(scale_match.group(1))])
            end = scale_match.end()
    return NumberSpan(match.start(), end, value * scale, "digits", scale)


def _digit_spans(text: str, lang: Lang) -> list[NumberSpan]:
    found = []
    for match in _DIGITS.finditer(text):
        span = _digits_from(text, match, lang)
        if span is not None:
            found.append(span)
    return found


def number_at(text: str, pos: int, lang: str) -> NumberSpan | None:
    """The number that starts exactly at ``pos`` (the second bound of ``10-15``), if any."""
    checked = check_lang(lang)
    match = _DIGITS_AT.match(text, pos)
    if match is not None:
        return _digits_from(text, match, checked)
    words = _words(checked).regex.match(text, pos)
    if words is not None:
        span, _ = _words_from(text, words, checked)
        return span
    return None


def find_numbers(text: str, lang: str) -> list[NumberSpan]:
    """Every number written in ``text`` in digits or in words, in text order."""
    checked = check_lang(lang)
    spans = _digit_spans(text, checked)
    taken = SpanIndex((s.start, s.end) for s in spans)
    spans += [w for w in _word_spans(text, checked) if not taken.overlaps(w.start, w.end)]
    return sorted(spans, key=lambda s: s.start)


_SENTENCE_END = re.compile(r"[.!?…]+[\"»”’)]*\s+|\n\s*")


@lru_cache(maxsize=16)
def _sentence_breaks(text: str) -> tuple[list[int], list[int]]:
    """Where sentences end (stop or line break) and where the next ones start."""
    ends, starts = [], []
    for match in _SENTENCE_END.finditer(text):
        ends.append(match.start())
        starts.append(match.end())
    return ends, starts


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """The start and end of the sentence that holds ``text[pos]``: a stop (``.``, ``!``,
    ``?``, ``…``) followed by a space, or a line break, ends a sentence; the dot inside
    ``550.000`` does not."""
    ends, starts = _sentence_breaks(text)
    i = bisect_right(starts, pos)
    start = starts[i - 1] if i else 0
    j = bisect_left(ends, pos)
    end = ends[j] if j < len(ends) else len(text)
    return start, max(start, end)


class SpanIndex:
    """Character spans, asked in O(log n) whether a span overlaps one of them."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._spans = sorted(spans)
        self._starts = [start for start, _ in self._spans]
        self._max_end: list[int] = []
        for _, end in self._spans:
            self._max_end.append(max(end, self._max_end[-1]) if self._max_end else end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end)  # the spans that start before ``end``
        return i > 0 and self._max_end[i - 1] > start


@cache
def _range_rules(lang: Lang) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = load_patterns("numbers")["ranges"][lang]
    link = re.compile(rf"\s*(?:{phrase_regex(data['links'])})\s*", re.IGNORECASE)
    conjunction = re.compile(rf"\s+(?:{phrase_regex(data['conjunctions'])})\s+", re.IGNORECASE)
    opener = re.compile(rf"(?<![\w'’])(?:{phrase_regex(data['openers'])})\s+$", re.IGNORECASE)
    return link, conjunction, opener


def range_link_end(text: str, start: int, end: int, lang: Lang) -> int | None:
    """Where the upper bound may start, if a range link follows the lower bound written
    at ``text[start:end]`` (``10 à``, ``10-``, ``entre 10 et``, ``between €10 and``)."""
    link, conjunction, opener = _range_rules(lang)
    match = link.match(text, end)
    if match:
        return match.end()
    match = conjunction.match(text, end)
    if match and opener.search(text[max(0, start - 20) : start]):
        return match.end()
    return None


@cache
def of_link(lang: Lang) -> re.Pattern[str]:
    """The word between a scale or a collective noun and what it counts ("de", "of")."""
    words = phrase_regex(load_patterns("numbers")["of_links"][lang])
    return re.compile(rf"(?:{words})(?![\w])|d['’]", re.IGNORECASE)

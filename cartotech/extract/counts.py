"""Counts of things in French and English press text.

``find_counts(text, lang)`` finds a number (digits or words) with the noun of what it
counts — ``1990 emplois``, ``800 start-up``, ``une dizaine de start-up``,
``a hundred establishments``, ``trois incubateurs``, ``80 000 m²``,
``12 autres grandes villes`` — and gives the value and the unit in English
(``jobs``, ``startups``, ``m2``…). A few bare numbers count too, when the sentence
says what: a comparison with a previous count (``68 dossiers contre 32``), an
employment verb (``elle en emploie plus de 400``), a partitive (``une quinzaine
d'entre eux``). Percentages, money, durations and ages, ranks, multipliers, years and
vague quantities are not counts. Nouns, blockers and triggers are data in
``patterns/counts.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache

from cartotech.extract.amounts import find_amounts
from cartotech.extract.numbers import (
    Lang,
    NumberSpan,
    SpanIndex,
    check_lang,
    find_numbers,
    fold_key,
    load_patterns,
    number_at,
    of_link,
    parse_decimal,
    parse_number_words,
    phrase_regex,
    range_link_end,
    sentence_bounds,
)

__all__ = ["Count", "find_counts"]


@dataclass(frozen=True, slots=True)
class Count:
    """A count of things: ``text`` is ``source[start:end]``, the number with its noun where
    adjacent (``1990 emplois``), else the number with the word that ties it to what it
    counts (``plus de 400``, ``contre 32``). Ranges give their lower bound."""

    text: str
    start: int
    end: int
    value: float
    unit: str
    subject: str | None = None


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:[-‐][^\W\d_]+)*['’]?|[^\w\s]")


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    key: str  # folded, singular


def _singular(word: str) -> str:
    if len(word) >= 4 and word[-1] in "sx" and not word.endswith("'"):
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """The lexicon key of a word: folded and singular (words repeat: cached)."""
    return _singular(fold_key(word))


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[_Token]:
    stop = len(text) if end is None else end
    return [_Token(m.start(), m.end(), _key(m.group())) for m in _TOKEN.finditer(text, start, stop)]


def _phrase_keys(phrase: str) -> tuple[str, ...]:
    return tuple(_key(m.group()) for m in _TOKEN.finditer(phrase))


@dataclass(frozen=True, slots=True)
class _Rules:
    nouns: dict[tuple[str, ...], str]
    longest: int
    blockers: frozenset[tuple[str, ...]]
    rank_gap: frozenset[str]
    measure_units: frozenset[str]
    ratio: re.Pattern[str]
    gap_stop: frozenset[str]
    max_gap: int
    qualifier: re.Pattern[str]
    qualifier_kind: dict[str, str]
    rank_before: re.Pattern[str]
    anaphoric: frozenset[str]
    year_prepositions: frozenset[str]
    comparison: re.Pattern[str]
    verbs: dict[str, str]
    verb_before: re.Pattern[str]
    anaphora_after: re.Pattern[str]


@cache
def _rules(lang: Lang) -> _Rules:
    data = load_patterns("counts")
    nouns: dict[tuple[str, ...], str] = {}
    for unit, forms in data["units"].items():
        for form in forms.get(lang, []):
            nouns[_phrase_keys(str(form))] = str(unit)
    qualifier_kind: dict[str, str] = {}
    for kind, by_lang in data["qualifiers"].items():
        for phrase in by_lang[lang]:
            qualifier_kind[fold_key(phrase)] = kind
    qualifiers = phrase_regex(
        list(data["qualifiers"]["more_than"][lang])
        + [p for k in ("approximately", "less_than") for p in data["qualifiers"][k][lang]]
    )
    verbs = {
        fold_key(verb): str(unit)
        for unit, by_lang in data["verb_units"].items()
        for verb in by_lang[lang]
    }
    return _Rules(
        nouns=nouns,
        longest=max(len(k) for k in nouns),
        blockers=frozenset(
            _phrase_keys(str(b)) for b in data["blockers"][lang] + data["measures"][lang]
        ),
        rank_gap=frozenset(_key(str(w)) for w in data["rank_gap"][lang]),
        measure_units=frozenset(str(u) for u in data["measure_units"]),
        ratio=re.compile(
            rf"(?:^|\s)(\S+)\s+(?:{phrase_regex(data['ratio_links'][lang])})\s+$", re.IGNORECASE
        ),
        gap_stop=frozenset(_key(str(w)) for w in data["gap_stop"][lang]),
        max_gap=int(data["max_gap_words"]),
        qualifier=re.compile(rf"(?<![\w'’])({qualifiers})\s*$", re.IGNORECASE),
        qualifier_kind=qualifier_kind,
        rank_before=re.compile(
            rf"(?<![\w])(?:{phrase_regex(data['rank_before'][lang])})\s*$", re.IGNORECASE
        ),
        anaphoric=frozenset(fold_key(w) for w in data["anaphoric_determiners"][lang]),
        year_prepositions=frozenset(fold_key(w) for w in data["year_prepositions"][lang]),
        comparison=re.compile(
            rf"(?<![\w])({phrase_regex(data['comparisons'][lang])})\s*$", re.IGNORECASE
        ),
        verbs=verbs,
        # "emploie 90", "en emploie aujourd'hui 90": the verb, then adverbs only.
        verb_before=re.compile(
            rf"(?<![\w'’])({phrase_regex(list(verbs))})"
            rf"(?:\s+(?:{phrase_regex(data['verb_adverbs'][lang])}))*\s*$",
            re.IGNORECASE,
        ),
        anaphora_after=re.compile(
            rf"\s*(?:{phrase_regex(data['anaphora_after'][lang])})(?![\w])", re.IGNORECASE
        ),
    )


class _Reader:
    """One document's tokens, read around each number."""

    def __init__(self, text: str, lang: Lang) -> None:
        self.text = text
        self.lang = lang
        self.rules = _rules(lang)
        self.tokens = _tokens(text)
        self._starts = [t.start for t in self.tokens]

    def index_at(self, pos: int) -> int:
        """Index of the first token that starts at or after ``pos``."""
        return bisect_left(self._starts, pos)

    def noun_at(self, i: int) -> tuple[str, int] | None:
        """The unit of the lexicon noun that starts at token ``i``, and its last token index."""
        rules = self.rules
        for size in range(min(rules.longest, len(self.tokens) - i), 0, -1):
            key = tuple(t.key for t in self.tokens[i : i + size])
            if key in rules.nouns:
                return rules.nouns[key], i + size - 1
        return None

    def blocked_at(self, i: int) -> bool:
        keys = tuple(t.key for t in self.tokens[i : i + 2])
        return any(keys[: len(b)] == b for b in self.rules.blockers)

    def find_noun(self, i: int, max_gap: int) -> tuple[str, int] | None:
        """The noun a number ending before token ``i`` counts: at most ``max_gap``
        adjective-like words away, before any function word, number or punctuation."""
        rules = self.rules
        if i < len(self.tokens) and self.blocked_at(i):
            return None
        gap = 0
        while i < len(self.tokens) and gap <= max_gap:
            if i > 0 and "\n" in self.text[self.tokens[i - 1].end : self.tokens[i].start]:
                return None  # a line break ends the phrase (titles, datelines)
            found = self.noun_at(i)
            if found is not None:
                unit, last = found
                compound = self.lang == "en" and unit not in rules.measure_units
                if compound:  # head-final compounds: "start-up projects"
                    while last + 1 < len(self.tokens) and self._adjacent(last):
                        following = self.noun_at(last + 1)
                        if following is None:
                            break
                        unit, last = following
                return unit, last
            token = self.tokens[i]
            word = self.text[token.start : token.end]
            if not word[0].isalpha() or token.key in rules.gap_stop or self.blocked_at(i):
                return None
            if token.key in rules.rank_gap:
                return None  # "the 10 largest players": a rank
            gap += 1
            i += 1
        return None

    def _adjacent(self, last: int) -> bool:
        return self.text[self.tokens[last].end : self.tokens[last + 1].start].strip() == ""

    def word_before(self, pos: int) -> _Token | None:
        i = self.index_at(pos) - 1
        return self.tokens[i] if i >= 0 else None

    def sentence_initial(self, token: _Token) -> bool:
        start, _ = sentence_bounds(self.text, token.start)
        before = self.text[start : token.start].rstrip()
        return before == "" or before[-1] in ':;«"“(—–-•'


def _qualifier(reader: _Reader, start: int) -> re.Match[str] | None:
    return reader.rules.qualifier.search(reader.text[max(0, start - 30) : start])


def _skip_number(reader: _Reader, number: NumberSpan, qualifier_start: int) -> bool:
    """Numbers that cannot be counts whatever follows: "un"/"one", ranks, name parts
    ("CAC 40"), years after a preposition, anaphoric number words ("les deux régions")."""
    text, rules = reader.text, reader.rules
    if number.kind == "words" and number.value == 1 and not number.scaled:
        return True
    if rules.rank_before.search(text[max(0, number.start - 12) : number.start]):
        return True
    ratio = rules.ratio.search(text[max(0, number.start - 30) : number.start])
    if ratio and (
        ratio.group(1).isdigit() or parse_number_words(ratio.group(1), reader.lang) is not None
    ):
        return True  # "4 sur 10", "four in 10"
    previous = reader.word_before(qualifier_start)
    if previous is None:
        return False
    between = text[previous.end : qualifier_start]
    if between.strip() == "" and qualifier_start == number.start:
        word = text[previous.start : previous.end]
        if word[:1].isupper() and word.isalpha() and not reader.sentence_initial(previous):
            return True  # part of a name: "CAC 40", "French Tech 120"
    digits = text[number.start : number.end]
    year_like = digits.isdigit() and len(digits) == 4 and 1900 <= number.value <= 2100
    if year_like and between.strip() == "" and previous.key in rules.year_prepositions:
        return True
    return number.kind == "words" and previous.key.rstrip("'") in rules.anaphoric


def _value(reader: _Reader, number: NumberSpan) -> float:
    """The count's value. A count has no thousandths: ``80,000`` in French press and
    ``1.500`` in English press (both borrowed from the other notation) are thousands."""
    raw = reader.text[number.start : number.end]
    if not number.scaled:
        if reader.lang == "fr" and re.fullmatch(r"\d{1,3},\d{3}", raw):
            return parse_decimal(raw, "en")
        if reader.lang == "en" and re.fullmatch(r"\d{1,3}\.\d{3}", raw):
            return parse_decimal(raw, "fr")
    return number.value


_CLAUSE_MARK = re.compile(r"[;:()«»\"“”]|,(?=\s)")


def _subject(reader: _Reader, start: int, end: int, notes: list[str]) -> str:
    """A short context: up to five words on each side of the count in its clause, and
    the notes (approximate, more than, range)."""
    text = reader.text
    s_start, s_end = sentence_bounds(text, start)
    marks = list(_CLAUSE_MARK.finditer(text, s_start, start))
    left_start = marks[-1].end() if marks else s_start
    mark = _CLAUSE_MARK.search(text, end, s_end)
    right_end = mark.start() if mark else s_end
    left_words = list(re.finditer(r"\S+", text[left_start:start]))[-5:]
    if left_words:
        left_start += left_words[0].start()
    right_words = list(re.finditer(r"\S+", text[end:right_end]))[:5]
    right_end = end + right_words[-1].end() if right_words else end
    subject = " ".join(text[max(left_start, s_start) : right_end].split())
    return subject + "".join(f" ({note})" for note in dict.fromkeys(notes))


_NOTES = {"more_than": "more than", "approximately": "approx.", "less_than": "less than"}


def find_counts(text: str, lang: str) -> list[Count]:
    """Every count of countable things in ``text``, each distinct text once, in text order."""
    return list(_counts(text, check_lang(lang)))


@lru_cache(maxsize=4)
def _counts(text: str, checked: Lang) -> tuple[Count, ...]:
    """The counts of one text, kept for the next call (find_dates asks again)."""
    reader = _Reader(text, checked)
    rules = reader.rules
    money = SpanIndex((a.start, a.end) for a in find_amounts(text, checked))
    found: list[Count] = []
    seen: set[str] = set()
    done = -1
    for number in find_numbers(text, checked):
        if number.start < done or money.overlaps(number.start, number.end):
            continue
        qualifier = _qualifier(reader, number.start)
        qualifier_start = number.start - len(qualifier.group()) if qualifier else number.start
        if _skip_number(reader, number, qualifier_start):
            continue
        notes = []
        if qualifier:
            notes.append(_NOTES[rules.qualifier_kind[fold_key(qualifier.group(1))]])
        if number.kind == "approximate":
            notes.append("approx.")
        count = _with_noun(reader, number, notes) or _bare(
            reader, number, qualifier_start, notes, found
        )
        if count is None:
            continue
        done = count.end
        if count.text not in seen:
            seen.add(count.text)
            found.append(count)
    return tuple(found)


def _with_noun(reader: _Reader, number: NumberSpan, notes: list[str]) -> Count | None:
    text, rules = reader.text, reader.rules
    end = number.end
    lower = number
    link = range_link_end(text, number.start, number.end, reader.lang)
    if link is not None:
        upper = number_at(text, link, reader.lang)
        if upper is not None and upper.kind != "approximate":
            end = upper.end
            notes = [*notes, "range lower bound"]
    i = reader.index_at(end)
    # "une dizaine de start-up", "3 millions de visiteurs", "a dozen of"
    collective = number.kind == "approximate" or number.scaled
    if collective and i < len(reader.tokens):
        token = reader.tokens[i]
        if of_link(reader.lang).fullmatch(text[token.start : token.end]):
            i += 1
    raw = text[number.start : number.end]
    year_like = raw.isdigit() and len(raw) == 4 and 1900 <= number.value <= 2100
    # "1990 emplois", "2000 nouveaux emplois"; a year-like number reaches no further
    found = reader.find_noun(i, 1 if year_like else rules.max_gap)
    if found is None:
        return None
    unit, last = found
    stop = reader.tokens[last].end
    surface = text[lower.start : stop]
    return Count(
        text=surface,
        start=lower.start,
        end=stop,
        value=_value(reader, lower),
        unit=unit,
        subject=_subject(reader, lower.start, stop, notes),
    )


def _bare(
    reader: _Reader,
    number: NumberSpan,
    qualifier_start: int,
    notes: list[str],
    earlier: list[Count],
) -> Count | None:
    """A number without its noun that still counts something the sentence names."""
    text, rules = reader.text, reader.rules
    i = reader.index_at(number.end)
    if i < len(reader.tokens) and reader.blocked_at(i):
        return None
    raw = text[number.start : number.end]
    if raw.isdigit() and len(raw) == 4 and 1900 <= number.value <= 2100:
        return None  # a year
    value = _value(reader, number)
    before = text[max(0, qualifier_start - 40) : qualifier_start]
    comparison = rules.comparison.search(before)
    if comparison:
        sentence_start, _ = sentence_bounds(text, number.start)
        same_sentence = [c for c in earlier if c.start >= sentence_start]
        if same_sentence:
            start = qualifier_start - len(comparison.group())
            return _bare_count(reader, start, number, value, same_sentence[-1].unit, notes)
    verb = _verb_before(reader, qualifier_start)
    if verb is not None:
        return _bare_count(reader, qualifier_start, number, value, rules.verbs[verb], notes)
    if rules.anaphora_after.match(text, number.end):
        antecedent = _antecedent(reader, number.start)
        if antecedent is not None:
            return _bare_count(reader, number.start, number, value, antecedent, notes)
    return None


def _verb_before(reader: _Reader, pos: int) -> str | None:
    """The employment verb just before ``pos``, over adverbs ("emploie aujourd'hui")."""
    match = reader.rules.verb_before.search(reader.text[max(0, pos - 60) : pos])
    return fold_key(match.group(1)) if match else None


def _bare_count(
    reader: _Reader, start: int, number: NumberSpan, value: float, unit: str, notes: list[str]
) -> Count:
    return Count(
        text=reader.text[start : number.end],
        start=start,
        end=number.end,
        value=value,
        unit=unit,
        subject=_subject(reader, start, number.end, notes),
    )


def _antecedent(reader: _Reader, pos: int) -> str | None:
    """What "une quinzaine d'entre eux" counts: the nearest lexicon noun in the plural
    before ``pos`` in its sentence, else the first one of the sentence before."""
    sentence_start, _ = sentence_bounds(reader.text, pos)
    window_start, _ = sentence_bounds(reader.text, max(0, sentence_start - 2))

    def plural_units(first: int, last: int) -> list[str]:
        units = []
        for i in range(reader.index_at(first), reader.index_at(last)):
            token = reader.tokens[i]
            found = reader.noun_at(i)
            if found is not None and fold_key(reader.text[token.start : token.end])[-1] in "sx":
                units.append(found[0])
        return units

    here = plural_units(sentence_start, pos)
    if here:
        return here[-1]
    before = plural_units(window_start, sentence_start)
    return before[0] if before else None

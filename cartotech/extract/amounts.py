"""Money amounts in French and English press text.

``find_amounts(text, lang)`` reads both notations — ``550.000 euros``, ``550 000 €``,
``200 millions d'euros``, ``1,2 M€``, ``12 k€``, ``€45 million``, ``$3bn``,
``2,5 milliards de dollars``, ``entre 2 et 3 millions d'euros`` — into a value in
currency units and an ISO currency code, with what the money is for when the
sentence says it. Currencies, scales and purpose triggers are data in
``patterns/currencies.yaml`` and ``patterns/purposes.yaml``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from cartotech.extract.numbers import (
    SPACES,
    Lang,
    NumberSpan,
    SpanIndex,
    check_lang,
    find_numbers,
    fold_key,
    load_patterns,
    number_at,
    of_link,
    phrase_regex,
    range_link_end,
    sentence_bounds,
)

__all__ = ["Amount", "find_amounts"]


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money: ``text`` is ``source[start:end]``, the number and its currency
    words (``12 millions d'euros``, ``€3 million``) without qualifiers ("plus de")."""

    text: str
    start: int
    end: int
    value: float
    currency: str
    purpose: str | None = None


@dataclass(frozen=True, slots=True)
class _Money:
    """What the currency rules make of one number: the span and its factor."""

    start: int
    end: int
    currency: str
    factor: float  # scale abbreviation (M€ -> 1e6), 1 without one


@dataclass(frozen=True, slots=True)
class _Rules:
    symbols: dict[str, str]
    words: dict[str, str]
    words_after_scale: dict[str, str]
    abbreviations: dict[str, int]
    before: re.Pattern[str]
    after_symbol: re.Pattern[str]
    after_word: re.Pattern[str]
    abbreviation: re.Pattern[str]
    symbol_prefix: re.Pattern[str]
    of_link: re.Pattern[str]


_SP = f"[{SPACES}]"


@cache
def _rules(lang: Lang) -> _Rules:
    data = load_patterns("currencies")
    symbols = {str(k): str(v) for k, v in data["symbols"].items()}
    words = {fold_key(k): str(v) for k, v in data["words"][lang].items()}
    after_scale = {fold_key(k): str(v) for k, v in data["words_after_scale_only"][lang].items()}
    abbreviations = {str(k): int(v) for k, v in data["scale_abbreviations"].items()}
    symbol_re = phrase_regex(list(symbols), ignore_case=False)
    abbreviation_re = phrase_regex(list(abbreviations), ignore_case=False)
    word_re = phrase_regex(list(data["words"][lang]) + list(data["words_after_scale_only"][lang]))
    return _Rules(
        symbols=symbols,
        words=words,
        words_after_scale=after_scale,
        abbreviations=abbreviations,
        # "€45", "US$ 5", "EUR 10": a symbol, then at most one space, then the number.
        before=re.compile(rf"(?<![\w$€£¥])({symbol_re}){_SP}?$"),
        # " M€", "k€", " €", " MEUR", " M EUR": an optional scale, then a symbol.
        after_symbol=re.compile(rf"{_SP}?(?:({abbreviation_re}){_SP}?)?({symbol_re})(?![^\W\d_])"),
        # " euros", " d'euros", " de dollars", " million pounds": currency words.
        after_word=re.compile(
            rf"{_SP}?(?:({abbreviation_re}){_SP}+)?(?:(?:{of_link(lang).pattern}){_SP}*)?"
            rf"({word_re})(?![\w-])",
            re.IGNORECASE,
        ),
        # "$3bn", "€45m", "€12K": a scale glued or spaced after a number after a symbol.
        abbreviation=re.compile(rf"{_SP}?({abbreviation_re})(?![\w])"),
        symbol_prefix=re.compile(rf"(?:{symbol_re}){_SP}?"),
        of_link=of_link(lang),
    )


def _symbol_code(rules: _Rules, symbol: str) -> str:
    return rules.symbols[" ".join(symbol.split())]


def _money_after(text: str, number: NumberSpan, rules: _Rules) -> _Money | None:
    """Currency written after ``number``: ``550 000 €``, ``1,2 M€``, ``200 millions d'euros``."""
    match = rules.after_symbol.match(text, number.end)
    if match:
        factor = rules.abbreviations[match.group(1)] if match.group(1) else 1
        return _Money(number.start, match.end(), _symbol_code(rules, match.group(2)), factor)
    match = rules.after_word.match(text, number.end)
    if not match:
        return None
    abbreviation, word = match.group(1), fold_key(match.group(2))
    factor = rules.abbreviations[abbreviation] if abbreviation else 1
    between = text[number.end : match.start(2)]
    linked = rules.of_link.search(between) is not None
    scaled = number.scaled or abbreviation is not None
    if linked and not scaled:
        return None  # "3 tonnes d'euros" is not written; "cinq de dollars" is not money
    if word in rules.words:
        code = rules.words[word]
    elif word in rules.words_after_scale and scaled:
        code = rules.words_after_scale[word]
    else:
        return None
    return _Money(number.start, match.end(), code, factor)


def _money_before(text: str, number: NumberSpan, rules: _Rules) -> _Money | None:
    """Currency written before ``number``: ``€45 million``, ``$3bn``, ``USD 5m``."""
    match = rules.before.search(text[max(0, number.start - 8) : number.start])
    if not match:
        return None
    start = number.start - (len(match.group()))
    end, factor = number.end, 1
    if not number.scaled:
        abbreviation = rules.abbreviation.match(text, number.end)
        if abbreviation:
            end, factor = abbreviation.end(), rules.abbreviations[abbreviation.group(1)]
    return _Money(start, end, _symbol_code(rules, match.group(1)), factor)


def _money(text: str, number: NumberSpan, rules: _Rules) -> _Money | None:
    return _money_before(text, number, rules) or _money_after(text, number, rules)


def _upper_bound(
    text: str, first: NumberSpan, start: int, lang: Lang, rules: _Rules
) -> NumberSpan | None:
    """The upper bound of a range whose lower bound ``first`` is written from ``start``
    (``2 à 3``, ``2-3``, ``between €10 and €20``), its currency symbol, if repeated,
    skipped."""
    link = range_link_end(text, start, first.end, lang)
    if link is None:
        return None
    symbol = rules.symbol_prefix.match(text, link)
    return number_at(text, symbol.end() if symbol else link, lang)


def _measure(
    text: str, number: NumberSpan, lang: Lang, rules: _Rules
) -> tuple[_Money, float] | None:
    """The money span that ``number`` starts or ends, and its value (lower bound of a range)."""
    money = _money(text, number, rules)
    if money is not None and (number.scaled or money.factor != 1 or money.start == number.start):
        return money, number.value * money.factor
    upper = _upper_bound(text, number, money.start if money else number.start, lang, rules)
    if money is not None:
        # "$2-3 million", "€10 to €20 million": the scale comes with the upper bound.
        if upper is not None:
            abbreviation = None if upper.scaled else rules.abbreviation.match(text, upper.end)
            if upper.scaled or abbreviation:
                factor = rules.abbreviations[abbreviation.group(1)] if abbreviation else 1
                end = abbreviation.end() if abbreviation else upper.end
                ranged = _Money(money.start, end, money.currency, 1)
                return ranged, number.value * upper.scale * factor
        return money, number.value
    if upper is None:
        return None
    upper_money = _money_after(text, upper, rules)
    if upper_money is None:
        return None
    scale = (1.0 if number.scaled else upper.scale) * upper_money.factor
    return _Money(number.start, upper_money.end, upper_money.currency, 1), number.value * scale


def find_amounts(text: str, lang: str) -> list[Amount]:
    """Every money amount written with a number in ``text``, each distinct text once,
    in text order. ``lang`` is ``fr`` or ``en`` (it decides ``1,200`` and the words)."""
    return list(_amounts(text, check_lang(lang)))


@lru_cache(maxsize=4)
def _amounts(text: str, checked: Lang) -> tuple[Amount, ...]:
    """The amounts of one text, kept for the next call (counts and dates ask again)."""
    rules = _rules(checked)
    found: list[Amount] = []
    seen: set[str] = set()
    done = -1
    for number in find_numbers(text, checked):
        if number.start < done or number.kind == "approximate":
            continue
        measured = _measure(text, number, checked, rules)
        if measured is None:
            continue
        money, value = measured
        done = money.end
        surface = text[money.start : money.end]
        if surface in seen:
            continue
        seen.add(surface)
        found.append(
            Amount(
                text=surface,
                start=money.start,
                end=money.end,
                value=value,
                currency=money.currency,
                purpose=None,
            )
        )
    found += _implicit(text, checked, found, seen)
    found.sort(key=lambda a: a.start)
    spans = [(a.start, a.end) for a in found]
    return tuple(replace(a, purpose=_purpose(text, a.start, a.end, checked, spans)) for a in found)


@dataclass(frozen=True, slots=True)
class _Implicit:
    cue: re.Pattern[str]
    follower: re.Pattern[str]
    default: str | None


@cache
def _implicit_rules(lang: Lang) -> _Implicit:
    data = load_patterns("currencies")["implicit"]
    words = int(data["max_words_before"])
    return _Implicit(
        cue=re.compile(
            rf"(?<![\w'’])(?:{phrase_regex(data['cues'][lang])})(?![\w'’])"
            rf"(?:[^\w.;:!?]+[\w'’-]+){{0,{words}}}?[^\w.;:!?]*$",
            re.IGNORECASE,
        ),
        follower=re.compile(
            rf"\s*(?:$|[^\w\s]|(?:{phrase_regex(data['followers'][lang])})(?![\w'’]))",
            re.IGNORECASE,
        ),
        default=data["default"].get(lang),
    )


def _implicit(text: str, lang: Lang, found: list[Amount], seen: set[str]) -> list[Amount]:
    """Scaled numbers without currency words that the sentence says are money
    ("la start-up lève 3 millions auprès de ...")."""
    rules = _implicit_rules(lang)
    currencies = Counter(a.currency for a in found)
    currency = currencies.most_common(1)[0][0] if currencies else rules.default
    if currency is None:
        return []
    taken = SpanIndex((a.start, a.end) for a in found)
    extra = []
    for number in find_numbers(text, lang):
        if not number.scaled or number.kind == "approximate":
            continue
        if taken.overlaps(number.start, number.end):
            continue
        surface = text[number.start : number.end]
        if surface in seen or not rules.follower.match(text, number.end):
            continue
        sentence_start, _ = sentence_bounds(text, number.start)
        if not rules.cue.search(text[max(sentence_start, number.start - 80) : number.start]):
            continue
        seen.add(surface)
        extra.append(Amount(surface, number.start, number.end, number.value, currency))
    return extra


# --- what the money is for (best effort) ---------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*['’]?|\d+(?:[.,]\d+)*")
_CLAUSE_STOP = re.compile(r"[;:()«»\"“”\[\]—–]|,(?!\d)|\s-\s")


@dataclass(frozen=True, slots=True)
class _PurposeRules:
    after: re.Pattern[str]
    links: list[str]
    determiners: frozenset[str]
    prepositions: frozenset[str]
    phrase_stops: frozenset[str]
    max_gap: int
    max_words: int


@cache
def _purpose_rules(lang: Lang) -> _PurposeRules:
    data = load_patterns("purposes")
    triggers = [str(t) for t in data["after"][lang]]
    # French contracts "à le(s)" into "au"/"aux": "destinés aux tiers-lieux".
    triggers += [
        t[:-1] + contracted for t in triggers if t.endswith(" à") for contracted in ("au", "aux")
    ]
    after = phrase_regex(triggers)
    return _PurposeRules(
        after=re.compile(rf"(?<![\w'’])(?:{after})(?![\w'’])", re.IGNORECASE),
        links=sorted((fold_key(x) for x in data["before_links"][lang]), key=len, reverse=True),
        determiners=frozenset(fold_key(x) for x in data["determiners"][lang]),
        prepositions=frozenset(fold_key(x) for x in data["prepositions"][lang]),
        phrase_stops=frozenset(fold_key(x) for x in data["phrase_stops"][lang]),
        max_gap=int(data["max_gap_words"]),
        max_words=int(data["max_words"]),
    )


def _clause_after(text: str, end: int) -> str:
    _, stop = sentence_bounds(text, end)
    rest = text[end:stop]
    cut = _CLAUSE_STOP.search(rest)
    return rest[: cut.start()] if cut else rest


def _purpose(
    text: str, start: int, end: int, lang: Lang, amounts: list[tuple[int, int]]
) -> str | None:
    """What the amount at ``start:end`` is for: the phrase after "pour"/"for"/"dédiés à"
    a few words after it, else the noun phrase it completes ("une enveloppe de …").
    Another amount is never a purpose ("from €1m to €2m")."""
    rules = _purpose_rules(lang)
    after = text[end : sentence_bounds(text, end)[1]]
    trigger = rules.after.search(after)
    gap = after[: trigger.start()] if trigger else ""
    if trigger and len(_WORD.findall(gap)) <= rules.max_gap and not _CLAUSE_STOP.search(gap):
        phrase_start = end + trigger.end()
        words = list(_WORD.finditer(_clause_after(text, phrase_start)))[: rules.max_words]
        while words and fold_key(words[0].group()) in rules.determiners:
            words = words[1:]
        for i, word in enumerate(words):
            if fold_key(word.group()) in rules.phrase_stops:
                words = words[:i]
                break
        first = phrase_start + words[0].start() if words else -1
        elided = re.match(r"[^\W\d_]{1,2}['’](?=[^\W\d_])", words[0].group()) if words else None
        if elided and fold_key(elided.group()) in rules.determiners:
            first += elided.end()  # "l’accélération" -> "accélération"
        if words and not any(s <= first < e for s, e in amounts):
            last = phrase_start + words[-1].end()
            return " ".join(text[first:last].split())
    return _purpose_before(text, start, rules)


def _purpose_before(text: str, start: int, rules: _PurposeRules) -> str | None:
    """ "un appel à projets doté de 550.000 euros" -> "appel à projets"."""
    sentence_start, _ = sentence_bounds(text, start)
    before = text[sentence_start:start]
    cut = list(_CLAUSE_STOP.finditer(before))
    if cut:
        before = before[cut[-1].end() :]
    words = _WORD.findall(before)
    folded = " ".join(fold_key(w) for w in words)
    for link in rules.links:
        if (
            folded == link
            or folded.endswith(" " + link)
            or (link.endswith("'") and folded.endswith(link))
        ):
            break
    else:
        return None
    link_words = len(_WORD.findall(link))
    words = words[: len(words) - link_words] if link_words else words
    if words and fold_key(words[-1]).endswith("'") and link.endswith("'"):
        words = words[:-1]
    for i in range(len(words) - 1, -1, -1):
        key = fold_key(words[i])
        if key in rules.determiners or key in rules.prepositions:
            phrase = words[i + 1 :]
            return " ".join(phrase[: rules.max_words]) if phrase else None
    return None

"""Organisations, people and places from a spaCy ``Doc`` whose statistical NER
has run, corrected with what cartotech knows.

The model finds names well but types ecosystem actors badly (startups come out
as places or people). So every name it finds, plus the names that trigger
words introduce ("l'incubateur X", "the X accelerator", "X, une start-up
lyonnaise") and the directory's names, is a *candidate*, then decided:

1. junk (a capitalised common word: "Tech", "Capitale") is dropped;
2. a word of the name ("Incubateur ...", "... Ventures") or a trigger around
   it types it as an organisation;
3. otherwise an exact place name (referential or ``places.yaml``) is a place;
4. a name of two or more words the model calls a person is a person;
5. what is left is an organisation typed by the model's label and its shape.

Pure functions over a Doc and the rules; :mod:`cartotech.extract.components`
runs them inside the spaCy pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from cartotech.extract.places import PlaceGazetteer, PlaceHit
from cartotech.extract.rules import EntityRules, fold_key

__all__ = ["Entity", "find_entities"]

PERSON_LABELS = frozenset({"PER", "PERSON"})
PLACE_LABELS = frozenset({"LOC", "GPE", "FAC"})
ORG_LABELS = frozenset({"ORG"})
OTHER_LABELS = frozenset({"MISC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART"})
NAME_LABELS = PERSON_LABELS | PLACE_LABELS | ORG_LABELS | OTHER_LABELS

# Tokens that may sit inside a multi-word name between capitalised words.
_CONNECTORS = frozenset({"de", "du", "des", "d'", "of", "in", "&", "-", "et", "and", "for", "la"})
# Tokens skipped between a trigger noun and the name it introduces.
_BRIDGE = frozenset({":", "«", "»", '"', "“", "”", "(", "l'", "la", "le", "the", "a", "an"})
_ARTICLES = frozenset({"a", "an", "the", "un", "une", "la", "le", "l'", "les"})
# Brand shapes the model misses or mislabels: inner capital (GoJob), digits (o2switch).
_BRAND = re.compile(r"^(?:[a-z]+[A-Z]\w*|\w*\d\w*[a-zA-Z]\w*|[A-Z][a-z]+[A-Z]\w*)$")
_NAME_START = re.compile(r"^[A-ZÀ-ÖØ-Þ0-9]")
# Web addresses and e-mails are not organisations (the gold leaves websites out).
_ADDRESS = re.compile(r"\.(?:com|fr|org|net|io|eu|co)\b|^www\.|https?:|@", re.IGNORECASE)
# A name never runs over these: "French Tech : l'appel..." is "French Tech".
_NAME_BREAKS = frozenset({":", ",", "(", ")", ";", "«", "»", "“", "”", '"', "!", "?"})
_PLURAL_LIST_OPENERS = frozenset({",", ":", "("})


@dataclass
class Entity:
    """A decided mention: ``kind`` is ``org``, ``person`` or ``place``."""

    kind: str
    text: str
    start: int  # character offsets
    end: int
    org_type: str | None = None
    evidence: str = "ner"
    place: PlaceHit | None = None
    city: str | None = None
    sentence: tuple[int, int] = (0, 0)
    aliases: list[str] = field(default_factory=list)


@dataclass
class _Candidate:
    span: Span
    label: str
    source: str
    org_type: str | None = None
    alias: str | None = None  # another surface form ("accélérateur M" for "M")


def _is_name_token(token: Token) -> bool:
    return bool(_NAME_START.match(token.text) or _BRAND.match(token.text))


def _strip_articles(span: Span, rules: EntityRules) -> Span:
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and doc[start].lower_ in rules.leading_articles:
        start += 1
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].lower_ in {"'s", "’s"}):
        end -= 1
    # "L'Incubateur" tokenised as one token "L'Incubateur" by some models.
    return doc[start:end]


def _name_run(doc: Doc, start: int, limit: int) -> int:
    """End (exclusive) of the capitalised name starting at ``start``."""
    end = start + 1
    while end < limit:
        token = doc[end]
        if _is_name_token(token) and not token.is_sent_start:
            end += 1
        elif (
            token.lower_ in _CONNECTORS
            and end + 1 < limit
            and _is_name_token(doc[end + 1])
            and not doc[end + 1].is_sent_start
        ):
            end += 2
        else:
            break
    return end


class _Triggers:
    """Trigger-noun matches in a doc: token index -> type, for starts and ends."""

    def __init__(self, matches: Iterable[tuple[str, int, int]]) -> None:
        longest: list[tuple[str, int, int]] = []
        for match in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
            if all(match[2] <= s or match[1] >= e for _, s, e in longest):
                longest.append(match)
        self.spans = sorted(longest, key=lambda m: m[1])
        self.by_end = {end: (kind, start) for kind, start, end in self.spans}
        self.by_start = {start: (kind, end) for kind, start, end in self.spans}


def _trigger_candidates(doc: Doc, triggers: _Triggers, rules: EntityRules) -> list[_Candidate]:
    """Names introduced by a trigger noun: "l'incubateur Nubbo", "the Nubbo
    incubator", "Incubateur du Barreau", "incubators: A, B and C"."""
    found: list[_Candidate] = []
    for kind, start, end in triggers.spans:
        sentence = doc[start].sent
        trigger_is_title = doc[start].is_title and not doc[start].is_sent_start
        position = end
        while position < sentence.end and doc[position].lower_ in _BRIDGE - {"("}:
            position += 1
        if (
            position < sentence.end
            and doc[end].text in _PLURAL_LIST_OPENERS
            and _plural(doc[start:end])
        ):
            found.extend(_list_items(doc, end + 1, sentence.end, kind, rules))
        elif kind in _HEAD_KINDS:
            found.extend(_headed_name(doc, start, end, kind))
        elif position < sentence.end and _is_name_token(doc[position]):
            key = fold_key(doc[position].text)
            if key not in rules.junk_words and key not in rules.triggers:
                stop = _name_run(doc, position, sentence.end)
                if trigger_is_title and position == end:
                    # "Incubateur du Barreau", "Startup Studio Obratori": the noun is in the name.
                    found.append(
                        _Candidate(doc[start:stop], "ORG", "trigger", kind, doc[position:stop].text)
                    )
                else:
                    alias = doc[start:stop].text if position == end else None
                    found.append(_Candidate(doc[position:stop], "ORG", "trigger", kind, alias))
        elif trigger_is_title and position < sentence.end and doc[position].lower_ in _CONNECTORS:
            stop = _name_run(doc, start, sentence.end)
            if stop > end:
                found.append(_Candidate(doc[start:stop], "ORG", "trigger", kind))
        # English compounds: "the Nubbo incubator", "the Emerging Valley Summit".
        back = start
        while back > sentence.start and _is_name_token(doc[back - 1]):
            back -= 1
        if back < start and (back == 0 or doc[back - 1].lower_ in _ARTICLES | {",", "("}):
            if trigger_is_title:
                stop = _name_run(doc, start, sentence.end)
                found.append(_Candidate(doc[back:stop], "ORG", "trigger", kind))
            elif doc.lang_ == "en" and kind not in _HEAD_KINDS:
                found.append(_Candidate(doc[back:start], "ORG", "trigger", kind))
    # A list in brackets after a plural trigger a few words back:
    # "les accélérateurs du territoire (accélérateur M, Kedge, P Factory)".
    for token in doc:
        if token.text == "(":
            opener = _nearest_plural_trigger(doc, token.i, triggers)
            if opener is not None:
                found.extend(_list_items(doc, token.i + 1, token.sent.end, opener, rules))
    return found


# Types whose trigger noun is part of the name: "région Aquitaine", "conseil régional".
_HEAD_KINDS = frozenset({"public_body"})
_DEFINITE = frozenset({"le", "la", "l'", "du", "the", "au", "de"})


def _headed_name(doc: Doc, start: int, end: int, kind: str) -> list[_Candidate]:
    sentence_end = doc[start].sent.end
    stop = end
    if stop < sentence_end and _is_name_token(doc[stop]):
        stop = _name_run(doc, stop, sentence_end)
    elif (
        stop + 1 < sentence_end
        and doc[stop].lower_ in {"de", "d'", "du", "of"}
        and _is_name_token(doc[stop + 1])
    ):
        stop = _name_run(doc, stop + 1, sentence_end)
    if stop == end and (start == 0 or doc[start - 1].lower_ not in _DEFINITE):
        return []  # "des régions": not one body
    if stop == end and _plural(doc[start:end]):
        return []
    return [_Candidate(doc[start:stop], "ORG", "trigger", kind)]


def _plural(span: Span) -> bool:
    return span[-1].lower_.endswith(("s", "x"))


def _nearest_plural_trigger(doc: Doc, position: int, triggers: _Triggers) -> str | None:
    sentence_start = doc[position].sent.start
    for end in range(position, sentence_start, -1):
        if end in triggers.by_end:
            kind, start = triggers.by_end[end]
            return kind if _plural(doc[start:end]) else None
    return None


def _list_items(
    doc: Doc, start: int, limit: int, kind: str, rules: EntityRules
) -> list[_Candidate]:
    """Items of "A, B et C" (up to a bracket or the sentence's end), each typed by
    the plural trigger before them, when every item is a name."""
    bracketed = start > 0 and doc[start - 1].text == "("
    items: list[Span] = []
    item_start = position = start
    while position < limit and doc[position].text not in {")", ".", ";"}:
        token = doc[position]
        if token.text == "," or token.lower_ in {"et", "and", "ou", "or"}:
            if position > item_start:
                items.append(doc[item_start:position])
            item_start = position + 1
        position += 1
    if position > item_start:
        items.append(doc[item_start:position])
    names: list[_Candidate] = []
    for item in (_strip_articles(item, rules) for item in items):
        alias = None
        if len(item) > 1 and fold_key(item[0].text) in rules.triggers:
            alias, item = item.text, item[1:]  # "accélérateur M" -> "M"
        # A lower-case brand ("thecamp") only inside brackets, among names.
        lone_word = (
            bracketed
            and len(item) == 1
            and item[0].is_alpha
            and len(item[0]) >= 4
            and not item[0].is_stop
            and not item[0].lower_.endswith("s")
        )
        if len(item) > 6 or not (_is_name_token(item[0]) or (lone_word and len(names) >= 2)):
            break  # the list of names ends where the sentence goes on
        names.append(_Candidate(item, "ORG", "list", kind, alias))
    return names


def _keyword_type(text: str, rules: EntityRules) -> str | None:
    key = f" {fold_key(text)} "
    for kind, word in rules.name_keywords:
        if f" {word} " in key:
            return kind
    return None


def _context_type(span: Span, triggers: _Triggers) -> str | None:
    """The type a trigger next to the name gives: "l'incubateur X", "X, a startup"."""
    doc = span.doc
    position = span.start
    steps = 0
    while position > span.sent.start and steps < 3:
        if position in triggers.by_end:
            return triggers.by_end[position][0]
        if doc[position - 1].lower_ not in _BRIDGE:
            break
        position -= 1
        steps += 1
    if position in triggers.by_end:
        return triggers.by_end[position][0]
    if span.end in triggers.by_start:  # "Nubbo incubator"
        return triggers.by_start[span.end][0]
    # Apposition: "X, une start-up lyonnaise", "X, accélérateur de ...".
    end = span.end
    if end + 1 < span.sent.end and doc[end].text == ",":
        for position in range(end + 1, min(end + 6, span.sent.end)):
            if position in triggers.by_start:
                return triggers.by_start[position][0]
            if doc[position].is_punct and doc[position].text not in {"-", "/"}:
                break
    # "a start-up from Toulouse, Smartrezo": the trigger before, then a comma.
    if span.start > span.sent.start + 1 and doc[span.start - 1].text == ",":
        for position in range(span.start - 1, max(span.sent.start, span.start - 7), -1):
            if position in triggers.by_end:
                return triggers.by_end[position][0]
    return None


def _brand_like(span: Span) -> bool:
    return len(span) == 1 and bool(_BRAND.match(span.text))


def _name_rule_type(key: str, rules: EntityRules) -> str | None:
    for pattern, kind in rules.name_rules:
        if pattern.search(key):
            return kind
    return None


def _after_locative(span: Span) -> bool:
    """ "à Euroméditerranée", "in Strasbourg": a preposition of place just before."""
    return span.start > 0 and span.doc[span.start - 1].lower_ in _LOCATIVE_BEFORE


_LOCATIVE_BEFORE = frozenset(
    {"à", "a", "au", "en", "in", "at", "near", "from", "vers", "to", "dans", "de", "d'", "près"}
)


def _decide(
    candidate: _Candidate,
    triggers: _Triggers,
    rules: EntityRules,
    places: PlaceGazetteer,
) -> Entity | None:
    span = _strip_articles(candidate.span, rules)
    if span.start in triggers.by_start and candidate.source == "ner":
        # The model took the trigger noun in: "start-up Zorblex" is Zorblex, a startup.
        kind, trigger_end = triggers.by_start[span.start]
        if trigger_end < span.end and not span[0].is_title:
            alias = span.text
            span = span.doc[trigger_end : span.end]
            candidate = _Candidate(span, "ORG", "trigger", kind, alias)
    text = span.text.strip()
    key = fold_key(text)
    if not key or key in rules.junk_words or key in rules.triggers or _ADDRESS.search(text):
        return None
    if not any(ch.isalpha() for ch in text) or (len(key) < 2 and candidate.source == "ner"):
        return None
    sentence = (span.sent.start_char, span.sent.end_char)
    entity = Entity("org", text, span.start_char, span.end_char, sentence=sentence)
    alias_key = fold_key(candidate.alias or "")
    if alias_key and alias_key != key and alias_key not in rules.junk_words | rules.keyword_words:
        entity.aliases.append(candidate.alias or "")
    if candidate.source == "directory" and candidate.org_type:
        entity.org_type, entity.evidence = candidate.org_type, "directory"
        return entity
    named = _name_rule_type(key, rules)
    keyword = named or _keyword_type(text, rules)
    context = candidate.org_type if candidate.source != "ner" else _context_type(span, triggers)
    if (
        candidate.label in PERSON_LABELS
        and not keyword
        and len(span) >= 2
        and all(t.is_title or t.is_punct or t.lower_ in _CONNECTORS for t in span)
        and span.text not in places
    ):
        entity.kind = "person"
        return entity
    place = places.lookup(text, model_says_location=candidate.label in PLACE_LABELS)
    if place is not None and not keyword:
        # "incubators in Lille, Lyon and Marseille": a trigger nearby does not
        # make a city an organisation; a word of the name would.
        entity.kind, entity.place = "place", place
        return entity
    if keyword or context:
        entity.org_type = keyword or context
        entity.evidence = "keyword" if keyword else "trigger"
        _split_place_suffix(entity, places)
        return entity
    if candidate.label in PERSON_LABELS:
        if len(span) >= 2 and all(
            t.is_title or t.is_punct or t.lower_ in _CONNECTORS for t in span
        ):
            entity.kind = "person"
            return entity
        if not _brand_like(span):
            return None  # a surname alone ("Lorne a dit") or a mistaken common word
    if candidate.label in PLACE_LABELS and _after_locative(span) and not _brand_like(span):
        entity.kind = "place"  # a place the gazetteers do not know: "à Euroméditerranée"
        return entity
    if candidate.label == "NORP" and not _brand_like(span):
        return None  # demonyms: "French", "American"
    entity.org_type = "startup" if _brand_like(span) else "company"
    return entity


def _split_place_suffix(entity: Entity, places: PlaceGazetteer) -> None:
    """ "Startup Fest de Montréal" -> "Startup Fest" in Montréal; the full form
    is kept as an alias."""
    match = _PLACE_SUFFIX.match(entity.text)
    if match and places.lookup(match["place"], model_says_location=True):
        entity.aliases.append(entity.text)
        entity.text = match["name"]
        entity.end = entity.start + len(entity.text)
        entity.city = match["place"]


_PLACE_SUFFIX = re.compile(r"^(?P<name>.+?\S) (?:de|du|d'|in|à|at) (?P<place>[A-ZÀ-Ö][^,;()]*)$")


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


_SOURCE_RANK = {"directory": 0, "phrase": 1, "list": 2, "trigger": 3, "ner": 4, "shape": 5}


def _merge(candidates: list[_Candidate]) -> list[_Candidate]:
    """One candidate per stretch of text: the longest, then by source (directory,
    phrases, lists, triggers, the model)."""
    ordered = sorted(candidates, key=lambda c: (-len(c.span), _SOURCE_RANK[c.source], c.span.start))
    kept: list[_Candidate] = []
    for candidate in ordered:
        if not any(_overlaps(k.span, candidate.span) for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.span.start)


def _join_adjacent(candidates: list[_Candidate]) -> list[_Candidate]:
    """Names written back to back are one name: "Aix Marseille" + "French Tech" +
    "Région Sud" is "Aix Marseille French Tech Région Sud"."""
    joined: list[_Candidate] = []
    for candidate in candidates:
        previous = joined[-1] if joined else None
        doc = candidate.span.doc
        if (
            previous is not None
            and previous.span.end == candidate.span.start
            and not doc[candidate.span.start].is_sent_start
            and candidate.label not in PERSON_LABELS
            and previous.label not in PERSON_LABELS
            and {previous.label, candidate.label} & (ORG_LABELS | OTHER_LABELS)
        ):
            span = doc[previous.span.start : candidate.span.end]
            joined[-1] = _Candidate(span, "ORG", "ner")
        else:
            joined.append(_extend_left(candidate))
    return joined


def _extend_left(candidate: _Candidate) -> _Candidate:
    """An organisation name takes the capitalised words just before it ("Aix
    Marseille" before "French Tech Région Sud"); persons and places do not."""
    if candidate.label not in ORG_LABELS | OTHER_LABELS and candidate.source != "phrase":
        return candidate
    doc, start = candidate.span.doc, candidate.span.start
    while (
        start > candidate.span.sent.start + 1
        and _NAME_START.match(doc[start - 1].text)
        and not doc[start - 1].is_sent_start
        and not doc[start - 1].is_punct
    ):
        start -= 1
    if start == candidate.span.start:
        return candidate
    return _Candidate(doc[start : candidate.span.end], "ORG", candidate.source, candidate.org_type)


def _model_candidates(doc: Doc) -> list[_Candidate]:
    """The NER's names, cut at punctuation, with adjacent names joined
    ("Aix" + "Marseille French Tech Région Sud" tagged apart)."""
    spans: list[list[Any]] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        end = next((t.i for t in ent if t.text in _NAME_BREAKS and t.i > ent.start), ent.end)
        if spans and spans[-1][1] == ent.start and not doc[ent.start].is_sent_start:
            previous = spans[-1]
            joined_label = ent.label_ if ent.label_ in ORG_LABELS | OTHER_LABELS else previous[2]
            spans[-1] = [previous[0], end, joined_label]
        else:
            spans.append([ent.start, end, ent.label_])
    return [_Candidate(doc[start:end], label, "ner") for start, end, label in spans if end > start]


def _shape_candidates(doc: Doc, rules: EntityRules) -> list[_Candidate]:
    """Brand-shaped words the model may miss ("UppyHub", "o2switch"), and
    acronyms that are a type keyword on their own ("CCI")."""
    return [
        _Candidate(doc[t.i : t.i + 1], "ORG", "shape")
        for t in doc
        if (_BRAND.match(t.text) and fold_key(t.text) not in rules.junk_words)
        or (t.is_upper and len(t) >= 2 and fold_key(t.text) in rules.keyword_words)
    ]


def find_entities(
    doc: Doc,
    rules: EntityRules,
    places: PlaceGazetteer,
    trigger_matches: Iterable[tuple[str, int, int]],
    phrase_matches: Iterable[tuple[str, int, int]] = (),
    directory_matches: Iterable[tuple[str, int, int]] = (),
) -> list[Entity]:
    """Every decided mention in ``doc``, in text order (a name may occur often).

    ``trigger_matches``, ``phrase_matches`` (labels, public bodies) and
    ``directory_matches`` are ``(type, start_token, end_token)`` from the
    pipeline's phrase matchers.
    """
    triggers = _Triggers(trigger_matches)
    candidates = _model_candidates(doc)
    candidates += _trigger_candidates(doc, triggers, rules)
    candidates += _shape_candidates(doc, rules)
    candidates += [_Candidate(doc[s:e], "ORG", "phrase", kind) for kind, s, e in phrase_matches]
    candidates += [
        _Candidate(doc[s:e], "ORG", "directory", kind) for kind, s, e in directory_matches
    ]
    entities = []
    for candidate in _join_adjacent(_merge(candidates)):
        entity = _decide(candidate, triggers, rules, places)
        if entity is None:
            continue
        entities.append(entity)
        if entity.city and entity.aliases and entity.aliases[-1].endswith(entity.city):
            start = entity.start + len(entity.aliases[-1]) - len(entity.city)
            place = places.lookup(entity.city, model_says_location=True)
            entities.append(
                Entity(
                    "place",
                    entity.city,
                    start,
                    start + len(entity.city),
                    place=place,
                    sentence=entity.sentence,
                )
            )
    return entities

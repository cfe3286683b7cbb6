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
_LOCATIVE = frozenset({"a", "in", "at", "de", "du", "d'", "from", "near", "pres", "based"})
# Brand shapes the model misses or mislabels: inner capital (GoJob), digits (o2switch).
_BRAND = re.compile(r"^(?:[a-z]+[A-Z]\w*|\w*\d\w*[a-zA-Z]\w*|[A-Z][a-z]+[A-Z]\w*)$")
_NAME_START = re.compile(r"^[A-ZÀ-ÖØ-Þ0-9]")


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
    trigger_city: str | None = field(default=None)


@dataclass
class _Candidate:
    span: Span
    label: str
    source: str
    org_type: str | None = None


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
        self.spans = sorted(matches, key=lambda m: (m[1], -m[2]))
        self.by_end = {end: (kind, start) for kind, start, end in self.spans}
        self.by_start = {start: (kind, end) for kind, start, end in self.spans}


def _trigger_candidates(doc: Doc, triggers: _Triggers, rules: EntityRules) -> list[_Candidate]:
    """Names introduced by a trigger noun: "l'incubateur Nubbo", "(A, B et C)"."""
    found: list[_Candidate] = []
    for kind, start, end in triggers.spans:
        sentence_end = doc[start].sent.end
        position = end
        while position < sentence_end and doc[position].lower_ in _BRIDGE:
            if doc[position].text == "(":
                found.extend(_list_items(doc, position + 1, sentence_end, kind, rules))
                break
            position += 1
        else:
            if position < sentence_end and _is_name_token(doc[position]):
                key = fold_key(doc[position].text)
                if key not in rules.junk_words and key not in rules.triggers:
                    stop = _name_run(doc, position, sentence_end)
                    found.append(_Candidate(doc[position:stop], "ORG", "trigger", kind))
        # English compounds: "the Nubbo incubator", "a Marseille-based start-up".
        back = start
        while back > doc[start].sent.start and _is_name_token(doc[back - 1]):
            back -= 1
        if back < start and (back == 0 or doc[back - 1].lower_ in _ARTICLES):
            found.append(_Candidate(doc[back:start], "ORG", "trigger", kind))
    return found


def _list_items(
    doc: Doc, start: int, limit: int, kind: str, rules: EntityRules
) -> list[_Candidate]:
    """Items of "(A, B, C)" after a plural trigger noun, each typed by it."""
    items: list[_Candidate] = []
    item_start = start
    position = start
    while position < limit and doc[position].text != ")":
        if doc[position].text == "," or doc[position].lower_ in {"et", "and", "ou", "or"}:
            if position > item_start:
                items.append(_Candidate(doc[item_start:position], "ORG", "trigger", kind))
            item_start = position + 1
        position += 1
    if position < limit and position > item_start:
        items.append(_Candidate(doc[item_start:position], "ORG", "trigger", kind))
    # A list of names only: every item starts with a capital or a brand shape.
    cleaned = [_Candidate(_strip_articles(c.span, rules), c.label, c.source, c.org_type) for c in items]
    if cleaned and all(_is_name_token(c.span[0]) for c in cleaned):
        return cleaned
    return []


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
    # Apposition: "X, une start-up lyonnaise", "X, a Toulouse-based startup".
    end = span.end
    if end + 1 < span.sent.end and doc[end].text == "," and doc[end + 1].lower_ in _ARTICLES:
        for position in range(end + 2, min(end + 7, span.sent.end)):
            if position in triggers.by_start:
                return triggers.by_start[position][0]
            if doc[position].is_punct and doc[position].text != "-":
                break
    return None


def _brand_like(span: Span) -> bool:
    return len(span) == 1 and bool(_BRAND.match(span.text))


def _default_org_type(candidate: _Candidate, span: Span) -> str:
    if _brand_like(span):
        return "startup"
    return "company"


def _decide(
    candidate: _Candidate,
    triggers: _Triggers,
    rules: EntityRules,
    places: PlaceGazetteer,
) -> Entity | None:
    span = _strip_articles(candidate.span, rules)
    text = span.text.strip()
    key = fold_key(text)
    if not key or key in rules.junk_words or key in rules.triggers or len(key) < 2 and candidate.source == "ner":
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    sentence = (span.sent.start_char, span.sent.end_char)
    entity = Entity("org", text, span.start_char, span.end_char, sentence=sentence)
    keyword = _keyword_type(text, rules)
    context = candidate.org_type if candidate.source != "ner" else _context_type(span, triggers)
    if candidate.source == "directory":
        entity.org_type, entity.evidence = candidate.org_type, "directory"
        return entity
    if keyword or context:
        entity.org_type = keyword or context
        entity.evidence = "keyword" if keyword else "trigger"
        return entity
    place = places.lookup(text, model_says_location=candidate.label in PLACE_LABELS)
    if place is not None:
        entity.kind, entity.place = "place", place
        return entity
    if candidate.label in PERSON_LABELS:
        if len(span) >= 2 and all(t.is_title or t.is_punct or t.lower_ in _CONNECTORS for t in span):
            entity.kind = "person"
            return entity
        if not _brand_like(span):
            return None  # a surname alone ("Lorne a dit") or a mistaken common word
    if candidate.label in PLACE_LABELS and not _brand_like(span) and span[0].text[:1].isupper():
        entity.kind = "place"
        return entity
    if candidate.label == "NORP" and not _brand_like(span):
        return None  # demonyms: "French", "American"
    entity.org_type = _default_org_type(candidate, span)
    return entity


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _merge(candidates: list[_Candidate]) -> list[_Candidate]:
    """One candidate per stretch of text: directory, then trigger, then longest."""
    rank = {"directory": 0, "trigger": 1, "ner": 2}
    ordered = sorted(candidates, key=lambda c: (rank[c.source], -len(c.span), c.span.start))
    kept: list[_Candidate] = []
    for candidate in ordered:
        clash = next((k for k in kept if _overlaps(k.span, candidate.span)), None)
        if clash is None:
            kept.append(candidate)
        elif clash.source == "trigger" and candidate.source == "ner" and clash.org_type is None:
            clash.org_type = candidate.org_type
    return sorted(kept, key=lambda c: c.span.start)


def find_entities(
    doc: Doc,
    rules: EntityRules,
    places: PlaceGazetteer,
    trigger_matches: Iterable[tuple[str, int, int]],
    directory_matches: Iterable[tuple[str, int, int]] = (),
) -> list[Entity]:
    """Every decided mention in ``doc``, in text order (a name may occur often).

    ``trigger_matches`` and ``directory_matches`` are ``(type, start_token,
    end_token)`` from the pipeline's phrase matchers.
    """
    triggers = _Triggers(trigger_matches)
    candidates = [
        _Candidate(ent, ent.label_, "ner") for ent in doc.ents if ent.label_ in NAME_LABELS
    ]
    candidates += _trigger_candidates(doc, triggers, rules)
    candidates += [
        _Candidate(doc[start:end], "ORG", "directory", kind)
        for kind, start, end in directory_matches
    ]
    entities = []
    for candidate in _merge(candidates):
        entity = _decide(candidate, triggers, rules, places)
        if entity is not None:
            entities.append(entity)
    return entities

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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span

from cartotech.extract.candidates import (
    ADDRESS,
    BRAND,
    BRIDGE,
    CONNECTORS,
    NAME_START,
    PERSON_LABELS,
    PLACE_LABELS,
    Candidate,
    Triggers,
    join_adjacent,
    merge_candidates,
    model_candidates,
    paired_kind,
    quoted_candidates,
    shape_candidates,
    strip_articles,
    trigger_candidates,
)
from cartotech.extract.people import role_at
from cartotech.extract.places import PlaceGazetteer, PlaceHit
from cartotech.extract.rules import EntityRules, fold_key

__all__ = ["Entity", "GazetteerMatch", "find_entities"]

#: ``(type, start token, end token, canonical name)`` of a phrase-matcher hit.
GazetteerMatch = tuple[str, int, int, str]


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
    canonical: str | None = None  # the gazetteer's name for this form, if it knows it
    identity: str = ""  # mentions of one article with one identity are one organisation
    holds_label: str | None = None  # "Capitale French Tech X" holds Capitale French Tech


def _keyword_type(text: str, rules: EntityRules) -> str | None:
    key = f" {fold_key(text)} "
    for kind, word in rules.name_keywords:
        if f" {word} " in key:
            return kind
    return None


def _context_type(span: Span, triggers: Triggers, rules: EntityRules) -> str | None:
    """The type a trigger next to the name gives: "l'incubateur X", "X, a startup",
    "la start-up lyonnaise X"."""
    doc = span.doc
    position = span.start
    steps = 0
    while position > span.sent.start and steps < 3:
        if position in triggers.by_end:
            return triggers.by_end[position][0]
        before = doc[position - 1]
        if before.lower_ not in BRIDGE and fold_key(before.text) not in rules.demonyms:
            break
        position -= 1
        steps += 1
    if position in triggers.by_end:
        return triggers.by_end[position][0]
    if span.end in triggers.by_start:  # "Nubbo incubator"
        return triggers.by_start[span.end][0]
    # Apposition: "X, une start-up lyonnaise", "X, accélérateur de ...".
    end = span.end
    if (
        end + 1 < span.sent.end
        and doc[end].text == ","
        # "la Banquiz, accompagnera six start-up": a verb, not an apposition.
        and (doc[end + 1].lower_ in _APPOSITION_OPENERS or end + 1 in triggers.by_start)
    ):
        for position in range(end + 1, min(end + 6, span.sent.end)):
            if position in triggers.by_start:
                return triggers.by_start[position][0]
            if doc[position].is_punct and doc[position].text not in {"-", "/"}:
                break
            if doc[position].lower_ in _COMPLEMENT_LINKS | _CLAUSE_OPENERS:
                # "X, head of startup programmes", "X, which is incubated at":
                # a trigger in a complement or a clause does not type X.
                break
    # "a start-up from Nantes, Zorblex", "un accélérateur de start-up, la
    # Fabrique": the trigger before, then a comma.
    comma = span.start - 1
    while comma > span.sent.start and doc[comma].lower_ in _APPOSITION_ARTICLES:
        comma -= 1
    if comma > span.sent.start and doc[comma].text == ",":
        for position in range(comma, max(span.sent.start, comma - 8), -1):
            if position in triggers.by_end:
                kind, start = triggers.by_end[position]
                if start > 0 and doc[start - 1].lower_ in _COMPLEMENT_LINKS:
                    continue  # "accélérateur de start-up": the head is before
                return paired_kind(doc, start, kind, triggers)
    return None


_APPOSITION_ARTICLES = frozenset({"la", "le", "l'", "l’", "the"})
# What an apposition starts with: "X, une start-up", "X, it is a startup", "X, c'est…".
_APPOSITION_OPENERS = _APPOSITION_ARTICLES | frozenset(
    {"un", "une", "a", "an", "cette", "this", "notre", "our", "it", "c'", "c’"}
)


def _beside_a_role(span: Span, rules: EntityRules) -> bool:
    """ "Nadia Ferrant, founder and CEO of Y", "Its CEO, Nadia Ferrant,": a name
    set off by commas beside a role only a person holds is a person's, whatever
    the model's label ("Acme Systems, leader du logiciel" stays a company)."""
    doc, sentence = span.doc, span.sent
    position = span.end + 1
    if position < sentence.end and doc[span.end].text == ",":
        while position < sentence.end and doc[position].lower_ in _APPOSITION_ARTICLES:
            position += 1
        if _personal_role_at(doc, position, sentence.end, rules) is not None:
            return True
    comma = span.start - 1
    if comma <= sentence.start or doc[comma].text != ",":
        return False
    return any(
        _personal_role_at(doc, start, comma, rules) == comma
        for start in range(max(sentence.start, comma - rules.max_role_words), comma)
    )


# Roles an organisation can hold too ("X, membre du réseau", "X, partner of Y").
_SHARED_ROLE_PREDICATES = frozenset({"member_of"})


def _personal_role_at(doc: Doc, position: int, limit: int, rules: EntityRules) -> int | None:
    """The end of a role phrase at ``position`` that only a person holds: not
    one an organisation may hold, nor a word that also introduces companies
    ("leader", "acteur")."""
    if position >= limit or fold_key(doc[position].text) in rules.triggers:
        return None
    role = role_at(doc, position, limit, rules)
    if role is None or role[1] in _SHARED_ROLE_PREDICATES:
        return None
    return role[0]


_COMPLEMENT_LINKS = frozenset({"de", "du", "des", "d'", "d’", "of", "for", "pour"})
_CLAUSE_OPENERS = frozenset({"which", "who", "that", "qui", "que", "dont"})


def _brand_like(span: Span) -> bool:
    return len(span) == 1 and bool(BRAND.match(span.text))


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


# Candidate sources that carry no type of their own: the words around decide.
_UNTYPED_SOURCES = frozenset({"ner", "shape", "quote"})


def _decide(
    candidate: Candidate,
    triggers: Triggers,
    rules: EntityRules,
    places: PlaceGazetteer,
) -> Entity | None:
    span = strip_articles(candidate.span, rules)
    if span.start in triggers.by_start and candidate.source == "ner":
        # The model took the trigger noun in: "start-up Zorblex" is Zorblex, a startup.
        kind, trigger_end = triggers.by_start[span.start]
        if trigger_end < span.end and not span[0].is_title:
            alias = span.text
            span = span.doc[trigger_end : span.end]
            candidate = Candidate(span, "ORG", "trigger", kind, alias)
    text = span.text.strip()
    key = fold_key(text)
    # A one-letter name stands only where a list or a trigger noun introduces it ("accélérateur M").
    letter_name = len(key) == 1 and text.isupper() and candidate.source in {"list", "trigger"}
    if not key or (key in rules.junk_words and not letter_name):
        return None
    # A body named by its common noun ("le conseil régional") is an organisation;
    # a lone trigger word ("la région", "l'incubateur") is not.
    named_by_noun = candidate.source in {"trigger", "directory"} and len(key.split()) >= 2
    if (key in rules.triggers and not named_by_noun) or ADDRESS.search(text):
        return None
    if not any(ch.isalpha() for ch in text) or (len(key) < 2 and candidate.source == "ner"):
        return None
    sentence = (span.sent.start_char, span.sent.end_char)
    entity = Entity("org", text, span.start_char, span.end_char, sentence=sentence)
    alias_key = fold_key(candidate.alias or "")
    if alias_key and alias_key != key and alias_key not in rules.junk_words | rules.keyword_words:
        entity.aliases.append(candidate.alias or "")
    entity.canonical = candidate.canonical
    if candidate.source == "directory" and candidate.org_type:
        entity.org_type, entity.evidence = candidate.org_type, "directory"
        return entity
    named = _name_rule_type(key, rules)
    keyword = named or _keyword_type(text, rules)
    context = candidate.org_type
    if context is None and candidate.source in _UNTYPED_SOURCES:
        context = _context_type(span, triggers, rules)
    if (
        (candidate.label in PERSON_LABELS or _beside_a_role(span, rules))
        and not keyword
        and len(span) >= 2
        and all(t.is_title or t.is_punct or t.lower_ in CONNECTORS for t in span)
        and span.text not in places
    ):
        entity.kind = "person"
        return entity
    place = places.lookup(text, model_says_location=candidate.label in PLACE_LABELS)
    if place is None and candidate.source == "shape" and candidate.label in PLACE_LABELS:
        return None  # "a Blockchain-based ledger": only a known place makes "X-based" one
    if place is not None and not keyword:
        # "incubators in Lille, Lyon and Marseille": a trigger nearby does not
        # make a city an organisation; a word of the name would.
        entity.kind, entity.place = "place", place
        return entity
    if keyword or context:
        entity.org_type = keyword or context
        entity.evidence = "keyword" if keyword else "trigger"
        if entity.org_type not in _NAMED_AFTER_HOME:
            _split_place_suffix(entity, places)
        return entity
    if candidate.label in PERSON_LABELS:
        if len(span) >= 2 and all(t.is_title or t.is_punct or t.lower_ in CONNECTORS for t in span):
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


# Institutions named after their home town keep it in their name.
_NAMED_AFTER_HOME = frozenset(
    {"public_body", "incubator", "accelerator", "school_or_lab", "cluster", "association"}
)


def _split_place_suffix(entity: Entity, places: PlaceGazetteer) -> None:
    """ "Startup Fest de Montréal" -> "Startup Fest" in Montréal; the full form
    is kept as an alias. Not for institutions: "Incubateur du Barreau
    de Marseille" is the whole name of a Marseille body."""
    match = _PLACE_SUFFIX.match(entity.text)
    if match and places.lookup(match["place"], model_says_location=True):
        entity.aliases.append(entity.text)
        entity.text = match["name"]
        entity.end = entity.start + len(entity.text)
        entity.city = match["place"]


_PLACE_SUFFIX = re.compile(r"^(?P<name>.+?\S) (?:de|du|d'|in|à|at) (?P<place>[A-ZÀ-Ö][^,;()]*)$")


def _set_identity(entity: Entity, rules: EntityRules) -> None:
    """The words of the name in any order ("Aix Marseille French Tech Région
    Sud" is "French Tech Aix-Marseille Région Sud"), without the word that
    says a French Tech structure holds a label, which ``holds_label`` keeps."""
    words = fold_key(entity.canonical or entity.text).replace("-", " ").split()
    if entity.org_type != "label_program" and "french tech" in " ".join(words):
        held = [rules.label_qualifiers[w] for w in words if w in rules.label_qualifiers]
        if held and len(words) > 3:
            entity.holds_label = held[0]
            words = [w for w in words if w not in rules.label_qualifiers]
    entity.identity = " ".join(sorted(words))


_NAME_PLACE_LINKS = frozenset({"de", "du", "d'", "in", "of", "à"})
_LOCAL_TERRITORIES = ("fr:commune:", "fr:epci:", "fr:group:")


def city_in_name(text: str, places: PlaceGazetteer) -> str | None:
    """The city an organisation is named after: "Hub in Nantes", "communauté
    urbaine de Brest", "Rennes Numérique". Régions and countries do not
    count ("France Digitale" is not located in France by its name)."""
    words = text.split()
    for size in range(min(3, len(words) - 2), 0, -1):
        if words[-size - 1].lower() in _NAME_PLACE_LINKS:
            tail = " ".join(words[-size:])
            if places.lookup(tail, model_says_location=True) is not None:
                return tail
    for size in range(min(2, len(words) - 1), 0, -1):
        head = " ".join(words[:size])
        hit = places.lookup(head, model_says_location=False)
        if (
            hit is not None
            and (
                hit.level in {"commune", "group"}
                or (hit.territory_id or "").startswith(_LOCAL_TERRITORIES)
            )
            and NAME_START.match(words[size])
        ):
            return head
    return None


def find_entities(
    doc: Doc,
    rules: EntityRules,
    places: PlaceGazetteer,
    trigger_matches: Iterable[tuple[str, int, int]],
    phrase_matches: Iterable[GazetteerMatch] = (),
    directory_matches: Iterable[GazetteerMatch] = (),
) -> list[Entity]:
    """Every decided mention in ``doc``, in text order (a name may occur often).

    ``trigger_matches`` are ``(type, start_token, end_token)``;
    ``phrase_matches`` (labels, public bodies) and ``directory_matches`` are
    ``(type, start_token, end_token, canonical name)``, all from the
    pipeline's phrase matchers.
    """
    triggers = Triggers(trigger_matches)
    candidates = model_candidates(doc)
    candidates += trigger_candidates(doc, triggers, rules)
    candidates += shape_candidates(doc, rules)
    candidates += quoted_candidates(doc)
    candidates += [
        Candidate(doc[s:e], "ORG", "phrase", kind, canonical=name)
        for kind, s, e, name in phrase_matches
    ]
    candidates += [
        Candidate(doc[s:e], "ORG", "directory", kind, canonical=name)
        for kind, s, e, name in directory_matches
    ]
    entities = []
    for candidate in join_adjacent(merge_candidates(candidates)):
        entity = _decide(candidate, triggers, rules, places)
        if entity is None:
            continue
        if entity.kind == "org" and not entity.city and entity.org_type != "label_program":
            entity.city = city_in_name(entity.text, places)
        if entity.kind == "org":
            _set_identity(entity, rules)
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
    text = doc.text  # rebuilt from the tokens on every access: read it once
    _type_enumerations(entities, text)
    return _with_repeated_mentions(doc, text, entities)


# A name the article has used is the same organisation wherever it occurs
# again: where the model did not see it, or took it for a place it could not
# place ("présidente de Zorblex").
_MIN_REPEATED_NAME = 3


def _with_repeated_mentions(doc: Doc, text: str, entities: list[Entity]) -> list[Entity]:
    named: dict[str, Entity] = {}
    for entity in entities:
        if entity.kind == "org" and len(entity.text) >= _MIN_REPEATED_NAME:
            named.setdefault(entity.text, entity)
    result = [
        _mention_of(named[e.text], e.start, e.end, e.sentence)
        if e.kind == "place" and e.place is None and e.text in named
        else e
        for e in entities
    ]
    taken = [(e.start, e.end) for e in result]
    for name, entity in named.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            start, end = match.span()
            span = doc.char_span(start, end)
            if span is None or any(start < e and s < end for s, e in taken):
                continue  # inside a token, or already a mention
            result.append(
                _mention_of(entity, start, end, (span.sent.start_char, span.sent.end_char))
            )
            taken.append((start, end))
    return sorted(result, key=lambda e: e.start)


def _mention_of(entity: Entity, start: int, end: int, sentence: tuple[int, int]) -> Entity:
    return replace(entity, start=start, end=end, sentence=sentence, aliases=[])


# Between two names of one enumeration: a comma or "and", after an optional
# place ("Web Summit de Lisbonne, Data Forum à Berlin et ...").
_ENUMERATION_GAP = re.compile(
    r"(?:\s+(?:in|de|du|à|at)\s+[^,;()]{1,40}?)?\s*(?:,|et|and|ou|or)(?:\s*(?:et|and))?\s*"
)
_TYPED_EVIDENCE = frozenset({"keyword", "trigger", "list", "directory"})


def _type_enumerations(entities: list[Entity], text: str) -> None:
    """Names listed together are of one kind: an untyped name in a list of
    events is an event ("VivaTech, Data Forum, Code Fest")."""
    orgs = [e for e in entities if e.kind == "org"]
    runs: list[list[Entity]] = []
    for entity in orgs:
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and previous.sentence == entity.sentence
            and _ENUMERATION_GAP.fullmatch(text[previous.end : entity.start])
        ):
            runs[-1].append(entity)
        else:
            runs.append([entity])
    for run in runs:
        typed = Counter(e.org_type for e in run if e.evidence in _TYPED_EVIDENCE)
        if not typed:
            continue
        kind, votes = typed.most_common(1)[0]
        if votes >= 2 and votes * 2 > sum(typed.values()):
            for entity in run:
                if entity.evidence == "ner":
                    entity.org_type, entity.evidence = kind, "enumeration"

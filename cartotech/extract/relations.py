"""Relations between the names of a sentence, and the city of each organisation.

- ``located_in``: an organisation and the place the text ties it to ("X, based
  in Lyon", "l'Incubateur du Barreau de Marseille", "In Lille, ... the X
  incubator", "Marseille-based X");
- ``led_by`` / ``founded_by`` / ``member_of``: from people's roles;
- the others: a cue word of ``patterns/relations.yaml`` between a subject
  before it and an object after it, in one sentence, with the types the
  predicate allows ("X, incubée par l'incubateur Y").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from spacy.tokens import Doc

from cartotech.extract.rules import EntityRules, fold_key
from cartotech.normalize import fold

__all__ = ["assign_cities", "find_relations"]

#: Names further than this from the cue (characters) are not its arguments.
MAX_CUE_DISTANCE = 140
_LOCATIVE_AFTER = re.compile(
    r"^\s*,?\s*(?:\(|(?:qui est |which is |is |est )?"
    r"(?:based|basee?|installee?|implantee?|situee?|located|headquartered|born|nee?|"
    r"fondee?|creee?|founded|created)?\s*"
    r"(?:in|at|a|à|de|near|pres de|from)\s+(?:la |le |l'|the )?)$"
)
_PLACED_APPOSITION = re.compile(
    r"^\s*,\s*(?:an?|the|une?|la|le|l')\s*[\w-]+(?:\s+[\w-]+)?\s+"
    r"(?:(?:based|basee?|installee?|implantee?|situee?|located|headquartered)\s+"
    r"(?:in|at|a|near|pres de)|de|d'|from)\s*(?:la |le |l'|the )?$"
)
# Before a noun, never before a verb: "la finance", "the Elaia funds", "two funds".
_DETERMINERS = frozenset(
    {"le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "au", "aux", "ce", "cette"}
    | {"ces", "son", "sa", "ses", "leur", "leurs", "notre", "nos", "the", "a", "an", "its"}
    | {"their", "our", "his", "her", "this", "these", "those", "several", "many"}
)
_LOCATION_COMPLEMENT = re.compile(r"(?:\ben|\bin|\bdans|\bwithin|\bau|\baux|\ba)\s+$")
_LOCATIVE_BEFORE = re.compile(r"(?:\bfrom|\bde|\bd'|\ba|\bà|\bin|\bof)\s+$")
_BASED = re.compile(r"^-?\s*based\b")
_BASED_APPOSITION = re.compile(r"^\s*,\s*(?:an?|the)?\s*$", re.IGNORECASE)
_APPOSITION_GAP = re.compile(r"^\s*,\s*(?:the |la |le |l'|l’)?$", re.IGNORECASE)
_SENTENCE_OPENER = re.compile(r"^\s*(?:in|à|a|en|at|au|near|pres de)\s+$", re.IGNORECASE)
# The words a demonym may sit in: just before the name ("la start-up lyonnaise X")
# or in an apposition that opens with an article ("X, une jeune pousse
# marseillaise"; not "X, racheté par le nantais Y").
_WORD_BEFORE = re.compile(r"([\w-]+)\s*$")
_APPOSITION_WORDS = re.compile(
    r"^\s*,\s*(?:une?|la|le|l'|l’|a|an|the|cette|this)\b((?:\s*[\w'’-]+){1,3})", re.IGNORECASE
)
_ENUMERATION_GAP = re.compile(r"^\s*(?:,|et|and|,\s*et|,\s*and)\s*$")
# Organisation types that are located where the sentence says.
_PLACED_TYPES = frozenset(
    {"startup", "incubator", "accelerator", "company", "event", "school_or_lab"}
)


@dataclass(frozen=True)
class _Rule:
    predicate: str
    cues: tuple[str, ...]
    subject_types: frozenset[str]
    object_types: frozenset[str]
    inverse_cues: tuple[str, ...] = ()
    active_verbs: frozenset[str] = frozenset()


@cache
def _rules() -> tuple[_Rule, ...]:
    text = resources.files("cartotech.extract").joinpath("patterns", "relations.yaml")
    data = yaml.safe_load(text.read_text("utf-8"))["relations"]
    return tuple(
        _Rule(
            predicate,
            tuple(fold_key(str(cue)) for cue in spec["cues"]),
            frozenset(spec["subject_types"]),
            frozenset(spec["object_types"]),
            tuple(fold_key(str(cue)) for cue in spec.get("inverse_cues", ())),
            frozenset(str(verb).lower() for verb in spec.get("active_verbs", ())),
        )
        for predicate, spec in data.items()
    )


def _fits(entity: dict[str, Any], allowed: frozenset[str]) -> bool:
    if entity["kind"] == "place":
        return "place" in allowed
    if entity["kind"] == "person":
        return "person" in allowed
    return "any" in allowed or entity["org_type"] in allowed


def _by_sentence(entities: Iterable[dict[str, Any]]) -> dict[tuple[int, int], list[dict[str, Any]]]:
    grouped: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for entity in entities:
        start, end = entity["sentence"]
        grouped.setdefault((start, end), []).append(entity)
    return grouped


def _city_of(
    org: dict[str, Any], sentence: list[dict[str, Any]], text: str, rules: EntityRules
) -> str | None:
    """The place the words around an organisation tie it to, or ``None``."""
    if org.get("city"):
        return str(org["city"])  # already split off its name ("Web Summit de Lisbonne")
    places = [e for e in sentence if e["kind"] == "place"]
    # A place at the end of the name: "Incubateur du Barreau de Marseille".
    known = {fold_key(p["text"]) for p in places}
    words = org["text"].split()
    for size in range(min(3, len(words) - 1), 0, -1):
        head = fold_key(" ".join(words[:-size])).split()
        tail = " ".join(words[-size:])
        tail_key = fold_key(tail)
        if (
            head
            and head[-1] in {"de", "du", "d'", "in", "of"}
            and (tail_key in known or tail_key in rules.places)
        ):
            return tail
    demonym_city = _demonym_city(org, text, rules)
    if demonym_city:
        return demonym_city
    for place in places:  # "X, based in Lyon", "X à Berlin": the place after wins
        gap_after = fold(text[org["end"] : place["start"]])
        if 0 <= place["start"] - org["end"] <= 40 and _LOCATIVE_AFTER.match(gap_after):
            return str(place["text"])
        if 0 <= place["start"] - org["end"] <= 70 and _PLACED_APPOSITION.match(gap_after):
            return str(place["text"])  # "X, a startup based in Lyon", "X, une PME de Lyon"
    for place in places:  # "X, a Lyon-based startup"
        based = _BASED.match(text[place["end"] : place["end"] + 8].lower())
        if based and _BASED_APPOSITION.match(text[org["end"] : place["start"]]):
            return str(place["text"])
    for place in places:  # "Lyon-based X", "a start-up from Toulouse, X"
        if 0 <= org["start"] - place["end"] <= 60:
            if _BASED.match(text[place["end"] : place["end"] + 8].lower()):
                return str(place["text"])
            before_place = fold(text[max(0, place["start"] - 8) : place["start"]])
            gap_before = text[place["end"] : org["start"]]
            if _LOCATIVE_BEFORE.search(before_place) and _APPOSITION_GAP.match(gap_before):
                return str(place["text"])
    return None


def _demonym_city(org: dict[str, Any], text: str, rules: EntityRules) -> str | None:
    """The place a demonym next to the name points to: "la start-up lyonnaise X"."""
    before = _WORD_BEFORE.search(text[max(0, org["start"] - 40) : org["start"]])
    words = [before.group(1)] if before else []
    apposition = _APPOSITION_WORDS.match(text[org["end"] : org["end"] + 80])
    if apposition:
        words += apposition.group(1).split()
    for word in words:
        city = rules.demonyms.get(fold_key(word))
        if city:
            return city
    return None


def _sentence_place(sentence: list[dict[str, Any]], text: str) -> str | None:
    """The place a sentence opens with: "In Lille, ...", "À Marseille, ..."."""
    places = [e for e in sentence if e["kind"] == "place"]
    if not places:
        return None
    first = places[0]
    opener = text[first["sentence"][0] : first["start"]]
    if _SENTENCE_OPENER.match(opener) or (
        opener.strip() == "" and text[first["end"] :].lstrip().startswith(",")
    ):
        return str(first["text"])
    return None


def assign_cities(text: str, entities: list[dict[str, Any]], rules: EntityRules) -> None:
    """Set ``city`` on organisation mentions the text places (in place)."""
    for sentence in _by_sentence(entities).values():
        opener = _sentence_place(sentence, text)
        for org in (e for e in sentence if e["kind"] == "org"):
            city = _city_of(org, sentence, text, rules)
            if city is None and opener and org["org_type"] in _PLACED_TYPES:
                city = opener
            org["city"] = city


def _sentence_words(text: str, start: int, end: int) -> list[tuple[int, str, str]]:
    """(offset, folded text from the word on, the word lower-cased) for each
    word: cues are prefixes, some of several words ("tour de table"), so 30
    characters are kept; active verbs are whole words with their accents
    ("finance" is not "financé")."""
    return [
        (
            start + m.start(),
            fold_key(text[start + m.start() : start + m.end() + 30]),
            m.group().lower(),
        )
        for m in re.finditer(r"\w[\w'-]*", text[start:end])
    ]


def _cue_positions(words: list[tuple[int, str, str]], rule: _Rule, *, inverse: bool) -> list[int]:
    """Offsets of the words that start with one of the rule's cues; ``inverse``
    for the cues that put the object first (and the active verbs)."""
    if not inverse:
        return [
            offset
            for offset, key, word in words
            if key.startswith(rule.cues) and word not in rule.active_verbs
        ]
    return [
        offset
        for index, (offset, key, word) in enumerate(words)
        if (rule.inverse_cues and key.startswith(rule.inverse_cues))
        or (word in rule.active_verbs and (index == 0 or words[index - 1][2] not in _DETERMINERS))
    ]


def _enumeration(
    items: list[dict[str, Any]], chosen: dict[str, Any], text: str, *, forward: bool = False
) -> list[dict[str, Any]]:
    """``chosen`` and the names listed with it ("Nice, Cannes et Grasse"): those
    just before it, or with ``forward`` those just after it."""
    members = [chosen]
    index = items.index(chosen)
    step = 1 if forward else -1
    while 0 <= index + step < len(items):
        other = items[index + step]
        first, second = (members[-1], other) if forward else (other, members[0])
        if other["kind"] != chosen["kind"] or not _ENUMERATION_GAP.match(
            text[first["end"] : second["start"]]
        ):
            break
        if forward:
            members.append(other)
        else:
            members.insert(0, other)
        index += step
    return members


def _near(
    ordered: list[dict[str, Any]], cue: int, allowed: frozenset[str], *, after: bool
) -> list[dict[str, Any]]:
    """The names on one side of a cue, within reach, that the predicate allows."""
    if after:
        return [
            e
            for e in ordered
            if e["start"] > cue and e["start"] - cue <= MAX_CUE_DISTANCE and _fits(e, allowed)
        ]
    return [
        e
        for e in ordered
        if e["end"] <= cue and cue - e["end"] <= MAX_CUE_DISTANCE and _fits(e, allowed)
    ]


def _located_complement(entity: dict[str, Any], text: str) -> bool:
    """ "X fédère cent entreprises en Nouvelle-Aquitaine": a place after a
    locative is where the members are, not one of them."""
    before = fold(text[max(0, entity["start"] - 8) : entity["start"]])
    return entity["kind"] == "place" and bool(_LOCATION_COMPLEMENT.search(before))


def _cue_relations(sentence: list[dict[str, Any]], text: str) -> list[tuple[str, str, str]]:
    start, end = sentence[0]["sentence"]
    triples = []
    ordered = sorted(sentence, key=lambda e: e["start"])
    words = _sentence_words(text, start, end)

    def add(subjects: list[dict[str, Any]], target: dict[str, Any], predicate: str) -> None:
        for subject in subjects:
            if fold_key(subject["text"]) != fold_key(target["text"]):
                triples.append((subject["text"], predicate, target["text"]))

    for rule in _rules():
        for cue in _cue_positions(words, rule, inverse=False):
            subjects = _near(ordered, cue, rule.subject_types, after=False)
            objects = _near(ordered, cue, rule.object_types, after=True)
            if subjects and objects:
                add(_enumeration(ordered, subjects[-1], text), objects[0], rule.predicate)
                break
        for cue in _cue_positions(words, rule, inverse=True):
            objects = _near(ordered, cue, rule.object_types, after=False)
            subjects = [
                s
                for s in _near(ordered, cue, rule.subject_types, after=True)
                if not _located_complement(s, text)
            ]
            if subjects and objects:
                members = _enumeration(ordered, subjects[0], text, forward=True)
                add(members, objects[-1], rule.predicate)
                break
    return triples


def find_relations(
    doc: Doc,
    entities: list[dict[str, Any]],
    people: list[dict[str, Any]],
    rules: EntityRules,
) -> list[dict[str, Any]]:
    """Relations as ``{subject, predicate, object, start, end}`` (the sentence)."""
    text = doc.text  # rebuilt from the tokens on every access: read it once
    assign_cities(text, entities, rules)
    relations: list[dict[str, Any]] = []

    def add(subject: str, predicate: str, obj: str, sentence: list[int] | tuple[int, int]) -> None:
        relations.append(
            {
                "subject": subject,
                "predicate": predicate,
                "object": obj,
                "start": sentence[0],
                "end": sentence[1],
            }
        )

    for org in (e for e in entities if e["kind"] == "org"):
        if org.get("holds_label"):
            add(org["text"], "awarded", org["holds_label"], org["sentence"])
        city = org.get("city")
        if city:
            add(org["text"], "located_in", city, org["sentence"])
    for person in people:
        for predicate, org_text in person["links"]:
            add(org_text, predicate, person["name"], person["sentence"])
    for sentence in _by_sentence(entities).values():
        for subject, predicate, obj in _cue_relations(sentence, text):
            add(subject, predicate, obj, sentence[0]["sentence"])
    return relations

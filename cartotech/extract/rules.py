"""The entity rules as data: ``patterns/entities.yaml`` and ``patterns/places.yaml``,
loaded once into typed, folded lookups. See those files for what each rule means."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

from cartotech.normalize import CACHED_FOLD_LENGTH, fold

__all__ = ["EntityRules", "PlaceEntry", "entity_rules", "fold_key"]

_NON_WORD = re.compile(r"[^\w']+")


def fold_key(text: str) -> str:
    """Case, accents and punctuation folded; apostrophes kept ("l'incubateur")."""
    return _fold_key_short(text) if len(text) <= CACHED_FOLD_LENGTH else _fold_key(text)


def _fold_key(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold(text).replace("’", "'")).split())


_fold_key_short = lru_cache(maxsize=65_536)(_fold_key)


@dataclass(frozen=True)
class PlaceEntry:
    name: str
    territory_id: str | None


@dataclass(frozen=True)
class EntityRules:
    #: (type, folded phrase) in priority order.
    name_keywords: tuple[tuple[str, str], ...]
    #: the folded phrases of ``name_keywords``, for membership tests.
    keyword_words: frozenset[str]
    #: folded trigger phrase -> type (longest phrases first when matching).
    triggers: dict[str, str]
    #: type -> trigger phrases as written (lower case, folded, hyphens kept), for matchers.
    trigger_phrases: dict[str, tuple[str, ...]]
    max_trigger_words: int
    neutral_triggers: frozenset[str]
    junk_words: frozenset[str]
    leading_articles: frozenset[str]
    #: folded role phrase -> relation predicate it implies ("" for none).
    roles: dict[str, str]
    max_role_words: int
    #: (compiled pattern on the folded name, type) in order.
    name_rules: tuple[tuple[re.Pattern[str], str], ...]
    label_names: tuple[str, ...]
    #: canonical label name -> the other ways the press writes it
    label_aliases: dict[str, tuple[str, ...]]
    #: folded word -> the label a structure named with it holds ("capitale")
    label_qualifiers: dict[str, str]
    public_body_phrases: tuple[str, ...]
    #: folded place name -> entry.
    places: dict[str, PlaceEntry]
    #: folded demonym -> place name.
    demonyms: dict[str, str]


def _patterns(name: str) -> dict[str, Any]:
    text = resources.files("cartotech.extract").joinpath("patterns", name).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def entity_rules() -> EntityRules:
    """The rules, read once per process."""
    data = _patterns("entities.yaml")
    places_data = _patterns("places.yaml")
    keywords = tuple(
        (kind, fold_key(str(word)))
        for kind, words in data["name_keywords"].items()
        for word in words
    )
    triggers = {
        fold_key(str(word)): kind for kind, words in data["triggers"].items() for word in words
    }
    roles = {
        fold_key(str(word)): ("" if predicate == "none" else predicate)
        for predicate, words in data["roles"].items()
        for word in words
    }
    places: dict[str, PlaceEntry] = {}
    for entry in places_data["places"]:
        names = [str(name) for name in entry["names"]]
        for name in names:
            places.setdefault(fold_key(name), PlaceEntry(names[0], entry.get("territory")))
    return EntityRules(
        name_keywords=keywords,
        keyword_words=frozenset(word for _, word in keywords),
        triggers=triggers,
        trigger_phrases={
            kind: tuple(fold(str(word)) for word in words)
            for kind, words in data["triggers"].items()
        },
        max_trigger_words=max(len(key.split()) for key in triggers),
        neutral_triggers=frozenset(fold_key(str(w)) for w in data["neutral_triggers"]),
        junk_words=frozenset(fold_key(str(w)) for w in data["junk_words"]),
        leading_articles=frozenset(str(w) for w in data["leading_articles"]),
        roles=roles,
        max_role_words=max(len(key.split()) for key in roles),
        name_rules=tuple((re.compile(r["pattern"]), str(r["type"])) for r in data["name_rules"]),
        label_names=tuple(str(n) for n in data["label_names"]),
        label_qualifiers={
            fold_key(str(word)): str(label)
            for label, words in data.get("label_qualifiers", {}).items()
            for word in words
        },
        label_aliases={
            str(name): tuple(str(form) for form in forms)
            for name, forms in data.get("label_aliases", {}).items()
        },
        public_body_phrases=tuple(str(n) for n in data["public_body_phrases"]),
        places=places,
        demonyms={fold_key(str(k)): str(v) for k, v in places_data["demonyms"].items()},
    )

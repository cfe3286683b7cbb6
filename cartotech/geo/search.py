"""Find territories by name, code or postal code (in memory, no I/O).

Every name is reduced to a key with :func:`search_key` (:func:`cartotech.normalize.normalize_name`
plus arrondissement ordinals: "Paris 15e", "Paris 15ème arrondissement", "15e arrondissement
de Paris" all give ``paris 15e``). A query goes through tiers, each scoring below the previous
one, and stops as soon as it has ``limit`` candidates:

1. exact: a territory id, an INSEE code, SIREN, département or région code (100), a name
   (100), an alias or the name without its leading article, "Havre" for "Le Havre" (99), a
   postal code (95; 96 for an arrondissement, more precise than its commune);
2. prefix: names starting with the query (80-90, longer matches and larger populations first);
3. words: names holding every word of the query, the last one possibly cut short (70-80);
4. fuzzy: :func:`rapidfuzz.fuzz.ratio` over the keys (up to 70), only as a fallback.

Ties go to the larger population, then commune before EPCI, département, région and group,
then the code. So among homonyms (dozens of "Saint-Denis") the most populous comes first.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final, TypeAlias

from rapidfuzz import fuzz, process

from cartotech.errors import InputError
from cartotech.geo.ids import LEVELS
from cartotech.geo.model import PlaceCandidate, Territory
from cartotech.normalize import name_tokens

__all__ = ["PlaceIndex", "search_key", "place_label"]

MAX_QUERY_LENGTH: Final = 200

_ORDINAL = re.compile(r"(\d{1,2})(?:e|er|re|eme|ieme|em|nd|nde)?")
_ARRONDISSEMENT_WORDS = frozenset({"arrondissement", "arrondissements", "arr", "arrt", "ardt"})
_ARTICLES = ("le ", "la ", "les ", "l ")
_LEVEL_RANK = {"commune": 0, "epci": 1, "departement": 2, "region": 3, "group": 4}
_EPCI_KINDS = {
    "metropole": "métropole",
    "cu": "communauté urbaine",
    "ca": "communauté d'agglomération",
    "cc": "communauté de communes",
}
# Called by each tier with (territory, score, the text that matched).
_Add: TypeAlias = Callable[[Territory, float, str], None]

# Scores of the tiers (see the module docstring).
_EXACT, _ALIAS, _POSTAL = 100.0, 99.0, 95.0


def search_key(text: str) -> str:
    """The key names and queries are compared on.

    >>> search_key("Saint-Étienne"), search_key("St Etienne")
    ('saint etienne', 'saint etienne')
    >>> search_key("Marseille 1er Arrondissement"), search_key("15ème arrondissement de Paris")
    ('marseille 1e', 'paris 15e')
    """
    tokens = name_tokens(text)
    ordinal = False
    for i, token in enumerate(tokens):
        match = _ORDINAL.fullmatch(token)
        if match:
            tokens[i] = f"{int(match.group(1))}e"
            ordinal = True
    if ordinal:
        tokens = [t for t in tokens if t not in _ARRONDISSEMENT_WORDS]
        rest = tokens[1:]
        if rest and _ORDINAL.fullmatch(tokens[0]) and not any(map(_ORDINAL.fullmatch, rest)):
            if len(rest) >= 2 and rest[0] in ("de", "d"):
                rest = rest[1:]
            tokens = [*rest, tokens[0]]
    return " ".join(tokens)


def _without_article(key: str) -> str | None:
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article):
            return key[len(article) :]
    return None


def _population_factor(territory: Territory) -> float:
    """0..1, about 1 for two million inhabitants."""
    return min(math.log10((territory.population or 0) + 1) / 6.3, 1.0)


def _partial_score(base: float, coverage: float, territory: Territory, exact: float) -> float:
    """A prefix or words match: up to ``base`` + 10, more for a larger share of the name and a
    larger population; one point less when the name matched is an alias (Mans for Le Mans)."""
    return base + 5.0 * coverage + 5.0 * _population_factor(territory) - (_EXACT - exact)


def place_label(territory: Territory, departement_name: str | None) -> str:
    """``"Saint-Étienne (42, Loire)"``, ``"Rhône (69, département)"``, ``"Bretagne (région)"``."""
    where = (
        f"{territory.departement_code}, {departement_name}"
        if territory.departement_code and departement_name
        else None
    )
    match territory.level:
        case "departement":
            return f"{territory.name} ({territory.code}, département)"
        case "region":
            return f"{territory.name} (région)"
        case "epci":
            kind = _EPCI_KINDS.get(territory.kind, territory.kind)
            return f"{territory.name} ({kind}, {where})" if where else f"{territory.name} ({kind})"
        case "group":
            return (
                f"{territory.name} ({territory.kind}, {where})"
                if where
                else f"{territory.name} ({territory.kind})"
            )
        case _:
            return f"{territory.name} ({where})" if where else territory.name


class PlaceIndex:
    """Dictionaries from search keys, codes and postal codes to territories."""

    def __init__(
        self, territories: Sequence[Territory], departement_names: Mapping[str, str]
    ) -> None:
        self._departement_names = dict(departement_names)
        # key -> [(territory, score of an exact match on that key, the text it came from)]
        names: dict[str, list[tuple[Territory, float, str]]] = defaultdict(list)
        codes: dict[str, list[tuple[Territory, float]]] = defaultdict(list)
        postal: dict[str, list[tuple[Territory, float]]] = defaultdict(list)
        for territory in territories:
            seen: set[str] = set()
            for text, score in (
                (territory.name, _EXACT),
                *((alias, _ALIAS) for alias in territory.aliases),
            ):
                key = search_key(text)
                for variant, variant_score in ((key, score), (_without_article(key), _ALIAS)):
                    if variant and variant not in seen:
                        seen.add(variant)
                        names[variant].append((territory, variant_score, text))
            code_score = _ALIAS if territory.level == "region" else _EXACT
            codes[territory.code].append((territory, code_score))
            codes[territory.id].append((territory, _EXACT))
            postal_score = _POSTAL + (1.0 if territory.kind == "arrondissement" else 0.0)
            for postal_code in territory.postal_codes:
                postal[postal_code].append((territory, postal_score))
        self._names = dict(names)
        self._codes = dict(codes)
        self._postal = dict(postal)
        self._keys = sorted(self._names)
        tokens: dict[str, set[str]] = defaultdict(set)
        for key in self._keys:
            for token in key.split(" "):
                tokens[token].add(key)
        self._tokens = dict(tokens)
        self._token_list = sorted(self._tokens)
        self._fuzzy_choices: dict[frozenset[str], list[str]] = {}

    # ----------------------------------------------------------------- queries

    def find(
        self, query: str, limit: int = 10, levels: Iterable[str] | None = None
    ) -> list[PlaceCandidate]:
        if limit < 1:
            raise InputError(f"limit must be at least 1, got {limit}", field="limit")
        wanted = _check_levels(levels)
        query = query[:MAX_QUERY_LENGTH].strip()
        if not query:
            return []
        found: dict[str, tuple[float, Territory, str]] = {}

        def add(territory: Territory, score: float, matched: str) -> None:
            if wanted is not None and territory.level not in wanted:
                return
            best = found.get(territory.id)
            if best is None or score > best[0]:
                found[territory.id] = (score, territory, matched)

        self._exact_codes(query, add)
        key = search_key(query)
        if key:
            for territory, score, text in self._names.get(key, ()):
                add(territory, score, text)
            if len(found) < limit:
                self._prefixes(key, add)
            if len(found) < limit and len(key) >= 3:
                self._words(key, add)
            if len(found) < limit and len(key) >= 3:
                self._fuzzy(key, limit, wanted, add)
        ranked = sorted(
            found.values(),
            key=lambda item: (
                -item[0],
                -(item[1].population or 0),
                _LEVEL_RANK[item[1].level],
                item[1].code,
            ),
        )
        return [
            self._candidate(t, round(score, 2), matched) for score, t, matched in ranked[:limit]
        ]

    def _exact_codes(self, query: str, add: _Add) -> None:
        """Territory ids, INSEE, SIREN, département and région codes, group slugs, postal codes."""
        code = query.upper() if len(query) <= 5 else query  # "2a004" is the commune 2A004
        for territory, score in self._codes.get(code, ()):
            add(territory, score, territory.code)
        for territory, score in self._postal.get(query, ()):
            add(territory, score, query)

    def _prefixes(self, key: str, add: _Add) -> None:
        start = bisect_left(self._keys, key)
        for name_key in self._keys[start:]:
            if not name_key.startswith(key):
                break
            if name_key == key:
                continue
            coverage = len(key) / len(name_key)
            for territory, exact_score, text in self._names[name_key]:
                add(territory, _partial_score(80.0, coverage, territory, exact_score), text)

    def _words(self, key: str, add: _Add) -> None:
        words = key.split(" ")
        postings: list[set[str]] = []
        for word in words[:-1]:
            if word not in self._tokens:
                return
            postings.append(self._tokens[word])
        last = words[-1]
        if len(last) >= 3:
            start = bisect_left(self._token_list, last)
            expanded: set[str] = set()
            for token in self._token_list[start:]:
                if not token.startswith(last):
                    break
                expanded |= self._tokens[token]
            postings.append(expanded)
        elif last in self._tokens:
            postings.append(self._tokens[last])
        else:
            return
        postings.sort(key=len)
        keys = set(postings[0]).intersection(*postings[1:])
        for name_key in keys:
            if name_key == key or name_key.startswith(key):
                continue  # already an exact or prefix match
            coverage = min(len(key) / len(name_key), 1.0)
            for territory, exact_score, text in self._names[name_key]:
                add(territory, _partial_score(70.0, coverage, territory, exact_score), text)

    def _fuzzy(self, key: str, limit: int, wanted: frozenset[str] | None, add: _Add) -> None:
        choices = self._choices(wanted)
        for name_key, ratio, _index in process.extract(
            key, choices, scorer=fuzz.ratio, limit=limit * 3, score_cutoff=70
        ):
            for territory, _score, text in self._names[name_key]:
                add(territory, round(0.7 * ratio, 2), text)

    def _choices(self, wanted: frozenset[str] | None) -> list[str]:
        selector = wanted or frozenset(LEVELS)
        if selector not in self._fuzzy_choices:
            self._fuzzy_choices[selector] = [
                key
                for key in self._keys
                if any(t.level in selector for t, _s, _text in self._names[key])
            ]
        return self._fuzzy_choices[selector]

    def _candidate(self, territory: Territory, score: float, matched: str) -> PlaceCandidate:
        departement_name = (
            self._departement_names.get(territory.departement_code)
            if territory.departement_code
            else None
        )
        return PlaceCandidate(
            territory=territory,
            score=score,
            departement_code=territory.departement_code,
            departement_name=departement_name,
            label=place_label(territory, departement_name),
            matched=matched,
        )


def _check_levels(levels: Iterable[str] | None) -> frozenset[str] | None:
    if levels is None:
        return None
    if isinstance(levels, str):
        levels = (levels,)
    wanted = frozenset(levels)
    unknown = sorted(wanted - set(LEVELS))
    if unknown:
        raise InputError(
            f"unknown territory level(s) {', '.join(map(repr, unknown))}: "
            f"expected some of {', '.join(LEVELS)}",
            field="levels",
        )
    return wanted

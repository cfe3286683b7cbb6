"""Link organisation mentions to directory actors (pure: no database, no I/O).

The store builds one :class:`ActorIndex` from its actors, then calls
:func:`resolve_mentions` for a batch of mentions and persists the decisions.

Three tiers are tried in order; the first that finds any actor decides.
Within the first two, the mention's name is tried first, then each alias: the
name is its fullest form, so an actor it names wins over one a short alias
names.

1. **names**: ``exact`` (the same string), ``alias`` (a directory alias), then
   ``folded`` (case, accents, punctuation, spaces, a leading article and a
   trailing legal form ignored: "la French Tech Toulouse" = "French Tech
   Toulouse", "BPI France" = "Bpifrance", "Acme SAS" = "Acme");
2. **acronym**: "CCI" = "Chambre de commerce et d'industrie", "CCI Lyon" =
   "Chambre de commerce et d'industrie de Lyon", either way round;
3. **fuzzy**: :func:`rapidfuzz.process.extract` over the folded names that
   share a blocking key with any form of the mention (a word, or a word with
   one letter deleted), which keeps it fast on 100,000 actors.

Context moves a score: the same city (folded) and a compatible type raise it,
a different city or an incompatible type lower it. Context also picks between
homonyms; when it cannot, the match goes to review. Names of three letters or
fewer ("M", "CES") link only exactly or through a directory alias: folded or
as acronyms they go to review, and they are never compared fuzzily.

The keys each tier compares are built in :mod:`cartotech.resolve.keys`. An acronym
alone is a guess; the same city makes it a link:

>>> spelt_out = "Chambre de commerce et d'industrie de Lyon"
>>> index = ActorIndex([ActorCandidate(7, "cci-lyon", spelt_out, (), "public_body", "Lyon")])
>>> placed = OrgMention("la CCI de Lyon", (), None, "Lyon", ((0, 14),))
>>> unplaced = OrgMention("la CCI de Lyon", (), None, None, ((0, 14),))
>>> [(link.status.value, link.method) for link in resolve_mentions([placed, unplaced], index)]
[('linked', 'acronym'), ('review_merge', 'acronym')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz, process

from cartotech.extract.records import OrgMention
from cartotech.normalize import normalize_name
from cartotech.resolve.keys import (
    acronym_expansions,
    acronym_key,
    block_keys,
    exact_key,
    folded_keys,
    fuzzy_key,
    is_short,
    sorted_words,
)
from cartotech.resolve.records import ActorCandidate, LinkStatus, MentionLink

__all__ = [
    "ActorIndex",
    "resolve_mentions",
    "LINK_THRESHOLD",
    "REVIEW_THRESHOLD",
]

#: A mention is attached to an actor only at or above this score. It sits
#: above what an acronym or a fuzzy match reaches alone (0.88): an acronym
#: links only when the city agrees, a typo only when it is near-perfect (97 %+)
#: and the city and the type agree. And it sits below a folded match with one
#: contradicting clue (0.96 - 0.04), so that case and accents alone never send
#: a sure match to review.
LINK_THRESHOLD: Final = 0.92
#: Below this, no actor is proposed and a new actor is. A fuzzy match reaches
#: it from about 85 % similarity (78 % with city and type): one or two typos in
#: a ten-letter name ("Euratechnologie", "Marseile Innovation"), while a different city in
#: an otherwise equal name ("French Tech Lille" / "French Tech Lyon", 79 %)
#: stays below it.
REVIEW_THRESHOLD: Final = 0.75

# Base scores of the methods. Names outrank acronyms, which are guesses.
EXACT_SCORE: Final = 1.0
ALIAS_SCORE: Final = 0.98
FOLDED_SCORE: Final = 0.96
ACRONYM_SCORE: Final = 0.88
#: A perfect fuzzy similarity maps to this score: fuzzy matches are where
#: homonyms and near-namesakes hide ("Station F" / "Station M"), so a person
#: confirms them unless the city and the type both agree.
FUZZY_CEILING: Final = 0.88

# Context: a shared city is strong evidence, a type weaker (the extractor's
# types are noisy). Contradictions cost as much as agreements earn.
CITY_BONUS: Final = 0.04
TYPE_BONUS: Final = 0.02

#: A blocking key shared by more folded names than this says nothing (like a
#: stop word) and is skipped.
MAX_BLOCK_SIZE: Final = 5_000
#: At most this many folded names are scored fuzzily per mention form.
MAX_FUZZY_CHOICES: Final = 20_000
FUZZY_LIMIT: Final = 10
#: Two fuzzy actors closer than this cannot be told apart: no link.
FUZZY_TIE_MARGIN: Final = 0.02

# Types the extractor and the directory may use for the same actor.
_TYPE_FAMILIES = (
    frozenset({"startup", "company"}),
    frozenset({"incubator", "accelerator"}),
    frozenset({"association", "cluster"}),
)


# -- forms ------------------------------------------------------------------------------


def _mention_forms(mention: OrgMention) -> list[str]:
    """The name then the aliases, once each, blank ones dropped."""
    forms = {exact_key(form): None for form in (mention.name, *mention.aliases)}
    return [form for form in forms if form]


# -- index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Actor:
    candidate: ActorCandidate
    city: str
    type: str


@dataclass(frozen=True)
class _Hit:
    """One way an actor matched: its base score, the method, and whether it may
    link (not through a folded or acronym key of three letters or fewer)."""

    actor_id: int
    base: float
    method: str
    linkable: bool


class _Postings:
    """A multimap from keys to ids. Most keys (a name, a misspelt word) have one
    id, kept bare: a one-item list per key would double the index's memory."""

    __slots__ = ("_map",)

    def __init__(self) -> None:
        self._map: dict[str, int | list[int]] = {}

    def add(self, keys: Iterable[str], value: int) -> None:
        for key in keys:
            held = self._map.get(key)
            if held is None:
                self._map[key] = value
            elif isinstance(held, int):
                self._map[key] = [held, value]
            else:
                held.append(value)

    def get(self, key: str) -> Sequence[int]:
        held = self._map.get(key)
        if held is None:
            return ()
        return (held,) if isinstance(held, int) else held


class ActorIndex:
    """The directory actors, keyed for every method; built once, read many times.

    Two candidates with the same ``actor_id`` are one actor: their names and
    aliases are merged and the first one's city and type are its context.
    """

    def __init__(self, candidates: Iterable[ActorCandidate]) -> None:
        self._actors: dict[int, _Actor] = {}
        self._names = _Postings()
        self._aliases = _Postings()
        self._folded = _Postings()
        self._expansions = _Postings()  # "cci lyon" -> the actors spelt out
        self._acronyms = _Postings()  # "cci lyon" -> the actors written "CCI Lyon"
        # Fuzzy: each distinct folded name once (as written and with its words
        # sorted), the actors bearing it, and its blocking keys.
        self._fuzzy_ids: dict[str, int] = {}
        self.fuzzy_keys: list[str] = []
        self._fuzzy_sorted: list[str] = []
        self._fuzzy_actors = _Postings()
        self._blocks = _Postings()
        for candidate in candidates:
            self._add(candidate)

    def __len__(self) -> int:
        return len(self._actors)

    def get(self, actor_id: int) -> ActorCandidate | None:
        """The candidate an ``actor_id`` of a decision refers to."""
        actor = self._actors.get(actor_id)
        return actor.candidate if actor else None

    def _add(self, candidate: ActorCandidate) -> None:
        actor_id = candidate.actor_id
        city = normalize_name(candidate.city or "")
        self._actors.setdefault(actor_id, _Actor(candidate, city, candidate.type))
        forms = (candidate.name, *candidate.aliases)
        self._names.add({exact_key(candidate.name)} - {""}, actor_id)
        self._aliases.add({exact_key(alias) for alias in candidate.aliases} - {""}, actor_id)
        self._folded.add(set().union(*map(folded_keys, forms)), actor_id)
        self._expansions.add(set().union(*map(acronym_expansions, forms)), actor_id)
        self._acronyms.add({key for key in map(acronym_key, forms) if key}, actor_id)
        for key in {key for key in map(fuzzy_key, forms) if key}:
            self._fuzzy_actors.add([key], actor_id)
            if key not in self._fuzzy_ids:
                key_id = self._fuzzy_ids[key] = len(self.fuzzy_keys)
                self.fuzzy_keys.append(key)
                self._fuzzy_sorted.append(sorted_words(key))
                self._blocks.add(block_keys(key), key_id)

    # -- the methods' lookups ----------------------------------------------------------

    def _name_hits(self, form: str) -> Iterator[_Hit]:
        for actor_id in self._names.get(form):
            yield _Hit(actor_id, EXACT_SCORE, "exact", True)
        for actor_id in self._aliases.get(form):
            yield _Hit(actor_id, ALIAS_SCORE, "alias", True)
        for key in folded_keys(form):
            for actor_id in self._folded.get(key):
                yield _Hit(actor_id, FOLDED_SCORE, "folded", not is_short(key))

    def _acronym_hits(self, form: str) -> Iterator[_Hit]:
        # The mention is the acronym, or the directory holds the acronym.
        lookups = [(key, self._expansions) for key in [acronym_key(form)] if key]
        lookups += [(key, self._acronyms) for key in acronym_expansions(form)]
        for key, table in lookups:
            for actor_id in table.get(key):
                yield _Hit(actor_id, ACRONYM_SCORE, "acronym", not is_short(key))

    def _fuzzy_hits(self, forms: Sequence[str], score_cutoff: float) -> Iterator[_Hit]:
        for key in {key for key in map(fuzzy_key, forms) if key}:
            for key_id, similarity in self._similar(key, score_cutoff).items():
                base = FUZZY_CEILING * similarity / 100
                for actor_id in self._fuzzy_actors.get(self.fuzzy_keys[key_id]):
                    yield _Hit(actor_id, base, "fuzzy", True)

    def _similar(self, key: str, score_cutoff: float) -> dict[int, float]:
        """The closest folded names to ``key`` among its block, by the better of
        :func:`rapidfuzz.fuzz.ratio` as written (robust to a misplaced space:
        "Waxgorvomi xTech") and on sorted words, i.e. ``token_sort_ratio`` with
        the sorting done once at indexing ("Lyon French Tech")."""
        key_ids = self._block(key)
        best: dict[int, float] = {}
        for query, keys in ((key, self.fuzzy_keys), (sorted_words(key), self._fuzzy_sorted)):
            choices = [keys[key_id] for key_id in key_ids]
            found = process.extract(
                query, choices, scorer=fuzz.ratio, limit=FUZZY_LIMIT, score_cutoff=score_cutoff
            )
            for _choice, similarity, position in found:
                key_id = key_ids[position]
                best[key_id] = max(best.get(key_id, 0.0), similarity)
        return best

    def _block(self, key: str) -> list[int]:
        """The folded names sharing a blocking key with ``key``, rarest keys first."""
        postings = sorted(map(self._blocks.get, block_keys(key)), key=len)
        chosen: set[int] = set()
        for ids in postings:
            if len(ids) > MAX_BLOCK_SIZE or len(chosen) + len(ids) > MAX_FUZZY_CHOICES:
                break
            chosen.update(ids)
        return sorted(chosen)

    def _context(self, actor_id: int, mention: OrgMention) -> tuple[float, bool]:
        """The context adjustment for ``actor_id``, and whether the city agrees."""
        actor = self._actors[actor_id]
        adjustment = 0.0
        same_city = False
        city = normalize_name(mention.city or "")
        if city and actor.city:
            same_city = city == actor.city
            adjustment += CITY_BONUS if same_city else -CITY_BONUS
        if mention.type and actor.type:
            adjustment += TYPE_BONUS if _compatible(mention.type, actor.type) else -TYPE_BONUS
        return adjustment, same_city


def _compatible(mention_type: str, actor_type: str) -> bool:
    if mention_type == actor_type:
        return True
    return any({mention_type, actor_type} <= family for family in _TYPE_FAMILIES)


# -- decision ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scored:
    actor_id: int
    score: float
    context: float
    method: str
    linkable: bool


def _score(hits: Iterable[_Hit], mention: OrgMention, index: ActorIndex) -> list[_Scored]:
    """The best hit of each actor with its context, best first (ties: smaller id)."""
    best: dict[int, _Hit] = {}
    for hit in hits:
        kept = best.get(hit.actor_id)
        if kept is None or (hit.base, hit.linkable) > (kept.base, kept.linkable):
            best[hit.actor_id] = hit
    scored = []
    for hit in best.values():
        context, same_city = index._context(hit.actor_id, mention)
        method = "fuzzy+city" if hit.method == "fuzzy" and same_city else hit.method
        score = round(min(1.0, max(0.0, hit.base + context)), 4)
        scored.append(_Scored(hit.actor_id, score, context, method, hit.linkable))
    return sorted(scored, key=lambda s: (-s.score, s.actor_id))


def _by_context(scored: list[_Scored]) -> tuple[_Scored, bool]:
    """Homonyms by name or acronym: only the context may pick one, not which
    spelling matched. Returns the choice and whether it stays ambiguous."""
    top = max(s.context for s in scored)
    winners = [s for s in scored if s.context == top]
    return winners[0], len(winners) > 1


def _by_score(scored: list[_Scored]) -> tuple[_Scored, bool]:
    """Fuzzy: the best, ambiguous when the runner-up is about as close."""
    ambiguous = len(scored) > 1 and scored[0].score - scored[1].score < FUZZY_TIE_MARGIN
    return scored[0], ambiguous


@dataclass(frozen=True)
class _Thresholds:
    link: float
    review: float

    def fuzzy_cutoff(self) -> float:
        """The lowest similarity (0-100) that could reach review with every
        context bonus: rapidfuzz drops the rest early."""
        reachable = self.review - CITY_BONUS - TYPE_BONUS
        return max(0.0, min(100.0, 100 * reachable / FUZZY_CEILING))


def _decide(
    mention: OrgMention,
    pick: tuple[_Scored, bool],
    thresholds: _Thresholds,
    *,
    known_name: bool,
) -> MentionLink:
    """Link, propose a merge or propose a new actor. An actor that bears the
    mention's name (``known_name``) is always proposed: a new one would
    duplicate it."""
    choice, ambiguous = pick
    if choice.linkable and not ambiguous and choice.score >= thresholds.link:
        status = LinkStatus.LINKED
    elif known_name or choice.score >= thresholds.review:
        status = LinkStatus.REVIEW_MERGE
    else:
        return MentionLink(mention, LinkStatus.REVIEW_NEW, None, choice.score, "none")
    return MentionLink(mention, status, choice.actor_id, choice.score, choice.method)


def _resolve(mention: OrgMention, index: ActorIndex, thresholds: _Thresholds) -> MentionLink:
    forms = _mention_forms(mention)
    for lookup, known_name in ((index._name_hits, True), (index._acronym_hits, False)):
        for form in forms:
            scored = _score(lookup(form), mention, index)
            if scored:
                return _decide(mention, _by_context(scored), thresholds, known_name=known_name)
    scored = _score(index._fuzzy_hits(forms, thresholds.fuzzy_cutoff()), mention, index)
    if scored:
        return _decide(mention, _by_score(scored), thresholds, known_name=False)
    return MentionLink(mention, LinkStatus.REVIEW_NEW, None, 0.0, "none")


def resolve_mentions(
    mentions: Iterable[OrgMention],
    index: ActorIndex,
    *,
    link_threshold: float = LINK_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
) -> list[MentionLink]:
    """One decision per mention, in order.

    ``LINKED`` only at or above ``link_threshold``, when no other actor is as
    likely, and never through a folded or acronym form of three letters or
    fewer; ``REVIEW_MERGE`` with the closest actor from ``review_threshold``
    up, and always when an actor bears the mention's name (homonyms the
    context cannot tell apart go there); otherwise ``REVIEW_NEW`` with
    ``actor_id`` ``None``, method ``"none"`` and the closest score seen (0.0
    when nothing came near).
    """
    if not 0.0 < review_threshold <= link_threshold <= 1.0:
        raise ValueError(
            "thresholds must satisfy 0 < review_threshold <= link_threshold <= 1, got "
            f"review_threshold={review_threshold} and link_threshold={link_threshold}"
        )
    thresholds = _Thresholds(link_threshold, review_threshold)
    return [_resolve(mention, index, thresholds) for mention in mentions]

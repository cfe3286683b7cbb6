"""resolve_mentions on a directory of 100,000 actors: blocking must not lose
the right actor, and unrelated names must not find one.

No time is asserted (it would flake on a busy machine); a resolver that
scanned every actor for every mention would still pass, but the suite would
show it (about 0.02 s for the 200 mentions here, 4 s to build the index).
"""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz

from cartotech.extract.records import OrgMention
from cartotech.normalize import normalize_name
from cartotech.resolve import ActorCandidate, ActorIndex, LinkStatus, resolve_mentions

SIZE = 100_000
# Brand names are made of these syllables, so that many share a prefix, a
# suffix or a word: the blocking keys are crowded, as in a real directory.
SYLLABLES = ["ka", "lo", "mi", "ra", "tec", "vo", "zen", "no", "pli", "dra"] + [
    "su", "bel", "qua", "fi", "gor", "ne", "ty", "wax", "ju", "pe",
]  # fmt: skip
# Every actor ends with one of these: each word is shared by 10,000 actors.
ACTIVITIES = ["Tech", "Lab", "Digital", "Conseil", "Solutions"] + [
    "Robotics", "Data", "Santé", "Énergie", "Studio",
]  # fmt: skip
CITIES = ["Lyon", "Lille", "Nantes", "Toulouse", "Bordeaux", "Marseille", "Rennes", "Nice"]
# Names built from letters no synthetic brand uses.
UNRELATED = ["Hexagone Xylophones", "Ouroboros Yachting", "Chyx Vygh", "Bzzt Hmm Oy"]


def synthetic_directory(rng: random.Random) -> list[ActorCandidate]:
    names: set[str] = set()
    actors = []
    while len(actors) < SIZE:
        brand = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        name = f"{brand} {rng.choice(ACTIVITIES)}"
        if name in names:
            continue
        names.add(name)
        actor_id = len(actors)
        city = CITIES[actor_id % len(CITIES)]
        actors.append(ActorCandidate(actor_id, f"actor-{actor_id}", name, (), "startup", city))
    return actors


def with_typo(name: str, rng: random.Random) -> str:
    """Double one letter of the brand: one insertion, the commonest typo."""
    position = rng.randrange(len(name.split()[0]))
    return name[:position] + name[position] + name[position:]


def similarity(left: str, right: str) -> float:
    left, right = normalize_name(left), normalize_name(right)
    return max(fuzz.ratio(left, right), fuzz.token_sort_ratio(left, right))


def org(name: str, city: str | None = None) -> OrgMention:
    return OrgMention(name, (), None, city, ((0, len(name)),))


@pytest.fixture(scope="module")
def directory() -> tuple[list[ActorCandidate], ActorIndex]:
    actors = synthetic_directory(random.Random(2019))
    return actors, ActorIndex(actors)


def test_the_index_holds_every_actor(directory: tuple[list[ActorCandidate], ActorIndex]) -> None:
    actors, index = directory
    assert len(index) == SIZE
    assert index.get(actors[-1].actor_id) == actors[-1]


def test_resolving_200_mentions_among_100_000_actors(
    directory: tuple[list[ActorCandidate], ActorIndex],
) -> None:
    actors, index = directory
    rng = random.Random(4)
    sample = rng.sample(actors, 150)
    folded, typos = sample[:100], sample[100:]
    mentions = [org(actor.name.upper(), actor.city) for actor in folded]
    mentions += [org(with_typo(actor.name, rng)) for actor in typos]
    mentions += [org(f"{name} {i}") for i, name in enumerate(UNRELATED * 13)][:50]

    links = resolve_mentions(mentions, index)

    assert len(links) == 200
    for link, actor in zip(links[:100], folded, strict=True):
        assert (link.status, link.actor_id, link.method) == (
            LinkStatus.LINKED,
            actor.actor_id,
            "folded",
        )
    typo_links = links[100:150]
    assert all(link.status is LinkStatus.REVIEW_MERGE for link in typo_links)
    # A doubled letter can sit as close to another synthetic brand; a few
    # proposals go there, but never to an actor further than the right one.
    found = 0
    for link, actor in zip(typo_links, typos, strict=True):
        assert link.actor_id is not None
        proposed = index.get(link.actor_id)
        assert proposed is not None
        typed = link.mention.name
        assert similarity(typed, proposed.name) >= similarity(typed, actor.name)
        found += link.actor_id == actor.actor_id
    assert found >= 45
    assert all(link.status is LinkStatus.REVIEW_NEW for link in links[150:])

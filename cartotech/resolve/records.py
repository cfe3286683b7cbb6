"""The contract between the resolver and its callers: the directory actors it
links to, and what it decided for each organisation mention. Plain types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cartotech.extract.records import OrgMention

__all__ = ["ActorCandidate", "LinkStatus", "MentionLink"]


@dataclass(frozen=True)
class ActorCandidate:
    """A directory actor as the resolver sees it. ``city`` is the name of its
    commune (or place label) when known, used as context."""

    actor_id: int
    key: str
    name: str
    aliases: tuple[str, ...]
    type: str
    city: str | None = None
    territory_id: str | None = None


class LinkStatus(StrEnum):
    #: Sure enough to attach the mention (and its facts) to ``actor_id``.
    LINKED = "linked"
    #: Probably ``actor_id``, but below the linking threshold: a person decides.
    REVIEW_MERGE = "review_merge"
    #: No actor is close: propose a new actor to a person.
    REVIEW_NEW = "review_new"


@dataclass(frozen=True)
class MentionLink:
    """The resolver's decision for one mention.

    ``score`` is in [0, 1]; ``method`` says what matched (``exact``, ``alias``,
    ``folded``, ``acronym``, ``fuzzy``, ``fuzzy+city``, ``none``).
    ``actor_id`` is ``None`` only for ``REVIEW_NEW``.
    """

    mention: OrgMention
    status: LinkStatus
    actor_id: int | None
    score: float
    method: str

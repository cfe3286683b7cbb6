"""Resolve: link the organisations an article mentions to actors of the directory.

Pure and in memory: the store turns its actors into :class:`ActorCandidate`
records, builds an :class:`ActorIndex` once, calls :func:`resolve_mentions`
and persists each :class:`MentionLink`. A mention is ``LINKED`` only when the
resolver is sure; otherwise a person reviews a proposed merge
(``REVIEW_MERGE``) or a proposed new actor (``REVIEW_NEW``). Nothing here
reads or writes a database.

>>> from cartotech.extract.records import OrgMention
>>> actor = ActorCandidate(1, "euratechnologies", "EuraTechnologies", (), "incubator")
>>> index = ActorIndex([actor])
>>> org = OrgMention("Euratechnologies", (), None, "Lille", ((0, 16),))
>>> [link] = resolve_mentions([org], index)
>>> link.status, link.actor_id, link.method
(<LinkStatus.LINKED: 'linked'>, 1, 'folded')
"""

from __future__ import annotations

from cartotech.resolve.linking import (
    LINK_THRESHOLD,
    REVIEW_THRESHOLD,
    ActorIndex,
    resolve_mentions,
)
from cartotech.resolve.records import ActorCandidate, LinkStatus, MentionLink

__all__ = [
    "ActorCandidate",
    "ActorIndex",
    "LINK_THRESHOLD",
    "LinkStatus",
    "MentionLink",
    "REVIEW_THRESHOLD",
    "resolve_mentions",
]

"""The story index in the store: one row per entry in insertion order (story
assignment depends on that order) and one row of the parameters it was built
with, so that :meth:`StoryIndex.from_state` can refuse a mismatch."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, select

from cartotech.errors import ConfigurationError
from cartotech.ingest.stories import StoryIndex, StoryMatch
from cartotech.store._sql import insert_ignoring_duplicates
from cartotech.store.schema import story_entries, story_index_state

__all__ = ["load_story_index", "save_story_entry", "story_parameters"]


def story_parameters(index: StoryIndex) -> dict[str, Any]:
    """What ``export_state`` says of ``index`` apart from its entries."""
    # A fresh index with the same thresholds: export_state() of the real one
    # would serialise every entry just to drop them.
    fresh = StoryIndex(near_threshold=index.near_threshold, cross_threshold=index.cross_threshold)
    return {k: v for k, v in fresh.export_state().items() if k != "entries"}


def load_story_index(conn: Connection) -> StoryIndex:
    """The story index the stored entries make, in their insertion order."""
    parameters = conn.execute(
        select(story_index_state.c.parameters).where(story_index_state.c.id == 1)
    ).scalar_one_or_none()
    if parameters is None:
        return StoryIndex()
    entries = [
        json.loads(payload)
        for payload in conn.execute(
            select(story_entries.c.payload).order_by(story_entries.c.seq)
        ).scalars()
    ]
    try:
        return StoryIndex.from_state({**json.loads(parameters), "entries": entries})
    except ValueError as exc:
        raise ConfigurationError(f"the stored story index cannot be used: {exc}") from None


def save_story_entry(conn: Connection, match: StoryMatch, parameters: Mapping[str, Any]) -> None:
    """Keep ``match.entry`` (nothing for an exact duplicate) and, once, the parameters."""
    if match.entry is None:
        return
    insert_ignoring_duplicates(
        conn, story_index_state, [{"id": 1, "parameters": json.dumps(dict(parameters))}]
    )
    insert_ignoring_duplicates(
        conn,
        story_entries,
        [
            {
                "content_hash": match.entry.content_hash,
                "payload": json.dumps(match.entry.to_dict()),
            }
        ],
    )

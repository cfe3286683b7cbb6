"""The organisation gazetteer: what the directory knows, as data for the
extractor (names, aliases and types), without the extractor knowing the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cartotech.domain import DirectoryBundle

__all__ = ["GazetteerEntry", "gazetteer_from_bundle", "gazetteer_pairs"]


@dataclass(frozen=True)
class GazetteerEntry:
    name: str
    aliases: tuple[str, ...]
    type: str


def gazetteer_from_bundle(bundle: DirectoryBundle) -> list[GazetteerEntry]:
    """Every actor of a directory file (see ``cartotech.ingest.directory_file``)."""
    return [
        GazetteerEntry(actor.name, tuple(actor.aliases), str(actor.type)) for actor in bundle.actors
    ]


def gazetteer_pairs(entries: Iterable[GazetteerEntry]) -> list[list[str]]:
    """``[surface form, type]`` pairs, the form the spaCy component's config takes."""
    pairs: dict[str, str] = {}
    for entry in entries:
        for name in (entry.name, *entry.aliases):
            if name.strip():  # one-letter names: see EntityComponent
                pairs.setdefault(name.strip(), entry.type)
    return [[name, kind] for name, kind in sorted(pairs.items())]

"""The organisation gazetteer: what the directory knows, as data for the
extractor (names, aliases and types), without the extractor knowing the store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cartotech.domain import DirectoryBundle

__all__ = ["GazetteerEntry", "gazetteer_from_bundle", "gazetteer_forms"]


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


def gazetteer_forms(entries: Iterable[GazetteerEntry]) -> list[list[str]]:
    """``[surface form, type, name]`` triples, the form the spaCy component's
    config takes: every alias points at the actor's name, so that the
    mentions of one actor are one organisation whatever the text calls it."""
    forms: dict[str, tuple[str, str]] = {}
    for entry in entries:
        for form in (entry.name, *entry.aliases):
            if form.strip():  # one-letter names: see EntityComponent
                forms.setdefault(form.strip(), (entry.type, entry.name.strip()))
    return [[form, kind, name] for form, (kind, name) in sorted(forms.items())]

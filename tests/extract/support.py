"""Helpers shared by the extractor tests that read an :class:`Extraction`."""

from __future__ import annotations

from typing import Any


def orgs_by_name(extraction: Any) -> dict[str, Any]:
    """The extraction's organisations keyed by the name the article writes."""
    return {org.name: org for org in extraction.organizations}


def relation_triples(extraction: Any) -> set[tuple[str, str, str]]:
    """The extraction's relations as (subject, predicate, object)."""
    return {(r.subject, r.predicate, r.object) for r in extraction.relations}

"""Small SQL helpers shared by the store modules (dialect differences live here)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def fingerprint(*parts: object) -> str:
    """A stable content hash: the identity of a fact, relation, role or award."""
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def insert_ignoring_duplicates(
    conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]
) -> int:
    """Insert rows, skipping those that break a unique constraint; return how many went in."""
    rows = list(rows)
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        statement: Any = postgresql.insert(table).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(table).on_conflict_do_nothing()
    result = conn.execute(statement, rows)
    return max(result.rowcount, 0)

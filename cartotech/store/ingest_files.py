"""Files an ingestion finished, so that the next run skips them (resume)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select, update

from cartotech.store._sql import insert_returning_id
from cartotech.store.schema import ingest_files

__all__ = ["FileStamp", "file_done", "mark_file_done"]


@dataclass(frozen=True)
class FileStamp:
    """A file as it was read: resolved path, size, modification time, SHA-256."""

    path: str
    size: int
    mtime_ns: int
    sha256: str


def file_done(conn: Connection, stamp: FileStamp) -> bool:
    """True when the file was finished before, with the same size, mtime and bytes."""
    row = conn.execute(select(ingest_files).where(ingest_files.c.path == stamp.path)).first()
    return (
        row is not None
        and row.status == "done"
        and (row.size, row.mtime_ns, row.sha256) == (stamp.size, stamp.mtime_ns, stamp.sha256)
    )


def mark_file_done(
    conn: Connection, stamp: FileStamp, *, documents: int, bad_reason: str | None = None
) -> None:
    """Record the file as finished (``bad`` when it gave no document and a reason).

    A file recorded with the same values is left as it is, so re-running a
    finished ingestion changes no row.
    """
    values = {
        "size": stamp.size,
        "mtime_ns": stamp.mtime_ns,
        "sha256": stamp.sha256,
        "status": "bad" if bad_reason is not None and documents == 0 else "done",
        "documents": documents,
        "bad_reason": bad_reason,
    }
    row = (
        conn.execute(select(ingest_files).where(ingest_files.c.path == stamp.path))
        .mappings()
        .first()
    )
    if row is None:
        insert_returning_id(conn, ingest_files, {"path": stamp.path, **values})
    elif any(row[k] != v for k, v in values.items()):
        conn.execute(
            update(ingest_files)
            .where(ingest_files.c.id == row["id"])
            .values(**values, finished_at=func.now())
        )

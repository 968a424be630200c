"""Small SQL building blocks shared by the store modules.

Row-to-record conversion, the portable "insert, ignore duplicates" statement and the
event log writer live here so the batch, lifecycle and result modules stay about their
own concern.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from docbatch.errors import NotFoundError
from docbatch.models import Stage
from docbatch.store.records import (
    BatchRecord,
    BatchState,
    DocumentRecord,
    DocumentState,
    EventKind,
    Priority,
)
from docbatch.store.tables import BatchRow, DocumentRow, EventRow, ProjectRow

__all__ = [
    "BATCHES",
    "DOCUMENTS",
    "EVENTS",
    "PROJECTS",
    "batch_record",
    "document_record",
    "insert_ignoring_duplicates",
    "load_document",
    "record_event",
]

PROJECTS: sa.Table = ProjectRow.__table__  # type: ignore[assignment]
BATCHES: sa.Table = BatchRow.__table__  # type: ignore[assignment]
DOCUMENTS: sa.Table = DocumentRow.__table__  # type: ignore[assignment]
EVENTS: sa.Table = EventRow.__table__  # type: ignore[assignment]


def insert_ignoring_duplicates(
    connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]
) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike.

    Concurrent writers inserting the same key therefore never fail: the later one waits
    for the earlier to commit (PostgreSQL) or for the write lock (SQLite), then skips.
    """
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing()
    connection.execute(statement, list(rows))


def record_event(
    connection: Connection,
    kind: EventKind,
    at: datetime,
    *,
    batch_id: str | None = None,
    document_id: str | None = None,
    stage: Stage | str | None = None,
    attempt: int | None = None,
    duration_ms: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one row to the event log, inside the caller's transaction."""
    connection.execute(
        sa.insert(EVENTS).values(
            at=at,
            kind=kind.value,
            batch_id=batch_id,
            document_id=document_id,
            stage=None if stage is None else str(stage),
            attempt=attempt,
            duration_ms=duration_ms,
            detail=dict(detail or {}),
        )
    )


def batch_record(row: Row[Any]) -> BatchRecord:
    """Build a :class:`BatchRecord` from a row of ``batches`` joined with ``projects``."""
    m = row._mapping
    return BatchRecord(
        id=m["id"],
        project_id=m["project_id"],
        project=m["project"],
        name=m["name"],
        state=BatchState(m["state"]),
        priority=Priority(m["priority"]),
        total=m["total"],
        completed=m["completed"],
        failed=m["failed"],
        cancelled=m["cancelled"],
        pages=m["pages"],
        options=dict(m["options"] or {}),
        parent_batch_id=m["parent_batch_id"],
        created_at=m["created_at"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
        enqueued_at=m["enqueued_at"],
        finalized_count=m["finalized_count"],
    )


def batch_select() -> sa.Select[Any]:
    """``SELECT`` of every batch column plus the project's name as ``project``."""
    return sa.select(BATCHES, PROJECTS.c.name.label("project")).join(
        PROJECTS, PROJECTS.c.id == BATCHES.c.project_id
    )


_DOCUMENT_FIELDS = [
    "id",
    "batch_id",
    "project_id",
    "external_id",
    "path",
    "sha256",
    "size_bytes",
    "mime",
    "page_count",
    "ocr_pages",
    "attempts",
    "lease_expires_at",
    "lease_owner",
    "error_category",
    "error_code",
    "error_reason",
    "error_stage",
    "created_at",
    "updated_at",
    "started_at",
    "finished_at",
    "retry_at",
    "retries",
    "recovery_batch_id",
]


def document_record(row: Row[Any]) -> DocumentRecord:
    """Build a :class:`DocumentRecord` from a ``documents`` row."""
    m = row._mapping
    values = {name: m[name] for name in _DOCUMENT_FIELDS}
    return DocumentRecord(
        metadata=dict(m["metadata"] or {}),
        state=DocumentState(m["state"]),
        stage=Stage(m["stage"]),
        **values,
    )


def load_document(connection: Connection, document_id: str) -> DocumentRecord:
    """Read one document, or raise :class:`NotFoundError`."""
    row = connection.execute(
        sa.select(DOCUMENTS).where(DOCUMENTS.c.id == document_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"document {document_id} does not exist")
    return document_record(row)


def in_batch(batch_id: str) -> sa.ColumnElement[bool]:
    """Documents of a batch: its own, and those a recovery batch reopened."""
    return sa.or_(DOCUMENTS.c.batch_id == batch_id, DOCUMENTS.c.recovery_batch_id == batch_id)


def chunked(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """Consecutive slices of ``items`` of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]

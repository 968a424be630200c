"""Rows in and out: SQL building blocks shared by the stores.

The Core handles of the main tables (:mod:`docbatch.store.schema` declares them), rows
converted to the frozen values of :mod:`docbatch.store.records`, the portable "insert,
ignore duplicates" statement and the event log writer live here so the batch, document
and result modules stay about their own concern.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
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
from docbatch.store.schema import BatchRow, DocumentRow, EventRow, ProjectRow

__all__ = [
    "BATCHES",
    "DOCUMENTS",
    "EVENTS",
    "PROJECTS",
    "batch_record",
    "bulk_insert",
    "document_record",
    "event_values",
    "insert_ignoring_duplicates",
    "json_text",
    "load_document",
    "record_event",
    "record_events",
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
    # Past SQLAlchemy's per-row work (a document inserts its entities and aliases by
    # the dozen), each value converted by its column's type as SQLAlchemy would.
    dialect = connection.dialect
    columns = list(rows[0])
    convert = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    values = [
        tuple(
            value if fix is None else fix(value)
            for fix, value in zip(convert, (row[name] for name in columns), strict=True)
        )
        for row in rows
    ]
    _driver_insert(connection, table, columns, values, " ON CONFLICT DO NOTHING")


def bulk_insert(
    connection: Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows of plain values, past SQLAlchemy's per-row processing.

    For the tables a document fills by the hundred (mentions, relationships): on
    PostgreSQL with psycopg the rows are streamed with ``COPY``, elsewhere they go through
    the driver's ``executemany``. Values must already be in their stored form: text,
    numbers, and JSON columns as JSON text (:func:`json_text`).
    """
    if not rows:
        return
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        dbapi = connection.connection.dbapi_connection
        target = _target(connection, table, columns)
        with dbapi.cursor() as cursor, cursor.copy(f"COPY {target} FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
        return
    _driver_insert(connection, table, columns, rows)


def _target(connection: Connection, table: sa.Table, columns: Sequence[str]) -> str:
    """``table (column, ...)``, quoted for the connection's dialect."""
    quote = connection.dialect.identifier_preparer.quote
    return f"{quote(table.name)} ({', '.join(quote(name) for name in columns)})"


def _driver_insert(
    connection: Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    suffix: str = "",
) -> None:
    """One ``INSERT`` of stored-form ``rows`` through the driver's ``executemany``."""
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    placeholders = ", ".join([marker] * len(columns))
    statement = f"INSERT INTO {_target(connection, table, columns)} VALUES ({placeholders})"
    connection.exec_driver_sql(statement + suffix, list(rows))


def json_text(value: Any) -> str:
    """``value`` as the JSON text a JSON column stores (for :func:`bulk_insert`)."""
    if not value:
        return "[]" if isinstance(value, (list, tuple)) else "{}"
    return json.dumps(value)


def record_event(connection: Connection, kind: EventKind, at: datetime, **fields: Any) -> None:
    """Append one row to the event log, inside the caller's transaction; ``fields`` are
    :func:`event_values`'s keyword arguments."""
    record_events(connection, [event_values(kind, at, **fields)])


def record_events(connection: Connection, events: Sequence[dict[str, Any]]) -> None:
    """Append rows built by :func:`event_values` to the event log in one statement."""
    if events:
        connection.execute(sa.insert(EVENTS), list(events))


def event_values(
    kind: EventKind,
    at: datetime,
    batch_id: str | None = None,
    document_id: str | None = None,
    stage: Stage | str | None = None,
    attempt: int | None = None,
    duration_ms: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One event-log row, for :func:`record_events`."""
    return {
        "at": at,
        "kind": kind.value,
        "batch_id": batch_id,
        "document_id": document_id,
        "stage": None if stage is None else str(stage),
        "attempt": attempt,
        "duration_ms": duration_ms,
        "detail": dict(detail or {}),
    }


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
    "reopened_from",
]


def document_record(row: Row[Any]) -> DocumentRecord:
    """Build a :class:`DocumentRecord` from a ``documents`` row."""
    m = row._mapping
    values = {name: m[name] for name in _DOCUMENT_FIELDS}
    return DocumentRecord(
        metadata=dict(m["metadata"] or {}),
        state=DocumentState(m["state"]),
        stage=Stage(m["stage"]),
        warnings=tuple(m.get("warnings") or ()),
        parent_id=m.get("parent_id"),
        container_path=m.get("container_path"),
        depth=m.get("depth") or 0,
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

"""Read queries for monitoring: cluster totals, per-batch reports, recent failures.

Everything here is read from the system of record (batch counters, documents, the event
log), so the figures survive the loss of every Redis key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import Stage
from docbatch.store.records import DocumentState, EventKind
from docbatch.store.rows import BATCHES, DOCUMENTS, EVENTS
from docbatch.store.transactions import Transactor

__all__ = [
    "ClusterTotals",
    "DocumentTiming",
    "FailureGroup",
    "MonitoringStore",
    "TerminalEvent",
    "cluster_totals",
    "failure_groups",
    "ocr_totals",
    "recent_failures",
    "slowest_documents",
    "stage_duration_values",
    "terminal_events",
]

_ACTIVE = ("pending", "running")


@dataclass(frozen=True, slots=True)
class ClusterTotals:
    """Counters over every batch: terminal documents, pages and batches per state."""

    completed: int
    failed: int
    cancelled: int
    pages: int
    #: Documents of active batches not yet terminal.
    in_flight: int
    batches: dict[str, int]


@dataclass(frozen=True, slots=True)
class TerminalEvent:
    """A document reaching a terminal state, with its page count."""

    at: datetime
    state: str
    pages: int


@dataclass(frozen=True, slots=True)
class DocumentTiming:
    """A document's summed stage durations."""

    document_id: str
    path: str
    state: str
    total_ms: int


@dataclass(frozen=True, slots=True)
class FailureGroup:
    """Failed documents sharing a category and code, with example reasons."""

    category: str
    code: str
    count: int
    examples: list[tuple[str, str]]  # (path, reason)


def cluster_totals(connection: Connection) -> ClusterTotals:
    """Sums over the batches table (one row per batch, so cheap to scrape)."""
    total = sa.func.coalesce
    row = connection.execute(
        sa.select(
            total(sa.func.sum(BATCHES.c.completed), 0),
            total(sa.func.sum(BATCHES.c.failed), 0),
            total(sa.func.sum(BATCHES.c.cancelled), 0),
            total(sa.func.sum(BATCHES.c.pages), 0),
        )
    ).one()
    remaining = BATCHES.c.total - BATCHES.c.completed - BATCHES.c.failed - BATCHES.c.cancelled
    in_flight = connection.execute(
        sa.select(total(sa.func.sum(remaining), 0)).where(BATCHES.c.state.in_(_ACTIVE))
    ).scalar_one()
    states = connection.execute(
        sa.select(BATCHES.c.state, sa.func.count()).group_by(BATCHES.c.state)
    ).all()
    return ClusterTotals(
        completed=int(row[0]),
        failed=int(row[1]),
        cancelled=int(row[2]),
        pages=int(row[3]),
        in_flight=int(in_flight),
        batches={state: int(n) for state, n in states},
    )


def stage_duration_values(connection: Connection, batch_id: str) -> dict[Stage, list[int]]:
    """Every recorded stage duration (ms) of the batch, sorted, per stage."""
    rows = connection.execute(
        sa.select(EVENTS.c.stage, EVENTS.c.duration_ms)
        .where(
            EVENTS.c.batch_id == batch_id,
            EVENTS.c.kind == EventKind.STAGE_COMPLETED.value,
            EVENTS.c.duration_ms.is_not(None),
        )
        .order_by(EVENTS.c.stage, EVENTS.c.duration_ms)
    )
    values: dict[Stage, list[int]] = {}
    for stage, duration in rows:
        values.setdefault(Stage(stage), []).append(int(duration))
    return values


def terminal_events(connection: Connection, batch_id: str) -> list[TerminalEvent]:
    """Completed and failed transitions of the batch's documents, oldest first."""
    kinds = (EventKind.COMPLETED.value, EventKind.FAILED.value)
    rows = connection.execute(
        sa.select(EVENTS.c.at, EVENTS.c.kind, sa.func.coalesce(DOCUMENTS.c.page_count, 0))
        .join(DOCUMENTS, DOCUMENTS.c.id == EVENTS.c.document_id, isouter=True)
        .where(EVENTS.c.batch_id == batch_id, EVENTS.c.kind.in_(kinds))
        .order_by(EVENTS.c.id)
    )
    return [TerminalEvent(at, kind, int(pages)) for at, kind, pages in rows]


def slowest_documents(connection: Connection, batch_id: str, limit: int) -> list[DocumentTiming]:
    """The documents with the longest summed stage durations."""
    summed = sa.func.sum(EVENTS.c.duration_ms).label("total_ms")
    rows = connection.execute(
        sa.select(DOCUMENTS.c.id, DOCUMENTS.c.path, DOCUMENTS.c.state, summed)
        .join(EVENTS, EVENTS.c.document_id == DOCUMENTS.c.id)
        .where(
            DOCUMENTS.c.batch_id == batch_id,
            EVENTS.c.kind == EventKind.STAGE_COMPLETED.value,
        )
        .group_by(DOCUMENTS.c.id, DOCUMENTS.c.path, DOCUMENTS.c.state)
        .order_by(summed.desc(), DOCUMENTS.c.id)
        .limit(limit)
    )
    return [DocumentTiming(i, p, s, int(ms or 0)) for i, p, s, ms in rows]


def failure_groups(connection: Connection, batch_id: str, examples: int = 3) -> list[FailureGroup]:
    """Failed documents grouped by category and code, largest group first."""
    rows = connection.execute(
        sa.select(
            DOCUMENTS.c.error_category,
            DOCUMENTS.c.error_code,
            DOCUMENTS.c.path,
            DOCUMENTS.c.error_reason,
        )
        .where(
            DOCUMENTS.c.batch_id == batch_id,
            DOCUMENTS.c.state == DocumentState.FAILED.value,
        )
        .order_by(DOCUMENTS.c.path)
    )
    groups: dict[tuple[str, str], FailureGroup] = {}
    for category, code, path, reason in rows:
        key = (category or "unknown", code or "")
        group = groups.setdefault(key, FailureGroup(key[0], key[1], 0, []))
        if len(group.examples) < examples:
            group.examples.append((path, reason or ""))
        groups[key] = FailureGroup(group.category, group.code, group.count + 1, group.examples)
    return sorted(groups.values(), key=lambda g: (-g.count, g.category, g.code))


def ocr_totals(connection: Connection, batch_id: str) -> dict[str, int]:
    """Pages, OCR pages and documents that needed OCR, over the batch's documents."""
    coalesce = sa.func.coalesce
    row = connection.execute(
        sa.select(
            coalesce(sa.func.sum(DOCUMENTS.c.page_count), 0),
            coalesce(sa.func.sum(DOCUMENTS.c.ocr_pages), 0),
            sa.func.count().filter(DOCUMENTS.c.ocr_pages > 0),
        ).where(DOCUMENTS.c.batch_id == batch_id)
    ).one()
    return {"pages": int(row[0]), "ocr_pages": int(row[1]), "ocr_documents": int(row[2])}


def recent_failures(
    connection: Connection, limit: int, batch_ids: list[str] | None = None
) -> list[dict[str, str | None]]:
    """The most recently failed documents (of ``batch_ids`` if given), newest first."""
    statement = sa.select(
        DOCUMENTS.c.id,
        DOCUMENTS.c.batch_id,
        DOCUMENTS.c.path,
        DOCUMENTS.c.error_stage,
        DOCUMENTS.c.error_category,
        DOCUMENTS.c.error_reason,
    ).where(DOCUMENTS.c.state == DocumentState.FAILED.value)
    if batch_ids is not None:
        statement = statement.where(DOCUMENTS.c.batch_id.in_(batch_ids))
    rows = connection.execute(
        statement.order_by(DOCUMENTS.c.finished_at.desc(), DOCUMENTS.c.id).limit(limit)
    )
    return [dict(r._mapping) for r in rows]


class MonitoringStore:
    """The monitoring read models, each read in one read-only transaction run by ``tx``."""

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def cluster_totals(self) -> ClusterTotals:
        """Terminal documents, pages and batches per state over every batch."""
        with self._tx.read() as connection:
            return cluster_totals(connection)

    def stage_duration_values(self, batch_id: str) -> dict[Stage, list[int]]:
        """Every recorded stage duration (ms) of a batch, sorted, per stage."""
        with self._tx.read() as connection:
            return stage_duration_values(connection, batch_id)

    def terminal_events(self, batch_id: str) -> list[TerminalEvent]:
        """When each document of the batch completed or failed, with its pages."""
        with self._tx.read() as connection:
            return terminal_events(connection, batch_id)

    def slowest_documents(self, batch_id: str, limit: int = 10) -> list[DocumentTiming]:
        """The batch's documents with the longest summed stage durations."""
        with self._tx.read() as connection:
            return slowest_documents(connection, batch_id, limit)

    def failure_groups(self, batch_id: str) -> list[FailureGroup]:
        """The batch's failed documents grouped by category and code."""
        with self._tx.read() as connection:
            return failure_groups(connection, batch_id)

    def ocr_totals(self, batch_id: str) -> dict[str, int]:
        """Pages, OCR pages and documents that needed OCR in the batch."""
        with self._tx.read() as connection:
            return ocr_totals(connection, batch_id)

    def recent_failures(
        self, limit: int = 10, batch_ids: list[str] | None = None
    ) -> list[dict[str, str | None]]:
        """The most recently failed documents, newest first."""
        with self._tx.read() as connection:
            return recent_failures(connection, limit, batch_ids)

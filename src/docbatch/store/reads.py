"""The read side of the repository: batches, documents, stage results and progress.

Every method runs in its own read-only transaction (deferred on SQLite, so reads never
queue behind writers) and returns frozen records or pipeline models.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from docbatch.errors import NotFoundError
from docbatch.models import (
    CanonicalEntity,
    Chunk,
    EntityType,
    ExtractedDocument,
    Mention,
    Page,
    Relationship,
    Resolution,
    Stage,
)
from docbatch.store import batches, children, monitoring, queries, recovery, reopen, results
from docbatch.store.db import READ_ONLY, Database, busy_error
from docbatch.store.ids import resolve_id
from docbatch.store.records import (
    BatchCounts,
    BatchRecord,
    BatchState,
    DocumentRecord,
    DocumentRef,
    DocumentState,
    EventRecord,
    Priority,
    StageDuration,
)
from docbatch.store.rows import (
    BATCHES,
    DOCUMENTS,
    PROJECTS,
    batch_record,
    batch_select,
    document_record,
    in_batch,
    load_document,
)

__all__ = ["RepositoryReads"]


class RepositoryReads:
    """Read-only queries over one :class:`Database`; :class:`Repository` adds writes."""

    database: Database

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read-only transaction (deferred on SQLite, so it never waits for writers).

        A statement over the PostgreSQL time limit raises
        :class:`~docbatch.errors.DatabaseBusyError` (transient).
        """
        try:
            with self.database.engine.connect() as connection:
                connection = connection.execution_options(**{READ_ONLY: True})
                with connection.begin():
                    yield connection
        except DBAPIError as exc:
            busy = busy_error(exc)
            if busy is None:
                raise
            raise busy from exc

    # -- batches ------------------------------------------------------------------------

    def find_batch(self, batch_id: str) -> BatchRecord | None:
        """One batch, or None if it does not exist."""
        with self._read() as connection:
            row = connection.execute(batch_select().where(BATCHES.c.id == batch_id)).one_or_none()
        return None if row is None else batch_record(row)

    def resolve_batch_id(self, given: str) -> str:
        """The full id of the batch whose id is ``given`` or starts with it (at least
        6 characters); raises :class:`NotFoundError` or
        :class:`~docbatch.errors.AmbiguousIdError`."""
        with self._read() as connection:
            return resolve_id(connection, BATCHES.c.id, given, "batch")

    def resolve_document_id(self, given: str) -> str:
        """The full id of the document whose id is ``given`` or starts with it."""
        with self._read() as connection:
            return resolve_id(connection, DOCUMENTS.c.id, given, "document")

    def get_batch(self, batch_id: str) -> BatchRecord:
        """One batch; raises :class:`NotFoundError` if it does not exist."""
        batch = self.find_batch(batch_id)
        if batch is None:
            raise NotFoundError(f"batch {batch_id} does not exist")
        return batch

    def list_batches(
        self,
        limit: int = 50,
        state: BatchState | None = None,
        project: str | None = None,
        *,
        active_only: bool = False,
    ) -> list[BatchRecord]:
        """The newest batches, optionally of one state, one project, or only active ones."""
        statement = batch_select().order_by(BATCHES.c.created_at.desc(), BATCHES.c.id)
        if state is not None:
            statement = statement.where(BATCHES.c.state == BatchState(state).value)
        if project is not None:
            statement = statement.where(PROJECTS.c.name == project)
        if active_only:
            statement = statement.where(BATCHES.c.state.in_(queries.ACTIVE_BATCH_STATES))
        with self._read() as connection:
            return [batch_record(r) for r in connection.execute(statement.limit(limit))]

    def unenqueued_batches(self, older_than: datetime) -> list[BatchRecord]:
        """Active batches created before ``older_than`` and never marked enqueued.

        Their submitter died between committing and enqueueing; the reconciler sends them.
        """
        statement = batch_select().where(queries.unenqueued_condition(older_than))
        with self._read() as connection:
            rows = connection.execute(statement.order_by(BATCHES.c.created_at))
            return [batch_record(r) for r in rows]

    def related_batches(self, batch_id: str) -> list[BatchRecord]:
        """The batch, the batches it recovers and the recovery batches descending from it
        (every batch cancelling it may change), the oldest ancestor first."""
        with self._read() as connection:
            ids = [*reversed(reopen.ancestors(connection, batch_id))]
            ids += batches.lineage(connection, batch_id)
            rows = connection.execute(batch_select().where(BATCHES.c.id.in_(ids))).all()
        by_id = {record.id: record for record in map(batch_record, rows)}
        return [by_id[i] for i in ids if i in by_id]

    def batch_counts(self, batch_id: str) -> BatchCounts:
        """Document counts recomputed from the documents, to rebuild progress."""
        with self._read() as connection:
            return batches.batch_counts(connection, batch_id)

    def document_states(self, batch_id: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """``({document: state}, {document: {stage: outcome}})`` for progress rebuilds."""
        with self._read() as connection:
            return queries.document_states(connection, batch_id)

    def stage_outcome_counts(self, batch_id: str) -> dict[str, dict[str, int]]:
        """``{stage: {outcome: documents}}`` (done, failed, cancelled) over the batch."""
        with self._read() as connection:
            return queries.stage_outcome_counts(connection, batch_id)

    def batch_totals(self, batch_id: str) -> dict[str, int]:
        """Stored pages, chunks, mentions, relationships and distinct entities."""
        with self._read() as connection:
            return queries.batch_totals(connection, batch_id)

    def stage_durations(self, batch_id: str) -> dict[Stage, StageDuration]:
        """Per-stage timings of a batch, from the event log."""
        with self._read() as connection:
            return batches.stage_durations(connection, batch_id)

    def events(self, batch_id: str, since_id: int = 0, limit: int = 1000) -> list[EventRecord]:
        """Events of a batch after ``since_id``, oldest first."""
        with self._read() as connection:
            return batches.read_events(connection, batch_id, since_id, limit)

    # -- monitoring (see docbatch.store.monitoring) ------------------------------------

    def cluster_totals(self) -> monitoring.ClusterTotals:
        """Terminal documents, pages and batches per state over every batch."""
        with self._read() as connection:
            return monitoring.cluster_totals(connection)

    def stage_duration_values(self, batch_id: str) -> dict[Stage, list[int]]:
        """Every recorded stage duration (ms) of a batch, sorted, per stage."""
        with self._read() as connection:
            return monitoring.stage_duration_values(connection, batch_id)

    def terminal_events(self, batch_id: str) -> list[monitoring.TerminalEvent]:
        """When each document of the batch completed or failed, with its pages."""
        with self._read() as connection:
            return monitoring.terminal_events(connection, batch_id)

    def slowest_documents(self, batch_id: str, limit: int = 10) -> list[monitoring.DocumentTiming]:
        """The batch's documents with the longest summed stage durations."""
        with self._read() as connection:
            return monitoring.slowest_documents(connection, batch_id, limit)

    def failure_groups(self, batch_id: str) -> list[monitoring.FailureGroup]:
        """The batch's failed documents grouped by category and code."""
        with self._read() as connection:
            return monitoring.failure_groups(connection, batch_id)

    def ocr_totals(self, batch_id: str) -> dict[str, int]:
        """Pages, OCR pages and documents that needed OCR in the batch."""
        with self._read() as connection:
            return monitoring.ocr_totals(connection, batch_id)

    def recent_failures(
        self, limit: int = 10, batch_ids: list[str] | None = None
    ) -> list[dict[str, str | None]]:
        """The most recently failed documents, newest first."""
        with self._read() as connection:
            return monitoring.recent_failures(connection, limit, batch_ids)

    # -- documents ----------------------------------------------------------------------

    def batch_documents(
        self,
        batch_id: str,
        state: DocumentState | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[DocumentRecord]:
        """Documents of a batch in a stable order (path, id), optionally of one state."""
        statement = sa.select(DOCUMENTS).where(in_batch(batch_id))
        if state is not None:
            statement = statement.where(DOCUMENTS.c.state == DocumentState(state).value)
        statement = statement.order_by(DOCUMENTS.c.path, DOCUMENTS.c.id)
        with self._read() as connection:
            rows = connection.execute(statement.limit(limit).offset(offset))
            return [document_record(r) for r in rows]

    def pending_document_ids(self, batch_id: str) -> list[str]:
        """Ids of the batch's pending documents (what to enqueue)."""
        with self._read() as connection:
            return queries.document_ids(connection, batch_id, [DocumentState.PENDING])

    def pending_documents(
        self,
        batch_id: str,
        id_range: tuple[str | None, str] | None = None,
        *,
        limit: int | None = None,
    ) -> list[DocumentRef]:
        """The batch's pending documents, each with its own stage and priority (what to
        send when enqueueing: a recovery batch's documents wait at their failed stage).

        ``id_range`` ``(after, upto]`` limits them to one fan-out slice (see
        :func:`docbatch.worker.dispatch.send_fanout`); ``limit`` to the first ones.
        """
        with self._read() as connection:
            return queries.unfinished_documents(
                connection, batch_id, [DocumentState.PENDING], id_range=id_range, limit=limit
            )

    def id_slices(self, batch_id: str, size: int) -> list[tuple[str | None, str]]:
        """The batch's document ids cut into ranges ``(after, upto]`` of ``size`` each."""
        with self._read() as connection:
            return queries.id_slices(connection, batch_id, size)

    def unfinished_documents(self, batch_id: str) -> list[DocumentRef]:
        """The batch's pending and processing documents, with stage and priority."""
        with self._read() as connection:
            return queries.unfinished_documents(connection, batch_id)

    def get_document(self, document_id: str) -> DocumentRecord:
        """One document; raises :class:`NotFoundError` if it does not exist."""
        with self._read() as connection:
            return load_document(connection, document_id)

    def holds_claim(self, document_id: str, owner: str) -> bool:
        """True while the document is processing under ``owner``'s claim."""
        with self._read() as connection:
            row = connection.execute(
                sa.select(DOCUMENTS.c.state, DOCUMENTS.c.lease_owner).where(
                    DOCUMENTS.c.id == document_id
                )
            ).one_or_none()
        return row is not None and (row.state, row.lease_owner) == (
            DocumentState.PROCESSING.value,
            owner,
        )

    def expired_leases(self, now: datetime, limit: int = 1000) -> list[DocumentRef]:
        """Processing documents whose lease ended before ``now``."""
        with self._read() as connection:
            return recovery.expired_leases(connection, now, limit)

    def stale_pending(self, older_than: datetime, limit: int = 1000) -> list[DocumentRef]:
        """Pending documents of batches enqueued before ``older_than`` (lost messages)."""
        with self._read() as connection:
            return recovery.stale_pending(connection, older_than, limit)

    # -- priorities (see docbatch.worker.fairness) --------------------------------------

    def finished_by_priority(self, since: datetime) -> dict[Priority, int]:
        """Documents completed or failed since ``since``, per priority of their batch."""
        with self._read() as connection:
            return queries.finished_by_priority(connection, since)

    def unfinished_by_priority(self, priority: Priority, limit: int) -> list[DocumentRef]:
        """The oldest unfinished documents of active batches of ``priority``."""
        with self._read() as connection:
            return queries.unfinished_by_priority(connection, priority, limit)

    def documents_ahead(self, batch_id: str) -> int:
        """Unfinished documents of batches the brokers serve before this one."""
        with self._read() as connection:
            return queries.documents_ahead(connection, batch_id)

    # -- stage results ------------------------------------------------------------------

    def document_pages(self, document_id: str) -> list[Page]:
        """The pages the extract stage stored."""
        with self._read() as connection:
            return results.read_pages(connection, document_id)

    def document_chunks(self, document_id: str) -> list[Chunk]:
        """The chunks the chunk stage stored."""
        with self._read() as connection:
            return results.read_chunks(connection, document_id)

    def document_mentions(self, document_id: str) -> list[tuple[Mention, str | None]]:
        """The mentions the entities stage stored, each with its canonical entity id."""
        with self._read() as connection:
            return results.read_mentions(connection, document_id)

    def document_relationships(self, document_id: str) -> list[Relationship]:
        """The relationships the relate stage stored (the document node is its id)."""
        with self._read() as connection:
            return results.read_relationships(connection, document_id)

    def load_blob(self, sha256: str) -> bytes:
        """The stored bytes of a container's member (see :mod:`docbatch.store.children`)."""
        with self._read() as connection:
            return children.read_blob(connection, sha256)

    def load_extracted(self, document_id: str) -> ExtractedDocument:
        """The extract stage's output, as the chunk stage reads it."""
        with self._read() as connection:
            return results.read_extracted(connection, load_document(connection, document_id))

    def load_chunks(self, document_id: str) -> tuple[Chunk, ...]:
        """The chunk stage's output."""
        return tuple(self.document_chunks(document_id))

    def load_mentions(self, document_id: str) -> tuple[Mention, ...]:
        """The entities stage's output (without entity ids)."""
        return tuple(m for m, _ in self.document_mentions(document_id))

    def load_resolution(self, document_id: str) -> Resolution:
        """The resolve stage's output, rebuilt from mentions and canonical entities."""
        with self._read() as connection:
            return results.read_resolution(connection, load_document(connection, document_id))

    def project_entities(
        self,
        project_id: int,
        types: Sequence[EntityType],
        keys: Sequence[str] | None = None,
        *,
        since: datetime | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[CanonicalEntity]:
        """Canonical entities of a project (of ``types``; of ``keys``, of ``ids`` and
        created at or after ``since`` when given)."""
        with self._read() as connection:
            return results.read_project_entities(connection, project_id, types, keys, since, ids)

    def entity_alias_counts(
        self, project_id: int, types: Sequence[EntityType], since: datetime
    ) -> dict[str, int]:
        """Id -> alias count of a project's entities of ``types`` created since ``since``."""
        with self._read() as connection:
            return results.read_entity_alias_counts(connection, project_id, types, since)

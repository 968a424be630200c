"""The SQL schema of the system of record, as SQLAlchemy 2 typed declarative tables.

The repository talks to these tables with Core statements (``Model.__table__``) so that
every state change is one conditional UPDATE whose rowcount it can check. States and
stages are stored as plain strings (the values of the str enums in
:mod:`docbatch.store.records` and :class:`docbatch.models.Stage`) so adding a value never
needs a database enum migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "BatchRow",
    "BlobRow",
    "ChunkRow",
    "DocumentRow",
    "EntityAliasRow",
    "EntityRow",
    "EventRow",
    "MentionRow",
    "OcrRangeRow",
    "PageRow",
    "ProjectRow",
    "QuarantineRow",
    "RelationshipRow",
    "UTCDateTime",
    "utcnow",
]


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always UTC and timezone-aware in Python.

    PostgreSQL stores ``timestamptz``. SQLite has no time zones, so the value is stored
    as naive UTC in SQLAlchemy's fixed-width text format; that format sorts like time,
    so ``lease_expires_at < :now`` works there too.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert to UTC (naive values are taken as UTC already)."""
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Hand back an aware UTC datetime whatever the backend returned."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: JSON everywhere; JSONB on PostgreSQL (smaller, indexable).
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
#: SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every docbatch table."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType}


class ProjectRow(Base):
    """A project: the scope of canonical entities."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime]


class BatchRow(Base):
    """A batch of documents, with counters maintained by terminal transitions."""

    __tablename__ = "batches"
    __table_args__ = (sa.Index(None, "state", "created_at"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(32))
    priority: Mapped[str] = mapped_column(sa.String(16))
    total: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int] = mapped_column(default=0)
    options: Mapped[dict[str, Any]]
    # SET NULL: deleting an original batch must not delete its recovery batches.
    parent_batch_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("batches.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    enqueued_at: Mapped[datetime | None]
    finalized_count: Mapped[int] = mapped_column(default=0)


class DocumentRow(Base):
    """One document and its place in the state machine."""

    __tablename__ = "documents"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "external_id"),
        sa.Index(None, "batch_id", "state"),
        sa.Index(None, "state", "lease_expires_at"),
        sa.Index(None, "sha256"),
        sa.Index(None, "state", "retry_at"),
        sa.Index(None, "recovery_batch_id"),
        sa.Index(None, "parent_id"),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    batch_id: Mapped[str] = mapped_column(sa.ForeignKey("batches.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(sa.String(500))
    path: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    mime: Mapped[str | None] = mapped_column(sa.String(200))
    page_count: Mapped[int | None]
    ocr_pages: Mapped[int | None]
    # "metadata" is reserved on declarative classes, hence the attribute name.
    meta: Mapped[dict[str, Any]] = mapped_column("metadata")
    extracted_metadata: Mapped[dict[str, Any] | None]
    #: Warning codes of the extract stage (``no_text``, ...), None before it ran.
    warnings: Mapped[list[str] | None] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(sa.String(32))
    stage: Mapped[str] = mapped_column(sa.String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    lease_expires_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(sa.String(200))
    error_category: Mapped[str | None] = mapped_column(sa.String(32))
    error_code: Mapped[str | None] = mapped_column(sa.String(100))
    error_reason: Mapped[str | None] = mapped_column(sa.Text)
    error_stage: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Error recovery (migration 0002): a parked retry's due time, retries spent by the
    # retry policy, and the recovery batch that re-opened this failed document (no FK,
    # like the event log: the link outlives a deleted recovery batch).
    retry_at: Mapped[datetime | None]
    retries: Mapped[int] = mapped_column(default=0, server_default="0")
    recovery_batch_id: Mapped[str | None] = mapped_column(sa.String(36))
    # Set by the extract step's hand-off to OCR (migration 0005): a document re-sent at
    # the extract stage is sent as the OCR step. Read only while the stage is extract.
    needs_ocr: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The state a recovery re-opened the document from, "failed" or "cancelled" (0005).
    reopened_from: Mapped[str | None] = mapped_column(sa.String(32))
    # Containers (migration 0009): the container this document came out of (no FK, like
    # recovery_batch_id), its path inside it, and how many containers deep it is.
    parent_id: Mapped[str | None] = mapped_column(sa.String(36))
    container_path: Mapped[str | None] = mapped_column(sa.Text)
    depth: Mapped[int] = mapped_column(default=0, server_default="0")


def _document_fk() -> Mapped[str]:
    return mapped_column(
        sa.String(36), sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )


class PageRow(Base):
    """The text of one page (extract stage)."""

    __tablename__ = "pages"

    document_id: Mapped[str] = _document_fk()
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(sa.Text)
    ocr: Mapped[bool] = mapped_column(default=False)
    ocr_engine: Mapped[str | None] = mapped_column(sa.String(50))
    ocr_confidence: Mapped[float | None]
    low_confidence: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class ChunkRow(Base):
    """One chunk of a document's text (chunk stage)."""

    __tablename__ = "chunks"

    document_id: Mapped[str] = _document_fk()
    index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(sa.Text)
    char_start: Mapped[int]
    char_end: Mapped[int]
    page_start: Mapped[int]
    page_end: Mapped[int]


class MentionRow(Base):
    """One entity mention (entities stage); ``entity_id`` is set by the resolve stage."""

    __tablename__ = "mentions"
    __table_args__ = (sa.Index(None, "entity_id"),)

    document_id: Mapped[str] = _document_fk()
    index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    normalized: Mapped[str] = mapped_column(sa.Text)
    char_start: Mapped[int]
    char_end: Mapped[int]
    chunk_index: Mapped[int]
    page: Mapped[int]
    confidence: Mapped[float]
    extractor: Mapped[str] = mapped_column(sa.String(50))
    attributes: Mapped[dict[str, Any]]
    # No FK: canonical entities are keyed by (project_id, id) and the id alone is enough
    # to join within a project.
    entity_id: Mapped[str | None] = mapped_column(sa.String(100))


class EntityRow(Base):
    """A project-wide canonical entity (resolve stage)."""

    __tablename__ = "entities"
    __table_args__ = (
        sa.Index(None, "project_id", "type", "key"),
        sa.Index(None, "project_id", "created_at"),
    )

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.Text)
    name: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime]


class EntityAliasRow(Base):
    """One surface form of a canonical entity.

    The entity and its new aliases are written together by the resolve stage, and
    entities are only ever deleted with their project, so the aliases reference the
    project, not the entity: on PostgreSQL a key to ``entities`` share-locked one entity
    row per new alias (a WAL record each), which cost half of a document's commit.
    """

    __tablename__ = "entity_aliases"

    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    alias: Mapped[str] = mapped_column(sa.Text, primary_key=True)


class RelationshipRow(Base):
    """One typed edge (relate stage); the document node is stored as the document id."""

    __tablename__ = "relationships"

    document_id: Mapped[str] = _document_fk()
    index: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(100))
    target: Mapped[str] = mapped_column(sa.String(100))
    weight: Mapped[int]
    evidence: Mapped[list[int]] = mapped_column(JSONType)
    attributes: Mapped[dict[str, Any]]


class EventRow(Base):
    """The append-only event log: claims, stage timings, failures, finalisations."""

    __tablename__ = "events"
    __table_args__ = (sa.Index(None, "batch_id", "id"), sa.Index(None, "document_id"))

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    # Deliberately no FKs: the log outlives what it describes.
    batch_id: Mapped[str | None] = mapped_column(sa.String(36))
    document_id: Mapped[str | None] = mapped_column(sa.String(36))
    stage: Mapped[str | None] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(32))
    attempt: Mapped[int | None]
    duration_ms: Mapped[int | None]
    detail: Mapped[dict[str, Any]]


class QuarantineRow(Base):
    """Bytes (by sha256) that failed one stage with one error code, and how often."""

    __tablename__ = "quarantine"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    stage: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    error_code: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    error_category: Mapped[str] = mapped_column(sa.String(32))
    count: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.Text)
    first_seen: Mapped[datetime]
    last_seen: Mapped[datetime]
    released: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    released_at: Mapped[datetime | None]


class BlobRow(Base):
    """The bytes of a child document (a container's member), by their sha256.

    Content-addressed: a member's name never becomes a file name, and the same member
    in two containers is stored once.
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class OcrRangeRow(Base):
    """One page range of a big scan, OCR'd by any worker (see :mod:`docbatch.store.ocr_ranges`).

    ``pages`` are the range's 1-based page numbers; ``result`` is what OCR read on them
    (one page dict each), written once. ``sha256`` and ``version`` are the bytes and the
    extract options the range was planned for: a plan for other bytes or options is
    never used. ``owner`` and ``lease_expires_at`` are the claim of the worker reading
    it; ``attempts`` counts claims that ended without a result.
    """

    __tablename__ = "ocr_ranges"

    document_id: Mapped[str] = _document_fk()
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    pages: Mapped[list[int]] = mapped_column(JSONType)
    page_count: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[str] = mapped_column(sa.String(64))
    owner: Mapped[str | None] = mapped_column(sa.String(200))
    lease_expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    result: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    finished_at: Mapped[datetime | None]

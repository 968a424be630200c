"""Stage results read back as pipeline models: pages, chunks, mentions, relationships,
canonical entities, and container members' bytes.

:class:`ResultStore` runs each read in one read-only transaction; the rows are written by
:mod:`docbatch.store.result_writes` when a stage completes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import (
    CanonicalEntity,
    Chunk,
    EntityType,
    ExtractedDocument,
    Mention,
    Page,
    Relationship,
    RelationType,
    Resolution,
)
from docbatch.store import children
from docbatch.store.records import DocumentRecord
from docbatch.store.result_writes import (
    ALIASES,
    CHUNKS,
    ENTITIES,
    MENTIONS,
    PAGES,
    RELATIONSHIPS,
)
from docbatch.store.rows import DOCUMENTS, chunked, load_document
from docbatch.store.transactions import Transactor

__all__ = [
    "ResultStore",
    "read_chunks",
    "read_entity_alias_counts",
    "read_extracted",
    "read_mentions",
    "read_pages",
    "read_project_entities",
    "read_relationships",
    "read_resolution",
]


class ResultStore:
    """A document's stored stage results and a project's entities, read back."""

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def pages(self, document_id: str) -> list[Page]:
        """The pages the extract stage stored."""
        with self._tx.read() as connection:
            return read_pages(connection, document_id)

    def chunks(self, document_id: str) -> list[Chunk]:
        """The chunks the chunk stage stored."""
        with self._tx.read() as connection:
            return read_chunks(connection, document_id)

    def mentions(self, document_id: str) -> list[tuple[Mention, str | None]]:
        """The mentions the entities stage stored, each with its canonical entity id."""
        with self._tx.read() as connection:
            return read_mentions(connection, document_id)

    def relationships(self, document_id: str) -> list[Relationship]:
        """The relationships the relate stage stored (the document node is its id)."""
        with self._tx.read() as connection:
            return read_relationships(connection, document_id)

    def blob(self, sha256: str) -> bytes:
        """The stored bytes of a container's member (see :mod:`docbatch.store.children`)."""
        with self._tx.read() as connection:
            return children.read_blob(connection, sha256)

    def load_extracted(self, document_id: str) -> ExtractedDocument:
        """The extract stage's output, as the chunk stage reads it."""
        with self._tx.read() as connection:
            return read_extracted(connection, load_document(connection, document_id))

    def load_chunks(self, document_id: str) -> tuple[Chunk, ...]:
        """The chunk stage's output."""
        return tuple(self.chunks(document_id))

    def load_mentions(self, document_id: str) -> tuple[Mention, ...]:
        """The entities stage's output (without entity ids)."""
        return tuple(m for m, _ in self.mentions(document_id))

    def load_resolution(self, document_id: str) -> Resolution:
        """The resolve stage's output, rebuilt from mentions and canonical entities."""
        with self._tx.read() as connection:
            return read_resolution(connection, load_document(connection, document_id))

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
        with self._tx.read() as connection:
            return read_project_entities(connection, project_id, types, keys, since, ids)

    def entity_alias_counts(
        self, project_id: int, types: Sequence[EntityType], since: datetime
    ) -> dict[str, int]:
        """Id -> alias count of a project's entities of ``types`` created since ``since``."""
        with self._tx.read() as connection:
            return read_entity_alias_counts(connection, project_id, types, since)


def read_pages(connection: Connection, document_id: str) -> list[Page]:
    """The pages of a document, in page order."""
    rows = connection.execute(
        sa.select(PAGES).where(PAGES.c.document_id == document_id).order_by(PAGES.c.number)
    )
    return [
        Page(r.number, r.text, bool(r.ocr), r.ocr_engine, r.ocr_confidence, bool(r.low_confidence))
        for r in rows
    ]


def read_extracted(connection: Connection, doc: DocumentRecord) -> ExtractedDocument:
    """The extract stage's output rebuilt from the pages and the document row."""
    extracted_metadata, warnings = connection.execute(
        sa.select(DOCUMENTS.c.extracted_metadata, DOCUMENTS.c.warnings).where(
            DOCUMENTS.c.id == doc.id
        )
    ).one()
    return ExtractedDocument(
        mime=doc.mime or "application/octet-stream",
        pages=tuple(read_pages(connection, doc.id)),
        metadata=dict(extracted_metadata or {}),
        warnings=tuple(warnings or ()),
    )


def read_chunks(connection: Connection, document_id: str) -> list[Chunk]:
    """The chunks of a document, in order."""
    rows = connection.execute(
        sa.select(CHUNKS).where(CHUNKS.c.document_id == document_id).order_by(CHUNKS.c.index)
    )
    # Row is a tuple, so ``row.index`` would be tuple.index: read the mapping instead.
    return [
        Chunk(m["index"], m["text"], m["char_start"], m["char_end"], m["page_start"], m["page_end"])
        for m in rows.mappings()
    ]


def read_mentions(connection: Connection, document_id: str) -> list[tuple[Mention, str | None]]:
    """The mentions of a document in order, each with its canonical entity id (or None)."""
    rows = connection.execute(
        sa.select(MENTIONS).where(MENTIONS.c.document_id == document_id).order_by(MENTIONS.c.index)
    )
    return [
        (
            Mention(
                type=EntityType(r.type),
                text=r.text,
                normalized=r.normalized,
                char_start=r.char_start,
                char_end=r.char_end,
                chunk_index=r.chunk_index,
                page=r.page,
                confidence=r.confidence,
                extractor=r.extractor,
                attributes=dict(r.attributes or {}),
            ),
            r.entity_id,
        )
        for r in rows
    ]


def read_relationships(connection: Connection, document_id: str) -> list[Relationship]:
    """The relationships of a document, in order (the document node is its id)."""
    rows = connection.execute(
        sa.select(RELATIONSHIPS)
        .where(RELATIONSHIPS.c.document_id == document_id)
        .order_by(RELATIONSHIPS.c.index)
    )
    return [
        Relationship(
            type=RelationType(r.type),
            source=r.source,
            target=r.target,
            weight=r.weight,
            evidence=tuple(r.evidence or ()),
            attributes=dict(r.attributes or {}),
        )
        for r in rows
    ]


def read_project_entities(
    connection: Connection,
    project_id: int,
    types: Sequence[EntityType],
    keys: Sequence[str] | None = None,
    since: Any = None,
    ids: Sequence[str] | None = None,
) -> list[CanonicalEntity]:
    """Canonical entities of a project of the given types (and keys, and ids, and created
    at or after ``since``), with aliases."""
    base = [ENTITIES.c.project_id == project_id, ENTITIES.c.type.in_([t.value for t in types])]
    if since is not None:
        base.append(ENTITIES.c.created_at >= since)
    # Keys and ids are looked up in slices: SQLite caps the number of bound parameters.
    lookups: list[sa.ColumnElement[bool] | None] = [None]
    if keys is not None or ids is not None:
        column, values = (ENTITIES.c.key, keys) if keys is not None else (ENTITIES.c.id, ids)
        lookups = [column.in_(list(part)) for part in chunked(sorted(set(values or ())), 500)]
    found: dict[str, tuple[Any, list[str]]] = {}
    for lookup in lookups:
        conditions = base if lookup is None else [*base, lookup]
        rows = connection.execute(
            sa.select(ENTITIES, ALIASES.c.alias)
            .outerjoin(
                ALIASES,
                sa.and_(
                    ALIASES.c.project_id == ENTITIES.c.project_id,
                    ALIASES.c.entity_id == ENTITIES.c.id,
                ),
            )
            .where(*conditions)
            .order_by(ENTITIES.c.id, ALIASES.c.alias)
        )
        for r in rows:
            _, aliases = found.setdefault(r.id, (r, []))
            if r.alias is not None:
                aliases.append(r.alias)
    return [
        CanonicalEntity(r.id, EntityType(r.type), r.key, r.name, tuple(aliases))
        for r, aliases in sorted(found.values(), key=lambda item: item[0].id)
    ]


def read_entity_alias_counts(
    connection: Connection, project_id: int, types: Sequence[EntityType], since: Any
) -> dict[str, int]:
    """Entity id -> number of aliases, for a project's entities of ``types`` created at or
    after ``since``: what changed, without reading the entities themselves."""
    rows = connection.execute(
        sa.select(ENTITIES.c.id, sa.func.count(ALIASES.c.alias))
        .outerjoin(
            ALIASES,
            sa.and_(
                ALIASES.c.project_id == ENTITIES.c.project_id,
                ALIASES.c.entity_id == ENTITIES.c.id,
            ),
        )
        .where(
            ENTITIES.c.project_id == project_id,
            ENTITIES.c.created_at >= since,
            ENTITIES.c.type.in_([t.value for t in types]),
        )
        .group_by(ENTITIES.c.id)
    )
    return {entity_id: count for entity_id, count in rows}


def read_resolution(connection: Connection, doc: DocumentRecord) -> Resolution:
    """The resolve stage's output rebuilt from the mentions' entity ids.

    A mention not resolved yet has no assignment; callers read this after resolve only.
    """
    assignments = tuple(entity or "" for _, entity in read_mentions(connection, doc.id))
    ids = sorted({a for a in assignments if a})
    entities: list[CanonicalEntity] = []
    for id_slice in chunked(ids, 500):
        rows = connection.execute(
            sa.select(ENTITIES.c.id, ENTITIES.c.type, ENTITIES.c.key).where(
                ENTITIES.c.project_id == doc.project_id, ENTITIES.c.id.in_(list(id_slice))
            )
        ).all()
        by_type: dict[str, list[str]] = {}
        for r in rows:
            by_type.setdefault(r.type, []).append(r.key)
        for kind, keys in by_type.items():
            entities.extend(
                e
                for e in read_project_entities(connection, doc.project_id, [EntityType(kind)], keys)
                if e.id in set(id_slice)
            )
    return Resolution(tuple(sorted(entities, key=lambda e: e.id)), assignments)

"""Stage results: written idempotently, read back as pipeline models.

:func:`write_stage` replaces whatever an earlier run of the same stage left for the
document (delete, then bulk insert) inside the transaction that advanced the document,
so a stage run twice leaves exactly one set of rows. Canonical entities are project-wide
and inserted with ``ON CONFLICT DO NOTHING``, in key order, so documents resolving the
same entity at once neither fail nor deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import (
    DOCUMENT_NODE,
    CanonicalEntity,
    Chunk,
    EntityType,
    ExtractedDocument,
    Mention,
    Page,
    Relationship,
    RelationType,
    Resolution,
    Stage,
)
from docbatch.store.records import DocumentRecord, ExtractResult
from docbatch.store.rows import DOCUMENTS, chunked, insert_ignoring_duplicates
from docbatch.store.tables import (
    ChunkRow,
    EntityAliasRow,
    EntityRow,
    MentionRow,
    PageRow,
    RelationshipRow,
)

__all__ = [
    "read_chunks",
    "read_extracted",
    "read_mentions",
    "read_pages",
    "read_project_entities",
    "read_relationships",
    "read_resolution",
    "write_stage",
]

PAGES: sa.Table = PageRow.__table__  # type: ignore[assignment]
CHUNKS: sa.Table = ChunkRow.__table__  # type: ignore[assignment]
MENTIONS: sa.Table = MentionRow.__table__  # type: ignore[assignment]
ENTITIES: sa.Table = EntityRow.__table__  # type: ignore[assignment]
ALIASES: sa.Table = EntityAliasRow.__table__  # type: ignore[assignment]
RELATIONSHIPS: sa.Table = RelationshipRow.__table__  # type: ignore[assignment]

#: The table each stage owns (resolve owns only ``mentions.entity_id``).
_STAGE_TABLE = {
    Stage.EXTRACT: PAGES,
    Stage.CHUNK: CHUNKS,
    Stage.ENTITIES: MENTIONS,
    Stage.RELATE: RELATIONSHIPS,
}


def write_stage(
    connection: Connection, doc: DocumentRecord, stage: Stage, payload: Any, now: Any
) -> None:
    """Replace the rows ``stage`` produced for ``doc`` with ``payload``'s."""
    table = _STAGE_TABLE.get(stage)
    if table is not None:
        connection.execute(sa.delete(table).where(table.c.document_id == doc.id))
    if stage is Stage.EXTRACT:
        _write_pages(connection, doc, payload)
    elif stage is Stage.CHUNK:
        rows = [{"document_id": doc.id, **_chunk_values(c)} for c in payload]
        _insert(connection, CHUNKS, rows)
    elif stage is Stage.ENTITIES:
        _insert(
            connection, MENTIONS, [_mention_values(doc.id, i, m) for i, m in enumerate(payload)]
        )
    elif stage is Stage.RESOLVE:
        _write_resolution(connection, doc, payload, now)
    else:
        _insert(
            connection,
            RELATIONSHIPS,
            [_relationship_values(doc.id, i, r) for i, r in enumerate(payload)],
        )


def _insert(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    # Bounded executemany batches keep memory flat for documents with huge outputs.
    for part in chunked(rows, 2000):
        connection.execute(sa.insert(table), list(part))


def _write_pages(
    connection: Connection, doc: DocumentRecord, payload: ExtractedDocument | ExtractResult
) -> None:
    identity: dict[str, Any] = {}
    if isinstance(payload, ExtractResult):
        identity = {"sha256": payload.sha256, "size_bytes": payload.size_bytes}
        extracted = payload.document
    else:
        extracted = payload
    rows = [
        {
            "document_id": doc.id,
            "number": p.number,
            "text": p.text,
            "ocr": p.ocr,
            "ocr_engine": p.ocr_engine,
            "ocr_confidence": p.ocr_confidence,
        }
        for p in extracted.pages
    ]
    _insert(connection, PAGES, rows)
    connection.execute(
        sa.update(DOCUMENTS)
        .where(DOCUMENTS.c.id == doc.id)
        .values(
            mime=extracted.mime,
            page_count=len(extracted.pages),
            ocr_pages=extracted.ocr_pages,
            extracted_metadata=dict(extracted.metadata),
            **identity,
        )
    )


def _chunk_values(chunk: Chunk) -> dict[str, Any]:
    return {
        "index": chunk.index,
        "text": chunk.text,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "page_start": chunk.page_start,
        "page_end": chunk.page_end,
    }


def _mention_values(document_id: str, index: int, mention: Mention) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "index": index,
        "type": mention.type.value,
        "text": mention.text,
        "normalized": mention.normalized,
        "char_start": mention.char_start,
        "char_end": mention.char_end,
        "chunk_index": mention.chunk_index,
        "page": mention.page,
        "confidence": mention.confidence,
        "extractor": mention.extractor,
        "attributes": dict(mention.attributes),
        "entity_id": None,
    }


def _relationship_values(document_id: str, index: int, edge: Relationship) -> dict[str, Any]:
    def node(value: str) -> str:
        return document_id if value == DOCUMENT_NODE else value

    return {
        "document_id": document_id,
        "index": index,
        "type": edge.type.value,
        "source": node(edge.source),
        "target": node(edge.target),
        "weight": edge.weight,
        "evidence": list(edge.evidence),
        "attributes": dict(edge.attributes),
    }


def _write_resolution(
    connection: Connection, doc: DocumentRecord, resolution: Resolution, now: Any
) -> None:
    mentions = connection.execute(
        sa.select(sa.func.count()).select_from(MENTIONS).where(MENTIONS.c.document_id == doc.id)
    ).scalar_one()
    if mentions != len(resolution.assignments):
        raise ValueError(
            f"resolution assigns {len(resolution.assignments)} mentions, "
            f"document {doc.id} has {mentions}"
        )
    # Sorted so that concurrent transactions take row locks in the same order.
    entities = sorted(resolution.entities, key=lambda e: e.id)
    insert_ignoring_duplicates(
        connection,
        ENTITIES,
        [
            {
                "project_id": doc.project_id,
                "id": e.id,
                "type": e.type.value,
                "key": e.key,
                "name": e.name,
                "created_at": now,
            }
            for e in entities
        ],
    )
    aliases = sorted({(e.id, alias) for e in entities for alias in e.aliases})
    insert_ignoring_duplicates(
        connection,
        ALIASES,
        [{"project_id": doc.project_id, "entity_id": i, "alias": a} for i, a in aliases],
    )
    if resolution.assignments:
        statement = (
            sa.update(MENTIONS)
            .where(
                MENTIONS.c.document_id == sa.bindparam("doc"),
                MENTIONS.c.index == sa.bindparam("idx"),
            )
            .values(entity_id=sa.bindparam("entity"))
        )
        params = [
            {"doc": doc.id, "idx": i, "entity": entity}
            for i, entity in enumerate(resolution.assignments)
        ]
        connection.execute(statement, params)


def read_pages(connection: Connection, document_id: str) -> list[Page]:
    """The pages of a document, in page order."""
    rows = connection.execute(
        sa.select(PAGES).where(PAGES.c.document_id == document_id).order_by(PAGES.c.number)
    )
    return [Page(r.number, r.text, bool(r.ocr), r.ocr_engine, r.ocr_confidence) for r in rows]


def read_extracted(connection: Connection, doc: DocumentRecord) -> ExtractedDocument:
    """The extract stage's output rebuilt from the pages and the document row."""
    extracted_metadata = connection.execute(
        sa.select(DOCUMENTS.c.extracted_metadata).where(DOCUMENTS.c.id == doc.id)
    ).scalar_one()
    return ExtractedDocument(
        mime=doc.mime or "application/octet-stream",
        pages=tuple(read_pages(connection, doc.id)),
        metadata=dict(extracted_metadata or {}),
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
) -> list[CanonicalEntity]:
    """Canonical entities of a project of the given types (and keys, and created at or
    after ``since``), with aliases."""
    base = [ENTITIES.c.project_id == project_id, ENTITIES.c.type.in_([t.value for t in types])]
    if since is not None:
        base.append(ENTITIES.c.created_at >= since)
    # Keys are looked up in slices: SQLite caps the number of bound parameters.
    key_slices = [None] if keys is None else list(chunked(sorted(set(keys)), 500))
    found: dict[str, tuple[Any, list[str]]] = {}
    for key_slice in key_slices:
        conditions = list(base)
        if key_slice is not None:
            conditions.append(ENTITIES.c.key.in_(list(key_slice)))
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

"""Stage results written idempotently, in the transaction that advances the document.

:func:`write_stage` replaces whatever an earlier run of the same stage left for the
document (delete, then bulk insert) inside the transaction that advanced the document,
so a stage run twice leaves exactly one set of rows. Canonical entities are project-wide
and inserted with ``ON CONFLICT DO NOTHING``, in key order, so documents resolving the
same entity at once neither fail nor deadlock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.models import (
    DOCUMENT_NODE,
    Chunk,
    ExtractedDocument,
    Mention,
    Relationship,
    Resolution,
    Stage,
)
from docbatch.store.ocr_ranges import delete_for
from docbatch.store.records import DocumentRecord, ExtractResult
from docbatch.store.rows import (
    DOCUMENTS,
    bulk_insert,
    chunked,
    insert_ignoring_duplicates,
    json_text,
)
from docbatch.store.schema import (
    ChunkRow,
    EntityAliasRow,
    EntityRow,
    MentionRow,
    PageRow,
    RelationshipRow,
)

__all__ = [
    "ALIASES",
    "CHUNKS",
    "ENTITIES",
    "MENTIONS",
    "PAGES",
    "RELATIONSHIPS",
    "PreparedStages",
    "prepare_stages",
    "write_stage",
    "write_stages",
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
    write_stages(connection, doc, [(stage, payload)], now)


@dataclass(frozen=True, slots=True)
class PreparedStages:
    """Stage results with their bulk rows (mentions, relationships) already built.

    Built before the write transaction opens (:func:`prepare_stages`), so that the
    write lock, which SQLite holds for the whole database, is held for the writes only.
    """

    results: tuple[tuple[Stage, Any], ...]
    rows: dict[Stage, list[tuple[Any, ...]]]


def prepare_stages(document_id: str, results: Sequence[tuple[Stage, Any]]) -> PreparedStages:
    """Build the bulk rows of ``results`` for document ``document_id``.

    When the entities and resolve stages come together, each mention row carries its
    entity id, so the mentions are inserted once instead of being updated afterwards.
    """
    payloads = dict(results)
    resolution: Resolution | None = payloads.get(Stage.RESOLVE)
    rows: dict[Stage, list[tuple[Any, ...]]] = {}
    if Stage.ENTITIES in payloads:
        rows[Stage.ENTITIES] = _mention_rows(document_id, payloads[Stage.ENTITIES], resolution)
    if Stage.RELATE in payloads:
        edges = payloads[Stage.RELATE]
        rows[Stage.RELATE] = [_relationship_row(document_id, i, r) for i, r in enumerate(edges)]
    return PreparedStages(tuple(results), rows)


def write_stages(
    connection: Connection,
    doc: DocumentRecord,
    results: Sequence[tuple[Stage, Any]] | PreparedStages,
    now: Any,
) -> None:
    """Replace the rows of each ``(stage, payload)`` of ``results``, in order."""
    prepared = results if isinstance(results, PreparedStages) else prepare_stages(doc.id, results)
    stages = {stage for stage, _ in prepared.results}
    for stage, payload in prepared.results:
        table = _STAGE_TABLE.get(stage)
        if table is not None:
            connection.execute(sa.delete(table).where(table.c.document_id == doc.id))
        if stage is Stage.EXTRACT:
            _write_pages(connection, doc, payload)
        elif stage is Stage.CHUNK:
            rows = [{"document_id": doc.id, **_chunk_values(c)} for c in payload]
            _insert(connection, CHUNKS, rows)
        elif stage is Stage.ENTITIES:
            bulk_insert(connection, MENTIONS, _MENTION_COLUMNS, prepared.rows[stage])
        elif stage is Stage.RESOLVE:
            _write_resolution(connection, doc, payload, now, assign=Stage.ENTITIES not in stages)
        else:
            bulk_insert(connection, RELATIONSHIPS, _RELATIONSHIP_COLUMNS, prepared.rows[stage])


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
        if payload.ocr_ranges:  # read in ranges: they are in these pages now
            delete_for(connection, doc.id)
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
            "low_confidence": p.low_confidence,
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
            warnings=list(extracted.warnings),
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


_MENTION_COLUMNS = (
    "document_id", "index", "type", "text", "normalized", "char_start", "char_end",
    "chunk_index", "page", "confidence", "extractor", "attributes", "entity_id",
)  # fmt: skip
_RELATIONSHIP_COLUMNS = (
    "document_id", "index", "type", "source", "target", "weight", "evidence", "attributes",
)  # fmt: skip


def _mention_rows(
    document_id: str, mentions: Sequence[Mention], resolution: Resolution | None
) -> list[tuple[Any, ...]]:
    if resolution is not None:
        _check_assignments(resolution, len(mentions), document_id)
    assignments = resolution.assignments if resolution is not None else [None] * len(mentions)
    return [
        (
            document_id, index, m.type.value, m.text, m.normalized, m.char_start, m.char_end,
            m.chunk_index, m.page, m.confidence, m.extractor, json_text(dict(m.attributes)),
            assignments[index] or None,
        )
        for index, m in enumerate(mentions)
    ]  # fmt: skip


def _relationship_row(document_id: str, index: int, edge: Relationship) -> tuple[Any, ...]:
    # Called for hundreds of edges per document: evidence (a list of ints) is formatted
    # directly, at a fraction of json.dumps's cost.
    source, target = edge.source, edge.target
    return (
        document_id, index, edge.type.value,
        document_id if source == DOCUMENT_NODE else source,
        document_id if target == DOCUMENT_NODE else target,
        edge.weight, "[" + ",".join(map(str, edge.evidence)) + "]",
        json_text(dict(edge.attributes)) if edge.attributes else "{}",
    )  # fmt: skip


def _check_assignments(resolution: Resolution, mentions: int, document_id: str) -> None:
    if mentions != len(resolution.assignments):
        raise ValueError(
            f"resolution assigns {len(resolution.assignments)} mentions, "
            f"document {document_id} has {mentions}"
        )


def _write_resolution(
    connection: Connection,
    doc: DocumentRecord,
    resolution: Resolution,
    now: Any,
    *,
    assign: bool = True,
) -> None:
    """Insert the resolution's entities and aliases; with ``assign``, also set the entity
    id of the mentions already stored."""
    if assign:
        mentions = connection.execute(
            sa.select(sa.func.count()).select_from(MENTIONS).where(MENTIONS.c.document_id == doc.id)
        ).scalar_one()
        _check_assignments(resolution, mentions, doc.id)
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
    if assign and resolution.assignments:
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

"""docbatch's stages as plain function calls over one document, without any engine.

This is the floor every orchestrated run is compared with: the same stage functions the
workers call (:mod:`docbatch.pipeline`), with no database, no cache, no broker. Resolve
matches against ``known`` entities when the caller keeps them (a dict updated in place), as
the engine matches against the project's entities; reading those from SQL is part of
what the engine costs, not what the stage costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docbatch.ingest import read_document
from docbatch.models import (
    CanonicalEntity,
    Chunk,
    ExtractedDocument,
    Mention,
    Relationship,
    Resolution,
)
from docbatch.pipeline.chunk import chunk_document
from docbatch.pipeline.entities import extract_mentions
from docbatch.pipeline.extract import extract
from docbatch.pipeline.options import PipelineOptions
from docbatch.pipeline.relate import relate
from docbatch.pipeline.resolve import resolve

__all__ = ["DocumentResult", "process_document", "process_file", "text_mentions"]


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """Everything the pipeline produces for one document."""

    extracted: ExtractedDocument
    chunks: tuple[Chunk, ...]
    mentions: tuple[Mention, ...]
    resolution: Resolution
    relationships: tuple[Relationship, ...]


def text_mentions(
    data: bytes, options: PipelineOptions
) -> tuple[ExtractedDocument, tuple[Chunk, ...], tuple[Mention, ...]]:
    """Extract, chunk and find entities in one document's bytes."""
    extracted = extract(data, options.extract)
    chunks = chunk_document(extracted, options.chunk)
    mentions = extract_mentions(extracted.text, chunks, extracted.page_spans(), options.entities)
    return extracted, chunks, mentions


def process_document(
    data: bytes, options: PipelineOptions, known: dict[str, CanonicalEntity] | None = None
) -> DocumentResult:
    """Run every stage (extract, chunk, entities, resolve, relate) over one document.

    ``known`` (entity id -> entity) is matched against and updated with this
    document's entities, like a project's entity table.
    """
    extracted, chunks, mentions = text_mentions(data, options)
    candidates: tuple[CanonicalEntity, ...] = ()
    if known is not None:
        types = {mention.type for mention in mentions}
        candidates = tuple(e for e in known.values() if e.type in types)
    resolution = resolve(mentions, candidates)
    if known is not None:
        known.update((entity.id, entity) for entity in resolution.entities)
    return DocumentResult(
        extracted, chunks, mentions, resolution, relate(mentions, resolution, chunks)
    )


def process_file(
    path: Path, options: PipelineOptions, known: dict[str, CanonicalEntity] | None = None
) -> DocumentResult:
    """:func:`process_document` over a file, read with docbatch's size limit."""
    data, _sha256 = read_document(str(path), options.extract.max_file_bytes)
    return process_document(data, options, known)

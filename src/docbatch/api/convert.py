"""Records of the store and the client as API response models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docbatch.api.schemas import (
    BatchDetail,
    BatchOut,
    ChunkOut,
    DocumentDetail,
    DocumentOut,
    MentionOut,
    PageOut,
)
from docbatch.errors import public_reason
from docbatch.models import PAGE_SEPARATOR

if TYPE_CHECKING:
    from docbatch.observe.status import BatchStatus
    from docbatch.store.records import BatchRecord, DocumentRecord
    from docbatch.store.repository import Repository

__all__ = ["batch_detail", "batch_out", "document_detail", "document_out"]


def batch_out(batch: BatchRecord) -> BatchOut:
    """A :class:`~docbatch.store.records.BatchRecord` as :class:`BatchOut`."""
    return BatchOut(
        id=batch.id,
        name=batch.name,
        project=batch.project,
        **batch.counters(),
        pages=batch.pages,
        percent=batch.percent,
        parent_batch_id=batch.parent_batch_id,
        created_at=batch.created_at,
        started_at=batch.started_at,
        finished_at=batch.finished_at,
    )


def batch_detail(batch: BatchRecord, status: BatchStatus) -> BatchDetail:
    """A batch with its :class:`~docbatch.observe.status.BatchStatus`."""
    return BatchDetail(
        **batch_out(batch).model_dump(),
        pending=status.pending,
        processing=status.processing,
        recovering=status.recovering,
        ocr_scans=status.ocr_scans,
        ocr_pages_done=status.ocr_pages_done,
        ocr_pages_total=status.ocr_pages_total,
        rate_docs_per_s=status.rate_docs_per_s,
        eta_seconds=status.eta_seconds,
        stages=status.stages,
    )


def document_out(doc: DocumentRecord) -> DocumentOut:
    """A :class:`~docbatch.store.records.DocumentRecord` as :class:`DocumentOut`."""
    return DocumentOut(
        id=doc.id,
        batch_id=doc.batch_id,
        path=doc.path,
        state=doc.state.value,
        stage=doc.stage.value,
        page_count=doc.page_count,
        ocr_pages=doc.ocr_pages,
        warnings=list(doc.warnings),
        attempts=doc.attempts,
        error_category=doc.error_category,
        error_code=doc.error_code,
        # Rows failed before reasons were cleaned may still hold a trace or server paths.
        error_reason=None if doc.error_reason is None else public_reason(doc.error_reason),
        error_stage=doc.error_stage,
        started_at=doc.started_at,
        finished_at=doc.finished_at,
        parent_id=doc.parent_id,
        container_path=doc.container_path,
    )


def document_detail(repo: Repository, doc: DocumentRecord) -> DocumentDetail:
    """A document with its stored pages, chunks and mentions."""
    pages, offset = [], 0
    for page in repo.results.pages(doc.id):
        pages.append(
            PageOut(
                number=page.number,
                text=page.text,
                ocr=page.ocr,
                ocr_confidence=page.ocr_confidence,
                low_confidence=page.low_confidence,
                start=offset,
            )
        )
        offset += len(page.text) + len(PAGE_SEPARATOR)
    chunks = [
        ChunkOut(
            index=c.index,
            text=c.text,
            page_start=c.page_start,
            page_end=c.page_end,
            start=c.char_start,
            end=c.char_end,
        )
        for c in repo.results.chunks(doc.id)
    ]
    mentions = [
        MentionOut(
            type=str(m.type),
            text=m.text,
            normalized=m.normalized,
            start=m.char_start,
            end=m.char_end,
            page=m.page,
            confidence=m.confidence,
            entity_id=entity_id,
        )
        for m, entity_id in repo.results.mentions(doc.id)
    ]
    return DocumentDetail(
        **document_out(doc).model_dump(), pages=pages, chunks=chunks, mentions=mentions
    )

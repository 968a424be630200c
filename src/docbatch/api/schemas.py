"""Pydantic models of the HTTP API's requests and responses (the OpenAPI schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "BatchDetail",
    "BatchOut",
    "DocumentDetail",
    "DocumentOut",
    "Health",
    "SubmitPaths",
]


class SubmitPaths(BaseModel):
    """Submit documents already on the server, inside the allowed roots."""

    paths: list[str] = Field(min_length=1, description="Absolute files or folders.")
    priority: str | None = Field(None, description="high, normal or low.")
    project: str | None = None
    name: str | None = None


class BatchOut(BaseModel):
    """A batch and its counters."""

    id: str
    name: str | None
    project: str
    state: str
    priority: str
    total: int
    completed: int
    failed: int
    cancelled: int
    pages: int
    percent: float
    parent_batch_id: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class BatchDetail(BatchOut):
    """A batch with its live progress: documents per state and stage, rate and ETA."""

    pending: int
    processing: int
    #: Failed documents a recovery batch is running again (still counted in ``failed``).
    recovering: int = 0
    #: Big scans being OCR'd in page ranges now, and their pages read so far of all.
    ocr_scans: int = 0
    ocr_pages_done: int = 0
    ocr_pages_total: int = 0
    rate_docs_per_s: float | None
    eta_seconds: float | None
    stages: dict[str, Any]


class DocumentOut(BaseModel):
    """A document's state, and its failure when it failed."""

    id: str
    batch_id: str
    path: str
    state: str
    stage: str
    page_count: int | None
    ocr_pages: int | None
    #: What the extract stage warned about (``no_text``, ``low_confidence_pages``, ...).
    warnings: list[str] = []
    attempts: int
    error_category: str | None
    error_code: str | None
    error_reason: str | None
    error_stage: str | None
    started_at: datetime | None
    finished_at: datetime | None
    #: A container's member: the container's id and the member's path inside it.
    parent_id: str | None = None
    container_path: str | None = None


class PageOut(BaseModel):
    """One page's text."""

    number: int
    text: str
    ocr: bool = False
    #: OCR confidence (0..1) when OCR read the page.
    ocr_confidence: float | None = None
    #: OCR read it with low confidence: its text is kept out of entity extraction.
    low_confidence: bool = False
    #: Where the page starts in the document text (mention offsets are in that text).
    start: int


class ChunkOut(BaseModel):
    """One chunk with its place in the document."""

    index: int
    text: str
    page_start: int
    page_end: int
    start: int
    end: int


class MentionOut(BaseModel):
    """One entity mention: type, text, offsets in the document text, canonical entity."""

    type: str
    text: str
    normalized: str
    start: int
    end: int
    page: int | None
    confidence: float
    entity_id: str | None


class DocumentDetail(DocumentOut):
    """A document with its results: page text, chunks and mentions."""

    pages: list[PageOut]
    chunks: list[ChunkOut]
    mentions: list[MentionOut]


class Health(BaseModel):
    """Each dependency's state: ``ok``, ``absent`` (not configured) or an error."""

    status: str
    database: str
    redis: str

"""A stage's inputs: from the step itself, the cache, or the database, in that order."""

from __future__ import annotations

from docbatch.engine.children import read_member
from docbatch.engine.step import DocumentStep
from docbatch.ingest import read_document
from docbatch.models import Chunk, ExtractedDocument, Mention, Resolution, Stage
from docbatch.store.repository import Repository

__all__ = ["StageInputs"]


class StageInputs:
    """Loads what a stage reads, keeping it on the step for the stages after it."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo

    def read_bytes(self, work: DocumentStep, limit: int) -> bytes:
        """The document's bytes (at most ``limit``): its file, or a container member's
        stored bytes; their sha256 is kept on the step."""
        if work.document.parent_id is None:
            work.data, work.sha256 = read_document(work.document.path, limit)
        else:
            work.data, work.sha256 = read_member(self.repo, work.document, limit)
        return work.data

    def extracted(self, work: DocumentStep) -> ExtractedDocument:
        """The extract stage's output."""
        if work.extracted is None:
            work.extracted = work.cached.get(Stage.EXTRACT) or self.repo.results.load_extracted(
                work.document.id
            )
        return work.extracted

    def chunks(self, work: DocumentStep) -> tuple[Chunk, ...]:
        """The chunk stage's output."""
        if work.chunks is None:
            cached = work.cached.get(Stage.CHUNK)
            work.chunks = (
                cached if cached is not None else self.repo.results.load_chunks(work.document.id)
            )
        return work.chunks

    def mentions(self, work: DocumentStep) -> tuple[Mention, ...]:
        """The entities stage's output."""
        if work.mentions is None:
            cached = work.cached.get(Stage.ENTITIES)
            work.mentions = (
                cached if cached is not None else self.repo.results.load_mentions(work.document.id)
            )
        return work.mentions

    def resolution(self, work: DocumentStep) -> Resolution:
        """The resolve stage's output."""
        return work.resolution or self.repo.results.load_resolution(work.document.id)

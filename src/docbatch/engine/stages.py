"""The text stages of a step (chunk, entities, resolve, relate), from their inputs.

The extract stage (the bytes, OCR, containers, quarantine) is the executor's own; the
stages after it read the outputs before them (:class:`~docbatch.engine.inputs.StageInputs`)
and, for the cached ones, are computed once per content (:class:`CacheDedup`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docbatch.engine.dedup import CacheDedup
from docbatch.engine.inputs import StageInputs
from docbatch.engine.known_entities import KnownEntityIndex
from docbatch.engine.step import DocumentStep
from docbatch.models import Mention, Relationship, Resolution, Stage
from docbatch.pipeline.chunk import chunk_document
from docbatch.pipeline.entities import extract_mentions
from docbatch.pipeline.options import PipelineOptions
from docbatch.pipeline.relate import relate
from docbatch.pipeline.resolve import resolve

__all__ = ["TextStages"]


class TextStages:
    """Computes the stages after extract for one step's document."""

    def __init__(
        self,
        options: PipelineOptions,
        inputs: StageInputs,
        dedup: CacheDedup,
        known_entities: KnownEntityIndex,
    ) -> None:
        self.options = options
        self.inputs = inputs
        self.dedup = dedup
        self.known_entities = known_entities

    def compute(self, work: DocumentStep, stage: Stage) -> tuple[Any, bool]:
        """``stage``'s output for the document, and whether it was not computed here."""
        if stage is Stage.CHUNK:
            return self._cached_or(
                work, stage, lambda: chunk_document(self.inputs.extracted(work), self.options.chunk)
            )
        if stage is Stage.ENTITIES:
            return self._cached_or(work, stage, lambda: self._entities(work))
        if stage is Stage.RESOLVE:
            return self._resolve(work), False
        return self._relate(work), False

    def _cached_or(
        self, work: DocumentStep, stage: Stage, compute: Callable[[], Any]
    ) -> tuple[Any, bool]:
        value, cached = self.dedup.cached_or(work, stage, compute)
        if stage is Stage.CHUNK:
            work.chunks = value
        elif stage is Stage.ENTITIES:
            work.mentions = value
        return value, cached

    def _entities(self, work: DocumentStep) -> tuple[Mention, ...]:
        extracted = self.inputs.extracted(work)
        options = self.options.entities
        return extract_mentions(
            extracted.entity_text(options.skip_low_confidence),
            self.inputs.chunks(work),
            extracted.page_spans(),
            options,
        )

    def _resolve(self, work: DocumentStep) -> Resolution:
        mentions = self.inputs.mentions(work)
        known = self.known_entities.candidates(work.document.project_id, mentions)
        work.resolution = resolve(mentions, known)
        return work.resolution

    def _relate(self, work: DocumentStep) -> tuple[Relationship, ...]:
        return relate(
            self.inputs.mentions(work),
            self.inputs.resolution(work),
            self.inputs.chunks(work),
            options=self.options.relate,
        )

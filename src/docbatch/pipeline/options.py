"""Options that change what the pipeline produces.

The options are plain frozen dataclasses handed to the stages as arguments; stages never
read the environment. :meth:`PipelineOptions.version` hashes the options that affect a
stage's output, so the stage cache never serves a result computed under other options.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from docbatch.models import CACHED_STAGES, Stage

__all__ = [
    "PIPELINE_CODE_VERSION",
    "ChunkOptions",
    "ContainerOptions",
    "EntityOptions",
    "ExtractOptions",
    "PipelineOptions",
    "RelateOptions",
]

#: Bumped whenever a change to the code changes a stage's output, to invalidate caches.
PIPELINE_CODE_VERSION = "24"


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """How documents are read: limits, OCR engine and when a page needs OCR."""

    ocr_engine: str = "auto"
    ocr_dpi: int = 200
    ocr_languages: str = "eng"
    tessdata_dir: str | None = None
    #: A PDF page with fewer printable characters per square inch of page goes to OCR.
    min_chars_per_sq_inch: float = 0.5
    #: A page whose text is less than this share printable/word characters is garbage.
    min_printable_ratio: float = 0.85
    #: OCR read with a lower mean confidence marks its page ``low_confidence``.
    ocr_min_confidence: float = 0.6
    max_file_bytes: int = 512 * 1024 * 1024
    max_pages: int = 5000
    max_image_pixels: int = 200_000_000
    #: Passwords tried on encrypted PDFs after the empty one.
    passwords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ChunkOptions:
    """Target chunk size and overlap, in characters."""

    size: int = 1500
    overlap: int = 200


@dataclass(frozen=True, slots=True)
class EntityOptions:
    """Which entity extractor runs, and its settings."""

    extractor: str = "default"
    #: Entity types to keep; empty means all.
    types: tuple[str, ...] = ()
    #: Extra settings for pluggable extractors (model name, endpoint URL, ...).
    params: tuple[tuple[str, str], ...] = ()
    #: Leave pages OCR read with low confidence out of entity extraction.
    skip_low_confidence: bool = True
    #: A document text longer than this fails the entities stage as ``too_large`` (the
    #: stage reads about 100,000 characters a second on one core).
    max_chars: int = 10_000_000


@dataclass(frozen=True, slots=True)
class RelateOptions:
    """Which kinds of relationship the relate stage builds."""

    #: Also build ``co_occurs`` edges between every two entities of a chunk. Off by
    #: default: they are most of a run's rows (hundreds per document) and say little.
    co_occurs: bool = False


@dataclass(frozen=True, slots=True)
class ContainerOptions:
    """How containers (ZIP, e-mail, PDF attachments) become child documents: the caps.

    Not part of any stage's version: they decide which members become documents, not
    what a document's stages produce.
    """

    #: Containers nested deeper than this are not expanded (a submitted file is depth 0).
    max_depth: int = 3
    #: A container with more members than this expands none of them.
    max_members: int = 10_000
    #: All the members of one container inflate to at most this many bytes.
    max_total_bytes: int = 1024 * 1024 * 1024
    #: A member inflating to more than this many times its compressed size is a bomb...
    max_ratio: float = 200.0
    #: ... once it is past this size (small, very repetitive files are common).
    ratio_floor_bytes: int = 1024 * 1024


@dataclass(frozen=True, slots=True)
class PipelineOptions:
    """All options of the pipeline, grouped by stage."""

    extract: ExtractOptions = field(default_factory=ExtractOptions)
    chunk: ChunkOptions = field(default_factory=ChunkOptions)
    entities: EntityOptions = field(default_factory=EntityOptions)
    relate: RelateOptions = field(default_factory=RelateOptions)
    containers: ContainerOptions = field(default_factory=ContainerOptions)

    def versions(self) -> dict[Stage, str]:
        """:meth:`version` of every stage whose output is cached (the cache keys')."""
        return {stage: self.version(stage) for stage in CACHED_STAGES}

    def version(self, stage: Stage) -> str:
        """A short hash of everything that shapes ``stage``'s output.

        A stage's output depends on its own options and on those of every stage before
        it, so the hash covers the prefix of the pipeline up to ``stage``.
        """
        parts: dict[str, object] = {"code": PIPELINE_CODE_VERSION}
        relevant = {
            Stage.EXTRACT: ("extract",),
            Stage.CHUNK: ("extract", "chunk"),
            Stage.ENTITIES: ("extract", "chunk", "entities"),
            Stage.RESOLVE: ("extract", "chunk", "entities"),
            Stage.RELATE: ("extract", "chunk", "entities", "relate"),
        }[stage]
        for name in relevant:
            options = dataclasses.asdict(getattr(self, name))
            # Passwords change which documents open, not what an opened one says; they
            # are kept out of the hash so a secret never becomes part of a cache key.
            options.pop("passwords", None)
            parts[name] = options
        blob = json.dumps(parts, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:12]

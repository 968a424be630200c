"""One step's state: a claimed document's loaded and computed values, and what the
documents of one group share; and the two services a step reports to, as protocols.

A step runs one or more stages of a claimed document (:class:`DocumentStep`); the
stages it computed wait as :class:`StageDone` entries, and a document whose stages are
computed waits for its group's commit as a :class:`QueuedCommit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from docbatch.engine.outcomes import StageReport
from docbatch.models import Chunk, ExtractedDocument, Mention, Resolution, Stage
from docbatch.redis.cache import CacheItem, ClaimRequest, HeldClaim, Lookup
from docbatch.store.records import DocumentRecord

__all__ = [
    "CacheLike",
    "DocumentStep",
    "GroupShared",
    "ProgressSink",
    "QueuedCommit",
    "StageDone",
]


class CacheLike(Protocol):
    """What the executor needs of :class:`docbatch.redis.cache.StageCache`."""

    def get_many(self, sha256: str, versions: dict[Stage, str]) -> dict[Stage, Any]: ...

    def look_up(
        self, sha256: str, versions: dict[Stage, str], claim: ClaimRequest | None = None
    ) -> Lookup: ...

    def look_up_many(
        self, requests: Sequence[tuple[str, ClaimRequest | None]], versions: dict[Stage, str]
    ) -> list[Lookup]: ...

    def put_many(
        self, items: Iterable[CacheItem], *, release: Iterable[HeldClaim] = ()
    ) -> bool: ...

    def release_claim(self, stage: Stage, sha256: str, version: str, owner: str) -> bool: ...

    def wait_for(self, stage: Stage, sha256: str, version: str, timeout: float) -> Any | None: ...


class ProgressSink(Protocol):
    """Receives document state transitions (the Redis progress hash, metrics)."""

    def document_transition(
        self,
        batch_id: str,
        document_id: str,
        old: str,
        new: str,
        stage: str,
        pages: int,
        ocr_pages: int | None = None,
    ) -> None: ...

    def documents_started(self, documents: Sequence[tuple[str, str]]) -> None: ...

    def documents_added(self, batch_id: str, container_id: str, count: int) -> None: ...

    def stages_finished_many(self, reports: Sequence[StageReport]) -> None: ...

    def batch_finalized(self, batch_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class StageDone:
    """A stage computed in this step, waiting to be committed."""

    stage: Stage
    payload: Any
    cached: bool
    seconds: float


@dataclass
class GroupShared:
    """What the documents computed in one group (one :meth:`StageExecutor.run_many`)
    share."""

    #: Outputs computed in this group, by sha256 then stage: a twin in the same group
    #: uses them before they reach the cache.
    fresh: dict[str, dict[Stage, Any]] = field(default_factory=dict)
    #: The quarantined sha256s, read once for the group (None: too many to hold, so
    #: each document is looked up; unread until the first extract needs it).
    quarantined: frozenset[str] | None = None
    quarantine_read: bool = False


@dataclass
class DocumentStep:
    """One claimed document during one step: what was loaded and computed for it."""

    document: DocumentRecord
    owner: str
    sha256: str = ""
    data: bytes | None = None
    #: The stage outputs found in the cache (or computed by a twin in this group).
    cached: dict[Stage, Any] = field(default_factory=dict)
    extracted: ExtractedDocument | None = None
    chunks: tuple[Chunk, ...] | None = None
    mentions: tuple[Mention, ...] | None = None
    resolution: Resolution | None = None
    #: The stage being computed (several run in one step when fused or cached).
    stage: Stage | None = None
    #: Computed values to cache at the next commit.
    cache_writes: list[CacheItem] = field(default_factory=list)
    #: The computation claim this step holds on its content, taken by the lookup: one
    #: claim covers every cached stage the step computes. The commit releases it, and so
    #: does a failure or an OCR hand-off.
    claim: HeldClaim | None = None
    #: The stage another worker is computing for the same content (the step waits).
    contended: Stage | None = None
    #: True once the cache was read for this step.
    looked_up: bool = False
    #: What the documents of its group share.
    group: GroupShared = field(default_factory=GroupShared)
    #: The child documents (a container's members) this step stored.
    children: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QueuedCommit:
    """A document's computed stages, waiting for its group's commit; ``following`` is
    the stage after them (None: the document is then complete)."""

    work: DocumentStep
    done: list[StageDone]
    following: Stage | None
    queued_at: float

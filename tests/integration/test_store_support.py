"""Helpers shared by the store tests: sample stage outputs, a movable clock, row counts.

Kept importable by name (not a conftest) so spawned worker processes can import the
functions they run.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from docbatch.errors import ErrorCategory
from docbatch.models import (
    DOCUMENT_NODE,
    CanonicalEntity,
    Chunk,
    DocumentState,
    EntityType,
    ExtractedDocument,
    Mention,
    Page,
    Relationship,
    RelationType,
    Resolution,
    Stage,
)
from docbatch.store import Database, NewDocument, Repository
from docbatch.store.records import ClaimResult, StageResult, StepResults, Transition

#: The entity every sample document resolves to, so documents share it.
SHARED_ENTITY = CanonicalEntity(
    id="citation:550-us-544",
    type=EntityType.CITATION,
    key="550 U.S. 544",
    name="550 U.S. 544",
    aliases=("550 U.S. 544", "550 US 544"),
)
COURT_ENTITY = CanonicalEntity(
    id="court:scotus",
    type=EntityType.COURT,
    key="scotus",
    name="Supreme Court of the United States",
    aliases=("Supreme Court",),
)
PAGE_TEXTS = ("See Bell Atlantic, 550 U.S. 544.", "Decided by the Supreme Court.")
EXPECTED_ROWS = {"pages": 2, "chunks": 2, "mentions": 3, "relationships": 2}


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


def new_documents(count: int, prefix: str = "doc") -> list[NewDocument]:
    """``count`` documents with distinct paths and external ids."""
    return [
        NewDocument(
            path=f"/corpus/{prefix}-{i:05d}.pdf",
            sha256=f"{i:064x}",
            size_bytes=1000 + i,
            external_id=f"{prefix}-{i}",
            metadata={"n": i},
        )
        for i in range(count)
    ]


def payload(stage: Stage) -> Any:
    """The sample output of ``stage`` (identical for every document)."""
    text = "\n\n".join(PAGE_TEXTS)
    second = len(PAGE_TEXTS[0]) + 2
    if stage is Stage.EXTRACT:
        pages = (Page(1, PAGE_TEXTS[0]), Page(2, PAGE_TEXTS[1], True, "tesseract", 0.91))
        return ExtractedDocument("application/pdf", pages, {"title": "Opinion"})
    if stage is Stage.CHUNK:
        return [
            Chunk(0, PAGE_TEXTS[0], 0, len(PAGE_TEXTS[0]), 1, 1),
            Chunk(1, text[second:], second, len(text), 2, 2),
        ]
    if stage is Stage.ENTITIES:
        start = PAGE_TEXTS[0].index("550")
        court = text.index("Supreme Court")
        return [
            _mention(EntityType.CITATION, "550 U.S. 544", start, 0, 1),
            _mention(EntityType.CITATION, "550 U.S. 544", start, 0, 1, text="550 US 544"),
            _mention(EntityType.COURT, "scotus", court, 1, 2, text="Supreme Court"),
        ]
    if stage is Stage.RESOLVE:
        assignments = (SHARED_ENTITY.id, SHARED_ENTITY.id, COURT_ENTITY.id)
        return Resolution((SHARED_ENTITY, COURT_ENTITY), assignments)
    return [
        Relationship(RelationType.CITES, DOCUMENT_NODE, SHARED_ENTITY.id, 2, (0,)),
        Relationship(
            RelationType.CO_OCCURS, SHARED_ENTITY.id, COURT_ENTITY.id, 1, (0, 1), {"k": "v"}
        ),
    ]


def _mention(
    kind: EntityType, normalized: str, start: int, chunk: int, page: int, text: str = ""
) -> Mention:
    surface = text or normalized
    return Mention(kind, surface, normalized, start, start + len(surface), chunk, page, 0.9, "test")


def claim_stage(
    repo: Repository,
    document_id: str,
    stage: Stage,
    *,
    owner: str,
    max_attempts: int,
    lease_seconds: float | None = None,
) -> ClaimResult:
    """Claim one document's ``stage`` the way workers do: a group of one
    (:meth:`DocumentStore.claim`)."""
    (result,) = repo.documents.claim(
        [document_id], stage, owner=owner, max_attempts=max_attempts, lease_seconds=lease_seconds
    )
    return result


def complete_stage(
    repo: Repository,
    document_id: str,
    stage: Stage,
    payload: Any,
    *,
    next_stage: Stage | None,
    duration_ms: int | None = None,
    lease_seconds: float | None = None,
    owner: str | None = None,
) -> Transition:
    """Write one stage's results and advance the document
    (:meth:`DocumentStore.complete` with one result); ``next_stage`` must be
    ``stage.next()``, which keeps the tests' stage walks honest."""
    if next_stage is not stage.next():
        raise ValueError(f"stage {stage.value} is followed by {stage.next()}, not {next_stage}")
    (transition,) = repo.documents.complete(
        [StepResults(document_id, [StageResult(stage, payload, duration_ms)], owner)],
        lease_seconds=lease_seconds,
    )
    return transition


def run_document(repo: Repository, document_id: str, owner: str = "worker") -> list[bool]:
    """Claim and complete every stage of one document; the completion results."""
    done = []
    for stage in Stage.ordered():
        claim = claim_stage(repo, document_id, stage, owner=owner, max_attempts=3)
        assert claim.claimed, claim
        done.append(
            bool(complete_stage(repo, document_id, stage, payload(stage), next_stage=stage.next()))
        )
    return done


def fail_document(
    repo: Repository, document_id: str, failed: Stage, start: Stage = Stage.EXTRACT
) -> None:
    """Run the document's stages from ``start`` and fail it (transiently) at ``failed``."""
    order = Stage.ordered()
    for stage in order[order.index(start) :]:
        assert claim_stage(repo, document_id, stage, owner="worker", max_attempts=3).claimed
        if stage is failed:
            assert repo.documents.fail(
                document_id, stage, ErrorCategory.TRANSIENT, "busy", "try later"
            )
            return
        assert complete_stage(repo, document_id, stage, payload(stage), next_stage=stage.next())


def original_with_failures(repo: Repository) -> tuple[str, dict[str, Stage]]:
    """A normal-priority batch, finished, with documents failed at entities and relate."""
    batch = repo.batches.create("acme", new_documents(3), options={})
    repo.batches.mark_enqueued(batch.id)
    first, second, third = (d.id for d in repo.documents.of_batch(batch.id))
    failed = {first: Stage.ENTITIES, second: Stage.RELATE}
    for document_id, stage in failed.items():
        fail_document(repo, document_id, stage)
    run_document(repo, third, owner="test")
    return batch.id, failed


def row_counts(database: Database, document_id: str) -> dict[str, int]:
    """Stage result rows stored for one document, per table."""
    counts = {}
    with database.engine.connect() as connection:
        for table in EXPECTED_ROWS:
            counts[table] = connection.execute(
                sa.text(f"SELECT count(*) FROM {table} WHERE document_id = :d"), {"d": document_id}
            ).scalar_one()
    return counts


def table_count(database: Database, table: str) -> int:
    """Rows in ``table``."""
    with database.engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def race_documents(url: str, document_ids: list[str], owner: str) -> dict[str, Any]:
    """Drive every document through every stage, racing other callers of this function.

    Every caller tries to complete every stage whether or not its claim succeeded, so
    the compare-and-set in ``complete_stage`` is what keeps effects exactly-once.
    Returns the (document, stage) pairs this caller won and how many batches it
    finalised. Runs in threads and in spawned processes alike.
    """
    database = Database.open(url)
    repo = Repository(database)
    wins: Counter[str] = Counter()
    finalized = 0
    try:
        for document_id in document_ids:
            for stage in Stage.ordered():
                claim_stage(repo, document_id, stage, owner=owner, max_attempts=1000)
                result = complete_stage(
                    repo, document_id, stage, payload(stage), next_stage=stage.next()
                )
                if result:
                    wins[f"{document_id}:{stage.value}"] += 1
                    finalized += int(result.batch_finalized)
    finally:
        database.dispose()
    return {"wins": dict(wins), "finalized": finalized}


def pending_ids(repo: Repository, batch_id: str) -> list[str]:
    """Ids of the batch's pending documents, in path order (the store's own reads)."""
    return [
        doc.id for doc in repo.documents.of_batch(batch_id, DocumentState.PENDING, limit=10_000)
    ]

"""Cancellation leaves one event per document, and what was cancelled can run again.

``docbatch recover BATCH --category cancelled`` re-opens a batch's cancelled documents
in a recovery batch. The cancelled batch keeps a true account of its documents (a
cancelled document that completes moves from ``cancelled`` to ``completed``) and is
never finalised twice.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from docbatch.models import Stage
from docbatch.store import Database, DocumentState, Priority, Repository
from docbatch.store.rows import EVENTS

from .test_recovery_cancel import _assert_counters_match_documents, _counters, _resume
from .test_store_support import FakeClock, claim_stage, fail_document, new_documents, run_document

pytestmark = pytest.mark.integration

PAGES = 2  # every sample document has two pages once extracted


@pytest.fixture
def repo(database: Database) -> Repository:
    return Repository(database, clock=FakeClock(), lease_seconds=60)


def _document_events(database: Database, kind: str) -> list[tuple[str, str, str, str]]:
    """``(batch, document, stage, category)`` of every document event of ``kind``."""
    with database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                EVENTS.c.batch_id, EVENTS.c.document_id, EVENTS.c.stage, EVENTS.c.detail
            ).where(EVENTS.c.kind == kind, EVENTS.c.document_id.is_not(None))
        ).all()
    return sorted((r[0], r[1], r[2], dict(r[3] or {}).get("category", "")) for r in rows)


def _cancelled_batch(repo: Repository) -> tuple[str, dict[str, str]]:
    """A batch of four: one completed, one failed at entities, one processing extract
    and one pending, then cancelled."""
    batch = repo.batches.create("acme", new_documents(4), options={})
    repo.batches.mark_enqueued(batch.id)
    done, failed, running, waiting = (d.id for d in repo.documents.of_batch(batch.id))
    run_document(repo, done)
    fail_document(repo, failed, Stage.ENTITIES)
    assert claim_stage(repo, running, Stage.EXTRACT, owner="w", max_attempts=3).claimed
    assert repo.batches.cancel(batch.id)
    names = {"done": done, "failed": failed, "running": running, "waiting": waiting}
    return batch.id, names


def test_cancelling_records_one_cancelled_event_per_cancelled_document(
    repo: Repository, database: Database
) -> None:
    batch_id, ids = _cancelled_batch(repo)

    events = _document_events(database, "cancelled")

    assert events == sorted(
        [(batch_id, ids["running"], "extract", "cancelled"),
         (batch_id, ids["waiting"], "extract", "cancelled")]
    )  # fmt: skip
    assert not repo.batches.cancel(batch_id)  # nothing left to cancel: no second event
    assert len(_document_events(database, "cancelled")) == 2


def test_cancelled_documents_are_recovered_only_when_asked_for(repo: Repository) -> None:
    batch_id, ids = _cancelled_batch(repo)

    every_failure = {doc for doc, _stage in repo.recovery.failed_documents(batch_id)}
    cancelled = repo.recovery.failed_documents(batch_id, ["cancelled"])

    assert every_failure == {ids["failed"]}
    assert sorted(doc for doc, _stage in cancelled) == sorted([ids["running"], ids["waiting"]])
    assert [stage for _doc, stage in cancelled] == ["extract", "extract"]


def test_recovered_cancelled_documents_complete_and_the_batch_reads_true(
    repo: Repository,
) -> None:
    batch_id, ids = _cancelled_batch(repo)
    before = repo.batches.get(batch_id)
    assert _counters(before) == ("cancelled", 1, 1, 2, 2 * PAGES, 1)
    documents = repo.recovery.failed_documents(batch_id, ["cancelled"])

    reopened = repo.recovery.create_batch(
        "recovery-1", batch_id, documents, from_stage=None, priority=Priority.HIGH, options={}
    )
    for name in ("running", "waiting"):
        _resume(repo, ids[name], Stage.EXTRACT)

    assert reopened == 2
    assert _counters(repo.batches.get("recovery-1")) == ("completed", 2, 0, 0, 2 * PAGES, 1)
    # Both moved from cancelled to completed; the failure is still there.
    original = repo.batches.get(batch_id)
    assert _counters(original) == ("completed_with_failures", 3, 1, 0, 4 * PAGES, 1)
    for name in ("running", "waiting"):
        doc = repo.documents.get(ids[name])
        assert (doc.state, doc.error_category) == (DocumentState.COMPLETED, None)
    _assert_counters_match_documents(repo, batch_id, "recovery-1")


def test_a_recovered_cancelled_document_that_fails_moves_to_failed(repo: Repository) -> None:
    batch_id, ids = _cancelled_batch(repo)
    documents = [(ids["waiting"], "extract")]
    repo.recovery.create_batch(
        "recovery-1", batch_id, documents, from_stage=None, priority=Priority.HIGH, options={}
    )

    fail_document(repo, ids["waiting"], Stage.CHUNK)

    original = repo.batches.get(batch_id)
    assert (original.state.value, original.completed, original.failed, original.cancelled) == (
        "cancelled", 1, 2, 1,
    )  # fmt: skip
    assert original.finalized_count == 1
    _assert_counters_match_documents(repo, batch_id, "recovery-1")

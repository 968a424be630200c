"""The document state machine and batch accounting, on SQLite and PostgreSQL."""

from __future__ import annotations

import time

import pytest

from docbatch.errors import ErrorCategory, ManifestError
from docbatch.models import DOCUMENT_NODE, Stage
from docbatch.store import (
    BatchState,
    ClaimOutcome,
    Database,
    DocumentState,
    EventKind,
    Priority,
    Repository,
)

from .test_store_support import (
    COURT_ENTITY,
    EXPECTED_ROWS,
    SHARED_ENTITY,
    FakeClock,
    claim_stage,
    complete_stage,
    new_documents,
    payload,
    row_counts,
    run_document,
    table_count,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def repo(database: Database, clock: FakeClock) -> Repository:
    return Repository(database, clock=clock, lease_seconds=60)


def _claim(repo: Repository, doc_id: str, stage: Stage, owner: str = "w1", attempts: int = 3):
    return claim_stage(repo, doc_id, stage, owner=owner, max_attempts=attempts)


def test_create_batch_commits_every_document(repo: Repository, database: Database) -> None:
    docs = new_documents(10_000)
    started = time.perf_counter()
    batch = repo.batches.create("acme", docs, priority=Priority.HIGH, options={"ocr": "auto"})
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"create_batch of 10,000 documents took {elapsed:.2f}s"
    assert (batch.state, batch.priority, batch.total, batch.project) == (
        BatchState.PENDING,
        Priority.HIGH,
        10_000,
        "acme",
    )
    assert batch.options == {"ocr": "auto"}
    assert table_count(database, "documents") == 10_000
    first = repo.documents.of_batch(batch.id, limit=2)
    assert [d.external_id for d in first] == ["doc-0", "doc-1"]
    assert first[0].state is DocumentState.PENDING and first[0].stage is Stage.EXTRACT
    assert first[0].metadata == {"n": 0} and first[0].id == docs[0].id
    assert repo.batches.counts(batch.id).states == {DocumentState.PENDING: 10_000}
    assert [e.kind for e in repo.batches.events(batch.id)] == [EventKind.BATCH_CREATED]


def test_duplicate_external_ids_reject_the_whole_batch(
    repo: Repository, database: Database
) -> None:
    docs = new_documents(3)
    with pytest.raises(ManifestError, match="doc-1"):
        repo.batches.create("acme", [*docs, docs[1]], options={})
    assert table_count(database, "batches") == 0
    assert table_count(database, "documents") == 0


def test_ensure_project_is_idempotent(repo: Repository) -> None:
    first = repo.batches.ensure_project("alpha")
    assert repo.batches.ensure_project("alpha") == first
    assert repo.batches.ensure_project("beta") != first


def test_document_runs_through_all_five_stages(repo: Repository, database: Database) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    assert run_document(repo, doc_id) == [True] * 5
    doc = repo.documents.get(doc_id)
    assert (doc.state, doc.stage, doc.attempts) == (DocumentState.COMPLETED, Stage.RELATE, 1)
    assert (doc.mime, doc.page_count, doc.ocr_pages) == ("application/pdf", 2, 1)
    assert doc.lease_owner is None and doc.finished_at is not None
    assert row_counts(database, doc_id) == EXPECTED_ROWS
    finished = repo.batches.get(batch.id)
    assert (finished.state, finished.completed, finished.pages) == (BatchState.COMPLETED, 1, 2)
    assert finished.finalized_count == 1 and finished.started_at is not None
    mentions = repo.results.mentions(doc_id)
    assert [e for _, e in mentions] == [SHARED_ENTITY.id, SHARED_ENTITY.id, COURT_ENTITY.id]
    assert mentions[2][0] == payload(Stage.ENTITIES)[2]
    edges = repo.results.relationships(doc_id)
    assert edges[0].source == doc_id and edges[0].source != DOCUMENT_NODE
    assert edges[1] == payload(Stage.RELATE)[1]
    assert repo.results.chunks(doc_id) == payload(Stage.CHUNK)
    assert tuple(repo.results.pages(doc_id)) == payload(Stage.EXTRACT).pages


def test_stage_inputs_are_rebuilt_from_earlier_stages(repo: Repository) -> None:
    """What each stage reads back (as the executor does) is what the stage before wrote."""
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    assert repo.documents.get(doc_id).id == doc_id
    run_document(repo, doc_id)
    extracted = repo.results.load_extracted(doc_id)
    assert extracted == payload(Stage.EXTRACT)
    assert extracted.text == payload(Stage.EXTRACT).text
    assert tuple(extracted.page_spans()) == tuple(payload(Stage.EXTRACT).page_spans())
    assert list(repo.results.load_chunks(doc_id)) == payload(Stage.CHUNK)
    assert list(repo.results.load_mentions(doc_id)) == payload(Stage.ENTITIES)
    assert repo.results.load_resolution(doc_id).assignments == payload(Stage.RESOLVE).assignments


def test_project_entities_returns_candidates_with_aliases(repo: Repository) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    run_document(repo, repo.documents.of_batch(batch.id)[0].id)
    found = repo.results.project_entities(batch.project_id, [SHARED_ENTITY.type, COURT_ENTITY.type])
    assert found == [SHARED_ENTITY, COURT_ENTITY]  # ordered by id
    by_key = repo.results.project_entities(batch.project_id, [SHARED_ENTITY.type], keys=["nope"])
    assert by_key == []
    other = repo.batches.ensure_project("other")
    assert repo.results.project_entities(other, [SHARED_ENTITY.type]) == []


def test_completing_a_stage_twice_writes_one_set_of_rows(
    repo: Repository, database: Database
) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    assert _claim(repo, doc_id, Stage.EXTRACT).claimed
    first = complete_stage(
        repo, doc_id, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
    )
    again = complete_stage(
        repo, doc_id, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
    )
    assert (bool(first), bool(again)) == (True, False)
    assert row_counts(database, doc_id)["pages"] == 2
    assert repo.documents.get(doc_id).stage is Stage.CHUNK


def test_rerun_after_requeue_replaces_rows(
    repo: Repository, database: Database, clock: FakeClock
) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    assert _claim(repo, doc_id, Stage.EXTRACT).claimed
    assert complete_stage(
        repo, doc_id, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
    )
    clock.advance(61)
    assert repo.documents.requeue(doc_id, Stage.EXTRACT)
    assert _claim(repo, doc_id, Stage.EXTRACT).claimed
    assert complete_stage(
        repo, doc_id, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
    )
    assert row_counts(database, doc_id)["pages"] == 2


def test_stale_stage_completion_writes_nothing(repo: Repository, database: Database) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    # Not claimed yet: the document is pending, so no stage may complete.
    assert not complete_stage(
        repo, doc_id, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
    )
    assert _claim(repo, doc_id, Stage.EXTRACT).claimed
    # A later stage than the one being processed.
    assert not complete_stage(
        repo, doc_id, Stage.CHUNK, payload(Stage.CHUNK), next_stage=Stage.ENTITIES
    )
    assert row_counts(database, doc_id) == {t: 0 for t in EXPECTED_ROWS}
    doc = repo.documents.get(doc_id)
    assert (doc.state, doc.stage, doc.page_count) == (DocumentState.PROCESSING, Stage.EXTRACT, None)


def test_final_stage_of_a_cancelled_document_rolls_back(
    repo: Repository, database: Database
) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    for stage in Stage.ordered()[:-1]:
        assert _claim(repo, doc_id, stage).claimed
        assert complete_stage(repo, doc_id, stage, payload(stage), next_stage=stage.next())
    assert _claim(repo, doc_id, Stage.RELATE).claimed
    assert repo.batches.cancel(batch.id)
    late = complete_stage(repo, doc_id, Stage.RELATE, payload(Stage.RELATE), next_stage=None)
    assert not late and not late.batch_finalized
    assert row_counts(database, doc_id)["relationships"] == 0
    final = repo.batches.get(batch.id)
    assert (final.state, final.cancelled, final.completed) == (BatchState.CANCELLED, 1, 0)


def test_claims_skip_duplicates_and_refuse_live_leases(repo: Repository, clock: FakeClock) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    assert _claim(repo, doc_id, Stage.CHUNK).outcome is ClaimOutcome.SKIP
    assert _claim(repo, doc_id, Stage.EXTRACT, owner="a").attempts == 1
    assert repo.batches.get(batch.id).state is BatchState.RUNNING
    assert _claim(repo, doc_id, Stage.EXTRACT, owner="b").outcome is ClaimOutcome.BUSY
    # The same owner (a redelivery of the same message) takes its lease over.
    assert _claim(repo, doc_id, Stage.EXTRACT, owner="a").attempts == 2
    clock.advance(61)
    assert _claim(repo, doc_id, Stage.EXTRACT, owner="b").attempts == 3
    assert repo.documents.renew_lease(doc_id, Stage.EXTRACT, owner="b")
    assert not repo.documents.renew_lease(doc_id, Stage.EXTRACT, owner="a")
    # A document that does not exist is refused, not raised: one bad id of a group
    # must not cost the others their step.
    missing = _claim(repo, "missing", Stage.EXTRACT)
    assert (missing.outcome, missing.document_id) == (ClaimOutcome.SKIP, "missing")


def test_exhausted_attempts_fail_as_worker_lost_once(repo: Repository, clock: FakeClock) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    for attempt in range(1, 3):
        assert _claim(repo, doc_id, Stage.EXTRACT, owner=f"w{attempt}", attempts=2).claimed
        clock.advance(61)
    lost = _claim(repo, doc_id, Stage.EXTRACT, owner="w3", attempts=2)
    assert (lost.outcome, lost.batch_finalized) == (ClaimOutcome.FAILED, True)
    again = _claim(repo, doc_id, Stage.EXTRACT, owner="w4", attempts=2)
    assert again.outcome is ClaimOutcome.SKIP
    doc = repo.documents.get(doc_id)
    assert (doc.state, doc.error_category, doc.error_stage) == (
        DocumentState.FAILED,
        ErrorCategory.WORKER_LOST.value,
        "extract",
    )
    final = repo.batches.get(batch.id)
    assert (final.state, final.failed, final.finalized_count) == (
        BatchState.COMPLETED_WITH_FAILURES,
        1,
        1,
    )


def test_fail_is_counted_once_and_respects_the_stage(repo: Repository) -> None:
    batch = repo.batches.create("acme", new_documents(2), options={})
    first, second = (d.id for d in repo.documents.of_batch(batch.id))
    assert _claim(repo, first, Stage.EXTRACT).claimed
    assert not repo.documents.fail(first, Stage.CHUNK, ErrorCategory.DATA, "corrupt", "stale stage")
    failed = repo.documents.fail(first, Stage.EXTRACT, ErrorCategory.DATA, "corrupt", "bad xref")
    assert failed and not failed.batch_finalized
    assert not repo.documents.fail(first, Stage.EXTRACT, ErrorCategory.DATA, "corrupt", "twice")
    assert not complete_stage(
        repo, first, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
    )
    assert run_document(repo, second) == [True] * 5
    final = repo.batches.get(batch.id)
    assert (final.completed, final.failed, final.finalized_count) == (1, 1, 1)
    assert final.state is BatchState.COMPLETED_WITH_FAILURES
    doc = repo.documents.get(first)
    assert (doc.error_code, doc.error_reason) == ("corrupt", "bad xref")
    kinds = [e.kind for e in repo.batches.events(batch.id)]
    assert kinds.count(EventKind.FAILED) == 1 and kinds.count(EventKind.BATCH_FINALIZED) == 1


def test_cancel_batch_counts_active_documents_once(repo: Repository) -> None:
    batch = repo.batches.create("acme", new_documents(3), options={})
    done, running, waiting = (d.id for d in repo.documents.of_batch(batch.id))
    run_document(repo, done)
    assert _claim(repo, running, Stage.EXTRACT).claimed
    assert complete_stage(
        repo, running, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
    )
    cancelled = repo.batches.cancel(batch.id)
    assert cancelled and cancelled.batch_finalized
    assert not repo.batches.cancel(batch.id)
    final = repo.batches.get(batch.id)
    assert (final.state, final.completed, final.cancelled, final.failed) == (
        BatchState.CANCELLED,
        1,
        2,
        0,
    )
    assert (final.pages, final.finalized_count) == (4, 1)
    assert repo.documents.get(waiting).state is DocumentState.CANCELLED
    assert _claim(repo, waiting, Stage.EXTRACT).outcome is ClaimOutcome.SKIP
    assert repo.batches.counts(batch.id).states == {
        DocumentState.COMPLETED: 1,
        DocumentState.CANCELLED: 2,
    }


def test_expired_leases_and_requeue(repo: Repository, clock: FakeClock) -> None:
    batch = repo.batches.create("acme", new_documents(2), priority="low", options={})
    leased, idle = (d.id for d in repo.documents.of_batch(batch.id))
    assert _claim(repo, leased, Stage.EXTRACT).claimed
    assert repo.leases.expired() == []
    assert not repo.documents.requeue(leased, Stage.EXTRACT)  # the lease is live
    clock.advance(61)
    refs = repo.leases.expired()
    assert [(r.document_id, r.stage, r.attempts, r.priority) for r in refs] == [
        (leased, Stage.EXTRACT, 1, Priority.LOW)
    ]
    assert repo.documents.requeue(leased, Stage.EXTRACT)
    assert repo.leases.expired() == []
    doc = repo.documents.get(leased)
    assert (doc.state, doc.lease_owner, doc.attempts) == (DocumentState.PENDING, None, 1)
    assert repo.documents.get(idle).state is DocumentState.PENDING


def test_stale_pending_finds_documents_of_long_enqueued_batches(
    repo: Repository, clock: FakeClock
) -> None:
    batch = repo.batches.create("acme", new_documents(2), options={})
    first, second = (d.id for d in repo.documents.of_batch(batch.id))
    cutoff = clock.now
    assert repo.leases.stale_pending(cutoff) == []  # never enqueued
    assert repo.batches.mark_enqueued(batch.id)
    clock.advance(600)
    assert _claim(repo, first, Stage.EXTRACT).claimed
    found = repo.leases.stale_pending(clock.now)
    assert [r.document_id for r in found] == [second]
    assert repo.leases.stale_pending(cutoff) == []


def test_release_without_an_owner_releases_any_lease(repo: Repository) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    assert _claim(repo, doc_id, Stage.EXTRACT, owner="a").claimed
    assert repo.documents.release(doc_id, Stage.EXTRACT, reason="redis down")
    assert not repo.documents.release(doc_id, Stage.EXTRACT, reason="again")
    assert _claim(repo, doc_id, Stage.EXTRACT, owner="b").attempts == 2


def test_stage_durations_and_events(repo: Repository) -> None:
    batch = repo.batches.create("acme", new_documents(2), options={})
    for doc in repo.documents.of_batch(batch.id):
        for stage, ms in zip(Stage.ordered(), (100, 20, 30, 40, 50), strict=True):
            assert _claim(repo, doc.id, stage).claimed
            assert complete_stage(
                repo,
                doc.id,
                stage,
                payload(stage),
                next_stage=stage.next(),
                duration_ms=ms + len(doc.path) % 2,
            )
    durations = repo.batches.stage_durations(batch.id)
    assert set(durations) == set(Stage.ordered())
    assert (durations[Stage.EXTRACT].count, durations[Stage.EXTRACT].max_ms) == (
        2,
        100 + len(doc.path) % 2,
    )
    events = repo.batches.events(batch.id)
    assert [e.id for e in events] == sorted(e.id for e in events)
    tail = repo.batches.events(batch.id, since_id=events[-3].id)
    assert [e.kind for e in tail] == [EventKind.COMPLETED, EventKind.BATCH_FINALIZED]
    assert repo.batches.newest(state=BatchState.COMPLETED)[0].id == batch.id
    assert repo.batches.newest(project="nobody") == []

"""Reads for progress rebuilds, recovery and summaries, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from docbatch.models import Stage
from docbatch.store import Database, DocumentState, Repository
from tests.integration.test_store_support import pending_ids

from .test_store_support import (
    COURT_ENTITY,
    SHARED_ENTITY,
    FakeClock,
    claim_stage,
    complete_stage,
    new_documents,
    payload,
    run_document,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def repo(database_url: str, clock: FakeClock) -> Iterator[Repository]:
    database = Database.open(database_url)
    yield Repository(database, clock=clock, lease_seconds=60)
    database.dispose()


def _advance(repo: Repository, doc_id: str, stages: int, owner: str = "w") -> None:
    for stage in Stage.ordered()[:stages]:
        assert claim_stage(repo, doc_id, stage, owner=owner, max_attempts=3).claimed
        assert complete_stage(repo, doc_id, stage, payload(stage), next_stage=stage.next())


def _mixed_batch(repo: Repository) -> tuple[str, list[str]]:
    """A batch with one completed, one failed, one mid-pipeline and one pending document."""
    batch = repo.batches.create("acme", new_documents(4), options={})
    ids = pending_ids(repo, batch.id)
    run_document(repo, ids[0])
    assert claim_stage(repo, ids[1], Stage.EXTRACT, owner="w", max_attempts=3).claimed
    assert repo.documents.fail(ids[1], Stage.EXTRACT, "data", "corrupt", "broken")
    _advance(repo, ids[2], 2)
    return batch.id, ids


def test_progress_figures_rebuild_progress(repo: Repository) -> None:
    batch_id, ids = _mixed_batch(repo)
    figures = repo.batches.progress_figures(batch_id)
    assert figures.states == {
        ids[0]: "completed",
        ids[1]: "failed",
        ids[2]: "processing",
        ids[3]: "pending",
    }
    assert figures.stages == {
        ids[0]: {s.value: "done" for s in Stage.ordered()},
        ids[1]: {"extract": "failed"},
        ids[2]: {"extract": "done", "chunk": "done"},
    }
    assert figures.state_counts == {"completed": 1, "failed": 1, "processing": 1, "pending": 1}
    assert figures.stage_counts == {
        "extract": {"done": 2, "failed": 1},
        "chunk": {"done": 2},
        "entities": {"done": 1},
        "resolve": {"done": 1},
        "relate": {"done": 1},
    }
    assert figures.containers == {}
    counts = repo.batches.counts(batch_id)
    assert counts.stages == {
        (DocumentState.PROCESSING, Stage.ENTITIES): 1,
        (DocumentState.PENDING, Stage.EXTRACT): 1,
    }
    assert (counts.total, counts.pages) == (4, 2)
    assert figures.pages == counts.pages


def test_batch_totals_count_stored_results(repo: Repository) -> None:
    batch_id, _ = _mixed_batch(repo)
    assert repo.batches.totals(batch_id) == {
        "pages": 4,
        "chunks": 4,
        "mentions": 3,
        "relationships": 2,
        "entities": 2,
    }


def test_recovery_reads(repo: Repository, clock: FakeClock) -> None:
    batch_id, ids = _mixed_batch(repo)
    assert pending_ids(repo, batch_id) == [ids[3]]
    refs = repo.documents.unfinished(batch_id)
    assert [(r.document_id, r.state, r.stage) for r in refs] == [
        (ids[2], DocumentState.PROCESSING, Stage.ENTITIES),
        (ids[3], DocumentState.PENDING, Stage.EXTRACT),
    ]
    clock.advance(10)
    assert [b.id for b in repo.batches.unenqueued(clock.now)] == [batch_id]
    assert repo.batches.mark_enqueued(batch_id)
    assert repo.batches.unenqueued(clock.now) == []
    assert [b.id for b in repo.batches.newest(active_only=True)] == [batch_id]
    assert repo.batches.find("nope") is None


def test_load_resolution_round_trips(repo: Repository) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = batch_doc = pending_ids(repo, batch.id)[0]
    run_document(repo, batch_doc)
    assert repo.results.load_resolution(doc_id) == payload(Stage.RESOLVE)
    assert repo.results.load_resolution(doc_id).entities == (SHARED_ENTITY, COURT_ENTITY)
    assert repo.results.load_extracted(doc_id) == payload(Stage.EXTRACT)
    assert list(repo.results.load_chunks(doc_id)) == payload(Stage.CHUNK)
    assert list(repo.results.load_mentions(doc_id)) == payload(Stage.ENTITIES)


def test_create_batch_accepts_a_project_id(repo: Repository) -> None:
    project_id = repo.batches.ensure_project("by-id")
    batch = repo.batches.create(project_id, new_documents(2), options={}, name="n")
    assert (batch.project_id, batch.project, batch.name, batch.total) == (
        project_id,
        "by-id",
        "n",
        2,
    )
    child = repo.batches.create("by-id", new_documents(1), options={}, parent_batch_id=batch.id)
    assert child.parent_batch_id == batch.id


def test_owner_checks_on_release_and_completion(repo: Repository, clock: FakeClock) -> None:
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = pending_ids(repo, batch.id)[0]
    assert claim_stage(repo, doc_id, Stage.EXTRACT, owner="slow", max_attempts=3).claimed
    clock.advance(61)
    assert claim_stage(repo, doc_id, Stage.EXTRACT, owner="fast", max_attempts=3).claimed
    stale = complete_stage(
        repo, doc_id, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK, owner="slow"
    )
    assert not stale
    assert not repo.documents.release(doc_id, Stage.EXTRACT, owner="slow", reason="x")
    assert repo.documents.release(doc_id, Stage.EXTRACT, owner="fast", reason="redis down")
    doc = repo.documents.get(doc_id)
    assert (doc.state, doc.attempts, doc.page_count) == (DocumentState.PENDING, 2, None)

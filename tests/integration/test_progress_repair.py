"""The progress hash ends exact even when a report never arrives or arrives mid-rebuild.

A worker commits a transition to the database, then reports it to Redis. Killed between
the two, its report never comes; and a rebuild that read the database just before a
report and wrote just after it would overwrite the report with older figures. The
reconciler compares an ended batch's hash with the database, and a rebuild watches the
hash while it reads (both against a real database and Redis, no worker running).
"""

from __future__ import annotations

from typing import Any

import pytest

from docbatch.client import Docbatch
from docbatch.models import DocumentState
from docbatch.redis.progress import ProgressTracker
from docbatch.worker.reconciler import reconcile_once
from docbatch.worker.runtime import WorkerRuntime
from tests.integration.test_store_support import new_documents, pending_ids, run_document

pytestmark = pytest.mark.integration


@pytest.fixture
def client(broker_client: Docbatch) -> Docbatch:
    return broker_client


def _tracker(client: Docbatch) -> ProgressTracker:
    settings = client.settings
    assert client.redis is not None
    return ProgressTracker(client.redis, settings.key_prefix, settings.progress_ttl_seconds)


def _run_and_report(client: Docbatch, batch_id: str, document_id: str) -> None:
    """Complete the document in the database, then report it as a worker does."""
    run_document(client.repo, document_id)
    assert client.progress is not None
    client.progress.documents_started([(batch_id, document_id)])
    client.progress.document_transition(batch_id, document_id, "processing", "completed",
                                        "relate", pages=1)  # fmt: skip


def test_a_report_lost_with_its_worker_is_repaired_once_the_batch_has_ended(
    client: Docbatch,
) -> None:
    batch = client.repo.batches.create("acme", new_documents(3), options={})
    assert client.progress is not None
    client.progress.init(batch)
    first, second, killed = pending_ids(client.repo, batch.id)
    _run_and_report(client, batch.id, first)
    _run_and_report(client, batch.id, second)
    run_document(client.repo, killed)  # committed; its worker died before reporting
    assert client.repo.batches.get(batch.id).state.terminal
    runtime = WorkerRuntime(client.settings)

    tracker = _tracker(client)
    assert tracker.get_batch_progress(batch.id).terminal == 2  # type: ignore[union-attr]
    assert reconcile_once(client.app, runtime)["progress_rebuilt"] == 1
    repaired = tracker.get_batch_progress(batch.id)
    assert repaired is not None and (repaired.total, repaired.terminal) == (3, 3)
    assert repaired.finished_at is not None
    # Now right: the next pass leaves it alone (no rebuild on every pass).
    assert reconcile_once(client.app, runtime)["progress_rebuilt"] == 0


def test_an_ended_batch_whose_hash_expired_is_left_without_one(client: Docbatch) -> None:
    batch = client.repo.batches.create("acme", new_documents(1), options={})
    (only,) = pending_ids(client.repo, batch.id)
    run_document(client.repo, only)
    assert reconcile_once(client.app, WorkerRuntime(client.settings))["progress_rebuilt"] == 0
    assert _tracker(client).get_batch_progress(batch.id) is None


def test_a_report_made_while_a_rebuild_reads_is_not_overwritten(client: Docbatch) -> None:
    batch = client.repo.batches.create("acme", new_documents(2), options={})
    assert client.progress is not None
    client.progress.init(batch)
    early, late = pending_ids(client.repo, batch.id)
    _run_and_report(client, batch.id, early)
    repo = client.repo
    reads = []

    class Interleaved:
        """The repository, but the late document completes (and is reported) right
        after the rebuild's first read of the documents."""

        def __init__(self) -> None:
            self.batches = self

        def get(self, batch_id: str) -> Any:
            return repo.batches.get(batch_id)

        def progress_figures(self, batch_id: str) -> Any:
            figures = repo.batches.progress_figures(batch_id)
            reads.append(figures.state_counts)
            if len(reads) == 1:
                _run_and_report(client, batch.id, late)
            return figures

    rebuilt = client.progress.rebuild(batch, Interleaved())  # type: ignore[arg-type]

    assert reads == [{"completed": 1, "pending": 1}, {"completed": 2}]
    assert rebuilt.counts[DocumentState.COMPLETED.value] == 2
    found = _tracker(client).get_batch_progress(batch.id)
    assert found is not None and (found.total, found.terminal) == (2, 2)


def test_a_rebuild_counts_containers_whose_children_are_stored(client: Docbatch) -> None:
    tracker = _tracker(client)
    tracker.rebuild(
        "b1",
        total=3,
        priority="normal",
        created_at=1_700_000_000.0,
        state_counts={"completed": 1, "pending": 2},
        doc_states={"zip": "completed", "a": "pending", "b": "pending"},
        containers={"zip": 2},
    )
    # The container's worker reports its children after the rebuild counted them.
    assert tracker.add_documents("b1", "zip", 2) is False
    found = tracker.get_batch_progress("b1")
    assert found is not None and found.total == 3

"""Cancelling recovery batches and the batches they recover, on SQLite and PostgreSQL.

A recovery batch owns no document rows: it re-opens its original's failed documents in
place. Cancelling it must still stop those documents, and cancelling the original must
stop the ones re-opened under a recovery batch that is still running. Either way every
batch's counters stay equal to its documents' states, and each batch finalises once.

Re-opened documents are counted at once, also inside a group commit; their events still
come in the order they happened.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from docbatch.client import Docbatch
from docbatch.models import Stage
from docbatch.settings import Settings
from docbatch.store import (
    BatchRecord,
    BatchState,
    ClaimOutcome,
    Database,
    DocumentState,
    Priority,
    Repository,
)
from docbatch.store.records import StageResult, StepResults

from .test_store_support import (
    FakeClock,
    claim_stage,
    complete_stage,
    fail_document,
    new_documents,
    payload,
    run_document,
)

pytestmark = pytest.mark.integration

PAGES = 2  # every sample document has two pages once extracted


@pytest.fixture
def repo(database: Database) -> Repository:
    return Repository(database, clock=FakeClock(), lease_seconds=60)


def _resume(repo: Repository, document_id: str, stage: Stage) -> None:
    """Run a re-opened document from ``stage`` to the end."""
    for each in Stage.ordered()[Stage.ordered().index(stage) :]:
        assert claim_stage(repo, document_id, each, owner="test", max_attempts=3).claimed
        assert complete_stage(repo, document_id, each, payload(each), next_stage=each.next())


def _recover(repo: Repository, original: str, recovery_id: str) -> int:
    return repo.recovery.create_batch(
        recovery_id,
        original,
        repo.recovery.failed_documents(original),
        from_stage=None,
        priority=Priority.HIGH,
        options={},
    )


def _counters(batch: BatchRecord) -> tuple[str, int, int, int, int, int]:
    return (
        batch.state.value,
        batch.completed,
        batch.failed,
        batch.cancelled,
        batch.pages,
        batch.finalized_count,
    )


def _states(repo: Repository, batch_id: str) -> dict[str, int]:
    return {state.value: n for state, n in repo.batches.counts(batch_id).states.items() if n}


def _assert_counters_match_documents(repo: Repository, *batch_ids: str) -> None:
    """Each batch's counters equal its documents' states (the chaos suite's invariant)."""
    for batch_id in batch_ids:
        batch = repo.batches.get(batch_id)
        kept = {"completed": batch.completed, "failed": batch.failed, "cancelled": batch.cancelled}
        assert _states(repo, batch_id) == {k: n for k, n in kept.items() if n}, batch_id
        assert batch.done == batch.total, batch_id


def _cancelled_events(database: Database, batch_id: str) -> int:
    with database.engine.connect() as connection:
        return int(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM events WHERE batch_id = :b AND kind = 'batch_cancelled'"
                ),
                {"b": batch_id},
            ).scalar_one()
        )


def _recovery_under_way(repo: Repository, *, original_running: bool) -> dict[str, str]:
    """An original batch and a recovery batch with one re-opened document of each kind.

    ``done`` completed in the original; ``recovered`` completed again in the recovery;
    ``running`` is processing entities and ``waiting`` is pending at relate under the
    recovery. With ``original_running``, ``fresh`` is an original document never
    started, so the original is still running.
    """
    count = 5 if original_running else 4
    batch = repo.batches.create("acme", new_documents(count), options={})
    ids = [d.id for d in repo.documents.of_batch(batch.id)]
    names = dict(zip(["done", "recovered", "running", "waiting", "fresh"], ids, strict=False))
    run_document(repo, names["done"])
    fail_document(repo, names["recovered"], Stage.EXTRACT)
    fail_document(repo, names["running"], Stage.ENTITIES)
    fail_document(repo, names["waiting"], Stage.RELATE)
    assert _recover(repo, batch.id, "recovery-1") == 3
    _resume(repo, names["recovered"], Stage.EXTRACT)
    assert claim_stage(repo, names["running"], Stage.ENTITIES, owner="w", max_attempts=3).claimed
    return {"original": batch.id, "recovery": "recovery-1", **names}


def test_cancelling_a_recovery_batch_cancels_the_documents_it_reopened(
    repo: Repository, database: Database
) -> None:
    ids = _recovery_under_way(repo, original_running=False)
    assert repo.batches.get(ids["recovery"]).state is BatchState.RUNNING

    cancelled = repo.batches.cancel(ids["recovery"])

    assert cancelled and cancelled.batch_finalized
    for name in ("running", "waiting"):
        doc = repo.documents.get(ids[name])
        assert (doc.state, doc.error_category) == (DocumentState.CANCELLED, "cancelled")
    assert repo.documents.get(ids["recovered"]).state is DocumentState.COMPLETED
    # A step still running commits nothing; a message still queued finds its claim refused.
    stale = complete_stage(
        repo, ids["running"], Stage.ENTITIES, payload(Stage.ENTITIES), next_stage=Stage.RESOLVE
    )
    assert not stale
    waiting = claim_stage(repo, ids["waiting"], Stage.RELATE, owner="w", max_attempts=3)
    assert waiting.outcome is ClaimOutcome.SKIP
    recovery = repo.batches.get(ids["recovery"])
    assert _counters(recovery) == ("cancelled", 1, 0, 2, 3 * PAGES, 1)
    # The original moves its two re-opened documents from failed to cancelled and gets
    # their pages back; it was finalised once already and is not finalised again.
    original = repo.batches.get(ids["original"])
    assert _counters(original) == ("completed_with_failures", 2, 0, 2, 4 * PAGES, 1)
    _assert_counters_match_documents(repo, ids["original"], ids["recovery"])
    assert _cancelled_events(database, ids["recovery"]) == 1
    assert _cancelled_events(database, ids["original"]) == 0

    assert not repo.batches.cancel(ids["recovery"])  # nothing left: counted once
    assert _counters(repo.batches.get(ids["recovery"])) == _counters(recovery)
    assert _counters(repo.batches.get(ids["original"])) == _counters(original)


@pytest.mark.parametrize("original_running", [False, True], ids=["finished", "running"])
def test_cancelling_the_original_cancels_documents_reopened_under_its_recovery(
    repo: Repository, database: Database, original_running: bool
) -> None:
    ids = _recovery_under_way(repo, original_running=original_running)

    cancelled = repo.batches.cancel(ids["original"])

    # Only a running original is finalised now (as cancelled); a finished one keeps its
    # state and its single finalisation.
    assert bool(cancelled) is original_running
    for name in ("running", "waiting", "fresh"):
        if name in ids:
            assert repo.documents.get(ids[name]).state is DocumentState.CANCELLED
    recovery = repo.batches.get(ids["recovery"])
    assert _counters(recovery) == ("cancelled", 1, 0, 2, 3 * PAGES, 1)
    original = repo.batches.get(ids["original"])
    if original_running:
        assert _counters(original) == ("cancelled", 2, 0, 3, 4 * PAGES, 1)
    else:
        assert _counters(original) == ("completed_with_failures", 2, 0, 2, 4 * PAGES, 1)
    _assert_counters_match_documents(repo, ids["original"], ids["recovery"])
    assert _cancelled_events(database, ids["recovery"]) == 1
    assert _cancelled_events(database, ids["original"]) == int(original_running)


def _failed_again(repo: Repository) -> tuple[str, str]:
    """An original of two documents whose second failed, was recovered by
    ``recovery-1``, and failed there again: ``(original id, that document's id)``."""
    batch = repo.batches.create("acme", new_documents(2), options={})
    done, again = (d.id for d in repo.documents.of_batch(batch.id))
    run_document(repo, done)
    fail_document(repo, again, Stage.CHUNK)
    assert _recover(repo, batch.id, "recovery-1") == 1
    fail_document(repo, again, Stage.RESOLVE, start=Stage.CHUNK)  # fails again, further on
    return batch.id, again


def test_cancelling_a_recovery_batch_cancels_the_recovery_batches_of_its_failures(
    repo: Repository,
) -> None:
    original_id, again = _failed_again(repo)
    assert repo.batches.get("recovery-1").state is BatchState.COMPLETED_WITH_FAILURES
    assert _recover(repo, "recovery-1", "recovery-2") == 1

    assert not repo.batches.cancel("recovery-1")  # finished itself; its recovery is not

    assert repo.documents.get(again).state is DocumentState.CANCELLED
    assert _counters(repo.batches.get("recovery-2")) == ("cancelled", 0, 0, 1, PAGES, 1)
    original = repo.batches.get(original_id)
    assert _counters(original) == ("completed_with_failures", 1, 0, 1, 2 * PAGES, 1)
    # The recovery in between is corrected as the original is: its failure is cancelled.
    middle = repo.batches.get("recovery-1")
    assert _counters(middle) == ("completed_with_failures", 0, 0, 1, PAGES, 1)


def test_a_recovery_of_a_recovery_corrects_every_batch_of_the_chain(repo: Repository) -> None:
    original_id, again = _failed_again(repo)
    assert _counters(repo.batches.get("recovery-1")) == ("completed_with_failures", 0, 1, 0,
                                                         PAGES, 1)  # fmt: skip
    assert _recover(repo, "recovery-1", "recovery-2") == 1
    # Re-opened again: its pages leave both batches it was counted in.
    assert repo.batches.get("recovery-1").pages == 0
    assert repo.batches.get(original_id).pages == PAGES

    _resume(repo, again, Stage.RESOLVE)

    assert _counters(repo.batches.get("recovery-2")) == ("completed", 1, 0, 0, PAGES, 1)
    assert _counters(repo.batches.get("recovery-1")) == ("completed", 1, 0, 0, PAGES, 1)
    assert _counters(repo.batches.get(original_id)) == ("completed", 2, 0, 0, 2 * PAGES, 1)


def test_cancel_through_the_client_rebuilds_the_progress_of_the_recovery_batch(
    settings: Settings, database_url: str, redis_url: str, key_prefix: str
) -> None:
    local = settings.model_copy(
        update={"database_url": database_url, "redis_url": redis_url, "key_prefix": key_prefix}
    )
    client = Docbatch(local)
    ids = _recovery_under_way(client.repo, original_running=False)
    recovery = client.get_batch(ids["recovery"])
    client.progress.rebuild(recovery, client.repo)
    assert client.progress.get(recovery.id).counts["processing"] == 1

    original = client.cancel(ids["original"])

    assert original.cancelled == 2
    progress = client.progress.get(recovery.id)
    assert (progress.counts["completed"], progress.counts["cancelled"]) == (1, 2)
    assert progress.counts["processing"] == progress.counts["pending"] == 0
    assert client.progress.get(original.id).counts["cancelled"] == 2
    client.close()


def test_a_group_commit_of_reopened_documents_keeps_their_events_in_order(
    repo: Repository,
) -> None:
    batch = repo.batches.create("acme", new_documents(3), options={})
    repo.batches.mark_enqueued(batch.id)
    first, second, third = (d.id for d in repo.documents.of_batch(batch.id))
    for document_id in (first, second):
        fail_document(repo, document_id, Stage.RELATE)
    run_document(repo, third)
    _recover(repo, batch.id, "recovery")
    group = [first, second]
    assert all(
        c.claimed for c in repo.documents.claim(group, Stage.RELATE, owner="w", max_attempts=3)
    )

    done = repo.documents.complete(
        [StepResults(d, [StageResult(Stage.RELATE, payload(Stage.RELATE))], "w") for d in group]
    )

    assert all(done) and sum(t.batch_finalized for t in done) == 1
    for document_id in group:
        kinds = [
            e.kind.value for e in repo.batches.events(batch.id) if e.document_id == document_id
        ]
        assert kinds[-3:] == ["claimed", "stage_completed", "completed"], kinds
    assert _counters(repo.batches.get("recovery"))[:4] == ("completed", 2, 0, 0)

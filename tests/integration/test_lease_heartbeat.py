"""Heartbeat-renewed leases: a live step keeps its documents however long it runs.

The lease here is 1.5 s and the steps take several seconds: without a heartbeat the
reconciler would see the lease expired and another claim would take the document from
under the running step. A heartbeat never revives a claim that expired or that another
owner took, and it stops with its step.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from docbatch.engine import executor as processing
from docbatch.engine import stages
from docbatch.engine.executor import StageExecutor
from docbatch.engine.extractors import InProcessExtractor
from docbatch.engine.outcomes import StepOutcome
from docbatch.models import Stage
from docbatch.settings import Settings
from docbatch.store import Database, NewDocument, Repository
from docbatch.store.records import ClaimOutcome
from tests.integration.test_store_support import claim_stage

pytestmark = pytest.mark.integration

LEASE = 1.5
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "memo.txt"


class SlowExtractor(InProcessExtractor):
    """Reads the text layer after ``seconds`` (a long parse, an OCR job)."""

    def __init__(self, seconds: float, interrupt: bool = False) -> None:
        self.seconds = seconds
        self.interrupt = interrupt

    def text_layer(self, data: bytes, options: Any) -> Any:
        time.sleep(self.seconds)
        if self.interrupt:
            raise KeyboardInterrupt
        return super().text_layer(data, options)


@pytest.fixture
def repo(database: Database) -> Repository:
    return Repository(database, lease_seconds=LEASE)


def _document(repo: Repository) -> str:
    batch = repo.batches.create(
        "acme",
        [NewDocument(path=str(SAMPLE), sha256=None, size_bytes=SAMPLE.stat().st_size)],
        options={},
    )
    (doc,) = repo.documents.of_batch(batch.id)
    return doc.id


def _executor(repo: Repository, extractor: InProcessExtractor) -> StageExecutor:
    return StageExecutor(
        repo,
        Settings().pipeline_options(),
        owner="live-worker",
        lease_seconds=LEASE,  # type: ignore[arg-type]
        max_attempts=3,
        fuse_stages=True,
        extractor=extractor,
    )


def _in_thread(call: Callable[[], StepOutcome]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []

    def run() -> None:
        try:
            result.append(call())
        except BaseException as exc:
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def _heartbeats() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("docbatch-heartbeat")]


def _claims(repo: Repository, document_id: str) -> int:
    with repo.database.engine.connect() as conn:
        statement = "SELECT count(*) FROM events WHERE document_id = :d AND kind = 'claimed'"
        return int(conn.execute(sa.text(statement), {"d": document_id}).scalar_one())


@pytest.fixture(autouse=True)
def no_heartbeat_left() -> Iterator[None]:
    yield
    deadline = time.monotonic() + 5
    while _heartbeats() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _heartbeats() == [], "a heartbeat thread outlived its step"


def test_a_step_longer_than_its_lease_keeps_its_claim(repo: Repository) -> None:
    document_id = _document(repo)
    executor = _executor(repo, SlowExtractor(seconds=4 * LEASE))

    thread, result = _in_thread(lambda: executor.run(document_id, Stage.EXTRACT))
    time.sleep(3 * LEASE)  # twice the lease: without a heartbeat it has expired
    expired = [ref.document_id for ref in repo.leases.expired()]
    thief = claim_stage(repo, document_id, Stage.EXTRACT, owner="reconciler-resend", max_attempts=3)
    thread.join(30)

    assert expired == []
    assert thief.outcome is ClaimOutcome.BUSY, thief
    assert result[0].status == "completed", result
    assert repo.documents.get(document_id).state.value == "completed"
    assert _claims(repo, document_id) == 1


def test_a_step_going_on_after_a_slow_stage_keeps_its_claim(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # extract takes over COMMIT_AFTER_S, so it is committed at once; the same step goes
    # on with a chunk stage that outlives the lease twice over.
    document_id = _document(repo)
    chunk = stages.chunk_document

    def slow_chunk(*args: Any, **kwargs: Any) -> Any:
        time.sleep(4 * LEASE)
        return chunk(*args, **kwargs)

    monkeypatch.setattr(stages, "chunk_document", slow_chunk)
    executor = _executor(repo, SlowExtractor(seconds=processing.COMMIT_AFTER_S + 0.2))

    thread, result = _in_thread(lambda: executor.run(document_id, Stage.EXTRACT))
    deadline = time.monotonic() + 20
    while repo.documents.get(document_id).stage is Stage.EXTRACT:
        assert time.monotonic() < deadline, "extract was never committed"
        time.sleep(0.05)
    time.sleep(2.5 * LEASE)
    during = repo.documents.get(document_id)
    thief = claim_stage(repo, document_id, Stage.CHUNK, owner="promoted-copy", max_attempts=3)
    thread.join(30)

    assert (during.stage, during.lease_owner) == (Stage.CHUNK, "live-worker")
    assert thief.outcome is ClaimOutcome.BUSY, thief
    assert result[0].status == "completed", result
    assert _claims(repo, document_id) == 1


def test_a_heartbeat_never_revives_an_expired_or_taken_claim(repo: Repository) -> None:
    first, second = _document(repo), _document(repo)
    for document_id in (first, second):
        assert claim_stage(repo, document_id, Stage.EXTRACT, owner="a", max_attempts=3).claimed
    with repo.database.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE documents SET lease_expires_at = :t WHERE id = :d"),
            {"t": repo.clock() - timedelta(seconds=1), "d": first},
        )
    assert claim_stage(repo, second, Stage.EXTRACT, owner="b", max_attempts=3).outcome is (
        ClaimOutcome.BUSY
    )

    assert repo.documents.renew_leases([first, second], owner="a", lease_seconds=60) == [second]
    assert repo.leases.expired() and repo.leases.expired()[0].document_id == first

    with repo.database.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE documents SET lease_expires_at = :t WHERE id = :d"),
            {"t": repo.clock() - timedelta(seconds=1), "d": second},
        )
    assert claim_stage(repo, second, Stage.EXTRACT, owner="b", max_attempts=3).claimed
    assert repo.documents.renew_leases([first, second], owner="a", lease_seconds=60) == []
    assert repo.documents.get(second).lease_owner == "b"


def test_the_heartbeat_stops_when_its_step_is_interrupted(repo: Repository) -> None:
    document_id = _document(repo)
    executor = _executor(repo, SlowExtractor(seconds=LEASE, interrupt=True))

    thread, result = _in_thread(lambda: executor.run(document_id, Stage.EXTRACT))
    time.sleep(LEASE / 2)
    running = len(_heartbeats())
    thread.join(30)

    assert running == 1
    assert isinstance(result[0], KeyboardInterrupt)
    # no_heartbeat_left: the thread is gone, and the claim is left to expire
    time.sleep(LEASE + 0.2)
    assert [ref.document_id for ref in repo.leases.expired()] == [document_id]

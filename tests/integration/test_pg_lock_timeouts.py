"""Bounded lock waits on PostgreSQL: a frozen worker does not stall the cluster.

A worker stopped (SIGSTOP) in the middle of a transaction keeps its row locks. Other
workers' claims (``SELECT ... FOR UPDATE``) must give up after ``lock_timeout`` with a
transient error, parked retries are taken with ``SKIP LOCKED``, and the server ends the
frozen session after ``idle_in_transaction_session_timeout``, which frees its locks.
The frozen worker is played by a plain connection holding a row lock, or by a
repository transaction that sleeps.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from docbatch.client import Docbatch
from docbatch.engine.executor import BUSY_RETRY_S, StageExecutor
from docbatch.errors import DatabaseBusyError, ErrorCategory, category_of
from docbatch.models import Stage
from docbatch.settings import Settings
from docbatch.store import lifecycle
from docbatch.store.db import Database, SessionLimits
from docbatch.store.repository import Repository
from tests.integration.test_store_support import claim_stage, new_documents

pytestmark = pytest.mark.integration

HANG = 15.0  # seconds after which a call is taken to be stuck behind the frozen lock


@dataclass
class Outcome:
    """What a call run in a thread did: its result or error, and how long it took."""

    result: Any = None
    error: BaseException | None = None
    elapsed: float = 0.0
    finished: bool = False


def _in_thread(call: Callable[[], Any]) -> tuple[threading.Thread, Outcome]:
    outcome = Outcome()

    def run() -> None:
        started = time.monotonic()
        try:
            outcome.result = call()
        except BaseException as exc:
            outcome.error = exc
        outcome.elapsed = time.monotonic() - started
        outcome.finished = True

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def _open(url: str, **limits: int) -> Repository:
    return Repository(Database.open(url, limits=SessionLimits(**limits)), lease_seconds=60)


@pytest.fixture
def repo(postgres_url: str) -> Iterator[Repository]:
    """A repository whose sessions wait at most 300 ms for a lock."""
    repository = _open(postgres_url, lock_timeout_ms=300)
    yield repository
    repository.database.dispose()


@pytest.fixture
def frozen(postgres_url: str) -> Iterator[Callable[[str], None]]:
    """``frozen(document_id)``: a session locks the row and stops, as a SIGSTOPped worker
    would; released at the end of the test."""
    engine = sa.create_engine(postgres_url)
    connections: list[sa.Connection] = []

    def freeze(document_id: str) -> None:
        connection = engine.connect()
        connection.begin()
        connection.execute(
            sa.text("SELECT id FROM documents WHERE id = :d FOR UPDATE"), {"d": document_id}
        )
        connections.append(connection)

    yield freeze
    for connection in connections:
        connection.rollback()
        connection.close()
    engine.dispose()


def _one_document(repo: Repository) -> str:
    batch = repo.batches.create("acme", new_documents(1), options={})
    (doc,) = repo.documents.of_batch(batch.id)
    return doc.id


def test_settings_bound_the_waits_of_every_postgresql_session(
    settings: Settings, postgres_url: str
) -> None:
    assert (Settings().db_lock_timeout_ms, Settings().db_idle_in_transaction_timeout_ms) == (
        10_000, 60_000,
    )  # fmt: skip
    client = Docbatch(
        settings.model_copy(
            update={
                "database_url": postgres_url,
                "db_lock_timeout_ms": 1234,
                "db_idle_in_transaction_timeout_ms": 5678,
                "db_statement_timeout_ms": 91011,
            }
        )
    )
    try:
        with client.database.engine.connect() as conn:
            shown = [
                conn.exec_driver_sql(f"SHOW {name}").scalar_one()
                for name in (
                    "lock_timeout", "idle_in_transaction_session_timeout", "statement_timeout",
                )
            ]  # fmt: skip
    finally:
        client.close()

    assert shown == ["1234ms", "5678ms", "91011ms"]


def test_a_claim_behind_a_frozen_worker_fails_fast_as_transient(
    repo: Repository, frozen: Callable[[str], None]
) -> None:
    document_id = _one_document(repo)
    frozen(document_id)

    thread, outcome = _in_thread(
        lambda: claim_stage(repo, document_id, Stage.EXTRACT, owner="w2", max_attempts=3)
    )
    thread.join(HANG)

    assert outcome.finished, "the claim waited behind the frozen worker's lock"
    assert isinstance(outcome.error, DatabaseBusyError), outcome.error
    assert category_of(outcome.error) is ErrorCategory.TRANSIENT
    assert outcome.elapsed < 5
    doc = repo.documents.get(document_id)
    assert (doc.state.value, doc.attempts) == ("pending", 0)


def test_a_step_behind_a_frozen_worker_is_sent_again_later(
    repo: Repository, frozen: Callable[[str], None]
) -> None:
    document_id = _one_document(repo)
    frozen(document_id)
    executor = StageExecutor(repo, Settings().pipeline_options(), owner="w2", max_attempts=3)

    thread, outcome = _in_thread(lambda: executor.run(document_id, Stage.EXTRACT))
    thread.join(HANG)

    assert outcome.finished, "the step waited behind the frozen worker's lock"
    assert outcome.error is None, outcome.error
    step = outcome.result
    assert (step.status, step.next_stage, step.retry_in) == ("retry", Stage.EXTRACT, BUSY_RETRY_S)
    assert repo.documents.get(document_id).attempts == 0


def test_due_retries_skip_the_rows_a_frozen_worker_holds(
    repo: Repository, frozen: Callable[[str], None]
) -> None:
    batch = repo.batches.create("acme", new_documents(2), options={})
    first, second = (d.id for d in repo.documents.of_batch(batch.id))
    due = repo.clock() - timedelta(seconds=1)
    for document_id in (first, second):
        assert claim_stage(repo, document_id, Stage.EXTRACT, owner="w", max_attempts=3).claimed
        assert repo.retries.schedule(
            document_id, Stage.EXTRACT, owner="w", reason="flaky", retry_at=due
        )
    frozen(first)

    thread, outcome = _in_thread(lambda: repo.retries.take_due(limit=10))
    thread.join(HANG)

    assert outcome.finished, "taking due retries waited behind the frozen worker's lock"
    assert outcome.error is None, outcome.error
    assert [ref.document_id for ref in outcome.result] == [second]
    assert repo.documents.get(first).retry_at is not None  # left for a later pass


def test_the_server_ends_a_frozen_transaction_and_frees_its_locks(postgres_url: str) -> None:
    stopped = _open(postgres_url, lock_timeout_ms=300, idle_in_transaction_ms=500)
    other = _open(postgres_url, lock_timeout_ms=10_000)
    document_id = _one_document(other)

    def frozen_mid_transaction(connection: sa.Connection) -> None:
        lifecycle.lock_document(connection, document_id)
        time.sleep(2.5)  # SIGSTOPped while holding the lock
        connection.execute(sa.text("SELECT 1"))

    try:
        frozen_thread, frozen_outcome = _in_thread(lambda: stopped.write(frozen_mid_transaction))
        time.sleep(0.2)
        thread, claim = _in_thread(
            lambda: claim_stage(other, document_id, Stage.EXTRACT, owner="w2", max_attempts=3)
        )
        thread.join(HANG)
        frozen_thread.join(HANG)
    finally:
        stopped.database.dispose()
        other.database.dispose()

    assert claim.finished and claim.error is None, claim.error
    assert claim.result.claimed and claim.elapsed < 2.0  # not the whole freeze
    assert frozen_outcome.finished
    assert frozen_outcome.error is not None
    assert category_of(frozen_outcome.error) is ErrorCategory.TRANSIENT, frozen_outcome.error

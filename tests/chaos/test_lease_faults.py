"""Chaos: leases under faults (issue 18).

- the process running an OCR step is SIGKILLed: the document still completes;
- a worker frozen (SIGSTOP) in the middle of its commit transaction for longer than its
  lease: the others finish the batch while it is frozen, and once it runs again its
  commits are refused (nothing it computed is written);
- a worker SIGKILLed with the default lease settings: the others finish its documents
  within 3 minutes, thanks to the heartbeat that lets the lease be short.

Each scenario runs once per suite run (no seeds): the default-lease one waits for a
real lease to run out, about a minute and a half.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import psutil
import pytest
import sqlalchemy as sa

from docbatch.faults import FREEZE_ONCE_ENV
from docbatch.local.embedded import LocalWorkers
from docbatch.queues import queue_names
from docbatch.settings import Settings
from tests.chaos.harness import ChaosCluster, Size
from tests.integration.engine_support import make_corpus

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: A corpus whose scans take a few seconds of OCR each (three pages of about 0.6 s).
SCAN_MIX = {"pdf": 0.6, "scan": 0.4}


def _scalar(cluster: ChaosCluster, query: str, **params: object) -> int:
    with cluster.client.database.engine.connect() as conn:
        return int(conn.execute(sa.text(query), params).scalar_one() or 0)


def _ocr_in_progress(cluster: ChaosCluster, batch_id: str) -> list[str]:
    """Documents an OCR step holds right now (handed off, then claimed again)."""
    with cluster.client.database.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id FROM documents WHERE batch_id = :b AND state = 'processing' "
                "AND needs_ocr AND stage = 'extract' AND lease_owner IS NOT NULL"
            ),
            {"b": batch_id},
        ).all()
    return [row[0] for row in rows]


def _wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what}: not within {timeout}s"
        time.sleep(0.05)


def test_sigkill_of_the_process_running_ocr_completes_the_document(
    cluster: ChaosCluster, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "scans", 10, seed=5, mix=SCAN_MIX)
    names = queue_names(cluster.settings)
    ocr_queue = next(name for name in names if name.endswith("ocr"))
    others = ",".join(name for name in names if name != ocr_queue)
    # One worker for everything but OCR, one with a single process for OCR only: the
    # process running an OCR step is then known.
    cluster.workers = LocalWorkers(cluster.settings, 2, queues=others).start()
    ocr_worker = LocalWorkers(cluster.settings, 1, queues=ocr_queue).start()
    try:
        batch = cluster.submit(corpus)
        _wait_for(lambda: _ocr_in_progress(cluster, batch.id), 120, "an OCR step")
        held = _ocr_in_progress(cluster, batch.id)
        assert ocr_worker.process is not None
        (ocr_process,) = psutil.Process(ocr_worker.process.pid).children()
        os.kill(ocr_process.pid, signal.SIGKILL)
        cluster.fault()
        victim = held[0]
        killed_during_ocr = cluster.client.repo.documents.get(victim).state.value == "processing"
        outcome = cluster.finish(
            "sigkill of the process running ocr", [batch.id], allow_orphaned_unacked=True
        )
    finally:
        ocr_worker.stop(timeout=15)

    assert killed_during_ocr, "the OCR step ended before the kill"
    assert outcome.violations == []
    final = cluster.client.get_batch(batch.id)
    assert (final.completed, final.failed) == (10, 0)
    doc = cluster.client.repo.documents.get(victim)
    assert (doc.state.value, doc.error_category) == ("completed", None)
    assert (doc.ocr_pages or 0) > 0
    ocr_claims = _scalar(
        cluster,
        "SELECT count(*) FROM events WHERE document_id = :d AND kind = 'claimed' AND id > "
        "(SELECT min(id) FROM events WHERE document_id = :d AND kind = 'handed_off')",
        d=victim,
    )
    assert ocr_claims >= 2, "the killed OCR step ran again"


def test_a_worker_frozen_mid_transaction_past_its_lease(
    cluster: ChaosCluster, size: Size, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag = tmp_path / "frozen.pid"
    monkeypatch.setenv(FREEZE_ONCE_ENV, str(flag))
    # The frozen session's locks are freed by the server after 3 s idle in its
    # transaction; waits for them give up after 1 s and are retried.
    cluster.configure(db_idle_in_transaction_timeout_ms=3000, db_lock_timeout_ms=1000)
    lease = cluster.settings.lease_seconds
    batch = cluster.start_batch(size.small, seed=3)
    _wait_for(lambda: flag.exists() and flag.read_text(), 60, "a commit froze")
    frozen = psutil.Process(int(flag.read_text()))
    frozen_at = time.monotonic()
    cluster.fault()
    try:
        _wait_for(lambda: frozen.status() == psutil.STATUS_STOPPED, 10, "the worker stopped")
        _wait_for(
            lambda: cluster.client.get_batch(batch.id).state.terminal,
            90,
            "the others finished the batch",
        )
        finished_after = time.monotonic() - frozen_at
        still_frozen = frozen.status() == psutil.STATUS_STOPPED
        # Frozen for longer than its lease in any case.
        time.sleep(max(0.0, lease + 1 - (time.monotonic() - frozen_at)))
        written = _scalar(cluster, "SELECT count(*) FROM events WHERE kind = 'stage_completed'")
    finally:
        with contextlib.suppress(psutil.NoSuchProcess):
            frozen.send_signal(signal.SIGCONT)
    # Let it run on: its commit meets an ended session, then finds every document
    # finished by others, and its message is acknowledged.
    outcome = cluster.finish("worker frozen mid-transaction", [batch.id])
    written_after = _scalar(cluster, "SELECT count(*) FROM events WHERE kind = 'stage_completed'")

    assert still_frozen, "the batch was finished only after the worker ran again"
    assert finished_after < 60
    assert outcome.violations == []
    assert cluster.client.get_batch(batch.id).completed == size.small
    assert written_after == written, "the frozen worker's late commit was written"


def test_a_worker_killed_with_default_leases_is_finished_by_others_within_3_minutes(
    cluster: ChaosCluster, tmp_path: Path
) -> None:
    defaults = Settings.model_fields
    cluster.configure(
        lease_seconds=defaults["lease_seconds"].default,
        reconcile_interval_seconds=defaults["reconcile_interval_seconds"].default,
    )
    assert cluster.settings.lease_seconds <= 60
    corpus = make_corpus(tmp_path / "mixed", 24, seed=9, mix=SCAN_MIX)
    cluster.start_workers()
    batch = cluster.submit(corpus)
    _wait_for(lambda: _ocr_in_progress(cluster, batch.id), 120, "an OCR step")
    cluster.kill_worker_main()
    killed_at = time.monotonic()
    # Claimed by the killed worker: nothing but a lease running out frees them.
    held = _scalar(
        cluster,
        "SELECT count(*) FROM documents WHERE batch_id = :b AND state = 'processing'",
        b=batch.id,
    )
    cluster.start_workers()  # the others
    outcome = cluster.finish(
        "sigkill of a worker, default lease", [batch.id], allow_orphaned_unacked=True, timeout=180
    )
    elapsed = time.monotonic() - killed_at

    assert held > 0
    assert outcome.violations == []
    assert cluster.client.get_batch(batch.id).completed == 24
    assert elapsed < 180, f"the killed worker's documents took {elapsed:.0f}s"

"""The batch engine end to end: real Redis, real databases, real Celery worker processes.

Each test starts its own worker processes and checks the database (the system of record)
after the batch: every document in exactly one terminal state, one set of result rows per
completed document, the batch finalised exactly once, progress counts equal to the
database's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from docbatch.client import Docbatch, Sources
from docbatch.local.embedded import PrivateRedis
from docbatch.models import Stage
from docbatch.settings import Settings
from docbatch.worker.dispatch import send_steps
from tests.integration.engine_support import (
    engine_settings,
    make_corpus,
    recorded_lookups,
    row_counts,
    running_workers,
    wait_done_at_least,
    wait_finished,
    worker_children,
)
from tests.integration.test_store_support import pending_ids

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def private_redis(tmp_path: Path) -> PrivateRedis:
    """A Redis of this test's own, which it may flush or stop."""
    server = PrivateRedis().start()
    yield server
    server.stop()


def _check_exact(client: Docbatch, batch_id: str, total: int) -> None:
    batch = client.get_batch(batch_id)
    assert batch.total == total
    assert batch.completed + batch.failed == total
    assert batch.finalized_count == 1
    counts = client.repo.batches.counts(batch_id)
    states = {state.value: n for state, n in counts.states.items() if n}
    assert states.get("completed", 0) == batch.completed
    assert states.get("failed", 0) == batch.failed
    assert set(states) <= {"completed", "failed"}
    # one set of rows per completed document: pages equal the documents' page counts
    docs = client.repo.documents.of_batch(batch_id, limit=10_000)
    expected_pages = sum(d.page_count or 0 for d in docs if d.state.value == "completed")
    assert row_counts(client, batch_id)["pages"] == expected_pages
    chunks = sum(len(client.repo.results.chunks(d.id)) for d in docs[:20])
    assert chunks > 0


def test_mixed_batch_completes_with_exact_counts_on_postgresql_and_redis(
    settings: Settings, postgres_url: str, redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    corpus = make_corpus(
        tmp_path / "corpus",
        200,
        mix={"pdf": 0.75, "scan": 0.01, "docx": 0.08, "html": 0.08, "txt": 0.08},
    )
    (corpus / "zz-broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    local = engine_settings(
        settings,
        database_url=postgres_url,
        broker_url=redis_url,
        redis_url=redis_url,
        key_prefix=key_prefix,
        fanout_size=50,  # enqueued as 5 fan-out slices that the workers expand
    )
    client = Docbatch(local)
    batch = client.submit(Sources.from_args([corpus]))
    with running_workers(local):
        batch = wait_finished(client, batch.id)
    assert batch.state.value == "completed_with_failures"
    assert batch.failed == 1 and batch.completed == 200
    _check_exact(client, batch.id, 201)
    progress = client.status(batch.id)
    assert (progress.completed, progress.failed, progress.percent) == (200, 1, 100.0)
    live = client.progress.get(batch.id)
    assert live is not None
    assert live.counts["completed"] == 200 and live.counts["failed"] == 1
    client.close()


def test_embedded_run_json_summary_matches_the_database(settings: Settings, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", 40)
    env = {**os.environ, "DOCBATCH_STATE_DIR": str(settings.state_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "docbatch.cli.main", "run", str(corpus), "--json", "--workers", "2"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    client = Docbatch(settings)
    batch = client.get_batch(summary["batch_id"])
    totals = client.repo.batches.totals(batch.id)
    assert summary["total"] == batch.total == 40
    assert summary["completed"] == batch.completed == 40
    assert summary["failed"] == 0
    for key in ("pages", "chunks", "mentions", "entities", "relationships"):
        assert summary[key] == totals[key] > 0
    _check_exact(client, batch.id, 40)
    client.close()


def test_a_task_delivered_twice_writes_one_set_of_rows(
    settings: Settings, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 12)
    # one message per stage, so every stage's message is the one delivered twice
    local = engine_settings(
        settings,
        broker_url=private_redis.broker_url,
        redis_url=private_redis.url,
        fuse_stages=False,
    )
    client = Docbatch(local)
    batch = client.create(Sources.from_args([corpus]))
    client.enqueue(batch.id)
    # the same messages again, as a redelivery or a duplicate publish would
    ids = pending_ids(client.repo, batch.id)
    send_steps(client.app, "extract", ids, "normal", per_task=4)
    with running_workers(local):
        wait_finished(client, batch.id)
        first = row_counts(client, batch.id)
        # and once more after completion, for every stage
        for stage in Stage:
            send_steps(client.app, stage.value, ids, "normal", per_task=4)
        client.enqueue(batch.id)
        import time

        time.sleep(3)
    assert row_counts(client, batch.id) == first
    _check_exact(client, batch.id, 12)
    client.close()


def test_sigkill_of_worker_children_loses_no_document(
    settings: Settings, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 80)
    local = engine_settings(
        settings, broker_url=private_redis.broker_url, redis_url=private_redis.url, lease_seconds=8
    )
    client = Docbatch(local)
    batch = client.submit(Sources.from_args([corpus]))
    with running_workers(local) as workers:
        for target in (10, 30, 50):
            wait_done_at_least(client, batch.id, target)
            children = worker_children(workers)
            assert children, "the worker has no pool processes"
            os.kill(children[0].pid, signal.SIGKILL)
        batch = wait_finished(client, batch.id)
    _check_exact(client, batch.id, 80)
    # a killed child's documents were retried, not failed: the corpus is all valid
    assert batch.completed == 80
    client.close()


def test_flushall_mid_batch_is_recovered_by_the_reconciler(
    settings: Settings, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 80)
    local = engine_settings(
        settings,
        broker_url=private_redis.broker_url,
        redis_url=private_redis.url,
        lease_seconds=5,
        fuse_stages=False,
    )
    client = Docbatch(local)
    batch = client.submit(Sources.from_args([corpus]))
    with running_workers(local, concurrency=1):
        wait_done_at_least(client, batch.id, 10)
        redis.Redis(unix_socket_path=str(private_redis.socket)).flushall()
        batch = wait_finished(client, batch.id, timeout=300)
    _check_exact(client, batch.id, 80)
    assert batch.completed == 80
    assert client.progress.get(batch.id) is not None, "progress hash was rebuilt"
    client.close()


def test_resubmitting_the_same_folder_is_served_from_the_stage_cache(
    settings: Settings, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 16)
    local = engine_settings(
        settings, broker_url=private_redis.broker_url, redis_url=private_redis.url
    )
    client = Docbatch(local)
    with running_workers(local):
        first = client.submit(Sources.from_args([corpus]))
        wait_finished(client, first.id)
        second = client.submit(Sources.from_args([corpus]))
        wait_finished(client, second.id)
    lookups = recorded_lookups(client, second.id, 16 * 3)
    for stage in (Stage.EXTRACT, Stage.CHUNK, Stage.ENTITIES):
        assert lookups.get(f"{stage}:hit", 0) >= 16, (stage, lookups)
    assert row_counts(client, second.id) == row_counts(client, first.id)
    _check_exact(client, second.id, 16)
    client.close()


def test_identical_bytes_in_one_batch_are_computed_once(
    settings: Settings, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    from bench.synth.documents import text_pdf
    from bench.synth.prose import OPINION_PAGES
    from docbatch.redis.metrics import MetricsReader

    folder = tmp_path / "twins"
    folder.mkdir()
    data = text_pdf(OPINION_PAGES)
    for index in range(8):
        (folder / f"copy-{index}.pdf").write_bytes(data)
    local = engine_settings(
        settings, broker_url=private_redis.broker_url, redis_url=private_redis.url, docs_per_task=1
    )
    client = Docbatch(local)
    batch = client.submit(Sources.from_args([folder]))
    with running_workers(local):
        batch = wait_finished(client, batch.id)
    assert batch.completed == 8
    lookups = MetricsReader(client.redis, local.key_prefix).batch_cache(batch.id)
    for stage in ("extract", "chunk", "entities"):
        assert lookups.get(f"{stage}:miss", 0) == 1, (stage, lookups)
        assert lookups.get(f"{stage}:hit", 0) == 7, (stage, lookups)
    _check_exact(client, batch.id, 8)
    client.close()

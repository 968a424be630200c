"""Chaos: Redis and PostgreSQL misbehaving under a running batch, and a killed submitter."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.chaos.faultproxy import FaultProxy
from tests.chaos.harness import ChaosCluster, Repeater, Size

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_redis_killed_and_restarted_empty_mid_batch(
    cluster: ChaosCluster, size: Size, seed: int
) -> None:
    rng = random.Random(seed)
    batch = cluster.start_batch(size.small, seed)
    cluster.wait_done(batch.id, rng.randint(size.small // 5, size.small // 2))
    cluster.server.restart()
    cluster.fault()
    # A message the new server handed to a worker whose connection was being reset at
    # that moment stays in the transport's unacked set until the visibility timeout
    # (seen once in several runs). It is harmless when every document it names is
    # finished, which the checker still requires.
    outcome = cluster.finish(
        "redis killed, restarted empty", [batch.id], allow_orphaned_unacked=True
    )
    assert outcome.violations == []
    assert cluster.client.get_batch(batch.id).completed == size.small


def test_redis_clients_killed_every_few_seconds(
    cluster: ChaosCluster, size: Size, seed: int
) -> None:
    rng = random.Random(seed)
    # A batch long enough for several kills: the CI size's 150 documents take about 2 s
    # on two fast workers, so its kills come every 0.4-0.8 s (1-2 s at the long size).
    count = size.big
    interval = rng.uniform(0.4, 0.8) if size.name == "ci" else rng.uniform(1.0, 2.0)
    batch = cluster.start_batch(count, seed)
    admin = cluster.raw_redis

    def kill_clients() -> int:
        killed = int(admin.execute_command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"))
        if killed:
            cluster.fault()
        return killed

    killer = Repeater(kill_clients, interval)
    killer.start()
    try:
        cluster.wait_done(batch.id, count)
    finally:
        kills = killer.stop()
    # An ack sent on a connection killed at that moment is lost: its message stays in
    # the transport's unacked set until the visibility timeout (seen once in CI, seed 11),
    # and its redelivery is refused by the claim. Harmless when every document it names
    # is finished, which the checker still requires.
    outcome = cluster.finish("redis clients killed", [batch.id], allow_orphaned_unacked=True)
    assert outcome.violations == []
    assert kills >= 2, "the clients were killed more than once while the batch ran"
    assert cluster.client.get_batch(batch.id).completed == count


def test_redis_behind_a_slow_then_silent_then_resetting_network(
    cluster: ChaosCluster, size: Size, seed: int
) -> None:
    """The workers reach Redis through a fault proxy: latency throughout, a blackhole
    (silence, then every connection reset) a quarter of the way in, then every
    connection reset every 1.5-2.5 s until the end."""
    rng = random.Random(seed)
    proxy = FaultProxy(cluster.server.socket).start()
    try:
        proxy.set_latency(rng.uniform(0.002, 0.01))
        cluster.configure(broker_url=proxy.url, redis_url=proxy.url)
        count = size.big
        batch = cluster.start_batch(count, seed)
        cluster.wait_done(batch.id, count // 4)
        cut = proxy.blackhole(rng.uniform(2.0, 4.0))
        cluster.fault()
        left_after_blackhole = count - cluster.done(batch.id)

        def reset() -> int:
            # each reset is a fault: recovery (and the 120 s allowed for it) runs from
            # the last one, as it does from the last client kill above
            resets = proxy.reset_all()
            if resets:
                cluster.last_fault = time.monotonic()
            return resets

        resetter = Repeater(reset, rng.uniform(1.5, 2.5))
        resetter.start()
        try:
            cluster.wait_done(batch.id, count)
        finally:
            cluster.faults += resetter.stop()
        # A reset that cuts the reply to the transport's bookkeeping of a delivery (kombu
        # records the message in its unacked hash, then raises before it tracks it)
        # leaves that message in the hash until the visibility timeout, where neither
        # Celery nor the channel's restore-at-close knows of it (about 1 run in 5). Its
        # documents are re-sent by the reconciler, and the checker still fails on such a
        # message for an unfinished document, on any message left in a queue, and on
        # anything unfinished 120 s after the last fault (a stalled consumer, which the
        # consumer watchdog restarts after DOCBATCH_CONSUMER_STALL_SECONDS).
        outcome = cluster.finish(
            "redis behind a faulty network", [batch.id], allow_orphaned_unacked=True
        )
    finally:
        proxy.stop()
    assert outcome.violations == []
    assert cut > 0 and left_after_blackhole > 0, "the blackhole hit a running batch"
    assert proxy.accepted > cut, "the workers reconnected through the proxy"
    assert cluster.client.get_batch(batch.id).completed == count


def test_redis_paused_during_submission(cluster: ChaosCluster, size: Size, seed: int) -> None:
    corpus = cluster.corpus(size.small, seed)
    cluster.start_workers()
    admin = cluster.raw_redis
    admin.ping()
    pause_ms = 2000 + seed * 20
    admin.execute_command("CLIENT", "PAUSE", str(pause_ms), "ALL")
    cluster.fault()
    started = time.monotonic()
    batch = cluster.submit(corpus)
    assert time.monotonic() - started >= pause_ms / 1000 * 0.8, "submission waited for Redis"
    outcome = cluster.finish("redis paused during submission", [batch.id])
    assert outcome.violations == []
    assert cluster.client.get_batch(batch.id).completed == size.small


def test_postgresql_backends_terminated_at_random(
    cluster: ChaosCluster, size: Size, seed: int, postgres_server: str
) -> None:
    rng = random.Random(seed)
    batch = cluster.start_batch(size.small, seed)
    marks = sorted(rng.sample(range(1, size.small * 3 // 4), 4))
    terminated = 0
    for mark in marks:  # every backend of this test's database, never the server's others
        cluster.wait_done(batch.id, mark)
        time.sleep(rng.uniform(0, 0.5))
        terminated += cluster.terminate_backends(postgres_server)
        cluster.fault()
    outcome = cluster.finish("postgresql backends terminated", [batch.id])
    assert outcome.violations == []
    assert terminated >= 4, "workers, reconciler and this test had connections to kill"
    assert cluster.client.get_batch(batch.id).completed == size.small


def _restart_allowed() -> str | None:
    """Why the server-restart scenario cannot run here, or None when it can."""
    if not (os.environ.get("CI") == "true" or os.environ.get("DOCBATCH_TEST_RESTART_POSTGRES")):
        return "restarts the shared PostgreSQL server: set DOCBATCH_TEST_RESTART_POSTGRES=1"
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        return "needs root and pg_ctlcluster to restart PostgreSQL"
    return None


def _restart_postgresql() -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_postgresql_server_restarted_mid_batch(
    cluster: ChaosCluster, size: Size, seed: int, postgres_server: str
) -> None:
    reason = _restart_allowed()
    if reason is not None:
        pytest.skip(reason)
    rng = random.Random(seed)
    batch = cluster.start_batch(size.small, seed)
    cluster.wait_done(batch.id, rng.randint(2, size.small // 2))
    _restart_postgresql()  # every connection of every process is cut, mid-commit or not
    cluster.fault()
    outcome = cluster.finish("postgresql server restarted", [batch.id])
    assert outcome.violations == []
    assert cluster.client.get_batch(batch.id).completed == size.small


SUBMITTER = """
import sys, time
from docbatch.client import Docbatch, Sources
client = Docbatch()
mode, corpus = sys.argv[1], sys.argv[2]
if mode == "before-enqueue":
    batch = client.create(Sources.from_args([corpus]))
    print(batch.id, flush=True)
    time.sleep(120)  # killed here: committed, never enqueued
else:
    print("start", flush=True)
    client.submit(Sources.from_args([corpus]))
    print("submitted", flush=True)
    time.sleep(120)
"""


def _submitter(cluster: ChaosCluster, mode: str, corpus: Path) -> subprocess.Popen[str]:
    from docbatch.local.embedded import settings_env

    env = {**os.environ, **settings_env(cluster.settings)}
    return subprocess.Popen(
        [sys.executable, "-c", SUBMITTER, mode, str(corpus)],
        env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.mark.parametrize("mode", ["before-enqueue", "anywhere"])
def test_submitter_killed_leaves_a_batch_complete_or_absent(
    cluster: ChaosCluster, size: Size, seed: int, mode: str
) -> None:
    rng = random.Random(seed)
    corpus = cluster.corpus(size.small, seed)
    cluster.start_workers()
    known = {b.id for b in cluster.client.repo.batches.newest(limit=1000)}
    process = _submitter(cluster, mode, corpus)
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    if mode == "anywhere":
        time.sleep(rng.uniform(0.0, 1.5))
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    cluster.fault()
    created = [b.id for b in cluster.client.repo.batches.newest(limit=1000) if b.id not in known]
    if mode == "before-enqueue":
        assert created == [first]
    assert len(created) <= 1
    outcome = cluster.finish(f"submitter killed ({mode})", created)
    assert outcome.violations == []
    for batch_id in created:  # complete, never half-enqueued and stuck
        assert cluster.client.get_batch(batch_id).completed == size.small

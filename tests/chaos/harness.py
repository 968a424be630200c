"""The chaos harness: a small cluster to hurt, fault injectors, and the final check.

A :class:`ChaosCluster` holds a private Redis (broker, cache and progress), a PostgreSQL
database of the test's own, a generated corpus and real Celery worker processes. Its
:meth:`ChaosCluster.finish` waits for the batches to end and the broker to drain, runs
the invariant checker and measures the recovery time: from the last fault injected to
the moment everything was terminal and drained.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil
import redis
import sqlalchemy as sa

from docbatch.client import Docbatch, Sources
from docbatch.local.embedded import LocalWorkers, PrivateRedis
from docbatch.settings import Settings
from docbatch.store.records import BatchRecord
from tests.chaos.invariants import Findings, broker_leftovers, check, patiently
from tests.integration.engine_support import engine_settings, make_corpus

#: Everything must be terminal and drained within this many seconds of the last fault.
RECOVERY_SECONDS = 120.0
#: Where figures of each scenario are appended as JSON lines, when set.
REPORT_ENV = "DOCBATCH_TEST_CHAOS_REPORT"


@dataclass(frozen=True)
class Size:
    """Batch sizes and fault counts of one run (CI or ``--long``)."""

    big: int
    small: int
    kills: int
    name: str

    @classmethod
    def ci(cls) -> Size:
        """Small enough for the default run (a few minutes on two cores)."""
        return cls(big=150, small=24, kills=10, name="ci")

    @classmethod
    def long(cls) -> Size:
        """The ``--long`` run."""
        return cls(big=1000, small=300, kills=10, name="long")


@dataclass
class Outcome:
    """Figures of one scenario, as reported in the README."""

    scenario: str
    documents: int
    faults: int
    recovery_seconds: float
    executed_duplicates: int
    written_duplicates: int
    violations: list[str] = field(default_factory=list)


class ChaosCluster:
    """Private Redis + own PostgreSQL database + corpus + local workers."""

    def __init__(
        self, base: Settings, database_url: str, server: PrivateRedis, folder: Path, size: Size,
        **changes: Any,
    ) -> None:  # fmt: skip
        self.server = server
        self.folder = folder
        self.size = size
        self.database_url = database_url
        self.settings = engine_settings(
            base, database_url=database_url, broker_url=server.broker_url, redis_url=server.url,
            lease_seconds=6, reconcile_interval_seconds=1.0, docs_per_task=4, sandbox=False,
            **changes,
        )  # fmt: skip
        self.client = Docbatch(self.settings)
        self.workers: LocalWorkers | None = None
        self.faults = 0
        self.last_fault = time.monotonic()

    def configure(self, **changes: Any) -> None:
        """Change settings before the workers start."""
        self.settings = self.settings.model_copy(update=changes)
        self.client.close()
        self.client = Docbatch(self.settings)

    @property
    def raw_redis(self) -> redis.Redis:
        """A plain client of the private Redis."""
        return redis.Redis(unix_socket_path=str(self.server.socket), socket_timeout=10)

    def corpus(self, count: int, seed: int, name: str = "corpus") -> Path:
        """A generated corpus of ``count`` small documents."""
        return make_corpus(self.folder / f"{name}-{seed}", count, seed=seed)

    def start_workers(self, concurrency: int = 2) -> LocalWorkers:
        """Start (or start again) the local worker."""
        self.workers = LocalWorkers(self.settings, concurrency).start()
        return self.workers

    def submit(self, corpus: Path) -> BatchRecord:
        """Commit and enqueue a batch of every file in ``corpus``."""
        batch: BatchRecord = self.client.submit(Sources.from_args([corpus]))
        return batch

    def start_batch(self, count: int, seed: int) -> BatchRecord:
        """Start the workers and submit a corpus of ``count`` documents: most scenarios'
        first move."""
        corpus = self.corpus(count, seed)
        self.start_workers()
        return self.submit(corpus)

    def fault(self) -> None:
        """Count one injected fault and remember when it happened."""
        self.faults += 1
        self.last_fault = time.monotonic()

    def done(self, batch_id: str) -> int:
        """Terminal documents of the batch so far (tolerating a briefly absent database)."""
        return int(patiently(lambda: self.client.get_batch(batch_id).done))

    def wait_done(self, batch_id: str, count: int, timeout: float = 180.0) -> None:
        """Wait until at least ``count`` documents of the batch are terminal."""
        deadline = time.monotonic() + timeout
        while self.done(batch_id) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"fewer than {count} documents done after {timeout}s")
            time.sleep(0.1)

    def kill_children(self) -> int:
        """SIGKILL every pool process of the worker; returns how many were killed."""
        assert self.workers is not None and self.workers.process is not None
        killed = 0
        for child in psutil.Process(self.workers.process.pid).children():
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
                killed += 1
        if killed:
            self.fault()
        return killed

    def kill_random_child(self, rng: random.Random) -> bool:
        """SIGKILL one pool process of the worker, chosen by ``rng``."""
        assert self.workers is not None and self.workers.process is not None
        children = psutil.Process(self.workers.process.pid).children()
        if not children:
            return False
        victim = rng.choice(sorted(children, key=lambda p: p.pid))
        try:
            os.kill(victim.pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        self.fault()
        return True

    def kill_worker_main(self) -> None:
        """SIGKILL the worker's main process; its orphaned pool processes follow."""
        assert self.workers is not None and self.workers.process is not None
        process = self.workers.process
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        time.sleep(0.5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the orphans of the pool
        self.workers.process = None
        self.fault()

    def finish(
        self,
        scenario: str,
        batch_ids: Sequence[str],
        *,
        allow_orphaned_unacked: bool = False,
        timeout: float = RECOVERY_SECONDS,
    ) -> Outcome:
        """Wait (up to ``timeout`` after the last fault) for the end, then check."""
        # Measured from the last fault, but never less than a short wait from now.
        deadline = max(self.last_fault + timeout, time.monotonic() + 30.0)
        while time.monotonic() < deadline and not self._settled(batch_ids, allow_orphaned_unacked):
            time.sleep(0.3)
        recovery = time.monotonic() - self.last_fault
        findings: Findings = patiently(
            lambda: check(
                self.client, batch_ids, redis_client=self.raw_redis,
                prefix=self.settings.key_prefix, allow_orphaned_unacked=allow_orphaned_unacked,
            )
        )  # fmt: skip
        outcome = Outcome(
            scenario, findings.documents, self.faults, round(recovery, 1),
            findings.executed_duplicates, findings.written_duplicates, findings.violations,
        )  # fmt: skip
        _report(outcome, self.size)
        return outcome

    def _settled(self, batch_ids: Sequence[str], allow_unacked: bool) -> bool:
        try:
            if not all(self.client.get_batch(b).state.terminal for b in batch_ids):
                return False
            left = broker_leftovers(self.raw_redis, self.settings.key_prefix)
        except Exception:
            return False
        if allow_unacked:
            left.pop(f"{self.settings.key_prefix}:broker:unacked", None)
        return not left

    def terminate_backends(self, admin_url: str) -> int:
        """Terminate every backend of this test's database (only this one)."""
        name = sa.engine.make_url(self.database_url).database
        engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).all()
        finally:
            engine.dispose()
        return sum(1 for (ok,) in rows if ok)

    def close(self) -> None:
        """Stop the workers and release connections."""
        if self.workers is not None:
            self.workers.stop(timeout=15)
        self.client.close()


class Repeater(threading.Thread):
    """Runs ``action`` every ``interval`` seconds until stopped; counts what it did."""

    def __init__(self, action: Any, interval: float) -> None:
        super().__init__(daemon=True)
        self.action = action
        self.interval = interval
        self.stopped = threading.Event()
        self.count = 0
        self.errors = 0

    def run(self) -> None:
        """Loop until :meth:`stop`."""
        while not self.stopped.wait(self.interval):
            try:
                self.count += int(bool(self.action()))
            except Exception:
                self.errors += 1

    def stop(self) -> int:
        """Stop and return how many times the action did something."""
        self.stopped.set()
        self.join(timeout=30)
        return self.count


def _report(outcome: Outcome, size: Size) -> None:
    path = os.environ.get(REPORT_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"size": size.name, **asdict(outcome)}) + "\n")

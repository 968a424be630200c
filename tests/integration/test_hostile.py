"""Hostile input through real workers: every bad file fails cleanly inside its caps.

One batch holds the whole hostile corpus (:mod:`tests.hostile.corpus`) plus a few ordinary
documents. It runs on one real Celery worker process with the parser sandbox on, a 512 MB
parser cap and a 5 s parser time limit. Every document must end in the expected terminal
state with the expected category, code and a readable reason; the ordinary documents must
complete; the worker's pool process must be the same one at the end; no sandbox child may
be seen above its cap; and nothing may be left in the worker's temporary folder.

Manifests that try to leave their roots are refused at submission, before anything runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from docbatch.client import Docbatch, Sources
from docbatch.errors import ManifestError
from docbatch.local.embedded import LocalWorkers, PrivateRedis
from docbatch.settings import Settings
from tests.hostile.corpus import KNOWN_PASSWORD, write_corpus
from tests.integration.engine_support import (
    engine_settings,
    make_corpus,
    running_workers,
    wait_finished,
    worker_children,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PARSER_CAP_MB = 512
PARSER_TIME_LIMIT = 5.0
#: The whole batch (worker start included) must finish within this many seconds.
BATCH_BOUND_SECONDS = 90.0
ORDINARY_DOCUMENTS = 6


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A Redis of this test's own."""
    server = PrivateRedis().start()
    yield server
    server.stop()


class MemorySampler(threading.Thread):
    """Samples the resident size of a process tree every 50 ms, keeping each pid's peak."""

    def __init__(self, root_pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(root_pid)
        self.peaks: dict[int, tuple[str, float]] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.05):
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                continue
            for process in processes:
                try:
                    rss = process.memory_info().rss / 2**20
                    kind = _kind(process, self.root.pid)
                except psutil.Error:
                    continue
                _, peak = self.peaks.get(process.pid, (kind, 0.0))
                self.peaks[process.pid] = (kind, max(peak, rss))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def pids(self, kind: str) -> set[int]:
        return {pid for pid, (k, _) in self.peaks.items() if k == kind}

    def peak(self, kind: str) -> float:
        return max((rss for k, rss in self.peaks.values() if k == kind), default=0.0)


def _kind(process: psutil.Process, root: int) -> str:
    """The worker's main process, one of its pool processes, or a sandbox child below one."""
    if process.pid == root:
        return "main"
    return "pool" if process.ppid() == root else "sandbox"


def test_hostile_batch_fails_cleanly_inside_the_caps(
    settings: Settings,
    private_redis: PrivateRedis,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = tmp_path / "corpus"
    cases = write_corpus(corpus)
    make_corpus(corpus / "ordinary", ORDINARY_DOCUMENTS, seed=11)
    names_before = sorted(p.name for p in corpus.rglob("*"))
    worker_tmp = tmp_path / "worker-tmp"
    worker_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(worker_tmp))
    monkeypatch.setenv("DOCBATCH_PDF_PASSWORDS", KNOWN_PASSWORD)
    local = engine_settings(
        settings,
        broker_url=private_redis.broker_url,
        redis_url=private_redis.url,
        extract_memory_mb=PARSER_CAP_MB,
        extract_time_limit=PARSER_TIME_LIMIT,
        # Memory-cap failures are data failures and never retried; a resource failure
        # (none expected here) would be, so keep its delays short.
        retry_policy=json.dumps({"resource": {"base_seconds": 0.5, "max_seconds": 1.0}}),
    )
    client = Docbatch(local)
    started = time.monotonic()
    batch = client.submit(Sources.from_args([corpus]))
    with running_workers(local, concurrency=1) as workers:
        assert workers.process is not None
        workers_pid = workers.process.pid
        pool_before = _wait_for_pool(workers)
        # Sampled from the settled pool on: while Celery starts, the main process may fork
        # a child that is gone before the pool settles, which is no pool process dying.
        sampler = MemorySampler(workers.process.pid)
        sampler.start()
        batch = wait_finished(client, batch.id, timeout=BATCH_BOUND_SECONDS)
        elapsed = time.monotonic() - started
        pool_after = _pool_pids(workers)
        sampler.stop()
        assert workers.alive()
    documents = client.repo.documents.of_batch(batch.id, limit=1000)
    by_path = {d.path: d for d in documents}
    assert batch.total == len(cases) + ORDINARY_DOCUMENTS == len(documents)
    for path, case in cases.items():
        document = by_path[path]
        assert document.state.value == case.state, (case.name, document.error_reason)
        if case.state == "failed":
            got = (document.error_category, document.error_code)
            assert got == (case.category, case.code), (case.name, document.error_reason)
            assert case.phrase in (document.error_reason or ""), (case.name, document.error_reason)
        else:
            assert case.phrase in client.repo.results.load_extracted(document.id).text, case.name
    ordinary = [d for d in documents if "/ordinary/" in d.path]
    assert [d.state.value for d in ordinary] == ["completed"] * ORDINARY_DOCUMENTS
    completed = sum(1 for c in cases.values() if c.state == "completed") + ORDINARY_DOCUMENTS
    assert (batch.completed, batch.failed) == (
        completed,
        len(cases) + ORDINARY_DOCUMENTS - completed,
    )
    # The worker lived through it all: same pool process, far from the parsers' peaks.
    assert pool_before == pool_after and len(pool_before) == 1
    assert sampler.pids("main") == {workers_pid} and sampler.pids("pool") == set(pool_after)
    # Uncapped, the Flate bomb alone takes 3.1 GB; the pool never parses, so stays well below.
    print(f"peaks MB: {sampler.peak('main'):.0f} main, {sampler.peak('pool'):.0f} pool, "
          f"{sampler.peak('sandbox'):.0f} sandbox; batch {elapsed:.1f} s")  # fmt: skip
    assert sampler.peak("pool") < 1024 and sampler.peak("main") < 1024
    assert 50 < sampler.peak("sandbox") <= PARSER_CAP_MB * 1.02
    assert elapsed < BATCH_BOUND_SECONDS
    # Nothing written outside the state folder: no temporary files, no corpus changes.
    # The one known entry is the entities stage's compiled-pattern cache (one per user).
    leftovers = [p.name for p in worker_tmp.iterdir()]
    assert [n for n in leftovers if not n.startswith("docbatch-eyecite-hyperscan-")] == []
    assert sorted(p.name for p in corpus.rglob("*")) == names_before
    client.close()


def _pool_pids(workers: LocalWorkers) -> list[int]:
    return sorted(p.pid for p in worker_children(workers))


def _wait_for_pool(workers: LocalWorkers, timeout: float = 60.0) -> list[int]:
    """The pool's processes once settled: the same ones seen for a second. While Celery
    starts, its main process may fork a child that is gone a moment later (seen in CI: a
    pool "replaced" by the pid two after it, before any document ran)."""
    deadline = time.monotonic() + timeout
    seen: list[int] = []
    since = time.monotonic()
    while time.monotonic() < deadline:
        pids = _pool_pids(workers)
        if pids != seen:
            seen, since = pids, time.monotonic()
        elif pids and time.monotonic() - since >= 1.0:
            return pids
        time.sleep(0.1)
    raise AssertionError(f"the worker's pool never settled (last seen: {seen})")


# -- manifests that try to get out ---------------------------------------------------------


@pytest.fixture
def batch_dir(tmp_path: Path) -> Path:
    """A manifest folder with one good file, and a secret file outside it."""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "ok.txt").write_text("A document.", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not for docbatch", encoding="utf-8")
    (folder / "escape-link.txt").symlink_to(tmp_path / "secret.txt")
    return folder


def _manifest(folder: Path, path: str) -> Path:
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"documents": [{"path": "ok.txt"}, {"path": path}]}))
    return manifest


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../secret.txt", "outside the allowed roots"),
        ("{outside}", "outside the allowed roots"),
        ("escape-link.txt", "outside the allowed roots"),
        ("/etc/passwd", "outside the allowed roots"),
        ("ok\x00.txt", "NUL"),
        ("a" * 300 + ".txt", "longer than 255 bytes"),
        ("d/" * 2100 + "x.txt", "longer than 4096 bytes"),
    ],
)
def test_manifest_escapes_are_refused_at_submission(
    batch_dir: Path, path: str, message: str
) -> None:
    path = path.replace("{outside}", str(batch_dir.parent / "secret.txt"))
    with pytest.raises(ManifestError, match=message) as info:
        Sources.from_args(manifest=_manifest(batch_dir, path))
    assert "documents.1" in str(info.value) or "manifest" in str(info.value)


def test_cli_submit_refuses_an_escaping_manifest_with_exit_code_2(
    batch_dir: Path, settings: Settings
) -> None:
    manifest = _manifest(batch_dir, "../secret.txt")
    env = {**os.environ, "DOCBATCH_BROKER_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(
        [sys.executable, "-m", "docbatch.cli.main", "submit", "--manifest", str(manifest)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "outside the allowed roots" in result.stderr
    assert "documents.1" in result.stderr

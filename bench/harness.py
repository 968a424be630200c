"""Shared machinery of the orchestration benchmarks: corpora, private clusters, timing.

Every scenario that runs Celery does it on a :class:`Cluster`: a private Redis
(:class:`~docbatch.local.embedded.PrivateRedis`, a unix socket in a private folder), a private
state folder with its own SQLite file, and worker processes started for it and stopped
afterwards. Nothing touches a shared Redis or the user's state folder. Before the timed
batch, a small warm-up batch of other documents runs to the end, so worker start-up,
imports and pattern compilation are not counted (their cost is reported separately).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from bench import DEFAULT_OUT
from bench.synth.corpus import CorpusManifest, generate_corpus
from docbatch.client import Docbatch, Sources
from docbatch.local.embedded import PrivateRedis, WorkerProcess, settings_env
from docbatch.settings import Settings

__all__ = [
    "REPO_ROOT",
    "TEXT_MIX",
    "BatchTiming",
    "Cluster",
    "add_common_arguments",
    "bench_settings",
    "make_corpus",
    "manifest_sources",
    "python_path",
    "summary_row",
    "wait_terminal",
]

#: The repository root: worker processes need it on ``PYTHONPATH`` to import ``bench``.
REPO_ROOT = Path(__file__).resolve().parent.parent
#: Text documents only: OCR would dominate every orchestration figure (see ``stages``).
TEXT_MIX: Mapping[str, float] = {"pdf": 0.8, "docx": 0.07, "html": 0.07, "txt": 0.06}
#: Seed offset of warm-up corpora, so their bytes never hit the timed corpus's cache.
WARMUP_SEED_OFFSET = 1_000_003


def add_common_arguments(
    parser: argparse.ArgumentParser,
    *,
    seed: int = 0,
    docs: int | None = None,
    max_pages: int | None = None,
    workers: int | None = None,
    warmup: int | None = None,
) -> None:
    """Options every scenario takes (the results folder and the corpus seed), and those
    of the corpus and the cluster that a scenario gives a default for."""
    parser.add_argument("--seed", type=int, default=seed, help="corpus seed")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    optional = (
        ("--docs", docs, "documents in the corpus"),
        ("--max-pages", max_pages, "pages per document: 1..N"),
        ("--workers", workers, "worker processes"),
        ("--warmup", warmup, "warm-up documents per cluster (other bytes than the corpus)"),
    )
    for flag, default, text in optional:
        if default is not None:
            parser.add_argument(flag, type=int, default=default, help=text)


def summary_row(
    metric: str, value: str, target: str = "-", met: bool | None = None
) -> dict[str, Any]:
    """One row of ``bench all``'s summary table (``met`` is None without a target)."""
    return {"metric": metric, "value": value, "target": target, "met": met}


def make_corpus(
    folder: Path,
    docs: int,
    *,
    seed: int = 0,
    pages: tuple[int, int] = (1, 3),
    mix: Mapping[str, float] = TEXT_MIX,
) -> CorpusManifest:
    """A deterministic corpus (with ``truth.jsonl`` and ``manifest.json``) in ``folder``."""
    workers = 2 if docs >= 2000 and (os.cpu_count() or 1) > 1 else 1
    return generate_corpus(folder, docs, seed=seed, mix=mix, pages=pages, workers=workers)


#: The PostgreSQL server scenarios may create their databases on (a user with CREATEDB).
POSTGRES_SERVER_URL = os.environ.get(
    "DOCBATCH_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def postgres_unreachable(server_url: str = POSTGRES_SERVER_URL) -> str | None:
    """Why ``server_url`` cannot be used (a short reason), or None when it answers."""
    import sqlalchemy as sa

    engine = sa.create_engine(server_url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception as exc:  # any driver error: the scenario records it and goes on
        return f"PostgreSQL at {engine.url.render_as_string()} unreachable: {type(exc).__name__}"
    finally:
        engine.dispose()
    return None


@contextmanager
def fresh_postgres_database(server_url: str = POSTGRES_SERVER_URL) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``; yields its URL, drops it."""
    import sqlalchemy as sa

    name = f"docbatch_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def manifest_sources(corpus: CorpusManifest) -> Sources:
    """The corpus's documents, validated from its manifest (not truth or manifest files).

    The corpus folder is an allowed root: a manifest written elsewhere for a folder of
    real documents (``bench services --corpus``) may name them.
    """
    return Sources.from_args(manifest=corpus.manifest_path, allow_roots=[corpus.folder])


def bench_settings(state_dir: Path, **changes: Any) -> Settings:
    """Settings confined to ``state_dir``: its own SQLite file and key prefix."""
    values: dict[str, Any] = {
        "state_dir": state_dir,
        "database_url": f"sqlite:///{state_dir / 'docbatch.db'}",
        "broker_url": None,
        "redis_url": None,
        "key_prefix": "bench",
    }
    values.update(changes)
    state_dir.mkdir(parents=True, exist_ok=True)
    return Settings(**values)


@dataclass(frozen=True, slots=True)
class BatchTiming:
    """Where the time of one batch went, from validating its sources to its last document.

    ``validate_s`` reads and checks the manifest, ``create_s`` commits the batch and its
    documents, ``enqueue_s`` sends the first messages; together they are the batch
    initialisation. ``process_s`` runs from the end of enqueueing to the terminal state.
    """

    docs: int
    validate_s: float
    create_s: float
    enqueue_s: float
    process_s: float
    completed: int
    failed: int
    pages: int

    @property
    def init_s(self) -> float:
        """Batch initialisation: validate + commit + enqueue."""
        return self.validate_s + self.create_s + self.enqueue_s

    @property
    def total_s(self) -> float:
        """End to end: initialisation plus processing."""
        return self.init_s + self.process_s

    @property
    def docs_per_second(self) -> float:
        """Documents per second, end to end."""
        return self.docs / self.total_s if self.total_s > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, derived figures included."""
        data = {key: round(value, 4) if isinstance(value, float) else value
                for key, value in asdict(self).items()}  # fmt: skip
        data.update(
            init_s=round(self.init_s, 4),
            total_s=round(self.total_s, 4),
            docs_per_second=round(self.docs_per_second, 3),
        )
        return data


class Cluster:
    """A private Redis, a private database and docbatch workers, for one measurement.

    ``worker_app`` is the Celery app the workers load; ``bench.variants:app`` runs the
    executor with one task per stage or without the cache (see :mod:`bench.variants`).
    ``variant`` is passed to it. ``workers=0`` starts no worker (for timing submission
    alone). ``redis`` shares a running private Redis (left running
    on exit); without it the cluster starts its own. Extra keyword arguments change the
    settings.
    """

    def __init__(
        self,
        root: Path,
        workers: int,
        *,
        warmup_docs: int = 0,
        worker_app: str = "docbatch.worker.main:app",
        variant: str = "",
        redis: PrivateRedis | None = None,
        **changes: Any,
    ) -> None:
        self.root = root
        self.workers = workers
        self.warmup_docs = warmup_docs
        self.worker_app = worker_app
        self.variant = variant
        self.changes = changes
        self.redis = redis
        self._own_redis = redis is None
        self.worker: WorkerProcess | None = None
        self.client: Docbatch | None = None
        self.startup_s = 0.0
        self.last_batch_id = ""

    def __enter__(self) -> Cluster:
        started = time.perf_counter()
        if self.redis is None:
            self.redis = PrivateRedis().start()
        settings = bench_settings(
            self.root / "state",
            broker_url=self.redis.broker_url,
            redis_url=self.redis.url,
            **self.changes,
        )
        self.client = Docbatch(settings)
        env = {**settings_env(settings), "DOCBATCH_ALLOW_ROOT_WORKER": "1"}
        env |= {"BENCH_VARIANT": self.variant, "PYTHONPATH": python_path()}
        log = settings.state_dir / "logs" / f"worker-{uuid.uuid4().hex[:6]}.log"
        if self.workers > 0:  # 0: a cluster to submit to, with nothing consuming
            worker = WorkerProcess(self.worker_app, self.workers, env, log, name="bench")
            self.worker = worker.start()
        if self.warmup_docs:
            corpus = make_corpus(
                self.root / "warmup", self.warmup_docs, seed=WARMUP_SEED_OFFSET, pages=(1, 2)
            )
            self.run_batch(corpus, project="bench-warmup")
        self.startup_s = time.perf_counter() - started
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.worker is not None:
            self.worker.stop()
        if self.client is not None:
            self.client.close()
        if self.redis is not None and self._own_redis:
            self.redis.stop()

    @property
    def settings(self) -> Settings:
        """The cluster's settings (private URLs included)."""
        assert self.client is not None
        return self.client.settings

    def init_batch(self, corpus: CorpusManifest, *, project: str = "bench") -> BatchTiming:
        """Validate, commit and enqueue the corpus as one batch; do not wait for it.

        ``process_s`` and the counters of the returned timing are 0.
        """
        assert self.client is not None
        started = time.perf_counter()
        sources = manifest_sources(corpus)
        validated = time.perf_counter()
        batch = self.client.create(sources, project=project)
        created = time.perf_counter()
        self.client.enqueue(batch.id)
        enqueued = time.perf_counter()
        self.last_batch_id = batch.id
        return BatchTiming(
            docs=batch.total,
            validate_s=validated - started,
            create_s=created - validated,
            enqueue_s=enqueued - created,
            process_s=0.0,
            completed=0,
            failed=0,
            pages=0,
        )

    def run_batch(
        self, corpus: CorpusManifest, *, project: str = "bench", timeout: float = 3600.0
    ) -> BatchTiming:
        """Validate, commit and enqueue the corpus as one batch; wait for its end."""
        assert self.client is not None and self.worker is not None
        init = self.init_batch(corpus, project=project)
        enqueued = time.perf_counter()
        final = wait_terminal(self.client, self.last_batch_id, timeout, alive=self.worker.alive)
        return dataclasses.replace(
            init,
            process_s=time.perf_counter() - enqueued,
            completed=final.completed,
            failed=final.failed,
            pages=final.pages,
        )


def wait_terminal(
    client: Docbatch,
    batch_id: str,
    timeout: float,
    *,
    alive: Callable[[], bool] = lambda: True,
    poll: float = 0.05,
) -> Any:
    """Poll the database until the batch is terminal; returns its record."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = client.get_batch(batch_id)
        if batch.state.terminal:
            return batch
        if not alive():
            raise RuntimeError(f"the benchmark's worker died while batch {batch_id} ran")
        time.sleep(poll)
    raise TimeoutError(f"batch {batch_id} not finished after {timeout:.0f}s")


def python_path() -> str:
    """``PYTHONPATH`` for worker processes that import ``bench`` (this repository first)."""
    existing = os.environ.get("PYTHONPATH")
    return f"{REPO_ROOT}{os.pathsep}{existing}" if existing else str(REPO_ROOT)

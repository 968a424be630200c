"""Per-process resources of a worker: database, repository, cache, progress, executor.

Celery's prefork pool forks worker children from the main process. Database engines and
Redis connections must not cross a fork, so :class:`WorkerRuntime` builds them lazily in
the process that uses them and rebuilds them if it finds itself in a new process.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from docbatch.errors import StageTimeoutError
from docbatch.settings import Settings

if TYPE_CHECKING:
    from redis import Redis

    from docbatch.engine.executor import StageExecutor
    from docbatch.engine.extractors import Extractor
    from docbatch.observe.status import RedisProgressSink
    from docbatch.redis.cache import StageCache
    from docbatch.store.db import Database
    from docbatch.store.records import DocumentRecord
    from docbatch.store.repository import Repository

__all__ = ["WorkerRuntime"]

#: The resources built per process, in the order :meth:`WorkerRuntime.close` drops them
#: (each is the cached property ``_<name>`` behind the public property ``<name>``).
_RESOURCES = ("database", "repo", "redis", "cache", "progress", "executor", "extractor")


class WorkerRuntime:
    """Lazily built, fork-safe resources for the tasks of one worker process.

    Each resource is a property that first checks the process: in a forked child it
    drops what the parent built and builds its own.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pid = os.getpid()
        #: Sends the page ranges of a big scan to the other workers (set by the tasks).
        self.range_sender: Callable[[DocumentRecord, Sequence[int]], None] | None = None

    def _check_fork(self) -> None:
        if os.getpid() != self._pid:
            for name in _RESOURCES:
                self.__dict__.pop(f"_{name}", None)
            self._pid = os.getpid()

    def close(self) -> None:
        """Stop what was built: the parser sandboxes' children, pooled connections."""
        extractor = self.__dict__.pop("_extractor", None)
        if extractor is not None and hasattr(extractor, "close"):
            extractor.close()
        database = self.__dict__.get("_database")
        if database is not None:
            database.dispose()
        for name in _RESOURCES:
            self.__dict__.pop(f"_{name}", None)

    @property
    def database(self) -> Database:
        """This process's database engine (not migrated: the client does that)."""
        self._check_fork()
        return self._database

    @property
    def repo(self) -> Repository:
        """The repository over :attr:`database`."""
        self._check_fork()
        return self._repo

    @property
    def redis(self) -> Redis | None:
        """A Redis client, or None when no Redis is configured."""
        self._check_fork()
        return self._redis

    @property
    def cache(self) -> StageCache | None:
        """The stage cache, or None without Redis."""
        self._check_fork()
        return self._cache

    @property
    def progress(self) -> RedisProgressSink | None:
        """The Redis progress sink, or None without Redis."""
        self._check_fork()
        return self._progress

    @property
    def executor(self) -> StageExecutor:
        """The stage executor the tasks run."""
        self._check_fork()
        return self._executor

    @property
    def extractor(self) -> Extractor:
        """Where the parsers run (a capped child process when sandboxed)."""
        self._check_fork()
        return self._extractor

    @cached_property
    def _database(self) -> Database:
        from docbatch.store.db import Database, SessionLimits

        return Database.open(
            self.settings.effective_database_url,
            run_migrations=False,
            limits=SessionLimits.from_settings(self.settings),
        )

    @cached_property
    def _repo(self) -> Repository:
        from docbatch.store.repository import Repository

        return Repository(self.database, lease_seconds=self.settings.lease_seconds)

    @cached_property
    def _redis(self) -> Redis | None:
        from docbatch.redis.client import redis_client, redis_url_for

        url = redis_url_for(self.settings)
        return redis_client(url) if url else None

    @cached_property
    def _cache(self) -> StageCache | None:
        from docbatch.redis.cache import StageCache

        if self.redis is None:
            return None
        return StageCache(self.redis, self.settings.key_prefix, self.settings.cache_ttl_seconds)

    @cached_property
    def _progress(self) -> RedisProgressSink | None:
        from docbatch.observe.status import RedisProgressSink

        if self.redis is None:
            return None
        return RedisProgressSink(self.redis, self.settings, self.repo)

    @cached_property
    def _executor(self) -> StageExecutor:
        from docbatch.engine.executor import StageExecutor

        return StageExecutor.from_settings(
            self.settings,
            self.repo,
            owner=f"{socket.gethostname()}:{os.getpid()}",
            extractor=self.extractor,
            cache=self.cache,
            progress=self.progress,
            translate=_translate_celery_errors,
            range_sender=self.range_sender,
        )

    @cached_property
    def _extractor(self) -> Extractor:
        from docbatch.engine.extractors import build_extractor

        return build_extractor(self.settings)


def _translate_celery_errors(exc: BaseException) -> BaseException:
    """Turn Celery's soft time limit into a docbatch timeout failure."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return StageTimeoutError("stage ran past its soft time limit")
    return exc

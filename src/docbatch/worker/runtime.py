"""Per-process resources of a worker: database, repository, cache, progress, executor.

Celery's prefork pool forks worker children from the main process. Database engines and
Redis connections must not cross a fork, so :class:`WorkerRuntime` builds them lazily in
the process that uses them and rebuilds them if it finds itself in a new process.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from functools import cached_property
from typing import Any

from docbatch.errors import StageTimeoutError
from docbatch.settings import Settings

__all__ = ["WorkerRuntime"]


class WorkerRuntime:
    """Lazily built, fork-safe resources for the tasks of one worker process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pid = os.getpid()
        #: Sends the page ranges of a big scan to the other workers (set by the tasks).
        self.range_sender: Callable[..., None] | None = None

    def _check_fork(self) -> None:
        if os.getpid() != self._pid:
            for name in ("database", "repo", "redis", "cache", "progress", "executor", "extractor"):
                self.__dict__.pop(name, None)
            self._pid = os.getpid()

    def close(self) -> None:
        """Stop what was built: the parser sandboxes' children, pooled connections."""
        extractor = self.__dict__.pop("extractor", None)
        if extractor is not None and hasattr(extractor, "close"):
            extractor.close()
        database = self.__dict__.get("database")
        if database is not None:
            database.dispose()
        for name in ("database", "repo", "redis", "cache", "progress", "executor"):
            self.__dict__.pop(name, None)

    def get(self, name: str) -> Any:
        """The resource ``name`` for this process (``repo``, ``executor``, ...)."""
        self._check_fork()
        return getattr(self, name)

    @cached_property
    def database(self) -> Any:
        from docbatch.store.db import Database, SessionLimits

        return Database.open(
            self.settings.effective_database_url,
            run_migrations=False,
            limits=SessionLimits.from_settings(self.settings),
        )

    @cached_property
    def repo(self) -> Any:
        from docbatch.store.repository import Repository

        return Repository(self.database, lease_seconds=self.settings.lease_seconds)

    @cached_property
    def redis(self) -> Any:
        from docbatch.redis_keys import redis_client, redis_url_for

        url = redis_url_for(self.settings)
        return redis_client(url) if url else None

    @cached_property
    def cache(self) -> Any:
        from docbatch.cache import StageCache

        if self.redis is None:
            return None
        return StageCache(self.redis, self.settings.key_prefix, self.settings.cache_ttl_seconds)

    @cached_property
    def progress(self) -> Any:
        from docbatch.reporting import RedisProgressSink

        if self.redis is None:
            return None
        return RedisProgressSink(self.redis, self.settings, self.repo)

    @cached_property
    def executor(self) -> Any:
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
    def extractor(self) -> Any:
        from docbatch.extraction import build_extractor

        return build_extractor(self.settings)


def _translate_celery_errors(exc: BaseException) -> BaseException:
    """Turn Celery's soft time limit into a docbatch timeout failure."""
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded):
        return StageTimeoutError("stage ran past its soft time limit")
    return exc

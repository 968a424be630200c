"""The Redis boundary: the client, the URL to use and error translation.

Redis is cache and transport only; the SQL database is the system of record. This module
holds what every Redis user in docbatch shares:

- :func:`redis_url_for` says which Redis a deployment uses (the ``redis_url`` setting, else
  a Redis broker's), in redis-py's spelling (:func:`redis_py_url`).
- :func:`redis_client` builds a client from a URL (``redis://``, ``rediss://`` for TLS,
  ``unix://`` sockets, credentials in the URL) with timeouts, health checks and retries
  with exponential backoff.
- :func:`redis_errors` translates redis-py connection and timeout errors into
  :class:`~docbatch.errors.TransientError` where a caller cannot continue without Redis.
- :class:`OutageLog` logs "Redis is unreachable" once per outage where a caller can
  continue (a cache read degrades to a miss).

Every key is built by :class:`~docbatch.redis.keys.RedisKeys`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from docbatch.errors import ConfigError, TransientError, translate_errors

if TYPE_CHECKING:
    from docbatch.settings import Settings

__all__ = [
    "REDIS_OUTAGE_ERRORS",
    "OutageLog",
    "as_text",
    "execute_with_scripts",
    "is_redis_url",
    "redis_client",
    "redis_errors",
    "redis_py_url",
    "redis_url_for",
]

#: The redis-py errors that mean "Redis is not reachable right now" (BusyLoadingError, a
#: server still loading its data set, is a ConnectionError too).
REDIS_OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)

#: URL schemes of a Redis server: redis-py's, and Celery's ``redis+socket://`` for a unix
#: socket (the same as redis-py's ``unix://``).
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://", "redis+socket://")
_CELERY_SOCKET_SCHEME = "redis+socket://"


def execute_with_scripts(
    client: redis.Redis, scripts: Sequence[Any], fill: Callable[[Any], object]
) -> list[Any]:
    """Run a pipeline that ``fill`` builds, calling registered ``scripts`` by EVALSHA.

    A pipeline of registered scripts would first ask SCRIPT EXISTS, one more round trip
    every time. Instead ``fill`` calls ``pipe.evalsha(script.sha, ...)``, and if the
    server has forgotten a script (restarted or flushed) none of those calls ran: the
    scripts are loaded and the pipeline is sent once more, so its other commands must be
    safe to repeat.
    """
    for attempt in (1, 2):
        pipe = client.pipeline(transaction=False)
        fill(pipe)
        try:
            return pipe.execute()
        except redis.exceptions.NoScriptError:
            if attempt == 2:
                raise
            for script in scripts:
                client.script_load(script.script)
    raise AssertionError("unreachable")  # pragma: no cover


def is_redis_url(url: str) -> bool:
    """True for a URL of a Redis server, in redis-py's or Celery's spelling."""
    return url.startswith(_REDIS_SCHEMES)


def redis_py_url(url: str) -> str:
    """``url`` as redis-py spells it: Celery's ``redis+socket://`` becomes ``unix://``."""
    if url.startswith(_CELERY_SOCKET_SCHEME):
        return "unix://" + url.removeprefix(_CELERY_SOCKET_SCHEME)
    return url


def redis_url_for(settings: Settings) -> str | None:
    """The Redis a deployment uses for its cache, progress, events and locks, or None.

    The ``redis_url`` setting when it is set, else the broker's URL when the broker is a
    Redis, in redis-py's spelling (:func:`redis_py_url`); None without either.
    """
    if settings.redis_url:
        return redis_py_url(settings.redis_url)
    if settings.broker_url and is_redis_url(settings.broker_url):
        return redis_py_url(settings.broker_url)
    return None


def redis_client(
    url: str,
    *,
    socket_timeout: float = 5.0,
    connect_timeout: float = 5.0,
    health_check_interval: int = 30,
    retries: int = 3,
    max_backoff: float = 1.0,
) -> redis.Redis:
    """A Redis client for ``url``, returning bytes (``decode_responses=False``).

    ``url`` may be ``redis://[user:password@]host[:port][/db]``, ``rediss://...`` (TLS)
    or ``unix:///path/to/socket[?db=N]``. Commands that fail with a connection error or
    a timeout are retried ``retries`` times with exponential backoff (capped at
    ``max_backoff`` seconds) before the error reaches the caller.
    """
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(f"Redis URL must start with redis://, rediss:// or unix://: {url!r}")
    retry = Retry(
        ExponentialBackoff(cap=max_backoff, base=0.05),
        retries,
        supported_errors=REDIS_OUTAGE_ERRORS,
    )
    # The client is created lazily: from_url opens no connection, so building a client
    # for a server that is down succeeds and the first command decides.
    return redis.Redis.from_url(
        url,
        decode_responses=False,
        socket_timeout=socket_timeout,
        socket_connect_timeout=connect_timeout,
        health_check_interval=health_check_interval,
        retry=retry,
    )


def as_text(value: bytes | str) -> str:
    """A response value as text (clients here return bytes; redis-py types allow str)."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


@contextmanager
def redis_errors(context: str) -> Iterator[None]:
    """Re-raise Redis connection errors and timeouts as :class:`TransientError`.

    Use it where the caller cannot continue without Redis; the worker then retries the
    task with backoff. ``context`` names the operation in the message.
    """
    with translate_errors(dict.fromkeys(REDIS_OUTAGE_ERRORS, TransientError), context):
        yield


class OutageLog:
    """Logs a warning once per Redis outage instead of once per failed call.

    Callers that degrade gracefully (a cache read becomes a miss) call :meth:`failed`
    on every error and :meth:`succeeded` after every successful call; the warning is
    logged on the first failure and an info line when Redis answers again.
    """

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._logger = logger
        self._what = what
        self._down = False

    @property
    def down(self) -> bool:
        """True between a failure and the next success."""
        return self._down

    def failed(self, exc: BaseException) -> None:
        """Record a failed call; logs a warning if Redis was believed up."""
        if not self._down:
            self._down = True
            self._logger.warning(
                "%s: Redis is unreachable (%s); continuing without it", self._what, exc
            )

    def succeeded(self) -> None:
        """Record a successful call; logs once when Redis is reachable again."""
        if self._down:
            self._down = False
            self._logger.info("%s: Redis is reachable again", self._what)

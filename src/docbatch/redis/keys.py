"""Every Redis key docbatch uses, built from one prefix.

:class:`RedisKeys` is the one place that builds a key from the configured prefix, so that a
prefix isolates one deployment (or one test) completely. The client, the URL and the error
translation are in :mod:`docbatch.redis.client`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docbatch.errors import ConfigError

__all__ = ["RedisKeys"]

_PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9_.\-{}]+(?::[A-Za-z0-9_.\-{}]+)*$")


@dataclass(frozen=True, slots=True)
class RedisKeys:
    """Builds every Redis key docbatch uses from one prefix.

    Keys are ``{prefix}:{family}:...``; the families are ``cache``, ``claim``,
    ``progress``, ``events`` (pub/sub channels), ``metrics``, ``lock``,
    ``broker`` (Celery's Redis transport) and the reconciler's once-per-window marks.
    """

    prefix: str

    def __post_init__(self) -> None:
        # A prefix with spaces or glob characters would make SCAN patterns match keys of
        # other deployments; reject it early, with the setting's name in the message.
        if not _PREFIX_PATTERN.match(self.prefix):
            raise ConfigError(f"invalid key_prefix {self.prefix!r}: use letters, digits, -_.:")

    def pattern(self) -> str:
        """A SCAN/KEYS pattern matching every key under the prefix."""
        return f"{self.prefix}:*"

    def cache(self, stage: str, sha256: str, version: str) -> str:
        """The stage cache entry for a document's bytes under a configuration version."""
        return f"{self.prefix}:cache:{stage}:{sha256}:{version}"

    def claim(self, stage: str, sha256: str, version: str) -> str:
        """The lock saying one worker is computing this cache entry."""
        return f"{self.prefix}:claim:{stage}:{sha256}:{version}"

    def progress(self, batch_id: str) -> str:
        """The progress hash of a batch."""
        return f"{self.prefix}:progress:{batch_id}"

    def progress_docs(self, batch_id: str) -> str:
        """The hash of each document's recorded state within a batch's progress."""
        return f"{self.prefix}:progress:{batch_id}:docs"

    def events(self, batch_id: str) -> str:
        """The pub/sub channel carrying a batch's progress events."""
        return f"{self.prefix}:events:{batch_id}"

    def metrics(self, name: str, minute: int) -> str:
        """The per-minute bucket of a metric time series (``minute`` = epoch // 60)."""
        return f"{self.prefix}:metrics:{name}:{minute}"

    def metrics_totals(self) -> str:
        """The hash of running metric totals (counters for Prometheus)."""
        return f"{self.prefix}:metrics:totals"

    def batch_cache(self, batch_id: str) -> str:
        """The hash of one batch's cache hits and misses (``{stage}:hit|miss``)."""
        return f"{self.progress(batch_id)}:cache"

    def broker(self) -> str:
        """The prefix of every key of Celery's Redis transport (its ``global_keyprefix``)."""
        return f"{self.prefix}:broker:"

    def window_mark(self, kind: str, document_id: str, stage: str) -> str:
        """The reconciler's mark that a (document, stage) was met in the current window
        for ``kind`` of action (``promoted``)."""
        return f"{self.prefix}:{kind}:{document_id}:{stage}"

    def reconcile_lock(self) -> str:
        """The lock one worker holds while it runs a reconciler pass."""
        return f"{self.prefix}:lock:reconcile"

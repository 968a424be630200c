"""Cluster-wide metrics: per-minute time series in Redis, queue depths, Prometheus export.

Storage: one Redis **hash per series family per minute**
(``{prefix}:metrics:{family}:{epoch_minute}``) whose fields are counters, incremented
with HINCRBY and given a 7-day TTL on every write. A hash holds the minute's aggregate,
not every observation: memory is bounded by the number of fields, concurrent workers
add atomically without a read, and a range query is one pipelined HGETALL per minute.
(The sketch's sorted set of one JSON member per observation grows with traffic,
collapses identical observations into one member and must decode every member to sum.)

Families and their fields:

- ``documents``: ``completed``, ``failed``, ``cancelled``, ``pages``, ``ocr_pages``
- ``stages``: ``{stage}:count``, ``{stage}:ms`` (sum), ``{stage}:le{i}`` (observations
  whose latency falls in :data:`LATENCY_BOUNDS` bucket ``i``; the last is +Inf)
- ``cache``: ``{stage}:hit``, ``{stage}:miss``
- ``queues``: ``{queue}:{priority}`` = the last depth sampled in that minute

Running totals of ``stages``, ``cache`` and ``ocr_pages`` are kept in one more hash
(``{prefix}:metrics:totals``) for Prometheus counters. Series are labelled by stage,
queue and priority, never by batch id (unbounded label values break Prometheus).
Recording never raises: metrics are a view, and a Redis outage only loses samples.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docbatch.models import TERMINAL_DOCUMENT_STATES
from docbatch.redis.client import REDIS_OUTAGE_ERRORS, OutageLog, as_text
from docbatch.redis.keys import RedisKeys

if TYPE_CHECKING:
    import redis

    from docbatch.settings import Settings

__all__ = [
    "BUCKET_TTL_SECONDS",
    "FAMILIES",
    "LATENCY_BOUNDS",
    "MetricsReader",
    "MetricsRecorder",
    "MinuteBucket",
    "latency_quantile",
    "minute_of",
    "queue_depths",
    "settings_queue_depths",
    "sum_buckets",
]

log = logging.getLogger(__name__)

#: How long a per-minute bucket lives.
BUCKET_TTL_SECONDS = 7 * 24 * 3600
#: How long the running totals live after their last update.
TOTALS_TTL_SECONDS = 90 * 24 * 3600
#: Upper bounds (seconds) of the stage latency histogram; one more bucket is +Inf.
LATENCY_BOUNDS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)
#: The series families (hash names) a bucket can belong to.
FAMILIES = ("documents", "stages", "cache", "queues")
_READ_BATCH = 500


def minute_of(when: float | datetime) -> int:
    """The bucket (minutes since the epoch) a timestamp falls in."""
    seconds = when.timestamp() if isinstance(when, datetime) else float(when)
    return int(seconds // 60)


def latency_bucket(seconds: float) -> int:
    """Index of the :data:`LATENCY_BOUNDS` bucket for a latency (len() is +Inf)."""
    return bisect.bisect_left(LATENCY_BOUNDS, seconds)


class MetricsRecorder:
    """Adds observations to the current minute's buckets; never raises."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        *,
        ttl: int = BUCKET_TTL_SECONDS,
        batch_ttl: int = 30 * 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._keys = RedisKeys(prefix)
        self._ttl = ttl
        self._batch_ttl = batch_ttl
        self._clock = clock
        self._outage = OutageLog(log, "metrics")

    def document_finished(self, state: str, *, pages: int = 0, ocr_pages: int = 0) -> None:
        """Count one document reaching a terminal state, with its pages."""
        self.stages_finished([], document=(state, pages, ocr_pages))

    def stage_finished(
        self,
        stage: str,
        seconds: float,
        cached: bool | None = None,
        *,
        batch_id: str | None = None,
    ) -> None:
        """Count one finished stage with its latency; ``cached`` is None if not cacheable.

        With ``batch_id``, a cache lookup is also counted in the batch's own cache hash
        (for its report; it lives as long as the batch's progress).
        """
        self.stages_finished([(stage, seconds, cached)], batch_id=batch_id)

    def stages_finished(
        self,
        finished: Sequence[tuple[str, float, bool | None]],
        *,
        batch_id: str | None = None,
        document: tuple[str, int, int] | None = None,
    ) -> None:
        """:meth:`stage_finished` for several ``(stage, seconds, cached)``, and with
        ``document`` (terminal state, pages, OCR pages) :meth:`document_finished`, in one
        round trip."""
        self.record_many([(finished, batch_id, document)])

    def record_many(
        self,
        entries: Sequence[
            tuple[
                Sequence[tuple[str, float, bool | None]],
                str | None,
                tuple[str, int, int] | None,
            ]
        ],
    ) -> None:
        """:meth:`stages_finished` for several ``(finished, batch_id, document)`` entries
        (the documents of one task), added up and sent in one round trip."""
        stages: Counter[str] = Counter()
        documents: Counter[str] = Counter()
        batch_cache: dict[str, Counter[str]] = defaultdict(Counter)
        cache: Counter[str] = Counter()
        for finished, batch_id, document in entries:
            if document is not None:
                state, pages, ocr_pages = document
                if state not in TERMINAL_DOCUMENT_STATES:
                    raise ValueError(f"not a terminal state: {state!r}")
                documents.update({state: 1, "pages": pages, "ocr_pages": ocr_pages})
            for stage, seconds, cached in finished:
                stages[f"{stage}:count"] += 1
                stages[f"{stage}:ms"] += round(seconds * 1000)
                stages[f"{stage}:le{latency_bucket(seconds)}"] += 1
                if cached is not None:
                    name = f"{stage}:{'hit' if cached else 'miss'}"
                    cache[name] += 1
                    if batch_id is not None:
                        batch_cache[batch_id][name] += 1
        minute = minute_of(self._clock())

        def work(pipe: Any) -> None:
            if stages:
                self._add(pipe, "stages", minute, stages)
            counted = {name: n for name, n in documents.items() if n}
            if counted:
                self._add(pipe, "documents", minute, counted,
                          {"ocr_pages": documents["ocr_pages"]})  # fmt: skip
            if cache:
                self._add(pipe, "cache", minute, cache)
            for batch_id, counts in batch_cache.items():
                key = self._keys.batch_cache(batch_id)
                for name, amount in counts.items():
                    pipe.hincrby(key, name, amount)
                pipe.expire(key, self._batch_ttl)

        if stages or documents or cache:
            self._run(work)

    def queue_depths(self, depths: Mapping[tuple[str, str], int]) -> None:
        """Record the depth of each ``(queue, priority)`` sampled now."""
        if not depths:
            return
        key = self._keys.metrics("queues", minute_of(self._clock()))
        mapping = {f"{queue}:{priority}": n for (queue, priority), n in depths.items()}
        self._run(lambda pipe: (pipe.hset(key, mapping=mapping), pipe.expire(key, self._ttl)))

    def _add(
        self,
        pipe: Any,
        family: str,
        minute: int,
        fields: Mapping[str, int],
        totals: Mapping[str, int] | None = None,
    ) -> None:
        """Queue on ``pipe`` the increments of one family's minute bucket and of the
        running totals (``totals``, by default the same fields)."""
        key = self._keys.metrics(family, minute)
        totals = fields if totals is None else totals
        running = {f"{family}:{name}": n for name, n in totals.items() if n}
        for name, amount in fields.items():
            pipe.hincrby(key, name, amount)
        pipe.expire(key, self._ttl)
        for name, amount in running.items():
            pipe.hincrby(self._keys.metrics_totals(), name, amount)
        if running:
            pipe.expire(self._keys.metrics_totals(), TOTALS_TTL_SECONDS)

    def _run(self, work: Callable[[Any], object]) -> None:
        try:
            pipe = self._client.pipeline(transaction=False)
            work(pipe)
            pipe.execute()
        except REDIS_OUTAGE_ERRORS as exc:
            self._outage.failed(exc)
            return
        self._outage.succeeded()


@dataclass(frozen=True, slots=True)
class MinuteBucket:
    """One minute of one family: ``minute`` is epoch // 60; ``fields`` its counters."""

    minute: int
    fields: Mapping[str, int] = field(default_factory=dict)

    @property
    def start(self) -> float:
        """The bucket's first second since the epoch."""
        return self.minute * 60.0

    def get(self, name: str) -> int:
        """A field's value (0 when absent)."""
        return self.fields.get(name, 0)


def sum_buckets(buckets: Iterable[MinuteBucket]) -> dict[str, int]:
    """Field-wise sum of buckets (counters over a range)."""
    total: dict[str, int] = {}
    for bucket in buckets:
        for name, value in bucket.fields.items():
            total[name] = total.get(name, 0) + value
    return total


def latency_quantile(fields: Mapping[str, int], stage: str, q: float) -> float | None:
    """Approximate ``q``-quantile (seconds) of a stage's latency from histogram fields.

    Returns the upper bound of the bucket holding the quantile (the largest finite
    bound for the +Inf bucket), or None without observations.
    """
    counts = [fields.get(f"{stage}:le{i}", 0) for i in range(len(LATENCY_BOUNDS) + 1)]
    total = sum(counts)
    if total == 0:
        return None
    rank, seen = q * total, 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank and count:
            return LATENCY_BOUNDS[min(index, len(LATENCY_BOUNDS) - 1)]
    return LATENCY_BOUNDS[-1]  # pragma: no cover - the loop always returns


class MetricsReader:
    """Range queries over the per-minute buckets and the running totals."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._keys = RedisKeys(prefix)

    def range(
        self, family: str, start: float | datetime, end: float | datetime
    ) -> list[MinuteBucket]:
        """Every minute from ``start`` to ``end`` (inclusive), empty minutes included."""
        if family not in FAMILIES:
            raise ValueError(f"unknown metrics family {family!r}; one of {FAMILIES}")
        first, last = minute_of(start), minute_of(end)
        minutes = list(range(first, last + 1))
        buckets: list[MinuteBucket] = []
        for offset in range(0, len(minutes), _READ_BATCH):
            chunk = minutes[offset : offset + _READ_BATCH]
            pipe = self._client.pipeline(transaction=False)
            for minute in chunk:
                pipe.hgetall(self._keys.metrics(family, minute))
            for minute, raw in zip(chunk, pipe.execute(), strict=True):
                buckets.append(MinuteBucket(minute, _ints(raw)))
        return buckets

    def recent(self, family: str, minutes: int, now: float | None = None) -> list[MinuteBucket]:
        """The last ``minutes`` minutes of a family, the current one included."""
        end = time.time() if now is None else now
        return self.range(family, end - 60 * (minutes - 1), end)

    def totals(self) -> dict[str, int]:
        """The running totals: ``{family:field: value}``."""
        return _ints(self._client.hgetall(self._keys.metrics_totals()))

    def batch_cache(self, batch_id: str) -> dict[str, int]:
        """One batch's cache lookups: ``{"{stage}:hit"|"{stage}:miss": count}``."""
        return _ints(self._client.hgetall(self._keys.batch_cache(batch_id)))


def _ints(raw: Mapping[bytes | str, bytes | str]) -> dict[str, int]:
    return {as_text(k): int(as_text(v)) for k, v in raw.items()}


def queue_depths(
    broker_url: str,
    prefix: str,
    queues: Iterable[str] | None = None,
    *,
    queue_prefix: str = "",
) -> dict[tuple[str, str], int]:
    """Messages waiting per ``(queue, priority)``, read from the broker.

    ``queues`` are docbatch's queue names (default: all), ``queue_prefix`` the
    deployment's queue name prefix; labels use the unprefixed names.
    Redis: the length of each queue's list and of its priority-step lists under the
    global key prefix ``{prefix}:broker:``; the priority label is high/normal/low.
    RabbitMQ: ``queue_declare(passive=True)`` per queue; the priority label is ``all``
    (RabbitMQ does not report a queue's messages per priority).
    """
    from docbatch.priority import broker_kind
    from docbatch.queues import QUEUES

    names = {f"{queue_prefix}{name}": name for name in (queues or QUEUES)}
    if broker_kind(broker_url) == "amqp":
        return _amqp_depths(broker_url, names)
    return _redis_depths(broker_url, prefix, names)


def settings_queue_depths(settings: Settings) -> dict[tuple[str, str], int]:
    """:func:`queue_depths` of the broker configured in ``settings`` (empty without one)."""
    url = settings.broker_url or settings.redis_url
    if not url:
        return {}
    return queue_depths(
        url, settings.key_prefix, queue_prefix=getattr(settings, "queue_prefix", "") or ""
    )


def _step_labels() -> dict[int, str]:
    from docbatch.priority import REDIS_PRIORITY_STEPS, Priority, broker_priority

    labels = {broker_priority(p, "redis://"): p.value for p in Priority}
    return {step: labels.get(step, f"step{step}") for step in REDIS_PRIORITY_STEPS}


def _redis_depths(
    broker_url: str, prefix: str, names: Mapping[str, str]
) -> dict[tuple[str, str], int]:
    from docbatch.redis.client import redis_client, redis_py_url

    url = redis_py_url(broker_url)
    client = redis_client(url, retries=0, socket_timeout=2.0, connect_timeout=2.0)
    base = RedisKeys(prefix).broker()
    keys = [
        (label, priority, base + (queue if step == 0 else f"{queue}:{step}"))
        for queue, label in names.items()
        for step, priority in _step_labels().items()
    ]
    try:
        pipe = client.pipeline(transaction=False)
        for _, _, key in keys:
            pipe.llen(key)
        lengths = pipe.execute()
    finally:
        client.close()
    depths: dict[tuple[str, str], int] = {}
    for (label, priority, _), length in zip(keys, lengths, strict=True):
        if priority.startswith("step") and not length:
            continue  # a step no priority maps to: shown only if something landed there
        depths[(label, priority)] = depths.get((label, priority), 0) + int(length)
    return depths


def _amqp_depths(broker_url: str, names: Mapping[str, str]) -> dict[tuple[str, str], int]:
    from amqp.exceptions import ChannelError
    from kombu import Connection

    depths: dict[tuple[str, str], int] = {}
    with Connection(broker_url, connect_timeout=3) as connection:
        for queue, label in names.items():
            channel = connection.channel()
            try:
                _, count, _ = channel.queue_declare(queue=queue, passive=True)
                depths[(label, "all")] = int(count)
            except ChannelError:
                depths[(label, "all")] = 0  # not declared yet: no worker ever started
            finally:
                with contextlib.suppress(Exception):  # a channel the broker closed (404)
                    channel.close()
    return depths

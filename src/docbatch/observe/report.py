"""The per-batch report: throughput, stage latency, cache, OCR, failures, slow documents.

Every figure comes from the database (batch counters, documents, the event log), except
the cache hit rate: the store does not record cache hits, so it is read from the batch's
cache hash in Redis while that exists (see :meth:`docbatch.redis.metrics.MetricsReader.batch_cache`)
and reported as unknown otherwise. :func:`build_report` returns a :class:`BatchReport`;
``docbatch report`` prints it as a table, JSON, or HTML with inline SVG charts
(:mod:`docbatch.observe.report_html`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from docbatch.models import Stage

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = [
    "BatchReport",
    "StageStats",
    "ThroughputPoint",
    "build_report",
    "percentile",
    "throughput_series",
]

#: Throughput is drawn with about this many intervals, each at least one second.
_POINTS = 40


@dataclass(frozen=True, slots=True)
class StageStats:
    """Latency of one stage over the batch (milliseconds)."""

    stage: str
    count: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float


@dataclass(frozen=True, slots=True)
class ThroughputPoint:
    """Documents and pages that finished in one interval starting ``offset_s`` in."""

    offset_s: float
    completed: int
    failed: int
    pages: int


@dataclass(frozen=True)
class BatchReport:
    """Everything ``docbatch report`` shows about one batch."""

    batch_id: str
    name: str | None
    state: str
    priority: str
    total: int
    completed: int
    failed: int
    cancelled: int
    pages: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    elapsed_s: float | None
    docs_per_s: float | None
    pages_per_s: float | None
    stages: list[StageStats]
    cache: dict[str, Any] | None
    ocr: dict[str, Any]
    failures: list[dict[str, Any]]
    slowest: list[dict[str, Any]]
    throughput: list[ThroughputPoint] = field(default_factory=list)
    interval_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (datetimes as ISO strings)."""
        data = asdict(self)
        for key in ("created_at", "started_at", "finished_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value is not None else None
        return data


def percentile(values: list[int] | list[float], q: float) -> float:
    """The nearest-rank ``q``-percentile (0-100) of sorted ``values`` (0 when empty)."""
    if not values:
        return 0.0
    rank = max(1, math.ceil(q / 100.0 * len(values)))
    return float(values[min(rank, len(values)) - 1])


def stage_stats(durations: dict[Stage, list[int]]) -> list[StageStats]:
    """Per-stage percentiles from sorted duration lists, in pipeline order."""
    stats = []
    for stage in Stage.ordered():
        values = sorted(durations.get(stage, []))
        if not values:
            continue
        stats.append(
            StageStats(
                stage=stage.value,
                count=len(values),
                p50_ms=percentile(values, 50),
                p95_ms=percentile(values, 95),
                max_ms=float(values[-1]),
                mean_ms=round(sum(values) / len(values), 1),
            )
        )
    return stats


def throughput_series(
    events: list[Any], start: datetime, end: datetime, points: int = _POINTS
) -> tuple[list[ThroughputPoint], float]:
    """Terminal events binned into about ``points`` equal intervals from ``start``.

    Returns the points and the interval length in seconds.
    """
    span = max((end - start).total_seconds(), 1.0)
    interval = max(1.0, math.ceil(span / points))
    count = max(1, math.ceil(span / interval))
    bins = [[0, 0, 0] for _ in range(count)]
    for event in events:
        offset = (event.at - start).total_seconds()
        index = min(count - 1, max(0, int(offset // interval)))
        bins[index][0 if event.state == "completed" else 1] += 1
        bins[index][2] += event.pages
    series = [ThroughputPoint(i * interval, c, f, p) for i, (c, f, p) in enumerate(bins)]
    return series, interval


def _cache_summary(raw: dict[str, int] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    hits = sum(v for k, v in raw.items() if k.endswith(":hit"))
    misses = sum(v for k, v in raw.items() if k.endswith(":miss"))
    lookups = hits + misses
    return {
        "hits": hits,
        "misses": misses,
        "hit_rate": round(hits / lookups, 4) if lookups else None,
        "per_stage": dict(sorted(raw.items())),
    }


def _ocr_summary(totals: dict[str, int]) -> dict[str, Any]:
    pages = totals["pages"]
    share = round(totals["ocr_pages"] / pages, 4) if pages else 0.0
    return {**totals, "share": share}


def build_report(
    repo: Repository,
    batch_id: str,
    *,
    cache_counts: dict[str, int] | None = None,
    slowest: int = 10,
) -> BatchReport:
    """The report of ``batch_id`` read from ``repo``; ``cache_counts`` from Redis if known."""
    batch = repo.batches.get(batch_id)
    events = repo.monitoring.terminal_events(batch_id)
    start = batch.started_at or batch.created_at
    end = batch.finished_at or (events[-1].at if events else start)
    elapsed = (end - start).total_seconds() if events else None
    series, interval = throughput_series(events, start, end) if events else ([], 0.0)
    rate = (lambda n: round(n / elapsed, 3)) if elapsed else (lambda n: None)
    return BatchReport(
        batch_id=batch.id,
        name=batch.name,
        **batch.counters(),
        pages=batch.pages,
        created_at=batch.created_at,
        started_at=batch.started_at,
        finished_at=batch.finished_at,
        elapsed_s=round(elapsed, 3) if elapsed is not None else None,
        docs_per_s=rate(batch.completed + batch.failed),
        pages_per_s=rate(batch.pages),
        stages=stage_stats(repo.monitoring.stage_duration_values(batch_id)),
        cache=_cache_summary(cache_counts),
        ocr=_ocr_summary(repo.monitoring.ocr_totals(batch_id)),
        failures=[asdict(group) for group in repo.monitoring.failure_groups(batch_id)],
        slowest=[asdict(doc) for doc in repo.monitoring.slowest_documents(batch_id, slowest)],
        throughput=series,
        interval_s=interval,
    )

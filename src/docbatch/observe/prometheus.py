"""Prometheus export of cluster-wide figures, for any process (the API serves it).

:class:`ClusterCollector` is a custom prometheus-client collector: every scrape reads
the database (terminal documents and pages, from the batch counters), the Redis running
totals written by :class:`~docbatch.redis.metrics.MetricsRecorder` (stage latency histogram,
cache lookups, OCR pages) and the broker (queue depths). No figure lives in the
exporting process, so every API replica exports the same cluster-wide numbers. Labels
are stage, queue, priority, state and result, never a batch id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from docbatch.models import TERMINAL_DOCUMENT_STATES, Stage
from docbatch.redis.metrics import LATENCY_BOUNDS, MetricsReader

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = ["ClusterCollector", "render_metrics"]

log = logging.getLogger(__name__)

QueueDepths = Callable[[], Mapping[tuple[str, str], int]]


class ClusterCollector(Collector):
    """Reads the database, the Redis totals and the broker on every scrape.

    Any source may be None (not configured); a source that fails is reported as
    ``docbatch_scrape_error{source=...} 1`` and its families are left out.
    """

    def __init__(
        self,
        repo: Repository | None,
        reader: MetricsReader | None,
        depths: QueueDepths | None = None,
    ) -> None:
        self.repo = repo
        self.reader = reader
        self.depths = depths

    def collect(self) -> Iterator[Metric]:
        """Yield every metric family (called by the registry on each scrape)."""
        errors = GaugeMetricFamily(
            "docbatch_scrape_error", "1 when a source could not be read", labels=["source"]
        )
        sources: list[tuple[str, Any, Callable[[], list[Metric]]]] = [
            ("database", self.repo, self._database),
            ("redis", self.reader, self._redis),
            ("broker", self.depths, self._queues),
        ]
        for name, source, read in sources:
            if source is None:
                continue
            try:
                families = read()
            except Exception as exc:  # a down source must not break the whole scrape
                log.warning("metrics: cannot read %s: %s", name, exc)
                errors.add_metric([name], 1)
                continue
            errors.add_metric([name], 0)
            yield from families
        yield errors

    def _database(self) -> list[Metric]:
        assert self.repo is not None
        totals = self.repo.monitoring.cluster_totals()
        documents = CounterMetricFamily(
            "docbatch_documents", "Documents that reached a terminal state", labels=["state"]
        )
        for state in TERMINAL_DOCUMENT_STATES:
            documents.add_metric([state.value], getattr(totals, state.value))
        pages = CounterMetricFamily("docbatch_pages", "Pages of terminal documents")
        pages.add_metric([], totals.pages)
        in_flight = GaugeMetricFamily(
            "docbatch_documents_in_flight", "Documents of active batches not yet terminal"
        )
        in_flight.add_metric([], totals.in_flight)
        batches = GaugeMetricFamily("docbatch_batches", "Batches per state", labels=["state"])
        for batch_state, count in sorted(totals.batches.items()):
            batches.add_metric([batch_state], count)
        return [documents, pages, in_flight, batches]

    def _redis(self) -> list[Metric]:
        assert self.reader is not None
        totals = self.reader.totals()
        ocr = CounterMetricFamily("docbatch_ocr_pages", "Pages that went through OCR")
        ocr.add_metric([], totals.get("documents:ocr_pages", 0))
        latency = HistogramMetricFamily(
            "docbatch_stage_duration_seconds",
            "Latency of finished stages (the last stage of a document is not timed)",
            labels=["stage"],
        )
        cache = CounterMetricFamily(
            "docbatch_cache_lookups", "Stage cache lookups", labels=["stage", "result"]
        )
        for stage in Stage.ordered():
            latency.add_metric(
                [stage.value],
                _cumulative(totals, stage.value),
                totals.get(f"stages:{stage}:ms", 0) / 1000.0,
            )
            for result in ("hit", "miss"):
                value = totals.get(f"cache:{stage}:{result}")
                if value is not None:
                    cache.add_metric([stage.value, result], value)
        return [ocr, latency, cache]

    def _queues(self) -> list[Metric]:
        assert self.depths is not None
        gauge = GaugeMetricFamily(
            "docbatch_queue_depth", "Messages waiting in the broker", labels=["queue", "priority"]
        )
        for (queue, priority), depth in sorted(self.depths().items()):
            gauge.add_metric([queue, priority], depth)
        return [gauge]


def _cumulative(totals: Mapping[str, int], stage: str) -> list[tuple[str, float]]:
    """Prometheus histogram buckets (cumulative, +Inf last) from per-bucket counts."""
    buckets: list[tuple[str, float]] = []
    seen = 0
    for index, bound in enumerate(LATENCY_BOUNDS):
        seen += totals.get(f"stages:{stage}:le{index}", 0)
        buckets.append((repr(bound), seen))
    seen += totals.get(f"stages:{stage}:le{len(LATENCY_BOUNDS)}", 0)
    buckets.append(("+Inf", seen))
    return buckets


def render_metrics(collector: ClusterCollector) -> bytes:
    """The Prometheus text exposition of one scrape of ``collector``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return generate_latest(registry)

"""The metrics collector against a real Redis (and RabbitMQ for queue depths)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from docbatch.engine.outcomes import StageReport
from docbatch.observe.prometheus import ClusterCollector, render_metrics
from docbatch.observe.status import RedisProgressSink
from docbatch.redis.client import redis_client
from docbatch.redis.metrics import (
    BUCKET_TTL_SECONDS,
    LATENCY_BOUNDS,
    MetricsReader,
    MetricsRecorder,
    latency_quantile,
    minute_of,
    queue_depths,
    sum_buckets,
)
from docbatch.settings import Settings

T0 = 1_800_000_000.0  # a minute boundary: 30_000_000 * 60


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client(redis_url: str):
    connection = redis_client(redis_url)
    yield connection
    connection.close()


def test_observations_land_in_their_minute_bucket(client, key_prefix: str) -> None:
    clock = Clock(T0 + 5)
    recorder = MetricsRecorder(client, key_prefix, clock=clock)
    recorder.document_finished("completed", pages=3)
    clock.now = T0 + 59
    recorder.document_finished("failed")
    clock.now = T0 + 120
    recorder.document_finished("completed", pages=2, ocr_pages=1)

    buckets = MetricsReader(client, key_prefix).range("documents", T0, T0 + 180)

    assert [b.minute for b in buckets] == [minute_of(T0) + i for i in range(4)]
    assert dict(buckets[0].fields) == {"completed": 1, "failed": 1, "pages": 3}
    assert dict(buckets[1].fields) == {}
    assert dict(buckets[2].fields) == {"completed": 1, "pages": 2, "ocr_pages": 1}
    assert sum_buckets(buckets) == {"completed": 2, "failed": 1, "pages": 5, "ocr_pages": 1}


def test_range_query_excludes_minutes_outside_the_range(client, key_prefix: str) -> None:
    clock = Clock(T0)
    recorder = MetricsRecorder(client, key_prefix, clock=clock)
    for minute in range(5):
        clock.now = T0 + 60 * minute
        recorder.stage_finished("chunk", 0.2 * (minute + 1), cached=minute % 2 == 0)

    reader = MetricsReader(client, key_prefix)
    middle = reader.range("stages", T0 + 60, T0 + 3 * 60 + 59)
    cache = sum_buckets(reader.range("cache", T0, T0 + 4 * 60))

    assert len(middle) == 3
    assert sum_buckets(middle)["chunk:count"] == 3
    assert sum_buckets(middle)["chunk:ms"] == 400 + 600 + 800
    assert cache == {"chunk:hit": 3, "chunk:miss": 2}
    assert reader.recent("stages", 2, now=T0 + 4 * 60)[-1].get("chunk:count") == 1


def test_buckets_expire_after_seven_days(client, key_prefix: str) -> None:
    recorder = MetricsRecorder(client, key_prefix, clock=Clock(T0))
    recorder.stage_finished("extract", 1.0, cached=False)
    recorder.queue_depths({("extract", "high"): 4})

    for family in ("stages", "cache", "queues"):
        ttl = client.ttl(f"{key_prefix}:metrics:{family}:{minute_of(T0)}")
        assert BUCKET_TTL_SECONDS - 10 < ttl <= BUCKET_TTL_SECONDS
    assert client.ttl(f"{key_prefix}:metrics:totals") > BUCKET_TTL_SECONDS


def test_latency_histogram_and_quantiles(client, key_prefix: str) -> None:
    recorder = MetricsRecorder(client, key_prefix, clock=Clock(T0))
    for seconds in [0.01] * 90 + [3.0] * 9 + [1000.0]:
        recorder.stage_finished("entities", seconds, cached=None)

    fields = sum_buckets(MetricsReader(client, key_prefix).range("stages", T0, T0))

    assert fields["entities:count"] == 100
    assert fields["entities:le0"] == 90
    assert latency_quantile(fields, "entities", 0.5) == LATENCY_BOUNDS[0]
    assert latency_quantile(fields, "entities", 0.95) == 5.0
    assert latency_quantile(fields, "entities", 1.0) == LATENCY_BOUNDS[-1]
    assert latency_quantile(fields, "chunk", 0.5) is None
    assert MetricsReader(client, key_prefix).range("cache", T0, T0)[0].fields == {}


def test_queue_samples_keep_the_last_depth_of_the_minute(client, key_prefix: str) -> None:
    clock = Clock(T0)
    recorder = MetricsRecorder(client, key_prefix, clock=clock)
    recorder.queue_depths({("extract", "high"): 4, ("ocr", "low"): 1})
    clock.now = T0 + 30
    recorder.queue_depths({("extract", "high"): 2})

    bucket = MetricsReader(client, key_prefix).range("queues", T0, T0)[0]

    assert dict(bucket.fields) == {"extract:high": 2, "ocr:low": 1}


def test_unknown_family_is_rejected(client, key_prefix: str) -> None:
    with pytest.raises(ValueError, match="unknown metrics family"):
        MetricsReader(client, key_prefix).range("batches", T0, T0)


def test_redis_queue_depth_reads_priority_step_lists(
    client, key_prefix: str, redis_url: str
) -> None:
    base = f"{key_prefix}:broker:"
    client.rpush(base + "extract", "a", "b")  # step 0: high
    client.rpush(base + "extract:3", "c")  # normal
    client.rpush(base + "ocr:6", "d", "e", "f")  # low

    depths = queue_depths(redis_url, key_prefix, ["extract", "ocr", "graph"])

    assert depths[("extract", "high")] == 2
    assert depths[("extract", "normal")] == 1
    assert depths[("ocr", "low")] == 3
    assert depths[("graph", "high")] == 0
    assert sum(depths.values()) == 6


def test_rabbitmq_queue_depth_uses_passive_declare(rabbitmq_url: str) -> None:
    from kombu import Connection, Exchange, Queue

    prefix = f"dbtest-{uuid.uuid4().hex[:8]}-"
    queue = Queue(f"{prefix}extract", Exchange(f"{prefix}x"), routing_key="k", max_priority=10)
    # publisher confirms: the three messages are on the queue before we count them
    with Connection(rabbitmq_url, transport_options={"confirm_publish": True}) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        producer = connection.Producer()
        for _ in range(3):
            producer.publish({"n": 1}, exchange=queue.exchange, routing_key="k")
        try:
            depths = queue_depths(rabbitmq_url, "unused", ["extract", "ocr"], queue_prefix=prefix)
        finally:
            bound.delete()

    assert depths == {("extract", "all"): 3, ("ocr", "all"): 0}


def test_progress_sink_records_stages_and_terminal_documents(
    client, key_prefix: str, settings: Settings
) -> None:
    sink = RedisProgressSink(client, settings.model_copy(update={"key_prefix": key_prefix}))
    sink.tracker.init_batch("b1", 2, "normal", T0)
    sink.document_transition("b1", "d1", "pending", "processing", "extract", 0)
    sink.stages_finished("b1", "d1", [("extract", 0.3, True), ("resolve", 0.02, False)])
    sink.document_transition("b1", "d1", "processing", "completed", "relate", 4)
    sink.document_transition("b1", "d1", "processing", "completed", "relate", 4)  # duplicate
    sink.document_transition("b1", "d2", "processing", "failed", "extract", 0)

    reader = MetricsReader(client, key_prefix)
    totals = reader.totals()
    documents = sum_buckets(reader.recent("documents", 2))

    assert documents == {"completed": 1, "failed": 1, "pages": 4}
    assert totals["stages:extract:count"] == 1
    assert totals["stages:resolve:count"] == 1
    assert totals["cache:extract:hit"] == 1
    assert "cache:resolve:miss" not in totals  # resolve is never cached
    assert reader.batch_cache("b1") == {"extract:hit": 1}


def test_progress_sink_reports_a_fused_step_and_its_completion_at_once(
    client, key_prefix: str, settings: Settings
) -> None:
    sink = RedisProgressSink(client, settings.model_copy(update={"key_prefix": key_prefix}))
    sink.tracker.init_batch("b1", 1, "normal", T0)
    sink.document_transition("b1", "d1", "pending", "processing", "extract", 0)
    stages = [("extract", 0.3, True), ("chunk", 0.01, True), ("entities", 0.2, False),
              ("resolve", 0.02, False), ("relate", 0.05, False)]  # fmt: skip
    sink.stages_finished("b1", "d1", stages, completed_pages=3, ocr_pages=1)
    sink.stages_finished("b1", "d1", stages[-1:], completed_pages=3, ocr_pages=1)  # again

    progress = sink.tracker.get_batch_progress("b1")
    assert progress is not None
    assert (progress.counts["completed"], progress.counts["processing"]) == (1, 0)
    assert progress.pages == 3
    totals = MetricsReader(client, key_prefix).totals()
    documents = sum_buckets(MetricsReader(client, key_prefix).recent("documents", 2))
    assert documents == {"completed": 1, "pages": 3, "ocr_pages": 1}  # counted once
    assert totals["stages:relate:count"] == 2 and totals["stages:extract:count"] == 1
    assert (totals["cache:extract:hit"], totals["cache:entities:miss"]) == (1, 1)


def test_progress_sink_reports_a_group_of_documents_in_two_round_trips(
    client, key_prefix: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    sink = RedisProgressSink(client, settings.model_copy(update={"key_prefix": key_prefix}))
    for batch, total in (("b1", 2), ("b2", 1)):
        sink.tracker.init_batch(batch, total, "normal", T0)
    sink.documents_started([("b1", "d1"), ("b1", "d2"), ("b2", "d3")])
    done = [("extract", 0.3, False), ("relate", 0.05, False)]
    reports = [
        StageReport("b1", "d1", tuple(done), completed_pages=2, ocr_pages=0),
        StageReport("b1", "d2", (("extract", 0.1, True),)),
        StageReport("b2", "d3", tuple(done), completed_pages=5, ocr_pages=5),
    ]
    pipelines: list[int] = []
    original = type(client.pipeline()).execute

    def execute(pipe, *args, **kwargs):
        pipelines.append(len(pipe.command_stack))
        return original(pipe, *args, **kwargs)

    monkeypatch.setattr(type(client.pipeline()), "execute", execute)

    sink.stages_finished_many(reports)

    assert len(pipelines) == 2  # the progress hashes, then the metrics
    first, second = sink.tracker.get_batch_progress("b1"), sink.tracker.get_batch_progress("b2")
    assert first is not None and second is not None
    assert (first.counts["completed"], first.counts["processing"], first.pages) == (1, 1, 2)
    assert (second.counts["completed"], second.pages) == (1, 5)
    reader = MetricsReader(client, key_prefix)
    documents = sum_buckets(reader.recent("documents", 2))
    assert documents == {"completed": 2, "pages": 7, "ocr_pages": 5}
    totals = reader.totals()
    assert (totals["stages:extract:count"], totals["stages:relate:count"]) == (3, 2)
    assert reader.batch_cache("b1") == {"extract:miss": 1, "extract:hit": 1}
    assert reader.batch_cache("b2") == {"extract:miss": 1}


def test_prometheus_export_reads_redis_database_and_broker(client, key_prefix: str) -> None:
    recorder = MetricsRecorder(client, key_prefix)
    recorder.stage_finished("extract", 0.07, cached=False)
    recorder.stage_finished("extract", 4.0, cached=True)
    recorder.document_finished("completed", pages=2, ocr_pages=2)
    totals = SimpleNamespace(
        completed=5, failed=1, cancelled=0, pages=12, in_flight=3, batches={"running": 1}
    )
    repo = SimpleNamespace(monitoring=SimpleNamespace(cluster_totals=lambda: totals))
    collector = ClusterCollector(
        repo, MetricsReader(client, key_prefix), lambda: {("extract", "high"): 7}
    )

    text = render_metrics(collector).decode()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }

    assert samples[("docbatch_documents_total", (("state", "completed"),))] == 5
    assert samples[("docbatch_pages_total", ())] == 12
    assert samples[("docbatch_ocr_pages_total", ())] == 2
    assert samples[("docbatch_stage_duration_seconds_count", (("stage", "extract"),))] == 2
    assert (
        samples[("docbatch_stage_duration_seconds_bucket", (("le", "0.1"), ("stage", "extract")))]
        == 1
    )
    assert samples[("docbatch_stage_duration_seconds_sum", (("stage", "extract"),))] == 4.07
    assert samples[("docbatch_cache_lookups_total", (("result", "hit"), ("stage", "extract")))] == 1
    assert samples[("docbatch_queue_depth", (("priority", "high"), ("queue", "extract")))] == 7
    assert samples[("docbatch_scrape_error", (("source", "redis"),))] == 0
    assert not any("batch" in label for _, labels in samples for label, _ in labels)

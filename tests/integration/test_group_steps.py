"""Group steps: the documents of one task claimed together and committed together.

:meth:`StageExecutor.run_many` claims its documents in one transaction and commits their
results in one more, but every document keeps its own outcome: a failure, a stale step
or a missing document costs the others nothing, and the stored rows are the same as when
each document runs alone. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bench.pure import text_mentions
from docbatch.client import Docbatch, Sources
from docbatch.engine import dedup, stages
from docbatch.engine.executor import StageExecutor
from docbatch.models import CACHED_STAGES, Stage
from docbatch.redis.cache import CacheItem, HeldClaim, StageCache
from docbatch.redis.client import redis_client
from docbatch.redis.codec import pack_stage
from docbatch.settings import Settings
from docbatch.store import counters, lifecycle

from .cache_support import claim
from .engine_support import make_corpus, row_counts

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture
def client(settings: Settings, database_url: str) -> Iterator[Docbatch]:
    client = Docbatch(settings.model_copy(update={"database_url": database_url}))
    yield client
    client.close()


def executor_for(client: Docbatch, **options: Any) -> StageExecutor:
    return StageExecutor(
        client.repo, client.settings.pipeline_options(), owner="w", fuse_stages=True, **options
    )


def batch_ids(client: Docbatch, folder: Path) -> tuple[str, list[str]]:
    batch = client.create(Sources.from_args([folder]))
    return batch.id, [ref.document_id for ref in client.repo.documents.unfinished(batch.id)]


@pytest.fixture
def cache(redis_url: str, key_prefix: str) -> StageCache:
    return StageCache(redis_client(redis_url), key_prefix, ttl_seconds=600)


def corpus_and_opinion(client: Docbatch, folder: Path, count: int) -> tuple[str, list[str]]:
    """A batch of ``count`` generated documents and, last, the sample opinion."""
    make_corpus(folder, count)
    shutil.copy(SAMPLES / "opinion.pdf", folder / "opinion.pdf")
    return batch_ids(client, folder)


def count_calls(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> list[Any]:
    """Record the arguments of every call of ``target.name`` (still calling it)."""
    calls: list[Any] = []
    original = getattr(target, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, recording)
    return calls


def test_a_group_is_claimed_and_committed_in_one_transaction_each(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_corpus(tmp_path / "corpus", 6)
    alone_id, alone = batch_ids(client, folder)
    grouped_id, grouped = batch_ids(client, folder)
    executor = executor_for(client)
    for document_id in alone:
        assert executor.run(document_id, Stage.EXTRACT).status == "completed"
    writes = count_calls(monkeypatch, client.repo, "write")
    counted = count_calls(monkeypatch, counters, "count_terminal")
    started = count_calls(monkeypatch, lifecycle, "_start_batch")

    outcomes = executor.run_many(grouped, Stage.EXTRACT)

    assert [o.status for o in outcomes] == ["completed"] * 6
    assert [o.document_id for o in outcomes] == grouped
    assert len(writes) == 2  # the claims, then every document's results
    # The batch is started once and counted once for the whole group.
    assert (len(started), len(counted)) == (1, 1)
    assert sum(o.batch_finalized for o in outcomes) == 1
    kinds = [event.kind.value for event in client.repo.batches.events(grouped_id)]
    assert kinds.count("claimed") == kinds.count("completed") == 6
    assert kinds.count("stage_completed") == 6 * len(Stage)
    assert kinds[-1] == "batch_finalized"
    assert row_counts(client, grouped_id) == row_counts(client, alone_id)
    batch = client.get_batch(grouped_id)
    assert (batch.state.value, batch.completed, batch.failed) == ("completed", 6, 0)


def test_a_group_takes_its_leases_in_one_statement(client: Docbatch, tmp_path: Path) -> None:
    batch_id, ids = batch_ids(client, make_corpus(tmp_path / "corpus", 5))
    statements: list[tuple[str, bool]] = []

    def before(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        if sql.lstrip().upper().startswith("UPDATE DOCUMENTS"):
            statements.append((sql, many))

    sa.event.listen(client.database.engine, "before_cursor_execute", before)
    try:
        claims = client.repo.documents.claim(ids, Stage.EXTRACT, owner="t", max_attempts=3)
    finally:
        sa.event.remove(client.database.engine, "before_cursor_execute", before)

    assert [c.outcome.value for c in claims] == ["claimed"] * 5
    assert [many for _, many in statements] == [True]
    for document_id in ids:
        doc = client.repo.documents.get(document_id)
        assert (doc.state.value, doc.attempts, doc.lease_owner) == ("processing", 1, "t")
    kinds = [event.kind.value for event in client.repo.batches.events(batch_id)]
    assert kinds.count("claimed") == 5


def test_a_group_whose_grouped_claim_loses_claims_one_by_one(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch_id, ids = batch_ids(client, make_corpus(tmp_path / "corpus", 3))
    flush = lifecycle.GroupLedger.flush
    lost: list[int] = []

    def losing_flush(self: lifecycle.GroupLedger, connection: Any, now: Any) -> None:
        if len(self.claims) > 1:
            lost.append(len(self.claims))
            raise lifecycle.StaleTransitionError("simulated")
        flush(self, connection, now)

    monkeypatch.setattr(lifecycle.GroupLedger, "flush", losing_flush)

    claims = client.repo.documents.claim(ids, Stage.EXTRACT, owner="t", max_attempts=3)

    assert lost == [3]
    assert [c.outcome.value for c in claims] == ["claimed"] * 3
    kinds = [event.kind.value for event in client.repo.batches.events(batch_id)]
    assert kinds.count("claimed") == 3  # the rolled-back group wrote none
    assert client.get_batch(batch_id).state.value == "running"


def test_each_document_of_a_group_keeps_its_own_outcome(client: Docbatch, tmp_path: Path) -> None:
    folder = make_corpus(tmp_path / "corpus", 3)
    shutil.copy(SAMPLES / "broken.pdf", folder / "broken.pdf")
    batch_id, ids = batch_ids(client, folder)
    by_name = {Path(client.repo.documents.get(i).path).name: i for i in ids}
    executor = executor_for(client)
    done_first = by_name["doc-000000.pdf"]
    assert executor.run(done_first, Stage.EXTRACT).status == "completed"
    group = [*ids, "no-such-document", done_first]

    outcomes = {o.document_id: o for o in executor.run_many(group, Stage.EXTRACT)}

    assert outcomes[by_name["broken.pdf"]].status == "failed"
    assert outcomes[done_first].status == "skipped"  # already completed: a stale delivery
    assert outcomes["no-such-document"].status == "skipped"
    assert "does not exist" in outcomes["no-such-document"].reason
    others = set(ids) - {by_name["broken.pdf"], done_first}
    assert {outcomes[i].status for i in others} == {"completed"}
    batch = client.get_batch(batch_id)
    assert (batch.state.value, batch.completed, batch.failed) == ("completed_with_failures", 3, 1)
    assert batch.finalized_count == 1


def test_a_document_that_cannot_be_stored_fails_alone(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch_id, ids = batch_ids(client, make_corpus(tmp_path / "corpus", 4))
    bad = ids[2]
    original = lifecycle.complete_stages

    def complete_stages(connection: Any, doc: Any, *args: Any, **kwargs: Any) -> Any:
        if doc.id == bad:
            raise ValueError("this document's rows do not fit")
        return original(connection, doc, *args, **kwargs)

    monkeypatch.setattr(lifecycle, "complete_stages", complete_stages)

    outcomes = {o.document_id: o for o in executor_for(client).run_many(ids, Stage.EXTRACT)}

    assert outcomes[bad].status == "failed" and "do not fit" in outcomes[bad].reason
    assert {outcomes[i].status for i in ids if i != bad} == {"completed"}
    stored = client.repo.documents.get(bad)
    # Nothing of its step was stored, so it failed at the stage it was at.
    assert (stored.state.value, stored.error_stage) == ("failed", "extract")
    batch = client.get_batch(batch_id)
    assert (batch.completed, batch.failed, batch.finalized_count) == (3, 1, 1)


def test_twins_in_one_group_are_computed_once(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: StageCache
) -> None:
    folder = tmp_path / "twins"
    folder.mkdir()
    for index in range(4):
        shutil.copy(SAMPLES / "opinion.pdf", folder / f"copy-{index}.pdf")
    batch_id, ids = batch_ids(client, folder)
    chunked = count_calls(monkeypatch, stages, "chunk_document")

    outcomes = executor_for(client, cache=cache).run_many(ids, Stage.EXTRACT)

    assert [o.status for o in outcomes] == ["completed"] * 4
    assert len(chunked) == 1
    counts = row_counts(client, batch_id)
    assert counts["pages"] == 4 * 3 and counts["mentions"] % 4 == 0


def test_a_cold_group_is_looked_up_and_claimed_at_once_and_leaves_no_claim_behind(
    client: Docbatch,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cache: StageCache,
    redis_url: str,
    key_prefix: str,
) -> None:
    (tmp_path / "corpus").mkdir()
    shutil.copy(SAMPLES / "broken.pdf", tmp_path / "corpus" / "broken.pdf")
    batch_id, ids = corpus_and_opinion(client, tmp_path / "corpus", 3)
    raw = redis_client(redis_url)
    lookups = count_calls(monkeypatch, cache, "look_up")
    grouped = count_calls(monkeypatch, cache, "look_up_many")
    released = count_calls(monkeypatch, cache, "release_claim")
    writes: list[Any] = []
    put_many = cache.put_many
    monkeypatch.setattr(
        cache, "put_many", lambda items, release=(): writes.append(list(release)) or put_many(
            items, release=release
        ),
    )  # fmt: skip

    outcomes = executor_for(client, cache=cache).run_many(ids, Stage.EXTRACT)

    assert sorted(o.status for o in outcomes) == ["completed"] * 4 + ["failed"]
    # One lookup for the group took every document's computation claim too; the commit
    # released the four held claims with the four documents' values, the failure its own.
    assert [len(requests) for requests, _ in grouped] == [5]
    assert len(lookups) == 0  # the only claims are the group lookup's
    assert [len(release) for release in writes] == [4]
    assert len(released) == 1
    assert list(raw.scan_iter(match=f"{key_prefix}:claim:*")) == []
    assert len(list(raw.scan_iter(match=f"{key_prefix}:cache:*"))) == 4 * 3
    assert row_counts(client, batch_id)["pages"] > 0


def test_an_interrupted_group_releases_every_claim_it_took(
    client: Docbatch,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cache: StageCache,
    redis_url: str,
    key_prefix: str,
) -> None:
    _, ids = batch_ids(client, make_corpus(tmp_path / "corpus", 4))
    chunk = stages.chunk_document
    calls: list[int] = []

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return chunk(*args, **kwargs)

    monkeypatch.setattr(stages, "chunk_document", interrupted)

    with pytest.raises(KeyboardInterrupt):
        executor_for(client, cache=cache).run_many(ids, Stage.EXTRACT)

    raw = redis_client(redis_url)
    assert list(raw.scan_iter(match=f"{key_prefix}:claim:*")) == []


def test_a_document_over_the_group_read_budget_is_read_and_looked_up_in_its_turn(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: StageCache
) -> None:
    _, ids = corpus_and_opinion(client, tmp_path / "corpus", 3)
    fitting = sum(path.stat().st_size for path in (tmp_path / "corpus" / "000").iterdir())
    monkeypatch.setattr(dedup, "GROUP_READ_BYTES", fitting)  # not opinion.pdf too
    grouped = count_calls(monkeypatch, cache, "look_up_many")
    single = count_calls(monkeypatch, cache, "look_up")

    outcomes = executor_for(client, cache=cache).run_many(ids, Stage.EXTRACT)

    assert [o.status for o in outcomes] == ["completed"] * 4
    # The group's three, then opinion.pdf alone (look_up goes through look_up_many).
    assert [len(requests) for requests, _ in grouped] == [3, 1]
    assert [sha for sha, _, _ in single] == [client.repo.documents.get(ids[-1]).sha256]


def test_a_twin_computed_by_another_worker_is_waited_for(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: StageCache
) -> None:
    _, ids = corpus_and_opinion(client, tmp_path / "corpus", 2)
    options = client.settings.pipeline_options()
    data = (SAMPLES / "opinion.pdf").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    versions = {stage: options.version(stage) for stage in CACHED_STAGES}
    assert claim(cache, Stage.EXTRACT, sha, versions[Stage.EXTRACT], "elsewhere", 60)
    outputs = dict(zip(CACHED_STAGES, text_mentions(data, options), strict=True))

    def other_worker_finishes() -> None:
        time.sleep(0.5)
        items = [CacheItem(stage, sha, versions[stage], pack_stage(stage, value), True)
                 for stage, value in outputs.items()]  # fmt: skip
        cache.put_many(items, release=[HeldClaim(Stage.EXTRACT, sha, versions[Stage.EXTRACT],
                                                 "elsewhere")])  # fmt: skip

    chunked = count_calls(monkeypatch, stages, "chunk_document")
    other = threading.Thread(target=other_worker_finishes)
    other.start()
    started = time.monotonic()
    outcomes = executor_for(client, cache=cache).run_many(ids, Stage.EXTRACT)
    other.join()

    assert [o.status for o in outcomes] == ["completed"] * 3
    assert time.monotonic() - started >= 0.5
    assert len(chunked) == 2  # the two corpus documents; the twin's chunks came cached
    mentions = client.repo.results.load_mentions(ids[-1])
    assert mentions == outputs[Stage.ENTITIES]


def test_a_group_reads_the_quarantine_once(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, ids = batch_ids(client, make_corpus(tmp_path / "corpus", 5))
    listed = count_calls(monkeypatch, client.repo.quarantine, "active_sha256s")
    looked_up = count_calls(monkeypatch, client.repo.quarantine, "active")

    outcomes = executor_for(client, quarantine_threshold=2).run_many(ids, Stage.EXTRACT)

    assert [o.status for o in outcomes] == ["completed"] * 5
    assert (len(listed), len(looked_up)) == (1, 0)


def test_duplicate_groups_racing_write_each_document_once(client: Docbatch, tmp_path: Path) -> None:
    folder = make_corpus(tmp_path / "corpus", 8)
    alone_id, alone = batch_ids(client, folder)
    raced_id, raced = batch_ids(client, folder)
    for document_id in alone:
        assert executor_for(client).run(document_id, Stage.EXTRACT).status == "completed"
    # Two deliveries of overlapping groups, in opposite orders, on two "workers".
    groups = [raced, list(reversed(raced[2:]))]
    outcomes: list[list[Any]] = [[], []]

    def deliver(index: int) -> None:
        executor = StageExecutor(client.repo, client.settings.pipeline_options(),
                                 owner=f"worker-{index}", fuse_stages=True)  # fmt: skip
        outcomes[index] = executor.run_many(groups[index], Stage.EXTRACT, owner=f"task-{index}")

    threads = [threading.Thread(target=deliver, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = [o.status for found in outcomes for o in found]
    reasons = [(o.document_id[:8], o.status, o.reason) for found in outcomes for o in found]
    assert statuses.count("completed") == 8, reasons
    assert set(statuses) <= {"completed", "skipped"}
    assert row_counts(client, raced_id) == row_counts(client, alone_id)
    batch = client.get_batch(raced_id)
    assert (batch.completed, batch.failed, batch.finalized_count) == (8, 0, 1)

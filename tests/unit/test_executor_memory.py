"""The stage executor with in-memory stand-ins for Redis: no server needed.

The cache and the progress sink are :mod:`tests.unit.memory_services`; the database is
SQLite in the test's folder. These tests pin the executor's own rules: identical bytes
are computed once, a second batch is served from the cache, a twin waits for the worker
that holds the computation claim (and computes itself when that claim ends with
nothing), a failure releases its claim, and each batch is reported finalised once.
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

from docbatch.client import Docbatch, Sources
from docbatch.engine.executor import StageExecutor
from docbatch.engine.extractors import InProcessExtractor
from docbatch.models import ExtractedDocument, Stage
from docbatch.redis.cache import CacheItem, HeldClaim
from docbatch.redis.codec import pack_stage
from docbatch.settings import Settings

from .memory_services import MemoryProgress, MemoryStageCache

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


class CountingExtractor(InProcessExtractor):
    """The in-process parsers, counting how often a text layer is read."""

    def __init__(self) -> None:
        self.reads = 0

    def text_layer(self, data: bytes, options: Any) -> tuple[ExtractedDocument, tuple[int, ...]]:
        self.reads += 1
        return super().text_layer(data, options)


@pytest.fixture
def client(settings: Settings) -> Iterator[Docbatch]:
    client = Docbatch(settings)  # SQLite in the test's state folder
    yield client
    client.close()


@pytest.fixture
def cache() -> MemoryStageCache:
    return MemoryStageCache()


def executor(client: Docbatch, cache: MemoryStageCache, progress: MemoryProgress,
             extractor: CountingExtractor, owner: str = "w") -> StageExecutor:  # fmt: skip
    return StageExecutor(
        client.repo,
        client.settings.pipeline_options(),
        owner=owner,
        cache=cache,
        progress=progress,
        fuse_stages=True,
        extractor=extractor,
    )


def batch_of(client: Docbatch, folder: Path, files: dict[str, str]) -> tuple[str, list[str]]:
    """A batch of sample files, each copied under the names given."""
    folder.mkdir()
    for name, sample in files.items():
        shutil.copy(SAMPLES / sample, folder / name)
    batch = client.create(Sources.from_args([folder]))
    return batch.id, [ref.document_id for ref in client.repo.documents.unfinished(batch.id)]


TWINS = {"a.txt": "memo.txt", "b.txt": "memo.txt", "c.txt": "memo.txt", "o.pdf": "opinion.pdf"}


def test_identical_bytes_in_one_batch_are_computed_once(
    client: Docbatch, cache: MemoryStageCache, tmp_path: Path
) -> None:
    progress, extractor = MemoryProgress(), CountingExtractor()
    batch_id, ids = batch_of(client, tmp_path / "docs", TWINS)

    outcomes = executor(client, cache, progress, extractor).run_many(ids, Stage.EXTRACT)

    assert [o.status for o in outcomes] == ["completed"] * 4
    assert extractor.reads == 2  # the memo once for its three copies, the opinion once
    assert len(cache.writes) == len(set(cache.writes))  # each entry written once
    assert {stage for stage, *_ in cache.writes} == {Stage.EXTRACT, Stage.CHUNK, Stage.ENTITIES}
    assert not cache.claims  # every claim released with the commit
    assert progress.ends() == {"completed": 4}
    assert progress.finalized == [batch_id]
    assert client.get_batch(batch_id).completed == 4


def test_a_second_batch_of_the_same_bytes_is_served_from_the_cache(
    client: Docbatch, cache: MemoryStageCache, tmp_path: Path
) -> None:
    first, second = CountingExtractor(), CountingExtractor()
    _, ids = batch_of(client, tmp_path / "one", TWINS)
    executor(client, cache, MemoryProgress(), first).run_many(ids, Stage.EXTRACT)
    progress = MemoryProgress()
    batch_id, ids = batch_of(client, tmp_path / "two", TWINS)

    outcomes = executor(client, cache, progress, second).run_many(ids, Stage.EXTRACT)

    assert [o.status for o in outcomes] == ["completed"] * 4
    assert second.reads == 0
    cached = {stage: hit for r in progress.reports for stage, _s, hit in r.finished}
    assert cached[Stage.EXTRACT.value] and cached[Stage.ENTITIES.value]
    assert progress.finalized == [batch_id]


def test_a_twin_waits_for_the_worker_holding_the_claim_and_uses_its_result(
    client: Docbatch, cache: MemoryStageCache, tmp_path: Path
) -> None:
    extractor = CountingExtractor()
    run = executor(client, cache, MemoryProgress(), extractor)
    _, [document_id] = batch_of(client, tmp_path / "docs", {"memo.txt": "memo.txt"})
    data = (SAMPLES / "memo.txt").read_bytes()
    sha256, version = hashlib.sha256(data).hexdigest(), run.versions[Stage.EXTRACT]
    cache.hold(Stage.EXTRACT, sha256, version, owner="other", ttl=60)
    extracted, _ = InProcessExtractor().text_layer(data, client.settings.pipeline_options().extract)

    def other_worker_finishes() -> None:
        time.sleep(0.3)
        item = CacheItem(Stage.EXTRACT, sha256, version, pack_stage(Stage.EXTRACT, extracted))
        held = cache.claims[Stage.EXTRACT, sha256, version]
        assert held[0] == "other"
        cache.put_many([item], release=[HeldClaim(Stage.EXTRACT, sha256, version, "other")])

    thread = threading.Thread(target=other_worker_finishes)
    thread.start()
    [outcome] = run.run_many([document_id], Stage.EXTRACT)
    thread.join()

    assert outcome.status == "completed"
    assert extractor.reads == 0  # it waited and took the other worker's text
    assert client.repo.results.load_extracted(document_id).pages == extracted.pages


def test_a_twin_computes_itself_when_the_claim_it_waits_on_ends_with_nothing(
    client: Docbatch, tmp_path: Path
) -> None:
    now = [0.0]
    cache = MemoryStageCache(clock=lambda: now[0])
    extractor = CountingExtractor()
    run = executor(client, cache, MemoryProgress(), extractor)
    _, [document_id] = batch_of(client, tmp_path / "docs", {"memo.txt": "memo.txt"})
    sha256 = hashlib.sha256((SAMPLES / "memo.txt").read_bytes()).hexdigest()
    cache.hold(Stage.EXTRACT, sha256, run.versions[Stage.EXTRACT], owner="dead", ttl=5)

    def the_holder_dies() -> None:
        time.sleep(0.2)
        now[0] = 10.0  # its claim expires: no value will come

    thread = threading.Thread(target=the_holder_dies)
    thread.start()
    [outcome] = run.run_many([document_id], Stage.EXTRACT)
    thread.join()

    assert outcome.status == "completed"
    assert extractor.reads == 1
    assert cache.holder(Stage.EXTRACT, sha256, run.versions[Stage.EXTRACT]) is None


def test_a_failed_document_releases_its_claim_and_is_reported_once(
    client: Docbatch, cache: MemoryStageCache, tmp_path: Path
) -> None:
    progress = MemoryProgress()
    files = {"broken.pdf": "broken.pdf", "memo.txt": "memo.txt"}
    batch_id, ids = batch_of(client, tmp_path / "docs", files)
    run = executor(client, cache, progress, CountingExtractor())
    run.max_attempts = 1

    outcomes = {o.document_id: o for o in run.run_many(ids, Stage.EXTRACT)}

    statuses = sorted(o.status for o in outcomes.values())
    assert statuses == ["completed", "failed"]
    assert not cache.claims  # the failure released its claim at once
    assert progress.ends() == {"completed": 1, "failed": 1}
    assert progress.finalized == [batch_id]
    batch = client.get_batch(batch_id)
    assert (batch.completed, batch.failed) == (1, 1)

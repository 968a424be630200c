"""Racing claims and completions: exactly-once effects under threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest

from docbatch.models import CanonicalEntity, EntityType, Resolution, Stage
from docbatch.store import BatchState, Database, DocumentState, Repository

from .test_store_support import (
    EXPECTED_ROWS,
    claim_stage,
    complete_stage,
    new_documents,
    payload,
    race_documents,
    row_counts,
    table_count,
)

pytestmark = pytest.mark.integration

WORKERS = 4
DOCUMENTS = 6


def _assert_exactly_once(
    database: Database, batch_id: str, doc_ids: list[str], reports: list[dict[str, Any]]
) -> None:
    wins: Counter[str] = Counter()
    for report in reports:
        wins.update(report["wins"])
    expected = {f"{d}:{s.value}" for d in doc_ids for s in Stage.ordered()}
    assert set(wins) == expected
    assert set(wins.values()) == {1}, "some stage completed more than once"
    assert sum(r["finalized"] for r in reports) == 1
    repo = Repository(database)
    batch = repo.batches.get(batch_id)
    assert (batch.state, batch.completed, batch.failed, batch.cancelled) == (
        BatchState.COMPLETED,
        len(doc_ids),
        0,
        0,
    )
    assert (batch.finalized_count, batch.pages) == (1, 2 * len(doc_ids))
    assert repo.batches.counts(batch_id).states == {DocumentState.COMPLETED: len(doc_ids)}
    for doc_id in doc_ids:
        assert row_counts(database, doc_id) == EXPECTED_ROWS
    assert table_count(database, "entities") == 2


def _race(database_url: str, pool: Callable[[], Any]) -> None:
    database = Database.open(database_url)
    batch = Repository(database).batches.create("acme", new_documents(DOCUMENTS), options={})
    doc_ids = [d.id for d in Repository(database).documents.of_batch(batch.id)]
    with pool() as executor:
        futures = [
            executor.submit(race_documents, database_url, doc_ids, f"worker-{i}")
            for i in range(WORKERS)
        ]
        reports = [f.result(timeout=300) for f in futures]
    _assert_exactly_once(database, batch.id, doc_ids, reports)
    database.dispose()


def test_threads_racing_on_the_same_documents_win_once(database_url: str) -> None:
    _race(database_url, lambda: ThreadPoolExecutor(max_workers=WORKERS))


@pytest.mark.slow
def test_processes_racing_on_the_same_documents_win_once(database_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    _race(database_url, lambda: ProcessPoolExecutor(max_workers=WORKERS, mp_context=context))


def test_simultaneous_completions_of_one_stage_write_once(database_url: str) -> None:
    database = Database.open(database_url)
    repo = Repository(database)
    batch = repo.batches.create("acme", new_documents(1), options={})
    doc_id = repo.documents.of_batch(batch.id)[0].id
    assert claim_stage(repo, doc_id, Stage.EXTRACT, owner="a", max_attempts=3).claimed
    barrier = threading.Barrier(WORKERS)

    def complete(_: int) -> bool:
        barrier.wait()
        return bool(
            complete_stage(
                repo, doc_id, Stage.EXTRACT, payload(Stage.EXTRACT), next_stage=Stage.CHUNK
            )
        )

    with ThreadPoolExecutor(max_workers=WORKERS) as executor:
        results = list(executor.map(complete, range(WORKERS)))
    assert sorted(results) == [False] * (WORKERS - 1) + [True]
    assert row_counts(database, doc_id)["pages"] == 2
    database.dispose()


def test_concurrent_resolution_of_one_entity_does_not_fail(database_url: str) -> None:
    database = Database.open(database_url)
    repo = Repository(database)
    rounds = 5
    batch = repo.batches.create("acme", new_documents(2 * rounds), options={})
    doc_ids = [d.id for d in repo.documents.of_batch(batch.id)]
    for doc_id in doc_ids:
        for stage in Stage.ordered()[:3]:
            assert claim_stage(repo, doc_id, stage, owner="w", max_attempts=3).claimed
            assert complete_stage(repo, doc_id, stage, payload(stage), next_stage=stage.next())
        assert claim_stage(repo, doc_id, Stage.RESOLVE, owner="w", max_attempts=3).claimed

    def resolve(doc_id: str, round_no: int, alias: str, barrier: threading.Barrier) -> bool:
        entity = CanonicalEntity(
            f"person:{round_no}", EntityType.PERSON, f"k{round_no}", "Jane Roe", (alias,)
        )
        barrier.wait()
        return bool(
            complete_stage(
                repo,
                doc_id,
                Stage.RESOLVE,
                Resolution((entity,), (entity.id,) * 3),
                next_stage=Stage.RELATE,
            )
        )

    for round_no in range(rounds):
        barrier = threading.Barrier(2)
        pair = doc_ids[2 * round_no : 2 * round_no + 2]
        with ThreadPoolExecutor(max_workers=2) as executor:
            futures = [
                executor.submit(resolve, doc_id, round_no, alias, barrier)
                for doc_id, alias in zip(pair, ("J. Roe", "Roe"), strict=True)
            ]
            assert [f.result(timeout=60) for f in futures] == [True, True]
    assert table_count(database, "entities") == rounds
    assert table_count(database, "entity_aliases") == 2 * rounds
    found = repo.results.project_entities(batch.project_id, [EntityType.PERSON], keys=["k0"])
    assert [(e.id, e.aliases) for e in found] == [("person:0", ("J. Roe", "Roe"))]
    assert {e for _, e in repo.results.mentions(doc_ids[0])} == {"person:0"}
    database.dispose()

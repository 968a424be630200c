"""The inline runner storing real results, on SQLite and PostgreSQL.

The golden file holds what ``opinion.pdf`` becomes once stored and read back: page text,
chunks with their offsets, mentions with their canonical entity, and relationships. It
leaves out everything that differs between runs or databases (document ids, timestamps).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docbatch.client import Docbatch, Sources
from docbatch.engine.executor import COMMIT_AFTER_S, StageExecutor
from docbatch.errors import PermanentError
from docbatch.local.runner import run_inline
from docbatch.models import PAGE_SEPARATOR, EntityType, Stage, to_dict
from docbatch.pipeline.chunk import max_chunk_length
from docbatch.settings import Settings

from .test_store_support import table_count

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
OPINION = SAMPLES / "opinion.pdf"
RESULT_TABLES = ("pages", "chunks", "mentions", "relationships", "entities", "entity_aliases")


@pytest.fixture
def client(settings: Settings, database_url: str) -> Iterator[Docbatch]:
    client = Docbatch(settings.model_copy(update={"database_url": database_url}))
    yield client
    client.close()


def stored_document(client: Docbatch, document_id: str) -> dict[str, Any]:
    """One document's stored results, without ids that differ between runs."""
    repo = client.repo
    pages = repo.results.pages(document_id)
    chunks = repo.results.chunks(document_id)
    mentions = [{**to_dict(m), "entity_id": e} for m, e in repo.results.mentions(document_id)]
    # The document itself is a node (cites: source; party_of: target); name it stably.
    node = {document_id: "<document>"}
    relationships = [
        {
            **to_dict(r),
            "source": node.get(r.source, r.source),
            "target": node.get(r.target, r.target),
        }
        for r in repo.results.relationships(document_id)
    ]
    return {
        "pages": to_dict(pages),
        "chunks": sorted(to_dict(chunks), key=lambda c: c["index"]),
        "mentions": sorted(
            mentions, key=lambda m: (m["char_start"], m["char_end"], m["type"], m["normalized"])
        ),
        "relationships": sorted(
            relationships, key=lambda r: (r["type"], r["source"], r["target"], r["evidence"])
        ),
    }


def stored_batch(client: Docbatch, batch_id: str) -> dict[str, Any]:
    """Every document of a batch by file name, with state, error and results."""
    out = {}
    for doc in client.repo.documents.of_batch(batch_id):
        out[Path(doc.path).name] = {
            "state": doc.state.value,
            "mime": doc.mime,
            "sha256": doc.sha256,
            "error": [doc.error_category, doc.error_code, doc.error_stage, doc.error_reason],
            **stored_document(client, doc.id),
        }
    return out


def test_inline_opinion_matches_golden_file(client: Docbatch, golden: Any) -> None:
    summary = run_inline(client, Sources.from_args([OPINION]))
    assert (summary.status, summary.total, summary.completed, summary.failed) == (
        "completed",
        1,
        1,
        0,
    )
    [doc] = client.repo.documents.of_batch(summary.batch_id)
    value = stored_document(client, doc.id)

    text = PAGE_SEPARATOR.join(p["text"] for p in value["pages"])
    assert [p["number"] for p in value["pages"]] == [1, 2, 3]
    assert not any(p["ocr"] for p in value["pages"])
    assert value["chunks"], "opinion.pdf has at least one chunk"
    for chunk in value["chunks"]:
        assert text[chunk["char_start"] : chunk["char_end"]] == chunk["text"]
        assert 1 <= chunk["page_start"] <= chunk["page_end"] <= 3
        assert len(chunk["text"]) <= max_chunk_length(client.settings.pipeline_options().chunk)
    for mention in value["mentions"]:
        assert text[mention["char_start"] : mention["char_end"]] == mention["text"]
        assert mention["entity_id"], mention
    found = {(m["type"], m["normalized"]) for m in value["mentions"]}
    assert {
        ("citation", "550 U.S. 544"),
        ("case_number", "1:23-cv-04567-JMF"),
        ("date", "2023-12-01"),
    } <= found
    assert summary.pages == 3
    assert summary.chunks == len(value["chunks"])
    assert summary.mentions == len(value["mentions"])
    assert summary.relationships == len(value["relationships"])

    golden.check("inline_opinion", {"mime": doc.mime, "sha256": doc.sha256, **value})


def test_sqlite_and_postgresql_store_the_same_results(
    settings: Settings, postgres_url: str, tmp_path: Path
) -> None:
    results = []
    for url in (f"sqlite:///{tmp_path / 'same.db'}", postgres_url):
        client = Docbatch(settings.model_copy(update={"database_url": url}))
        try:
            summary = run_inline(client, Sources.from_args([SAMPLES]))
            figures = summary.as_dict()
            del figures["batch_id"], figures["elapsed_s"]
            project = client.repo.batches.ensure_project("default")
            entities = to_dict(client.repo.results.project_entities(project, list(EntityType)))
            results.append((figures, stored_batch(client, summary.batch_id), entities))
        finally:
            client.close()
    sqlite_figures, sqlite_docs, sqlite_entities = results[0]
    assert sqlite_figures["failed"] == 1 and sqlite_figures["completed"] == 6
    assert len(sqlite_docs) == 7
    assert len(sqlite_entities) == sqlite_figures["entities"]
    assert results[0] == results[1]


def test_running_a_stage_twice_writes_one_set_of_rows(client: Docbatch) -> None:
    batch = client.create(Sources.from_args([OPINION]))
    [doc] = client.repo.documents.of_batch(batch.id)
    options = client.settings.pipeline_options()
    executor = StageExecutor(client.repo, options, owner="worker-1")
    duplicate = StageExecutor(client.repo, options, owner="worker-2")
    database = client.database

    def counts() -> dict[str, int]:
        return {table: table_count(database, table) for table in RESULT_TABLES}

    for stage in Stage.ordered():
        first = executor.run(doc.id, stage)
        expected = "completed" if stage is Stage.RELATE else "advanced"
        assert first.status == expected, (stage, first)
        assert first.next_stage is stage.next() or stage is Stage.RELATE
        after_first = counts()
        # The same message delivered again, then a duplicate from another worker.
        again = executor.run(doc.id, stage)
        other = duplicate.run(doc.id, stage)
        assert (again.status, other.status) == ("skipped", "skipped"), stage
        assert counts() == after_first, stage

    final = counts()
    assert final["pages"] == 3
    assert final["chunks"] >= 1 and final["mentions"] >= 1 and final["relationships"] >= 1
    stored = client.get_batch(batch.id)
    assert (stored.state.value, stored.completed, stored.failed) == ("completed", 1, 0)
    assert client.repo.documents.get(doc.id).state.value == "completed"


def _counting_commits(client: Docbatch, monkeypatch: pytest.MonkeyPatch) -> list[list[Stage]]:
    """Record the stages of every completion (one call of one document, one transaction)."""
    commits: list[list[Stage]] = []
    original = client.repo.documents.complete

    def complete(steps: Any, **kwargs: Any) -> Any:
        commits.extend([result.stage for result in step.results] for step in steps)
        return original(steps, **kwargs)

    monkeypatch.setattr(client.repo.documents, "complete", complete)
    return commits


def test_a_fused_step_commits_its_stages_in_one_transaction(
    client: Docbatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = _counting_commits(client, monkeypatch)
    batch = client.create(Sources.from_args([OPINION]))
    [doc] = client.repo.documents.of_batch(batch.id)
    executor = StageExecutor(
        client.repo, client.settings.pipeline_options(), owner="w", fuse_stages=True
    )
    assert executor.run(doc.id, Stage.EXTRACT).status == "completed"
    assert commits == [list(Stage.ordered())]
    # Written together, every mention was inserted with its entity at once.
    mentions = client.repo.results.mentions(doc.id)
    assert mentions and all(entity for _, entity in mentions)
    assert table_count(client.database, "relationships") >= 1


def test_a_failure_in_a_fused_step_keeps_the_stages_before_it(
    client: Docbatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = _counting_commits(client, monkeypatch)

    def broken_relate(*args: Any, **kwargs: Any) -> Any:
        raise PermanentError("relate broke", code="test_relate")

    monkeypatch.setattr("docbatch.engine.stages.relate", broken_relate)
    batch = client.create(Sources.from_args([OPINION]))
    [doc] = client.repo.documents.of_batch(batch.id)
    executor = StageExecutor(
        client.repo, client.settings.pipeline_options(), owner="w", fuse_stages=True
    )
    outcome = executor.run(doc.id, Stage.EXTRACT)
    assert outcome.status == "failed" and "relate broke" in outcome.reason
    assert commits == [[Stage.EXTRACT, Stage.CHUNK, Stage.ENTITIES, Stage.RESOLVE]]
    stored = client.repo.documents.get(doc.id)
    assert (stored.state.value, stored.error_stage, stored.error_code) == (
        "failed",
        "relate",
        "test_relate",
    )
    assert table_count(client.database, "pages") == 3
    assert all(entity for _, entity in client.repo.results.mentions(doc.id))
    assert table_count(client.database, "relationships") == 0


def test_a_slow_stage_is_committed_at_once(
    client: Docbatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    commits = _counting_commits(client, monkeypatch)
    ticks = iter(range(0, 10_000, int(COMMIT_AFTER_S) + 1))  # every stage looks slow
    batch = client.create(Sources.from_args([OPINION]))
    [doc] = client.repo.documents.of_batch(batch.id)
    executor = StageExecutor(
        client.repo,
        client.settings.pipeline_options(),
        owner="w",
        fuse_stages=True,
        clock=lambda: float(next(ticks)),
    )
    assert executor.run(doc.id, Stage.EXTRACT).status == "completed"
    assert commits == [[stage] for stage in Stage.ordered()]

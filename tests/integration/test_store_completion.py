"""A completed document's stage is its last stage, however its stages were written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from docbatch.models import Stage
from docbatch.store import Database, DocumentState, Repository, create_engine_for
from docbatch.store.records import StageResult, StepResults
from tests.integration.test_store_support import pending_ids

from .test_store_support import claim_stage, new_documents, payload, run_document

pytestmark = pytest.mark.integration


@pytest.fixture
def repo(database_url: str) -> Iterator[Repository]:
    database = Database.open(database_url)
    yield Repository(database, lease_seconds=60)
    database.dispose()


def _every_stage() -> list[StageResult]:
    return [StageResult(stage, payload(stage)) for stage in Stage.ordered()]


def test_stages_written_together_complete_the_document_at_relate(repo: Repository) -> None:
    batch = repo.batches.create("acme", new_documents(2), options={})
    fused, grouped = pending_ids(repo, batch.id)
    for doc_id in (fused, grouped):
        assert claim_stage(repo, doc_id, Stage.EXTRACT, owner="w", max_attempts=3).claimed

    assert all(repo.documents.complete([StepResults(fused, _every_stage(), "w")]))
    assert all(repo.documents.complete([StepResults(grouped, _every_stage(), "w")]))

    for doc_id in (fused, grouped):
        doc = repo.documents.get(doc_id)
        assert (doc.state, doc.stage) == (DocumentState.COMPLETED, Stage.RELATE)
    outcomes = repo.batches.progress_figures(batch.id).stages
    assert outcomes[fused] == {stage.value: "done" for stage in Stage.ordered()}


def test_migration_0008_moves_completed_documents_to_relate(database_url: str) -> None:
    from alembic import command

    from docbatch.store.db import migrations_config

    database = Database.open(database_url)
    repo = Repository(database, lease_seconds=60)
    batch = repo.batches.create("acme", new_documents(2), options={})
    done, pending = pending_ids(repo, batch.id)
    run_document(repo, done)
    database.dispose()
    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:  # a row as the old code left it
            connection.execute(sa.text("UPDATE documents SET stage = 'extract'"))
            command.stamp(migrations_config(connection), "0007")
        with engine.begin() as connection:
            # To 0008 only: later revisions change a schema this database already has.
            command.upgrade(migrations_config(connection), "0008")
        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT id, state, stage FROM documents")).all()
    finally:
        engine.dispose()
    assert {r.id: (r.state, r.stage) for r in rows} == {
        done: ("completed", "relate"),
        pending: ("pending", "extract"),
    }

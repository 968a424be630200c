"""A refused recovery changes nothing: every check runs before the first write."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from docbatch.api.recovery import recover_failed
from docbatch.cli.main import app as cli
from docbatch.client import Docbatch, Sources
from docbatch.engine.executor import StageExecutor
from docbatch.errors import ConfigError, NotFoundError, NothingToRecoverError
from docbatch.recovery import recover
from docbatch.settings import Settings
from docbatch.store.records import Priority
from tests.integration.engine_support import make_corpus

pytestmark = [pytest.mark.integration]


def _snapshot(client: Docbatch) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted, as plain tuples."""
    engine = client.database.engine
    tables = sa.MetaData()
    tables.reflect(bind=engine)
    with engine.connect() as conn:
        return {
            name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(table)))
            for name, table in tables.tables.items()
        }


def _batch_with_a_data_failure(client: Docbatch, tmp_path: Path) -> tuple[str, Path]:
    """A finished batch of 3 documents whose first one failed (its file was missing)."""
    corpus = make_corpus(tmp_path / "corpus", 3)
    batch = client.create(Sources.from_args([corpus]))
    victim = sorted(p for p in corpus.rglob("*") if p.is_file())[0]
    shutil.move(victim, tmp_path / "hidden")
    executor = StageExecutor(
        client.repo, client.settings.pipeline_options(), owner="test", fuse_stages=True
    )
    for ref in client.repo.documents.unfinished(batch.id):
        stage = ref.stage
        while True:
            outcome = executor.run(ref.document_id, stage)
            if outcome.status != "advanced" or outcome.next_stage is None:
                break
            stage = outcome.next_stage
    shutil.move(tmp_path / "hidden", victim)
    finished = client.get_batch(batch.id)
    assert (finished.completed, finished.failed) == (2, 1)
    return batch.id, victim


@pytest.fixture
def client(settings: Settings, database_url: str) -> Any:
    """A client on the test database with no broker and no Redis (the embedded default)."""
    docbatch = Docbatch(settings.model_copy(update={"database_url": database_url}))
    yield docbatch
    docbatch.close()


def test_recover_without_a_broker_is_refused_and_changes_no_row(
    client: Docbatch, tmp_path: Path
) -> None:
    batch_id, _ = _batch_with_a_data_failure(client, tmp_path)
    before = _snapshot(client)

    with pytest.raises(ConfigError) as refused:
        recover(client, batch_id, all_=True)

    assert "docbatch recover" in str(refused.value)
    assert _snapshot(client) == before
    failed = client.repo.documents.of_batch(batch_id, state="failed")
    assert [d.error_category for d in failed] == ["data"]


def test_the_api_recover_without_a_broker_is_refused_and_changes_no_row(
    client: Docbatch, tmp_path: Path
) -> None:
    batch_id, _ = _batch_with_a_data_failure(client, tmp_path)
    before = _snapshot(client)

    with pytest.raises(ConfigError):
        recover_failed(client, batch_id)

    assert _snapshot(client) == before


@pytest.mark.parametrize(
    "options",
    [{"categories": ["no_such_category"]}, {"from_stage": "nowhere", "all_": True},
     {"priority": "urgent", "all_": True}],
    ids=["category", "stage", "priority"],
)  # fmt: skip
def test_a_recover_with_a_bad_option_changes_no_row(
    client: Docbatch, tmp_path: Path, options: dict[str, Any]
) -> None:
    batch_id, _ = _batch_with_a_data_failure(client, tmp_path)
    before = _snapshot(client)

    with pytest.raises(ConfigError):
        recover(client, batch_id, enqueue=False, **options)

    assert _snapshot(client) == before


def test_a_recover_that_matches_nothing_creates_no_batch(client: Docbatch, tmp_path: Path) -> None:
    batch_id, _ = _batch_with_a_data_failure(client, tmp_path)
    before = _snapshot(client)

    # the default categories are the retryable ones; a data failure is not among them
    with pytest.raises(NothingToRecoverError):
        recover(client, batch_id, enqueue=False)

    assert _snapshot(client) == before


def test_a_recovery_whose_documents_were_taken_first_leaves_no_empty_batch(
    client: Docbatch, tmp_path: Path
) -> None:
    batch_id, _ = _batch_with_a_data_failure(client, tmp_path)
    documents = client.repo.recovery.failed_documents(batch_id)
    assert recover(client, batch_id, all_=True, enqueue=False).total == 1
    before = _snapshot(client)

    # a second recovery planned on the same failures, committed after the first one
    with pytest.raises(NothingToRecoverError):
        client.repo.recovery.create_batch(
            "late-recovery", batch_id, documents, from_stage=None, priority=Priority.HIGH,
            options={},
        )  # fmt: skip

    assert _snapshot(client) == before


def test_a_recover_of_an_unknown_batch_changes_no_row(client: Docbatch, tmp_path: Path) -> None:
    _batch_with_a_data_failure(client, tmp_path)
    before = _snapshot(client)

    with pytest.raises(NotFoundError):
        recover(client, "0f0f0f0f-0000-4000-8000-000000000000", all_=True, enqueue=False)

    assert _snapshot(client) == before


@pytest.mark.parametrize(
    "arguments",
    [["--category", "no_such_category"], ["--all", "--from-stage", "nowhere"],
     ["--all", "--priority", "urgent"], []],
    ids=["category", "stage", "priority", "nothing-matches"],
)  # fmt: skip
def test_the_cli_recover_refused_changes_no_row(
    client: Docbatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str]
) -> None:
    batch_id, _ = _batch_with_a_data_failure(client, tmp_path)
    before = _snapshot(client)
    monkeypatch.setenv("DOCBATCH_DATABASE_URL", client.settings.effective_database_url)

    result = CliRunner().invoke(cli, ["recover", batch_id, *arguments])

    if arguments:
        assert result.exit_code not in (0, None), result.output
    else:  # not an error: said so, and exits 0
        assert "nothing to recover" in result.output
    assert _snapshot(client) == before

"""Recovery batches: failed documents re-run from their failed stage, counted exactly once."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.client import Docbatch, Sources
from docbatch.engine import stages
from docbatch.engine.executor import StageExecutor
from docbatch.engine.retry import RetryPolicy
from docbatch.errors import NothingToRecoverError, TransientError
from docbatch.local.embedded import PrivateRedis
from docbatch.recovery import analyze, recover
from docbatch.settings import Settings
from tests.integration.engine_support import (
    engine_settings,
    make_corpus,
    running_workers,
    wait_finished,
)

pytestmark = [pytest.mark.integration]


def _run(client: Docbatch, batch_id: str, policy: RetryPolicy | None = None) -> None:
    """Run every unfinished document of the batch in this process (as run --inline does)."""
    executor = StageExecutor(
        client.repo,
        client.settings.pipeline_options(),
        owner="test",
        fuse_stages=True,
        retry_policy=policy,
    )
    for ref in client.repo.documents.unfinished(batch_id):
        stage = ref.stage
        while True:
            outcome = executor.run(ref.document_id, stage)
            if outcome.status == "advanced" and outcome.next_stage is not None:
                stage = outcome.next_stage
                continue
            break


def _page_identity(client: Docbatch, ids: list[str]) -> dict[tuple[str, int], Any]:
    """The physical identity of each page row (rowid / ctid): rewritten rows get new ones."""
    column = "ctid::text" if client.database.dialect == "postgresql" else "rowid"
    with client.database.engine.connect() as conn:
        rows = conn.execute(
            sa.text(f"SELECT document_id, number, {column} FROM pages WHERE document_id IN :ids")
            .bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": ids},
        ).all()  # fmt: skip
    return {(r[0], r[1]): r[2] for r in rows}


def _events(client: Docbatch, document_id: str, kind: str, stage: str | None = None) -> int:
    query = "SELECT count(*) FROM events WHERE document_id = :d AND kind = :k"
    params = {"d": document_id, "k": kind}
    if stage is not None:
        query += " AND stage = :s"
        params["s"] = stage
    with client.database.engine.connect() as conn:
        return int(conn.execute(sa.text(query), params).scalar_one())


def _fail_entities_calls(monkeypatch: pytest.MonkeyPatch, failures: int) -> None:
    """The entities stage fails (transiently) on its first ``failures`` calls."""
    real = stages.extract_mentions
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise TransientError("entity service unavailable")
        return real(*args, **kwargs)

    monkeypatch.setattr(stages, "extract_mentions", flaky)


def test_recovery_resumes_at_the_failed_stage_and_corrects_the_original_batch(
    settings: Settings, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 6)
    broken = corpus / "zz-broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<")
    client = Docbatch(settings.model_copy(update={"database_url": database_url}))
    batch = client.create(Sources.from_args([corpus]))
    _fail_entities_calls(monkeypatch, 4)
    _run(client, batch.id, RetryPolicy.from_json('{"transient": {"max_retries": 0}}'))
    monkeypatch.undo()

    first = client.get_batch(batch.id)
    assert (first.state.value, first.completed, first.failed) == ("completed_with_failures", 2, 5)
    report = analyze(client, batch.id)
    assert report["by_category"] == {"transient": 4, "data": 1}
    assert report["recoverable"] == 4
    transient = next(g for g in report["groups"] if g["category"] == "transient")
    assert (transient["stage"], transient["count"], transient["retryable"]) == ("entities", 4, True)
    failed_ids = [d for d, stage in client.repo.recovery.failed_documents(batch.id, ["transient"])]
    pages_before = _page_identity(client, failed_ids)
    assert len(pages_before) >= 4

    recovery = recover(client, batch.id, enqueue=False)
    assert (recovery.total, recovery.parent_batch_id, recovery.priority.value) == (
        4, batch.id, "high",
    )  # fmt: skip
    refs = client.repo.documents.unfinished(recovery.id)
    assert sorted(r.document_id for r in refs) == sorted(failed_ids)
    assert {r.stage.value for r in refs} == {"entities"}
    _run(client, recovery.id)

    done = client.get_batch(recovery.id)
    assert (done.state.value, done.completed, done.failed, done.finalized_count) == (
        "completed", 4, 0, 1,
    )  # fmt: skip
    original = client.get_batch(batch.id)
    assert (original.completed, original.failed, original.finalized_count) == (6, 1, 1)
    assert original.state.value == "completed_with_failures"  # the broken PDF is still failed
    # earlier stages were not recomputed: same page rows, one extract per document
    assert _page_identity(client, failed_ids) == pages_before
    for document_id in failed_ids:
        assert _events(client, document_id, "stage_completed", "extract") == 1
        assert _events(client, document_id, "stage_completed", "entities") == 1
        assert _events(client, document_id, "reopened") == 1
        assert client.repo.results.relationships(document_id) is not None
        assert client.repo.documents.get(document_id).state.value == "completed"
    # default recovery leaves data failures alone, and creates no empty batch for that
    with pytest.raises(NothingToRecoverError):
        recover(client, batch.id, enqueue=False)
    client.close()


def test_recover_all_fixes_the_last_failure_and_the_original_reads_completed_once(
    settings: Settings, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 4)
    client = Docbatch(settings.model_copy(update={"database_url": database_url}))
    batch = client.create(Sources.from_args([corpus]))
    victim = sorted(p for p in corpus.rglob("*") if p.is_file())[0]
    shutil.move(victim, tmp_path / "hidden")  # the file is missing while the batch runs
    _run(client, batch.id)
    assert (client.get_batch(batch.id).completed, client.get_batch(batch.id).failed) == (3, 1)
    shutil.move(tmp_path / "hidden", victim)
    monkeypatch.setenv("DOCBATCH_DATABASE_URL", database_url)
    for command in (["analyze", batch.id, "--json"], ["recover", batch.id, "--analyze", "--json"]):
        shown = CliRunner().invoke(app, command)
        assert shown.exit_code == 0, shown.output
        report = json.loads(shown.stdout)
        assert (report["failed"], report["recoverable"], report["by_category"]) == (
            1, 0, {"data": 1},
        )  # fmt: skip
        assert report["groups"][0]["examples"][0]["path"] == str(victim)

    recovery = recover(client, batch.id, all_=True, enqueue=False)
    assert recovery.total == 1
    _run(client, recovery.id)
    original = client.get_batch(batch.id)
    assert (original.state.value, original.completed, original.failed) == ("completed", 4, 0)
    assert original.finalized_count == 1
    with client.database.engine.connect() as conn:
        kinds = dict(
            conn.execute(
                sa.text(
                    "SELECT kind, count(*) FROM events WHERE batch_id = :b AND document_id IS NULL "
                    "GROUP BY kind"
                ),
                {"b": batch.id},
            ).all()
        )
    assert kinds.get("batch_finalized") == 1 and kinds.get("batch_recovered") == 1
    client.close()


@pytest.mark.slow
def test_recover_through_the_client_runs_on_real_workers(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = make_corpus(tmp_path / "corpus", 8)
    with PrivateRedis() as server:
        local = engine_settings(settings, broker_url=server.broker_url, redis_url=server.url)
        client = Docbatch(local)
        batch = client.create(Sources.from_args([corpus]))
        victim = sorted(p for p in corpus.rglob("*") if p.is_file())[0]
        shutil.move(victim, tmp_path / "hidden")
        client.enqueue(batch.id)
        with running_workers(local):
            first = wait_finished(client, batch.id)
            assert (first.completed, first.failed) == (7, 1)
            with pytest.raises(NothingToRecoverError):  # data failure: not retried by default
                client.recover(batch.id)
            shutil.move(tmp_path / "hidden", victim)
            recovery = client.recover(batch.id, all_=True)
            assert recovery.priority.value == "high"
            done = wait_finished(client, recovery.id)
        assert (done.completed, done.failed, done.finalized_count) == (1, 0, 1)
        original = client.get_batch(batch.id)
        assert (original.state.value, original.completed, original.failed) == ("completed", 8, 0)
        assert original.finalized_count == 1
        client.close()

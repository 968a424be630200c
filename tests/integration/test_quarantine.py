"""Quarantine: bytes that keep failing the same way are skipped until released."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.client import Docbatch, Sources
from docbatch.engine.executor import StageExecutor
from docbatch.engine.quarantine import list_quarantined
from docbatch.settings import Settings
from tests.integration.engine_support import make_corpus

pytestmark = [pytest.mark.integration]

CORRUPT = b"%PDF-1.7\n1 0 obj << /Type /Catalog"


def _run_batch(client: Docbatch, folder: Path, threshold: int) -> dict[str, tuple[str, str]]:
    """Submit ``folder`` as a new batch, run it in-process; ``{file name: (state, category)}``."""
    batch = client.create(Sources.from_args([folder]))
    executor = StageExecutor(
        client.repo,
        client.settings.pipeline_options(),
        owner="test",
        fuse_stages=True,
        quarantine_threshold=threshold,
    )
    for ref in client.repo.documents.unfinished(batch.id):
        outcome = executor.run(ref.document_id, ref.stage)
        assert outcome.status in ("completed", "failed"), outcome
    assert client.get_batch(batch.id).finalized_count == 1
    return {
        Path(d.path).name: (d.state.value, d.error_category or "")
        for d in client.repo.documents.of_batch(batch.id)
    }


def test_bytes_failing_n_times_are_quarantined_across_batches_until_released(
    settings: Settings, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_corpus(tmp_path / "corpus", 1)
    (folder / "poison.pdf").write_bytes(CORRUPT)
    sha256 = hashlib.sha256(CORRUPT).hexdigest()
    local = settings.model_copy(update={"database_url": database_url, "quarantine_threshold": 2})
    client = Docbatch(local)

    for _ in range(2):
        states = _run_batch(client, folder, threshold=2)
        assert states["poison.pdf"] == ("failed", "data")
        assert states["doc-000000.pdf"] == ("completed", "")
    (entry,) = list_quarantined(client.repo, 2)
    assert (entry.sha256, entry.stage, entry.error_code, entry.count) == (
        sha256, "extract", "corrupt", 2,
    )  # fmt: skip

    states = _run_batch(client, folder, threshold=2)
    assert states["poison.pdf"] == ("failed", "quarantined")
    assert states["doc-000000.pdf"] == ("completed", "")
    (entry,) = list_quarantined(client.repo, 2)
    assert entry.count == 2, "a quarantined skip is not counted as another failure"

    monkeypatch.setenv("DOCBATCH_DATABASE_URL", database_url)
    monkeypatch.setenv("DOCBATCH_QUARANTINE_THRESHOLD", "2")
    runner = CliRunner()
    listed = runner.invoke(app, ["quarantine", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [row["sha256"] for row in json.loads(listed.stdout)] == [sha256]
    released = runner.invoke(app, ["quarantine", "release", sha256])
    assert released.exit_code == 0 and "released" in released.stdout
    assert runner.invoke(app, ["quarantine", "release", sha256]).exit_code == 1
    assert list_quarantined(client.repo, 2) == []

    states = _run_batch(client, folder, threshold=2)
    assert states["poison.pdf"] == ("failed", "data"), "released bytes run again"
    client.close()


def test_quarantined_reason_names_the_earlier_failure_and_how_to_release(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "bad.pdf").write_bytes(CORRUPT)
    client = Docbatch(settings)
    _run_batch(client, folder, threshold=1)
    batch = client.create(Sources.from_args([folder]))
    executor = StageExecutor(
        client.repo, settings.pipeline_options(), owner="t", quarantine_threshold=1
    )
    (ref,) = client.repo.documents.unfinished(batch.id)
    outcome = executor.run(ref.document_id, ref.stage)
    doc = client.repo.documents.get(ref.document_id)
    assert (outcome.status, doc.error_category, doc.error_code) == (
        "failed", "quarantined", "quarantined",
    )  # fmt: skip
    assert "failed 1 times at stage extract (data/corrupt)" in (doc.error_reason or "")
    assert "docbatch quarantine release" in (doc.error_reason or "")
    client.close()

"""``docbatch recover`` in the embedded default: it runs the recovery, or changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from docbatch.cli.main import app
from docbatch.client import Docbatch, Sources
from docbatch.local.runner import run_inline
from docbatch.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

runner = CliRunner()


def _batch_with_a_missing_file(settings: Settings, tmp_path: Path) -> tuple[str, Path]:
    """An inline-run batch of two text samples whose first file was missing meanwhile."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("docket.html", "memo.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    client = Docbatch(settings)
    batch = client.create(Sources.from_args([folder]))
    shutil.move(folder / "docket.html", tmp_path / "hidden")
    summary = run_inline(client, None, resume=batch.id)
    shutil.move(tmp_path / "hidden", folder / "docket.html")
    client.close()
    assert (summary.completed, summary.failed) == (1, 1)
    return batch.id, folder


def _batch_count(settings: Settings) -> int:
    client = Docbatch(settings)
    with client.database.engine.connect() as conn:
        count = int(conn.execute(sa.text("SELECT count(*) FROM batches")).scalar_one())
    client.close()
    return count


@pytest.mark.integration
def test_recover_without_a_broker_runs_the_recovery_on_local_workers(
    settings: Settings, tmp_path: Path
) -> None:
    batch_id, _ = _batch_with_a_missing_file(settings, tmp_path)

    result = runner.invoke(app, ["recover", batch_id, "--all", "--json", "--workers", "1"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["parent"] == batch_id and summary["batch_id"] != batch_id
    assert (summary["status"], summary["total"], summary["completed"]) == ("completed", 1, 1)
    client = Docbatch(settings)
    original = client.get_batch(batch_id)
    recovery = client.get_batch(summary["batch_id"])
    client.close()
    assert (original.state.value, original.completed, original.failed) == ("completed", 2, 0)
    assert (recovery.parent_batch_id, recovery.finalized_count) == (batch_id, 1)


def test_recover_that_matches_nothing_says_so_and_creates_no_batch(
    settings: Settings, tmp_path: Path
) -> None:
    batch_id, _ = _batch_with_a_missing_file(settings, tmp_path)
    before = _batch_count(settings)

    # a missing file is a data failure, which the default categories leave alone
    result = runner.invoke(app, ["recover", batch_id])

    assert result.exit_code == 0, result.output
    assert "nothing to recover" in " ".join(result.output.split())
    assert _batch_count(settings) == before
    client = Docbatch(settings)
    assert client.get_batch(batch_id).failed == 1
    client.close()


@pytest.mark.integration
def test_cancelled_documents_run_again_with_recover_category_cancelled(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("docket.html", "memo.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    client = Docbatch(settings)
    batch = client.create(Sources.from_args([folder]))
    client.close()
    cancelled = runner.invoke(app, ["cancel", batch.id])
    assert cancelled.exit_code == 0, cancelled.output

    result = runner.invoke(
        app, ["recover", batch.id, "--category", "cancelled", "--json", "--workers", "1"]
    )

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["status"], summary["total"], summary["completed"]) == ("completed", 2, 2)
    client = Docbatch(settings)
    original = client.get_batch(batch.id)
    client.close()
    assert (original.state.value, original.completed, original.cancelled) == ("completed", 2, 0)
    assert original.finalized_count == 1

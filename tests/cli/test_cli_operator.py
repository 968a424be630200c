"""Operator experience of the command line: short ids, missing state, help, tables.

Batches are created through the Python API (nothing is processed), so these tests run in
well under a second each on SQLite in the private state folder of ``settings``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from docbatch.cli.main import app
from docbatch.cli.render import status_table, summary_table
from docbatch.client import Docbatch
from docbatch.errors import AmbiguousIdError, NotFoundError
from docbatch.models import Stage
from docbatch.settings import Settings
from docbatch.store.records import NewDocument
from tests.integration.test_store_support import claim_stage

runner = CliRunner()
FIRST = "0fec37ee-1111-4000-8000-000000000001"
SECOND = "0fec37ff-2222-4000-8000-000000000002"


def invoke(args: list[str], state_dir: Path | None = None) -> Result:
    env = {"DOCBATCH_STATE_DIR": str(state_dir)} if state_dir is not None else None
    return runner.invoke(app, args, env=env)


@pytest.fixture
def client(settings: Settings) -> Iterator[Docbatch]:
    docbatch = Docbatch(settings)
    yield docbatch
    docbatch.close()


def _batch(client: Docbatch, batch_id: str, doc_id: str) -> None:
    doc = replace(NewDocument(path=f"/nowhere/{doc_id}.txt", sha256=None, size_bytes=1), id=doc_id)
    client.repo.batches.create("default", [doc], options={}, batch_id=batch_id)


@pytest.fixture
def two_batches(client: Docbatch) -> None:
    _batch(client, FIRST, "d0c5a1b2-0000-4000-8000-00000000000a")
    _batch(client, SECOND, "d0c5a1c3-0000-4000-8000-00000000000b")


# -- ids ------------------------------------------------------------------------------


def test_status_takes_the_eight_characters_the_monitor_shows(two_batches: None) -> None:
    result = invoke(["status", FIRST[:8], "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["batch_id"] == FIRST


def test_cancel_and_export_take_a_prefix(two_batches: None) -> None:
    cancelled = invoke(["cancel", SECOND[:8]])
    assert cancelled.exit_code == 0, cancelled.output
    expected = f"batch {SECOND}: cancelled (1 documents cancelled)"
    assert " ".join(cancelled.stdout.split()) == expected
    exported = invoke(["export", "--batch", FIRST[:8]])
    assert exported.exit_code == 0, exported.output
    rows = [json.loads(line) for line in exported.stdout.splitlines() if line.strip()]
    assert [r["batch_id"] for r in rows] == [FIRST]


def test_an_ambiguous_prefix_is_refused_naming_both_batches(two_batches: None) -> None:
    result = invoke(["status", "0fec37"])
    assert isinstance(result.exception, AmbiguousIdError)
    assert FIRST in str(result.exception) and SECOND in str(result.exception)


def test_an_unknown_prefix_is_not_found(two_batches: None) -> None:
    result = invoke(["status", "abcdef12"])
    assert isinstance(result.exception, NotFoundError)
    assert str(result.exception) == "no batch with id 'abcdef12'"


def test_tables_never_wrap_a_batch_id() -> None:
    console = Console(width=80, record=True)
    console.print(summary_table({"batch_id": FIRST, "status": "completed", "failed": 0}))
    assert FIRST in console.export_text()

    class Status:  # the fields status_table reads, at their narrowest
        batch_id, priority, state, percent, total = FIRST, "normal", "done", 100.0, 1
        completed = failed = cancelled = processing = pending = pages = documents_ahead = 0
        recovering = 0
        eta_seconds = rate_docs_per_s = wait_seconds = None

    console.print(status_table(Status()))
    assert f"batch {FIRST} (normal)" in console.export_text()


# -- exports and missing state --------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "first"),
    [
        ("documents", "id,batch_id,"),
        ("entities", "id,type,"),
        ("relationships", "type,source_type,source_name,"),
    ],
)
def test_a_csv_export_with_no_rows_still_has_its_header(
    client: Docbatch, what: str, first: str
) -> None:
    client.database  # noqa: B018 - an existing, empty database
    result = invoke(["export", "--format", "csv", "--what", what])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(first)
    assert len(result.stdout.splitlines()) == 1


def test_the_csv_header_names_every_column_of_a_row(two_batches: None) -> None:
    result = invoke(["export", "--format", "csv", "--batch", FIRST])
    header, row = result.stdout.splitlines()
    assert header.split(",")[:7] == ["id", "batch_id", "external_id", "path", "sha256", "mime",
                                     "state"]  # fmt: skip
    assert row.startswith("d0c5a1b2-0000-4000-8000-00000000000a," + FIRST)


@pytest.mark.parametrize(
    "args", [["status", "0fec37ee"], ["export"], ["cancel", "0fec37ee"], ["report", "0fec37ee"]]
)
def test_reading_a_state_folder_that_does_not_exist_says_so(
    settings: Settings, tmp_path: Path, args: list[str]
) -> None:
    typo = tmp_path / "stat"
    result = invoke(args, typo)
    assert isinstance(result.exception, NotFoundError)
    assert str(result.exception).startswith(f"nothing there: no docbatch database at {typo}")
    assert not typo.exists()


def test_the_script_exits_1_with_one_line_for_a_missing_state_folder(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "docbatch"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCBATCH_")}
    env.update(DOCBATCH_STATE_DIR=str(tmp_path / "nowhere"), COLUMNS="400")
    proc = subprocess.run(
        [str(script), "export"], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: nothing there: no docbatch database at ")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "nowhere").exists()


# -- help -----------------------------------------------------------------------------

TYPE_TAG = re.compile(r"<(?:bool|str|int|float|path|list\[\w+\]|[a-z]+)>")
EVERY_COMMAND = [
    ["run"], ["status"], ["export"], ["report"], ["monitor"], ["serve"], ["submit"],
    ["worker"], ["cancel"], ["recover"], ["analyze"], ["warm"], ["quarantine"],
    ["quarantine", "list"], ["quarantine", "release"], [],
]  # fmt: skip


def help_text(args: list[str]) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("args", EVERY_COMMAND, ids=lambda a: " ".join(a) or "docbatch")
def test_help_shows_no_type_tags(args: list[str]) -> None:
    text = help_text(args)
    assert "--help" in text
    assert TYPE_TAG.findall(text) == []


def test_the_everyday_commands_come_first_in_named_panels() -> None:
    text = help_text([])
    order = ["Everyday", "run", "status", "export", "report", "monitor", "serve",
             "Distributed workers", "submit", "worker", "cancel",
             "Failures and cache", "recover", "analyze", "warm", "quarantine",
             "Development", "bench"]  # fmt: skip
    positions = [text.index(f" {name} ") for name in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("command", "option"), [("run", "--workers"), ("worker", "--concurrency")])
def test_a_zero_default_is_explained(command: str, option: str) -> None:
    text = help_text([command])
    assert "[default: 0]" not in text
    assert f"{option} -{option[2]} N " in text
    assert "(default 0 = one per CPU)" in text


def test_recover_help_says_what_it_needs() -> None:
    text = help_text(["recover"])
    assert "Needs: the id (or a 6+ character prefix) of a batch with failed documents" in text
    assert "DOCBATCH_BROKER_URL" in text and "docbatch worker" in text
    assert "Usage: docbatch recover [OPTIONS] {BATCH_ID}" in text


def test_the_run_summary_says_its_elapsed_time_is_the_whole_run() -> None:
    console = Console(width=80, record=True)
    console.print(summary_table({"batch_id": FIRST, "status": "completed", "elapsed_s": 1.5}))
    assert "wall time s (whole run)" in console.export_text()


def test_analyze_and_recover_analyze_read_the_failures_of_a_prefix(client: Docbatch) -> None:
    _batch(client, FIRST, "d0c5a1b2-0000-4000-8000-00000000000a")
    doc_id = "d0c5a1b2-0000-4000-8000-00000000000a"
    assert claim_stage(client.repo, doc_id, Stage.EXTRACT, owner="w", max_attempts=3).claimed
    assert client.repo.documents.fail(doc_id, Stage.EXTRACT, "data", "corrupt", "broken")

    for args in (["analyze", FIRST[:8], "--json"], ["recover", FIRST[:8], "--analyze", "--json"]):
        result = invoke(args)
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert (report["batch_id"], report["failed"]) == (FIRST, 1), args
        assert [g["count"] for g in report["groups"]] == [1]

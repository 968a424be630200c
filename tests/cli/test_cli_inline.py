"""The ``docbatch`` command line on the sample folder, without Celery (``run --inline``).

Most tests read one finished inline run of ``samples/`` (module scope: the OCR of the two
scanned samples is the slow part). Tests that change or compare state run their own batch
in the private state folder of the ``settings`` fixture. Exit codes that ``main()`` maps
from docbatch errors are checked through the installed console script.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from PIL import Image
from typer.testing import CliRunner, Result

from docbatch.cli.main import app
from docbatch.client import Docbatch
from docbatch.errors import ManifestError, NotFoundError
from docbatch.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
DOCBATCH = ROOT / ".venv" / "bin" / "docbatch"
SUMMARY_KEYS = {
    "batch_id",
    "status",
    "total",
    "completed",
    "failed",
    "pages",
    "chunks",
    "mentions",
    "entities",
    "relationships",
    "elapsed_s",
}
OCR_SAMPLES = {"scanned-order.pdf", "exhibit.tiff"}
GOOD_SAMPLES = ("docket.html", "memo.txt", "opinion.pdf")

runner = CliRunner()


def invoke(args: list[str], state_dir: Path | None = None) -> Result:
    """Run the app; ``state_dir`` overrides DOCBATCH_STATE_DIR for this call only."""
    env = {"DOCBATCH_STATE_DIR": str(state_dir)} if state_dir is not None else None
    return runner.invoke(app, args, env=env)


def words(text: str) -> str:
    """Text with Rich's line wrapping undone."""
    return " ".join(text.split())


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def stored_pages(path: Path) -> int:
    """The pages a sample yields, counted with the format's own reader.

    A document that fails stores no pages, so the truncated ``broken.pdf`` counts 0.
    """
    data = path.read_bytes()
    if path.suffix == ".pdf":
        try:
            return len(pypdfium2.PdfDocument(data))
        except pypdfium2.PdfiumError:
            return 0
    if path.suffix in {".tif", ".tiff"}:
        with Image.open(path) as image:
            return int(getattr(image, "n_frames", 1))
    if path.suffix == ".txt":
        return data.decode("utf-8").count("\f") + 1  # a form feed starts a new page
    return 1  # HTML and DOCX are read as one page


@dataclass(frozen=True)
class InlineRun:
    state_dir: Path
    result: Result
    summary: dict[str, Any]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InlineRun]:
    """``docbatch run --inline samples --json`` in a private state folder."""
    state = tmp_path_factory.mktemp("state")
    with pytest.MonkeyPatch.context() as patch:
        for key in list(os.environ):
            if key.startswith("DOCBATCH_") and not key.startswith("DOCBATCH_TEST_"):
                patch.delenv(key)
        result = invoke(["run", "--inline", str(SAMPLES), "--json"], state)
        yield InlineRun(state, result, json.loads(result.stdout))


@pytest.fixture(scope="module")
def documents(sample_run: InlineRun) -> dict[str, dict[str, Any]]:
    """The jsonl document export of the sample run, by file name."""
    result = invoke(["export", "--format", "jsonl"], sample_run.state_dir)
    assert result.exit_code == 0, result.output
    return {Path(r["path"]).name: r for r in jsonl(result.stdout)}


@pytest.fixture(scope="module")
def entities(sample_run: InlineRun) -> list[dict[str, Any]]:
    result = invoke(["export", "--what", "entities"], sample_run.state_dir)
    assert result.exit_code == 0, result.output
    return jsonl(result.stdout)


# -- run --inline -------------------------------------------------------------------


def test_run_inline_json_prints_the_summary_and_exits_3(sample_run: InlineRun) -> None:
    summary = sample_run.summary
    assert sample_run.result.exit_code == 3
    assert set(summary) == SUMMARY_KEYS
    assert (summary["status"], summary["total"], summary["completed"], summary["failed"]) == (
        "completed_with_failures",
        7,
        6,
        1,
    )
    expected_pages = sum(stored_pages(p) for p in SAMPLES.iterdir() if p.is_file())
    assert summary["pages"] == expected_pages == 10
    # Every sample is shorter than one chunk, so each completed document has one.
    assert summary["chunks"] == 6
    assert summary["mentions"] > 0 and summary["entities"] > 0 and summary["relationships"] > 0
    assert isinstance(summary["elapsed_s"], float) and summary["elapsed_s"] > 0


def test_run_inline_summary_counts_match_the_export(
    sample_run: InlineRun,
    documents: dict[str, dict[str, Any]],
    entities: list[dict[str, Any]],
) -> None:
    summary = sample_run.summary
    assert summary["pages"] == sum(len(d["pages"]) for d in documents.values())
    assert summary["chunks"] == sum(len(d["chunks"]) for d in documents.values())
    assert summary["mentions"] == sum(len(d["mentions"]) for d in documents.values())
    assert summary["entities"] == len(entities)


def test_run_inline_on_good_documents_exits_0(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "good"
    folder.mkdir()
    for name in GOOD_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    result = invoke(["run", "--inline", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["status"], summary["total"], summary["completed"], summary["failed"]) == (
        "completed",
        3,
        3,
        0,
    )
    assert summary["pages"] == sum(stored_pages(folder / n) for n in GOOD_SAMPLES) == 6


def test_run_inline_table_lists_the_failed_document(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(SAMPLES / "broken.pdf", folder / "broken.pdf")
    shutil.copy(SAMPLES / "memo.txt", folder / "memo.txt")
    result = invoke(["run", "--inline", str(folder)])
    assert result.exit_code == 3
    # Rich folds long cells at the console width, so look at whole words only.
    tokens = set(result.stdout.replace("│", " ").split())
    assert {"completed_with_failures", "failed", "documents", "extract", "data", "PDF:"} <= tokens
    assert result.stdout.index("failed documents") > result.stdout.index("completed_with_failures")


def test_run_inline_without_paths_raises_a_readable_manifest_error(settings: Settings) -> None:
    result = invoke(["run", "--inline"])
    assert result.exit_code != 0
    assert isinstance(result.exception, ManifestError)
    assert str(result.exception) == "give files or folders to process, or --manifest FILE"


# -- exit codes through main() ------------------------------------------------------


def run_script(args: list[str], state_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCBATCH_")}
    env.update(DOCBATCH_STATE_DIR=str(state_dir), COLUMNS="400")
    return subprocess.run(
        [str(DOCBATCH), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_script_without_paths_exits_2_with_one_error_line(
    settings: Settings, tmp_path: Path
) -> None:
    proc = run_script(["run", "--inline"], settings.state_dir, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: give files or folders to process, or --manifest FILE"
    assert proc.stdout == ""


def test_script_with_a_bad_manifest_exits_2_naming_the_problem(
    settings: Settings, tmp_path: Path
) -> None:
    shutil.copy(SAMPLES / "memo.txt", tmp_path / "memo.txt")
    manifest = tmp_path / "batch.json"
    manifest.write_text(
        json.dumps({"documents": [{"path": "memo.txt"}, {"path": "missing.pdf"}]}),
        encoding="utf-8",
    )
    proc = run_script(
        ["run", "--inline", "--manifest", str(manifest)], settings.state_dir, tmp_path
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    message = words(proc.stderr)
    assert message.startswith(f"error: {manifest}: documents.1: no such file:")
    assert "missing.pdf" in message
    # Nothing was stored: a manifest is checked before a batch is created.
    assert not (settings.state_dir / "docbatch.db").exists()


def test_script_with_a_folder_as_manifest_exits_2(settings: Settings, tmp_path: Path) -> None:
    proc = run_script(
        ["run", "--inline", "--manifest", str(tmp_path)], settings.state_dir, tmp_path
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_status_of_an_unknown_batch_is_not_found(settings: Settings) -> None:
    Docbatch(settings).database.dispose()  # an existing (empty) database
    result = invoke(["status", "no-such-batch", "--json"])
    assert isinstance(result.exception, NotFoundError)
    assert "no-such-batch" in str(result.exception)


# -- export -------------------------------------------------------------------------


def test_export_jsonl_has_one_record_per_document_with_ocr_flags(
    documents: dict[str, dict[str, Any]],
) -> None:
    assert set(documents) == {p.name for p in SAMPLES.iterdir() if p.is_file()}
    for name, record in documents.items():
        assert len(record["pages"]) == stored_pages(SAMPLES / name), name
        if name == "broken.pdf":
            continue
        assert record["state"] == "completed", name
        assert record["error"] is None
        assert [p["number"] for p in record["pages"]] == list(range(1, len(record["pages"]) + 1))
        expect_ocr = name in OCR_SAMPLES
        assert [p["ocr"] for p in record["pages"]] == [expect_ocr] * len(record["pages"]), name
        for page in record["pages"]:
            assert (page["ocr_engine"] is not None) is expect_ocr, name
            assert page["text"].strip(), name


def test_export_jsonl_ocr_text_is_readable(documents: dict[str, dict[str, Any]]) -> None:
    order = "\n".join(p["text"] for p in documents["scanned-order.pdf"]["pages"])
    exhibit = "\n".join(p["text"] for p in documents["exhibit.tiff"]["pages"])
    assert "Case No. 1:23-cv-04567-JMF" in order
    assert "February 16, 2024" in order
    assert "WIRE TRANSFER CONFIRMATION" in exhibit
    assert "$1,250,000.00" in exhibit


def test_export_jsonl_failed_document_carries_category_code_and_reason(
    documents: dict[str, dict[str, Any]],
) -> None:
    broken = documents["broken.pdf"]
    assert broken["state"] == "failed"
    error = broken["error"]
    assert (error["category"], error["code"], error["stage"]) == ("data", "corrupt", "extract")
    assert error["reason"].startswith("PDF: ")
    assert (broken["pages"], broken["chunks"], broken["mentions"]) == ([], [], [])


def test_export_csv_has_a_header_and_one_row_per_document(sample_run: InlineRun) -> None:
    result = invoke(["export", "--format", "csv"], sample_run.state_dir)
    assert result.exit_code == 0
    assert words(result.stderr) == "exported 7 documents"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 7
    assert list(rows[0]) == [
        "id",
        "batch_id",
        "external_id",
        "path",
        "sha256",
        "mime",
        "state",
        "error_category",
        "error_code",
        "error_reason",
        "warnings",
        "pages",
        "ocr_pages",
        "chunks",
        "mentions",
        "text",
        "parent_id",
        "container_path",
    ]
    by_name = {Path(r["path"]).name: r for r in rows}
    assert {(r["parent_id"], r["container_path"]) for r in rows} == {("", "")}  # no container
    assert {r["batch_id"] for r in rows} == {sample_run.summary["batch_id"]}
    assert (by_name["broken.pdf"]["state"], by_name["broken.pdf"]["error_code"]) == (
        "failed",
        "corrupt",
    )
    assert {n: r["ocr_pages"] for n, r in by_name.items() if r["ocr_pages"] != "0"} == {
        "scanned-order.pdf": "1",
        "exhibit.tiff": "2",
    }
    assert by_name["opinion.pdf"]["mime"] == "application/pdf"
    assert "Bell Atlantic Corp. v. Twombly" in by_name["opinion.pdf"]["text"]


def test_export_entities_has_the_twombly_citation_with_aliases(
    entities: list[dict[str, Any]], documents: dict[str, dict[str, Any]]
) -> None:
    twombly = [e for e in entities if e["type"] == "citation" and e["name"] == "550 U.S. 544"]
    assert len(twombly) == 1
    entity = twombly[0]
    assert entity["id"].startswith("citation:")
    assert "550 U.S. 544" in entity["aliases"]
    assert "550 U.S. at 556" in entity["aliases"]  # the short form in opinion.pdf
    opinion_ids = {m["entity_id"] for m in documents["opinion.pdf"]["mentions"]}
    assert entity["id"] in opinion_ids
    assert len({e["id"] for e in entities}) == len(entities)


def test_export_relationships_has_cites_edges(
    sample_run: InlineRun,
    entities: list[dict[str, Any]],
    documents: dict[str, dict[str, Any]],
) -> None:
    result = invoke(["export", "--what", "relationships"], sample_run.state_dir)
    assert result.exit_code == 0
    edges = jsonl(result.stdout)
    types = {e["type"] for e in edges}
    # co_occurs edges are opt-in (DOCBATCH_RELATE_CO_OCCURS); the default run has none.
    assert "cites" in types and "co_occurs" not in types
    twombly = next(e["id"] for e in entities if e["name"] == "550 U.S. 544")
    opinion = documents["opinion.pdf"]["id"]
    cites = [e for e in edges if e["type"] == "cites" and e["source"] == opinion]
    assert twombly in {e["target"] for e in cites}
    known = {e["id"] for e in entities}
    for edge in cites:
        assert edge["target"] in known
        assert edge["weight"] >= 1
        assert edge["evidence"] and all(ev["document_id"] == opinion for ev in edge["evidence"])


def test_export_relationships_names_both_ends_and_quotes_the_evidence(
    sample_run: InlineRun, documents: dict[str, dict[str, Any]]
) -> None:
    result = invoke(["export", "--what", "relationships"], sample_run.state_dir)
    edges = jsonl(result.stdout)
    opinion = documents["opinion.pdf"]
    [twombly] = [
        e
        for e in edges
        if (e["type"], e["source_name"], e["target_name"])
        == ("cites", opinion["path"], "550 U.S. 544")
    ]
    assert twombly["source_type"] == "document"
    assert twombly["target_type"] == "citation"
    [first, *_] = twombly["evidence"]
    assert first["path"] == opinion["path"] and first["page"] == 2
    # The sentence that holds the citation, not the whole chunk.
    assert first["sentence"].startswith("Bell Atlantic Corp. v. Twombly, 550 U.S. 544")
    assert "(2007)" in first["sentence"]
    assert len(first["sentence"]) < 200
    judge = next(e for e in edges if e["type"] == "judge_of")
    assert (judge["source_type"], judge["source_name"]) == ("person", "Jesse M. Furman")

    table = invoke(["export", "--what", "relationships", "--format", "csv"], sample_run.state_dir)
    header = table.stdout.splitlines()[0].split(",")
    assert header[:5] == ["type", "source_type", "source_name", "target_type", "target_name"]


# -- status and cancel --------------------------------------------------------------


def test_status_json_after_an_inline_run(sample_run: InlineRun) -> None:
    batch_id = sample_run.summary["batch_id"]
    result = invoke(["status", batch_id, "--json"], sample_run.state_dir)
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["batch_id"] == batch_id
    assert status["state"] == "completed_with_failures"
    assert status["percent"] == 100
    assert (status["total"], status["completed"], status["failed"], status["cancelled"]) == (
        7,
        6,
        1,
        0,
    )
    assert (status["pending"], status["processing"], status["pages"]) == (0, 0, 10)
    assert status["finished_at"] is not None


def test_cancel_of_a_finished_batch_changes_nothing(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLES / "memo.txt", folder / "memo.txt")
    shutil.copy(SAMPLES / "broken.pdf", folder / "broken.pdf")
    run = invoke(["run", "--inline", str(folder), "--json"])
    batch_id = json.loads(run.stdout)["batch_id"]
    before = json.loads(invoke(["status", batch_id, "--json"]).stdout)

    result = invoke(["cancel", batch_id])
    assert result.exit_code == 0, result.output
    assert words(result.stdout) == (
        f"batch {batch_id}: completed_with_failures (0 documents cancelled)"
    )
    after = json.loads(invoke(["status", batch_id, "--json"]).stdout)
    for key in ("state", "total", "completed", "failed", "cancelled", "finished_at", "pages"):
        assert after[key] == before[key], key


# -- re-running ---------------------------------------------------------------------


def test_rerun_creates_a_second_batch_with_the_same_entity_ids(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in GOOD_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)

    def run_and_export() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        result = invoke(["run", "--inline", str(folder), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout), jsonl(invoke(["export", "--what", "entities"]).stdout)

    first, entities_first = run_and_export()
    second, entities_second = run_and_export()
    assert first["batch_id"] != second["batch_id"]
    assert entities_second == entities_first  # nothing new: the same canonical entities
    assert first["entities"] == second["entities"] == len(entities_first)

    records = jsonl(invoke(["export"]).stdout)
    assert len(records) == 6
    mentions: dict[str, dict[str, list[Any]]] = {}
    for record in records:
        links = [(m["type"], m["char_start"], m["entity_id"]) for m in record["mentions"]]
        mentions.setdefault(Path(record["path"]).name, {})[record["batch_id"]] = sorted(links)
    for name, per_batch in mentions.items():
        assert per_batch[first["batch_id"]] == per_batch[second["batch_id"]], name
        assert all(link[2] for link in per_batch[first["batch_id"]]), name


def test_canonical_ids_do_not_depend_on_the_database(
    sample_run: InlineRun, entities: list[dict[str, Any]], settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SAMPLES / "opinion.pdf", folder / "opinion.pdf")
    result = invoke(["run", "--inline", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    fresh = jsonl(invoke(["export", "--what", "entities"]).stdout)
    ids_from_samples = {(e["type"], e["key"]): e["id"] for e in entities}
    assert fresh
    for entity in fresh:
        assert ids_from_samples[(entity["type"], entity["key"])] == entity["id"]

"""Stored failure reasons hold no tracebacks and no server paths.

A DOCX whose XML is malformed is a corrupt document (lxml's XMLSyntaxError is not a
ValueError), not a parser bug; a parser bug's traceback goes to the log, and its reason,
which the API and exports show, keeps neither the trace nor the server's paths.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.synth import documents
from docbatch.client import Docbatch, Sources
from docbatch.engine.sandbox import ParserBugError, Sandbox, SandboxLimits
from docbatch.errors import public_reason
from docbatch.local.runner import run_inline
from docbatch.settings import Settings


def malformed_docx() -> bytes:
    """A real DOCX with its ``word/document.xml`` cut in the middle of a tag."""
    source = zipfile.ZipFile(io.BytesIO(documents.docx(["The court held."])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2] + b"<w:p><unclosed"
            target.writestr(info, data)
    return out.getvalue()


@pytest.fixture
def client(settings: Settings) -> Iterator[Docbatch]:
    client = Docbatch(settings)  # the sandbox is on, as in production
    yield client
    client.close()


def test_malformed_docx_xml_is_corrupt_with_a_clean_reason(
    client: Docbatch, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.docx").write_bytes(malformed_docx())

    summary = run_inline(client, Sources.from_args([folder]))

    [doc] = client.repo.documents.of_batch(summary.batch_id)
    assert (doc.error_category, doc.error_code) == ("data", "corrupt")
    reason = doc.error_reason or ""
    assert reason.startswith("DOCX: ")
    assert "Traceback" not in reason and str(tmp_path) not in reason and ".py" not in reason


def test_a_parser_bug_keeps_its_trace_out_of_the_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sandbox = Sandbox(SandboxLimits(256, 10.0), "tests.hostile.misbehaving_ops:OPERATIONS")
    try:
        with caplog.at_level(logging.ERROR), pytest.raises(ParserBugError) as info:
            sandbox.call("bug", {}, b"")
    finally:
        sandbox.close()
    assert str(info.value) == "KeyError: 'not translated'"
    assert "Traceback" in info.value.trace
    assert "Traceback" in caplog.text


def test_public_reason_drops_traces_and_server_paths() -> None:
    raw = (
        "internal error (OSError): cannot open /srv/docbatch/uploads/ab12/0001-x.pdf\n"
        'Traceback (most recent call last):\n  File "/opt/app/docbatch/x.py", line 3'
    )
    assert public_reason(raw) == "internal error (OSError): cannot open 0001-x.pdf"
    kept = "see https://example.org/a/b and 12/05/2026, ratio 1/2"
    assert public_reason(kept) == kept


def test_reasons_stored_before_the_fix_are_cleaned_on_the_way_out(
    settings: Settings, tmp_path: Path
) -> None:
    from docbatch.api.convert import document_out
    from docbatch.errors import ErrorCategory
    from docbatch.export import document_record

    client = Docbatch(settings.model_copy(update={"sandbox": False}))
    try:
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "a.txt").write_text("The court held.")
        batch = client.create(Sources.from_args([tmp_path / "in"]))
        [doc] = client.repo.documents.of_batch(batch.id)
        old = f'ValueError: bad\nTraceback (most recent call last):\n  File "{tmp_path}/x.py"'
        client.repo.documents.fail(doc.id, None, ErrorCategory.PERMANENT, "ParserBugError", old)
        [doc] = client.repo.documents.of_batch(batch.id)

        assert document_out(doc).error_reason == "ValueError: bad"
        assert document_record(client.repo, doc)["error"]["reason"] == "ValueError: bad"
    finally:
        client.close()

"""Blank documents, stamps over scans and repaired PDFs through the inline runner, stored.

On SQLite and PostgreSQL: every one of these completes, blank ones with zero mentions and
the ``no_text`` warning, and what the extract stage found (warnings, low-confidence pages)
is stored and read back.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.synth import documents
from docbatch.client import Docbatch, Sources
from docbatch.export import export_records
from docbatch.local.runner import run_inline
from docbatch.settings import Settings

pytestmark = pytest.mark.integration

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"


@pytest.fixture
def client(settings: Settings, database_url: str) -> Iterator[Docbatch]:
    client = Docbatch(settings.model_copy(update={"database_url": database_url}))
    yield client
    client.close()


def test_blank_documents_and_a_stamped_scan_complete(client: Docbatch, tmp_path: Path) -> None:
    folder = tmp_path / "real"
    folder.mkdir()
    (folder / "blank.pdf").write_bytes(documents.text_pdf([""]))
    (folder / "blank.png").write_bytes(documents.png(""))
    (folder / "blank.tiff").write_bytes(documents.tiff(["", "", ""]))
    shutil.copy(REAL / "ca4-appearance-stamp-over-scan.pdf", folder / "stamped.pdf")
    shutil.copy(REAL / "bug1250079.pdf", folder / "cut-after-trailer.pdf")
    summary = run_inline(client, Sources.from_args([folder]))
    assert (summary.total, summary.completed, summary.failed) == (5, 5, 0)
    by_name = {Path(d.path).name: d for d in client.repo.documents.of_batch(summary.batch_id)}
    for name in ("blank.pdf", "blank.png", "blank.tiff"):
        doc = by_name[name]
        assert doc.warnings == ("no_text",)
        assert client.repo.results.mentions(doc.id) == []
    assert by_name["cut-after-trailer.pdf"].warnings == ("pdf_repaired", "pdf_truncated")
    stamped = client.repo.results.pages(by_name["stamped.pdf"].id)
    assert stamped[0].text.startswith("Appeal: 17-2218")
    assert "APPEARANCE OF COUNSEL FORM" in stamped[0].text
    handle = io.StringIO()
    export_records(client.repo, handle, batch_id=summary.batch_id)
    records = [json.loads(line) for line in handle.getvalue().splitlines()]
    records = {Path(r["path"]).name: r for r in records}
    assert records["blank.pdf"]["warnings"] == ["no_text"]
    assert records["stamped.pdf"]["warnings"] == []

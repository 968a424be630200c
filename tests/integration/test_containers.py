"""Containers on the inline runner, on SQLite and PostgreSQL: members become documents.

A production ZIP holding a PDF, a DOCX and an e-mail with a PDF attachment is five
documents of one batch, each with its parent and its path inside the container. Hostile
ZIP files (a bomb, zip-slip names, 100,000 members) are built here at run time, cheaply,
and fail inside the caps while the rest of the batch completes. Each test runs with the
parsers and the expansion in this process and in the sandbox child.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from docbatch.client import Docbatch, Sources
from docbatch.export import export_records
from docbatch.local.runner import run_inline
from docbatch.settings import Settings
from docbatch.store.records import DocumentRecord
from tests.unit.container_files import bomb_zip, flag_encrypted, many_members_zip, text_pdf

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(params=[False, True], ids=["in-process", "sandbox"])
def client(
    settings: Settings, database_url: str, request: pytest.FixtureRequest
) -> Iterator[Docbatch]:
    """A client expanding containers in this process, or in the sandbox child."""
    update = {"database_url": database_url, "sandbox": request.param}
    client = Docbatch(settings.model_copy(update=update))
    yield client
    client.close()


def _eml_with_pdf(pdf: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "Alice Counsel <alice@example.com>"
    message["To"] = "bob@example.com"
    message["Subject"] = "Exhibit for Smith v. Jones"
    message["Message-ID"] = "<exhibit-1@example.com>"
    message["MIME-Version"] = "1.0"
    message.set_content("Please find the exhibit attached.\n")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="exhibit.pdf")
    return message.as_bytes()


def _production(folder: Path) -> Path:
    """production.zip: a PDF, a DOCX and an e-mail with a PDF attachment."""
    exhibit = text_pdf("Exhibit A. Smith v. Jones, the deposition of Mary Smith.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("folder/opinion.pdf", (SAMPLES / "opinion.pdf").read_bytes())
        archive.writestr("folder/letter.docx", (SAMPLES / "engagement-letter.docx").read_bytes())
        archive.writestr("mail/exhibit.eml", _eml_with_pdf(exhibit))
    path = folder / "production.zip"
    path.write_bytes(buffer.getvalue())
    return path


def _documents(client: Docbatch, batch_id: str) -> list[DocumentRecord]:
    return list(client.repo.documents.of_batch(batch_id, limit=1000))


def test_a_production_zip_yields_five_documents_each_with_its_parent(
    client: Docbatch, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _production(folder)
    summary = run_inline(client, Sources.from_args([folder]))
    assert (summary.status, summary.total, summary.completed, summary.failed) == (
        "completed", 5, 5, 0,
    )  # fmt: skip
    docs = {d.container_path or Path(d.path).name: d for d in _documents(client, summary.batch_id)}
    assert sorted(docs) == [
        "production.zip",
        "production.zip!/folder/letter.docx",
        "production.zip!/folder/opinion.pdf",
        "production.zip!/mail/exhibit.eml",
        "production.zip!/mail/exhibit.eml!/exhibit.pdf",
    ]
    zip_doc = docs["production.zip"]
    eml = docs["production.zip!/mail/exhibit.eml"]
    assert zip_doc.parent_id is None and zip_doc.mime == "application/zip"
    for name in ("folder/letter.docx", "folder/opinion.pdf", "mail/exhibit.eml"):
        assert docs[f"production.zip!/{name}"].parent_id == zip_doc.id
        assert docs[f"production.zip!/{name}"].depth == 1
    attachment = docs["production.zip!/mail/exhibit.eml!/exhibit.pdf"]
    assert (attachment.parent_id, attachment.depth, attachment.mime) == (
        eml.id, 2, "application/pdf",
    )  # fmt: skip
    assert "deposition of Mary Smith" in client.repo.results.pages(attachment.id)[0].text
    assert "folder/letter.docx" in client.repo.results.pages(zip_doc.id)[0].text
    assert all(d.state.value == "completed" for d in docs.values())

    out = io.StringIO()
    export_records(client.repo, out, batch_id=summary.batch_id, fmt="jsonl")
    exported = {r["id"]: r for r in map(__import__("json").loads, out.getvalue().splitlines())}
    assert exported[attachment.id]["parent_id"] == eml.id
    assert exported[attachment.id]["container_path"] == (
        "production.zip!/mail/exhibit.eml!/exhibit.pdf"
    )
    assert exported[zip_doc.id]["parent_id"] is None


def test_hostile_zips_fail_inside_the_caps_and_the_batch_completes(
    client: Docbatch, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.zip").write_bytes(bomb_zip())
    slip = io.BytesIO()
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("../../etc/x", "escaped\n")
        archive.writestr("/abs/y.txt", "absolute\n")
    (folder / "slip.zip").write_bytes(slip.getvalue())
    (folder / "many.zip").write_bytes(many_members_zip(100_000))
    locked = io.BytesIO()
    with zipfile.ZipFile(locked, "w") as archive:
        archive.writestr("secret.txt", "hidden\n")
        archive.writestr("open.txt", "visible\n")
    (folder / "locked.zip").write_bytes(flag_encrypted(locked.getvalue(), "secret.txt"))
    (folder / "memo.txt").write_bytes((SAMPLES / "memo.txt").read_bytes())
    before = _tree(tmp_path.parent)

    summary = run_inline(client, Sources.from_args([folder]))

    docs = {d.container_path or Path(d.path).name: d for d in _documents(client, summary.batch_id)}
    # The containers and the plain file complete; the bomb's member fails as too large.
    for name in ("bomb.zip", "slip.zip", "many.zip", "locked.zip", "memo.txt"):
        assert docs[name].state.value == "completed", name
    assert "container_members_skipped" in docs["bomb.zip"].warnings
    bomb = docs["bomb.zip!/zeros.bin"]
    assert (bomb.state.value, bomb.error_code) == ("failed", "too_large")
    # zip-slip names are text: stored, read from the database, never written anywhere.
    assert docs["slip.zip!/../../etc/x"].state.value == "completed"
    assert docs["slip.zip!//abs/y.txt"].state.value == "completed"
    assert "escaped" in client.repo.results.pages(docs["slip.zip!/../../etc/x"].id)[0].text
    # An encrypted member fails as encrypted, alone.
    secret, visible = docs["locked.zip!/secret.txt"], docs["locked.zip!/open.txt"]
    assert (secret.state.value, secret.error_code) == ("failed", "encrypted")
    assert visible.state.value == "completed"
    # 100,000 members: over the cap, none expanded, the container says so.
    assert "container_too_many_members" in docs["many.zip"].warnings
    assert not [d for d in docs.values() if d.parent_id == docs["many.zip"].id]
    assert (summary.status, summary.total, summary.failed) == (
        "completed_with_failures", 10, 2,
    )  # fmt: skip
    # Nothing written outside the state folder (but the SQLite test database's files).
    added = _tree(tmp_path.parent) - before
    state = str(client.settings.state_dir)
    outside = [p for p in added if not p.startswith(state) and "test.db" not in p]
    assert outside == []
    assert not Path("/etc/x").exists() and not Path("/abs/y.txt").exists()


def _tree(root: Path) -> set[str]:
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}

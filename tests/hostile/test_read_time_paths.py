"""A document's file is re-checked when a worker reads it, not only at submission.

The batch is submitted (paths checked against the allowed roots), then the file is swapped
for a symlink, or its folder for a link to another folder, before the stage reads it. The
document must fail with ``changed_after_submission`` and never hold the other file's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from docbatch.client import Docbatch, Sources
from docbatch.errors import CorruptDocumentError
from docbatch.ingest import read_document
from docbatch.local.runner import run_inline
from docbatch.settings import Settings

SECRET = "root:x:0:0:this-must-never-be-read\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """``allowed/toctou/filing.txt`` and a secret outside ``allowed``."""
    (tmp_path / "allowed" / "toctou").mkdir(parents=True)
    (tmp_path / "allowed" / "toctou" / "filing.txt").write_text("The court held.\n" * 20)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "filing.txt").write_text(SECRET)
    return tmp_path


@pytest.fixture
def client(settings: Settings) -> Iterator[Docbatch]:
    client = Docbatch(settings.model_copy(update={"sandbox": False}))
    yield client
    client.close()


def test_a_file_swapped_for_a_symlink_after_submission_is_not_read(
    tree: Path, client: Docbatch
) -> None:
    filing = tree / "allowed" / "toctou" / "filing.txt"
    batch = client.create(Sources.from_args([tree / "allowed"]))
    filing.unlink()
    filing.symlink_to(tree / "outside" / "filing.txt")

    summary = run_inline(client, None, resume=batch.id)

    [doc] = client.repo.documents.of_batch(summary.batch_id)
    assert (doc.state.value, doc.error_code) == ("failed", "changed_after_submission")
    assert str(tree) not in (doc.error_reason or "")
    assert client.repo.results.pages(doc.id) == []


def test_a_folder_swapped_for_a_symlink_after_submission_is_not_read(tree: Path) -> None:
    allowed = tree / "allowed"
    [source] = Sources.from_args([allowed]).documents
    (allowed / "toctou").rename(tree / "moved")
    (allowed / "toctou").symlink_to(tree / "outside", target_is_directory=True)

    with pytest.raises(CorruptDocumentError) as info:
        read_document(source.path, max_bytes=10**6)
    assert info.value.code == "changed_after_submission"


def test_an_unchanged_file_is_read(tree: Path) -> None:
    [source] = Sources.from_args([tree / "allowed"]).documents
    data, _ = read_document(source.path, max_bytes=10**6)
    assert data.startswith(b"The court held.")

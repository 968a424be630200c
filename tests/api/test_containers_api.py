"""Containers through the API and the Redis progress sink (real PostgreSQL and Redis)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docbatch.client import Docbatch
from tests.api.support import create_batch, process_inline
from tests.api.test_api import api

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_children_show_their_parent_and_the_progress_total_grows_once(
    client: Docbatch, docs_root: Path
) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("memo.txt", (SAMPLES / "memo.txt").read_bytes())
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("letters/opinion.pdf", (SAMPLES / "opinion.pdf").read_bytes())
        archive.writestr("inner.zip", inner.getvalue())
    folder = docs_root / "set"
    folder.mkdir()
    (folder / "production.zip").write_bytes(outer.getvalue())
    batch_id = create_batch(client, folder)

    for _ in range(3):  # each pass runs the documents the previous one found
        process_inline(client, batch_id)

    docs = api(client).get(f"/api/batches/{batch_id}/documents").json()
    by_path = {d["container_path"] or Path(d["path"]).name: d for d in docs}
    assert sorted(by_path) == [
        "production.zip",
        "production.zip!/inner.zip",
        "production.zip!/inner.zip!/memo.txt",
        "production.zip!/letters/opinion.pdf",
    ]
    assert (
        by_path["production.zip!/inner.zip!/memo.txt"]["parent_id"]
        == (by_path["production.zip!/inner.zip"]["id"])
    )
    assert {d["state"] for d in docs} == {"completed"}
    batch = client.get_batch(batch_id)
    assert (batch.state.value, batch.total, batch.completed) == ("completed", 4, 4)
    progress = client.progress.get(batch_id)
    assert progress is not None
    assert (progress.total, progress.terminal, progress.finished) == (4, 4, True)

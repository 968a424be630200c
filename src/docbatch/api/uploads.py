"""Retention of uploaded files: deleted once their document is terminal (by default).

An upload is saved under ``state_dir/uploads/<id>/`` and submitted as a batch; the batch id
is then written next to the files (:data:`MARKER`). :func:`sweep_uploads`, run by the API
every few seconds while ``DOCBATCH_API_UPLOAD_RETENTION=terminal`` (the default), deletes
each uploaded file whose document has reached a terminal state (completed, failed or
cancelled), and the folder once all are gone. ``keep`` never deletes them. A failed
document recovered after its file was deleted fails again with "file no longer exists".
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docbatch.store.repository import Repository

__all__ = ["MARKER", "RETENTION_POLICIES", "record_upload", "sweep_uploads", "sweeper"]

log = logging.getLogger(__name__)

#: The file in an upload folder naming the batch its files were submitted as.
MARKER = ".batch"
RETENTION_POLICIES = ("terminal", "keep")
_PAGE = 500


def record_upload(folder: Path, batch_id: str) -> None:
    """Note that the files in ``folder`` belong to ``batch_id`` (for the sweep)."""
    (folder / MARKER).write_text(batch_id, encoding="utf-8")


def sweep_uploads(repo: Repository, uploads: Path) -> int:
    """Delete the uploaded files of terminal documents below ``uploads``; returns how many.

    A folder without a marker is an upload still being submitted and is left alone.
    """
    deleted = 0
    if not uploads.is_dir():
        return 0
    for folder in sorted(p for p in uploads.iterdir() if p.is_dir()):
        marker = folder / MARKER
        if not marker.is_file():
            continue
        deleted += _sweep_folder(repo, folder.resolve(), marker.read_text("utf-8").strip())
    return deleted


def _sweep_folder(repo: Repository, folder: Path, batch_id: str) -> int:
    deleted, unfinished, offset = 0, 0, 0
    while True:
        page = repo.documents.of_batch(batch_id, limit=_PAGE, offset=offset)
        for doc in page:
            path = Path(doc.path)
            if path.parent != folder:
                continue  # only ever files the upload itself wrote
            if not doc.state.terminal:
                unfinished += 1
            elif path.exists():
                path.unlink()
                deleted += 1
        if len(page) < _PAGE:
            break
        offset += _PAGE
    if not unfinished:
        (folder / MARKER).unlink(missing_ok=True)
        try:
            folder.rmdir()
        except OSError as exc:  # something else was put there: leave it
            log.warning("upload folder %s not removed: %s", folder.name, exc.strerror)
    return deleted


def sweeper(repo: Repository, uploads: Path, interval: float, stop: threading.Event) -> None:
    """Run :func:`sweep_uploads` every ``interval`` seconds until ``stop`` is set."""
    while not stop.wait(interval):
        try:
            sweep_uploads(repo, uploads)
        except Exception as exc:  # the database may be down; try again next interval
            log.warning("upload sweep failed: %s", exc)

"""Child documents: a container's members stored as documents of its batch.

:func:`add_children` runs inside the transaction that stores the container's extract
result (see :func:`docbatch.store.lifecycle.complete_stages`): the members' bytes go to
the content-addressed ``blobs`` table, their rows join the batch as pending documents,
and the batch's total grows by as many, all or nothing. The container is still active in
that transaction, so the batch cannot finalise before its children are counted. Child ids
are chosen by the caller from the container's id and the member's place, so a container
expanded twice (a stale step, a recovery) adds each child once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.errors import NotFoundError
from docbatch.models import Stage
from docbatch.store.records import ChildDocument, DocumentRecord, DocumentState
from docbatch.store.rows import BATCHES, DOCUMENTS, chunked, insert_ignoring_duplicates
from docbatch.store.schema import BlobRow

__all__ = ["BLOBS", "add_children", "read_blob"]

BLOBS: sa.Table = BlobRow.__table__  # type: ignore[assignment]


def add_children(
    connection: Connection, doc: DocumentRecord, children: Sequence[ChildDocument], now: datetime
) -> int:
    """Store ``children`` of the container ``doc`` (locked) not stored yet; returns how
    many were added to the batch (a recovered container's go to its recovery batch)."""
    if not children:
        return 0
    ids = [child.id for child in children]
    existing: set[str] = set()
    for part in chunked(ids, 500):
        existing.update(
            connection.execute(sa.select(DOCUMENTS.c.id).where(DOCUMENTS.c.id.in_(list(part))))
            .scalars()
            .all()
        )
    new = [child for child in children if child.id not in existing]
    if not new:
        return 0
    blobs = {c.sha256: c for c in new if c.sha256 is not None and c.data is not None}
    # Sorted, so that concurrent transactions storing the same member lock it in order.
    blob_rows = [
        {"sha256": key, "size_bytes": child.size_bytes, "data": child.data}
        for key, child in sorted(blobs.items())
    ]
    for blob_part in chunked(blob_rows, 100):
        insert_ignoring_duplicates(connection, BLOBS, list(blob_part))
    batch_id = doc.recovery_batch_id or doc.batch_id
    rows = [
        {
            "id": child.id,
            "batch_id": batch_id,
            "project_id": doc.project_id,
            "external_id": None,
            "path": child.container_path,
            "sha256": child.sha256,
            "size_bytes": child.size_bytes,
            "mime": None,
            "metadata": _metadata(child),
            "state": DocumentState.PENDING.value,
            "stage": Stage.EXTRACT.value,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
            "parent_id": doc.id,
            "container_path": child.container_path,
            "depth": child.depth,
        }
        for child in new
    ]
    for part in chunked(rows, 2000):
        connection.execute(sa.insert(DOCUMENTS), list(part))
    connection.execute(
        sa.update(BATCHES).where(BATCHES.c.id == batch_id).values(total=BATCHES.c.total + len(new))
    )
    return len(new)


def _metadata(child: ChildDocument) -> dict[str, object]:
    if not child.code:
        return {}
    return {"member_error": {"code": child.code, "reason": child.reason}}


def read_blob(connection: Connection, sha256: str) -> bytes:
    """The stored bytes of a container's member, or raise :class:`NotFoundError`."""
    data = connection.execute(
        sa.select(BLOBS.c.data).where(BLOBS.c.sha256 == sha256)
    ).scalar_one_or_none()
    if data is None:
        raise NotFoundError(f"the bytes of member {sha256[:12]} are not stored")
    return bytes(data)

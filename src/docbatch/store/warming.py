"""What cache warming reads and records: completed documents by the sha256 of their bytes.

Used by :mod:`docbatch.redis.warming` (stage outputs of identical bytes copied into the cache)
and by the quarantine, which needs a document's sha256.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docbatch.store.records import DocumentState
from docbatch.store.rows import BATCHES, DOCUMENTS, chunked
from docbatch.store.transactions import Transactor

__all__ = ["WarmingStore"]


class WarmingStore:
    """Documents by content: the sha256 recorded once, completed ones found by it."""

    def __init__(self, tx: Transactor) -> None:
        self._tx = tx

    def record_sha256(self, document_id: str, sha256: str) -> bool:
        """Store the sha256 of a document's bytes if not yet known (quarantine needs it)."""

        def work(connection: Connection) -> bool:
            return (
                connection.execute(
                    sa.update(DOCUMENTS)
                    .where(DOCUMENTS.c.id == document_id, DOCUMENTS.c.sha256.is_(None))
                    .values(sha256=sha256)
                ).rowcount
                == 1
            )

        return self._tx.write(work)

    def completed_by_sha256(self, sha256s: Sequence[str]) -> list[tuple[str, str, dict[str, str]]]:
        """Completed documents with these sha256s: ``(sha256, document id, stage versions)``.

        The versions are the ``versions`` the document's batch recorded in its options
        (empty when it recorded none); newest documents first.
        """
        found: list[tuple[str, str, dict[str, str]]] = []
        with self._tx.read() as connection:
            for part in chunked(sorted(set(sha256s)), 500):
                rows = connection.execute(
                    sa.select(DOCUMENTS.c.sha256, DOCUMENTS.c.id, BATCHES.c.options)
                    .join(BATCHES, BATCHES.c.id == DOCUMENTS.c.batch_id)
                    .where(
                        DOCUMENTS.c.sha256.in_(list(part)),
                        DOCUMENTS.c.state == DocumentState.COMPLETED.value,
                    )
                    .order_by(DOCUMENTS.c.finished_at.desc())
                )
                found.extend((r.sha256, r.id, _versions(r.options)) for r in rows)
        return found


def _versions(options: Any) -> dict[str, str]:
    """The stage versions a batch recorded: ``options["pipeline"]["versions"]``."""
    options = options or {}
    versions = options.get("versions") or (options.get("pipeline") or {}).get("versions") or {}
    return {str(k): str(v) for k, v in versions.items()}

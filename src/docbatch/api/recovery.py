"""Recovering a batch's failed documents from the API and the dashboard.

:func:`recover_failed` is the one function the API calls. It runs the recovery engine
(:meth:`docbatch.client.Docbatch.recover`): the failed documents are reopened in a new
high-priority recovery batch linked to the original, each resuming at the stage it
failed at. A person pressing "recover" asks for every failure to be retried, so the API
includes data failures unless told otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from docbatch.errors import NothingToRecoverError
from docbatch.store.records import BatchRecord

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["NothingToRecoverError", "recover_failed"]


def recover_failed(
    client: Docbatch,
    batch_id: str,
    *,
    all_: bool = True,
    categories: Sequence[str] | None = None,
) -> BatchRecord:
    """Reopen ``batch_id``'s failed documents in a recovery batch and enqueue them.

    Raises :class:`~docbatch.errors.NotFoundError` for an unknown batch and
    :class:`NothingToRecoverError` when no failed document qualifies.
    """
    original = client.get_batch(batch_id)
    if original.failed == 0:
        raise NothingToRecoverError(f"batch {batch_id} has no failed documents to recover")
    # Checks first (categories, matching documents, a broker) and changes nothing on a
    # refusal; without a broker the ConfigError names the command that recovers embedded.
    return client.recover(batch_id, categories=categories, all_=all_)

"""Quarantine: skip bytes that keep failing the same way, until someone releases them.

A document whose bytes (by sha256, across batches and projects) failed the same stage
with the same error code ``DOCBATCH_QUARANTINE_THRESHOLD`` times is quarantined: later
batches fail it at once with the category ``quarantined`` and a reason naming the
earlier failure, instead of running it again (a document that kills its worker would
otherwise cost a crash per attempt in every batch). Only failures that say something
about the bytes count (data, permanent, timeout, worker_lost); see
:mod:`docbatch.store.quarantine_store`.

``docbatch quarantine list`` shows the entries; ``docbatch quarantine release SHA256``
lets the bytes run again (their counts restart at zero).
"""

from __future__ import annotations

from typing import Any

from docbatch.store.quarantine_store import QuarantineEntry

__all__ = ["QuarantineEntry", "list_quarantined", "quarantine_reason", "release"]


def quarantine_reason(entry: QuarantineEntry) -> str:
    """The reason stored on a document skipped because of ``entry``."""
    return (
        f"quarantined: these bytes failed {entry.count} times at stage {entry.stage} "
        f"({entry.error_category}/{entry.error_code}), last: {entry.reason[:300]}; "
        f"release with: docbatch quarantine release {entry.sha256}"
    )


def list_quarantined(
    repo: Any, threshold: int, *, include_all: bool = False
) -> list[QuarantineEntry]:
    """Entries quarantining documents now (every failure record with ``include_all``)."""
    entries: list[QuarantineEntry] = repo.list_quarantine(threshold, include_all=include_all)
    return entries


def release(repo: Any, sha256: str) -> int:
    """Let ``sha256`` run again; returns how many entries were released (0: none held)."""
    released: int = repo.release_quarantine(sha256.strip().lower())
    return released

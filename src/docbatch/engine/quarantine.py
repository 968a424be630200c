"""Quarantine: skip bytes that keep failing the same way, until someone releases them.

A document whose bytes (by sha256, across batches and projects) failed the same stage
with the same error code ``DOCBATCH_QUARANTINE_THRESHOLD`` times is quarantined: later
batches fail it at once with the category ``quarantined`` and a reason naming the
earlier failure, instead of running it again (a document that kills its worker would
otherwise cost a crash per attempt in every batch). Only failures that say something
about the bytes count (data, permanent, timeout, worker_lost); see
:mod:`docbatch.store.quarantine`.

``docbatch quarantine list`` shows the entries; ``docbatch quarantine release SHA256``
lets the bytes run again (their counts restart at zero).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docbatch.errors import QuarantinedError
from docbatch.store.quarantine import QuarantineEntry

if TYPE_CHECKING:
    from docbatch.engine.step import DocumentStep
    from docbatch.store.repository import Repository

__all__ = ["QuarantineEntry", "QuarantineGate", "list_quarantined", "quarantine_reason", "release"]


class QuarantineGate:
    """Fails a step at once when its bytes are quarantined (``threshold`` 0: never)."""

    def __init__(self, repo: Repository, threshold: int) -> None:
        self.repo = repo
        self.threshold = threshold

    def check(self, work: DocumentStep) -> None:
        """Raise :class:`QuarantinedError` if the step's bytes (their sha256 is known)
        are quarantined."""
        if work.document.attempts > 1 and not work.document.sha256:
            # An earlier run of this step ended without an answer (a killed worker): keep
            # the bytes' identity so a worker_lost failure counts toward quarantine.
            self.repo.warming.record_sha256(work.document.id, work.sha256)
        if self.threshold > 0 and self._may_be_quarantined(work):
            entries = self.repo.quarantine.active(work.sha256, self.threshold)
            if entries:
                raise QuarantinedError(quarantine_reason(entries[0]))

    def _may_be_quarantined(self, work: DocumentStep) -> bool:
        """False when the group's list of quarantined content (read once) lacks the
        document's: one query per group instead of one per document."""
        group = work.group
        if not group.quarantine_read:
            group.quarantined = self.repo.quarantine.active_sha256s(self.threshold)
            group.quarantine_read = True
        return group.quarantined is None or work.sha256 in group.quarantined


def quarantine_reason(entry: QuarantineEntry) -> str:
    """The reason stored on a document skipped because of ``entry``."""
    return (
        f"quarantined: these bytes failed {entry.count} times at stage {entry.stage} "
        f"({entry.error_category}/{entry.error_code}), last: {entry.reason[:300]}; "
        f"release with: docbatch quarantine release {entry.sha256}"
    )


def list_quarantined(
    repo: Repository, threshold: int, *, include_all: bool = False
) -> list[QuarantineEntry]:
    """Entries quarantining documents now (every failure record with ``include_all``)."""
    return repo.quarantine.entries(threshold, include_all=include_all)


def release(repo: Repository, sha256: str) -> int:
    """Let ``sha256`` run again; returns how many entries were released (0: none held)."""
    return repo.quarantine.release(sha256.strip().lower())

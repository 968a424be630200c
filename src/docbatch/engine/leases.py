"""Lease heartbeats: a running step keeps its documents' claims alive.

A claim holds a document for ``lease_seconds``. Rather than a lease long enough for the
slowest step (a 20-minute OCR job), the lease is short (a minute by default) and the
process running the step renews it every third of a lease from a daemon thread. A live
worker therefore never loses a document to the reconciler however long its step takes,
while the documents of a worker that died (or froze) are re-sent about one lease after
its last heartbeat.

Each renewal is a compare-and-set on the claim's owner and on the lease still being
live, so a heartbeat never revives a claim that expired or that another owner took over
(:func:`docbatch.store.leases.renew_leases`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType

__all__ = ["LeaseHeartbeat", "heartbeat_interval"]

log = logging.getLogger(__name__)

#: Renewing ``(document ids, owner) -> ids renewed``, e.g. ``DocumentStore.renew_leases``.
Renew = Callable[[Sequence[str], str], Sequence[str]]
#: The shortest time between two heartbeats, whatever the lease.
MIN_INTERVAL_S = 0.2


def heartbeat_interval(lease_seconds: float) -> float:
    """Seconds between two renewals of a lease of ``lease_seconds``: a third of it, so
    that two heartbeats may fail (a busy database) before the lease runs out."""
    return max(MIN_INTERVAL_S, lease_seconds / 3)


class LeaseHeartbeat:
    """Renews, every ``interval`` seconds, the leases ``owner`` holds on its documents.

    Use it as a context manager around the work the leases cover: the thread starts on
    entry and is stopped, and joined, on exit, whether the work ended or raised (a
    shutdown, Ctrl-C). :meth:`drop` stops renewing documents whose step has ended. A
    renewal that fails (the database is briefly away) is logged and tried again at the
    next beat.
    """

    def __init__(
        self,
        renew: Renew,
        owner: str,
        document_ids: Iterable[str],
        *,
        interval: float,
    ) -> None:
        self.renew = renew
        self.owner = owner
        self.interval = interval
        self._held = set(document_ids)
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        #: Renewals that went through, and beats that failed (for tests and logs).
        self.renewals = 0
        self.failures = 0

    @property
    def held(self) -> frozenset[str]:
        """The documents still being renewed."""
        with self._lock:
            return frozenset(self._held)

    def drop(self, document_ids: Iterable[str]) -> None:
        """Stop renewing these documents (their step committed, failed or handed off)."""
        with self._lock:
            self._held.difference_update(document_ids)

    def start(self) -> LeaseHeartbeat:
        """Start the heartbeat thread (a no-op when there is nothing to hold)."""
        if self._thread is None and self._held:
            self._thread = threading.Thread(
                target=self._run, name=f"docbatch-heartbeat-{self.owner}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the thread and wait (up to ``timeout`` s) for a renewal in flight."""
        self._stopped.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def beat(self) -> int:
        """Renew every held lease once; returns how many were renewed."""
        held = sorted(self.held)
        if not held:
            return 0
        # A lease not renewed now (lost, or its row locked by this step's own commit)
        # is asked for again at the next beat: the compare-and-set keeps that harmless.
        renewed = len(self.renew(held, self.owner))
        self.renewals += renewed
        return renewed

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.beat()
            except Exception as exc:  # the database is away: try again next beat
                self.failures += 1
                log.warning("lease heartbeat of %s failed: %s", self.owner, exc)

    def __enter__(self) -> LeaseHeartbeat:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

"""Keep Python's cyclic garbage collector cheap in processes that run long batches.

A worker imports a lot once (Celery, SQLAlchemy, eyecite's reporter and court tables,
compiled patterns: about 240,000 objects the collector tracks), then allocates millions
of short-lived objects per batch, which reference counting frees; stage code makes few
reference cycles. With the default thresholds, the collector still walked the imported
objects again and again: 0.46 s of every 100 documents in a worker process, about a
tenth of its time. :func:`settle_heap` moves every object alive at that moment out of
the collector's view (:func:`gc.freeze`) and collects the young generation ten times
less often; the same 100 documents then spend 0.07 s in the collector.

It is called where a process starts its long work: each Celery pool process as it
starts, ``docbatch run --inline`` before its batch, and the benchmark before its loops
(so that the loops it compares with get the same collector). Not in library calls: a
process that calls the engine now and then keeps its own collector settings.
"""

from __future__ import annotations

import gc

__all__ = ["YOUNG_THRESHOLD", "settle_heap"]

#: Allocations between two collections of the youngest generation (Python's default is
#: 700). The older generations keep their ratio of collections.
YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Freeze what is alive now and collect the young generation less often."""
    # No gc.collect() first: in a forked pool process it would touch every object the
    # parent left, copying their memory pages for nothing.
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, max(middle, 20), max(old, 20))

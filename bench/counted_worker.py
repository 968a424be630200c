"""docbatch's worker app with :mod:`bench.counting`'s counters, for ``bench services``.

``celery -A bench.counted_worker:app worker`` is :mod:`docbatch.worker.main`'s app
(same tasks, same settings), with the counters installed in the main process before the
pool forks, so every pool process counts too.
"""

from __future__ import annotations

from bench.counting import install

install()

from docbatch.worker.main import app  # noqa: E402 - the counters hook in first

__all__ = ["app"]

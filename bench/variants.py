"""A docbatch worker app with executor variants, for the ``overhead`` experiments only.

``celery -A bench.variants:app worker`` is docbatch's own app (same tasks, same settings
from ``DOCBATCH_*``); ``BENCH_VARIANT`` (comma-separated) changes the executor each worker
process builds, without touching :mod:`docbatch.engine.executor`:

- ``perstage``: ``fuse_stages=False``, so each stage of a document is a task of its own
  (the default runs every text stage of a document in one task);
- ``nocache``: no stage cache (no Redis round trips for MGET/SET and hit counters).
"""

from __future__ import annotations

import inspect
import os
from functools import cached_property
from typing import Any

from docbatch.settings import Settings
from docbatch.worker.app import create_app
from docbatch.worker.runtime import WorkerRuntime

__all__ = ["VARIANTS", "app", "apply_variant"]

#: The variant flags this module understands.
VARIANTS = ("perstage", "nocache")


def apply_variant(executor: Any, variant: str) -> Any:
    """Change a :class:`~docbatch.engine.executor.StageExecutor` as ``variant`` says."""
    flags = {flag.strip() for flag in variant.split(",") if flag.strip()}
    unknown = flags - set(VARIANTS)
    if unknown:
        raise ValueError(f"unknown executor variant(s) {sorted(unknown)}; known: {VARIANTS}")
    if "perstage" in flags:
        executor.fuse_stages = False
    if "nocache" in flags:
        executor.cache = None
    return executor


# The runtime's public ``executor`` property returns the cached ``_executor``: wrap its
# builder, so the fork check stays the runtime's own.
_build_executor = inspect.getattr_static(WorkerRuntime, "_executor").func


def _variant_executor(self: WorkerRuntime) -> Any:
    return apply_variant(_build_executor(self), os.environ.get("BENCH_VARIANT", ""))


_patched = cached_property(_variant_executor)
_patched.__set_name__(WorkerRuntime, "_executor")
WorkerRuntime._executor = _patched  # type: ignore[method-assign,assignment]

app = create_app(Settings.from_env())

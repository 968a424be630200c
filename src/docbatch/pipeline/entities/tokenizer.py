"""The eyecite tokenizer: Hyperscan when it is importable, eyecite's default otherwise.

Compiling eyecite's Hyperscan database takes ≈ 13 s, so it is compiled once per process
and also written to a per-user cache folder; a later process loads it in ≈ 0.2 s.
eyecite loads whatever database bytes it finds in that folder, so the folder must be
private: it is created with mode 0700 and ignored when another user owns it or others
can write to it.

A Hyperscan database scans with one scratch space, which two threads may not use at once
(``ScratchInUseError``): the process-wide tokenizer is therefore used by one thread at a
time (:class:`_OneThreadAtATime`). Threads run steps side by side in ``docbatch run``
while its workers start, in a thread-pool worker, and in the tests.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

__all__ = ["citation_tokenizer", "default_cache_dir", "hyperscan_available"]

log = logging.getLogger(__name__)

_lock = threading.Lock()
_tokenizers: dict[bool, Any] = {}


def hyperscan_available() -> bool:
    """True when the ``hyperscan`` package can be imported."""
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def default_cache_dir() -> Path:
    """The per-user folder for eyecite's compiled Hyperscan database."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(tempfile.gettempdir()) / f"docbatch-eyecite-hyperscan-{uid}"


def citation_tokenizer(use_hyperscan: bool = True) -> Any:
    """The process-wide eyecite tokenizer (Hyperscan if asked for and importable).

    Falls back to eyecite's default tokenizer when Hyperscan is missing or its database
    cannot be compiled.
    """
    want = use_hyperscan and hyperscan_available()
    with _lock:
        if want not in _tokenizers:
            _tokenizers[want] = _build(want)
        return _tokenizers[want]


def _build(hyperscan: bool) -> Any:
    from eyecite.tokenizers import HyperscanTokenizer, default_tokenizer

    if not hyperscan:
        return default_tokenizer
    tokenizer = HyperscanTokenizer(cache_dir=_private_dir(default_cache_dir()))
    try:
        # Compile (or load) now, under the lock, rather than in the first document.
        tokenizer.hyperscan_db  # noqa: B018
    except Exception as exc:  # hyperscan raises its own error types; any means "no"
        log.warning("Hyperscan tokenizer unavailable (%s); using eyecite's default", exc)
        return default_tokenizer
    return _OneThreadAtATime(tokenizer)


class _OneThreadAtATime:
    """A tokenizer whose :meth:`tokenize` runs in one thread at a time.

    eyecite only calls ``tokenize``; every other attribute is the wrapped tokenizer's.
    The scan is a small part of a document's entities stage, so the wait is short.
    """

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._lock = threading.Lock()

    def tokenize(self, text: str) -> Any:
        with self._lock:
            return self._tokenizer.tokenize(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)


def _private_dir(path: Path) -> str | None:
    """``path`` as a string if it is (or can be made) a folder only we can write to."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    shared = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return str(path) if owner_ok and not shared else None

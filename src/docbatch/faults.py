"""Test-only fault injection: a document that kills its process, a process that freezes.

The chaos suite (``tests/chaos``) needs faults no signal sent from outside can time
precisely. Each is switched on by an environment variable read once, when this module is
imported; without it the point does nothing, and no setting or production path sets it.

- ``DOCBATCH_TEST_POISON_MARKER``: the extract step of any document whose path contains
  the marker ends the process at once with ``os._exit(1)``, the way a parser bug that
  segfaults would (:func:`poison_point`).
- ``DOCBATCH_TEST_FREEZE_ONCE``: a file path. The first process to commit a stage after
  it locked the document's row creates that file, writes its pid into it and stops
  itself with SIGSTOP, in the middle of its transaction, until the test sends SIGCONT
  (:func:`freeze_point`). Later commits, in any process, go on as usual.
"""

from __future__ import annotations

import os
import signal

__all__ = ["FREEZE_ONCE_ENV", "POISON_MARKER_ENV", "freeze_point", "poison_point"]

#: The environment variable naming the marker (unset in production).
POISON_MARKER_ENV = "DOCBATCH_TEST_POISON_MARKER"
_MARKER = os.environ.get(POISON_MARKER_ENV) or None
#: The environment variable naming the freeze flag file (unset in production).
FREEZE_ONCE_ENV = "DOCBATCH_TEST_FREEZE_ONCE"
_FREEZE_FLAG = os.environ.get(FREEZE_ONCE_ENV) or None


def poison_point(path: str) -> None:
    """Kill this process if ``path`` carries the test poison marker (tests only)."""
    if _MARKER is not None and _MARKER in path:
        os._exit(1)


def freeze_point() -> None:
    """Stop this process (SIGSTOP) if it is the first to get here (tests only)."""
    if _FREEZE_FLAG is None:
        return
    try:
        flag = os.open(_FREEZE_FLAG, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    try:
        os.write(flag, str(os.getpid()).encode())
    finally:
        os.close(flag)
    os.kill(os.getpid(), signal.SIGSTOP)

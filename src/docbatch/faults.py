"""Test-only fault injection: a document that kills its process, a process that freezes.

The chaos suite (``tests/chaos``) needs faults no signal sent from outside can time
precisely. Each is switched on by an environment variable read once, when this module is
imported. Each hook is chosen then too: without its variable it is None, so production
code pays one ``is not None`` test and never a call; no setting or production path sets
the variables.

- ``DOCBATCH_TEST_POISON_MARKER``: the extract step of any document whose path contains
  the marker ends the process at once with ``os._exit(1)``, the way a parser bug that
  segfaults would (:data:`poison_point`).
- ``DOCBATCH_TEST_FREEZE_ONCE``: a file path. The first process to commit a stage after
  it locked the document's row creates that file, writes its pid into it and stops
  itself with SIGSTOP, in the middle of its transaction, until the test sends SIGCONT
  (:data:`freeze_point`). Later commits, in any process, go on as usual.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable

__all__ = ["FREEZE_ONCE_ENV", "POISON_MARKER_ENV", "freeze_point", "poison_point"]

#: The environment variable naming the marker (unset in production).
POISON_MARKER_ENV = "DOCBATCH_TEST_POISON_MARKER"
#: The environment variable naming the freeze flag file (unset in production).
FREEZE_ONCE_ENV = "DOCBATCH_TEST_FREEZE_ONCE"


def poison_hook(marker: str | None) -> Callable[[str], None] | None:
    """The hook that kills this process for a path carrying ``marker``; None without one."""
    if not marker:
        return None

    def poison(path: str) -> None:
        if marker in path:
            os._exit(1)

    return poison


def freeze_hook(flag_path: str | None) -> Callable[[], None] | None:
    """The hook that stops (SIGSTOP) the first process to reach it, after writing its pid
    into ``flag_path``; None without a path."""
    if not flag_path:
        return None

    def freeze() -> None:
        try:
            flag = os.open(flag_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return
        try:
            os.write(flag, str(os.getpid()).encode())
        finally:
            os.close(flag)
        os.kill(os.getpid(), signal.SIGSTOP)

    return freeze


#: Called with the path of each document at extract (after the quarantine check), when
#: the chaos suite set :data:`POISON_MARKER_ENV`; None otherwise.
poison_point = poison_hook(os.environ.get(POISON_MARKER_ENV))
#: Called in each stage commit's transaction once its row is locked, when the chaos
#: suite set :data:`FREEZE_ONCE_ENV`; None otherwise.
freeze_point = freeze_hook(os.environ.get(FREEZE_ONCE_ENV))

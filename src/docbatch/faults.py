"""Test-only fault injection: a "poison" document that kills the process running it.

The chaos suite (``tests/chaos``) needs a document that crashes its worker every time,
the way a parser bug that segfaults would. When the environment variable
``DOCBATCH_TEST_POISON_MARKER`` is set (read once, when this module is imported), the
extract step of any document whose path contains that marker ends the process at once
with ``os._exit(1)``. Without the variable :func:`poison_point` does nothing; no setting
or production path ever sets it.
"""

from __future__ import annotations

import os

__all__ = ["POISON_MARKER_ENV", "poison_point"]

#: The environment variable naming the marker (unset in production).
POISON_MARKER_ENV = "DOCBATCH_TEST_POISON_MARKER"
_MARKER = os.environ.get(POISON_MARKER_ENV) or None


def poison_point(path: str) -> None:
    """Kill this process if ``path`` carries the test poison marker (tests only)."""
    if _MARKER is not None and _MARKER in path:
        os._exit(1)

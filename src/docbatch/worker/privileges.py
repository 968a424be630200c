"""Workers refuse to run as root unless told to (``DOCBATCH_ALLOW_ROOT_WORKER=1``).

A worker parses untrusted documents; as root, a parser exploit owns the machine. The check
runs in ``docbatch worker`` before Celery starts, and in any ``celery worker`` that loads
:mod:`docbatch.worker.main` (through Celery's ``celeryd_init`` signal), so both ways of
starting a worker refuse with the same message. Embedded mode and the tests, which run
as root in containers, set the variable explicitly.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from docbatch.errors import ConfigError
from docbatch.settings import Settings

__all__ = ["ROOT_REFUSAL", "connect_root_guard", "refuse_root"]

ROOT_REFUSAL = (
    "refusing to run a docbatch worker as root: workers parse untrusted documents. "
    "Run it as an unprivileged user, or set DOCBATCH_ALLOW_ROOT_WORKER=1 to accept the risk "
    "(for example inside a throw-away container)."
)


def refuse_root(settings: Settings) -> None:
    """Raise :class:`ConfigError` when this process is root and root is not allowed."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not settings.allow_root_worker:
        raise ConfigError(ROOT_REFUSAL)


def connect_root_guard() -> None:
    """Check :func:`refuse_root` when a Celery worker of a docbatch app initialises."""
    from celery.signals import celeryd_init

    celeryd_init.connect(_guard, weak=False, dispatch_uid="docbatch-root-guard")


def _guard(sender: Any = None, instance: Any = None, **_: Any) -> None:
    settings = getattr(
        getattr(getattr(instance, "app", None), "conf", None), "docbatch_settings", None
    )
    if not isinstance(settings, Settings):
        return
    try:
        refuse_root(settings)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        # SystemExit passes through Celery's signal dispatch, which swallows Exceptions.
        raise SystemExit(2) from exc

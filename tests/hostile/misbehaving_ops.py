"""Sandbox operations that misbehave on purpose, to test :mod:`docbatch.engine.sandbox`.

Loaded only by the tests, in a sandbox child:
``Sandbox(limits, "tests.hostile.misbehaving_ops:OPERATIONS")``.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Mapping
from typing import Any

from docbatch.engine.extractors import OPERATIONS as EXTRACT_OPERATIONS
from docbatch.errors import CorruptDocumentError


def _echo(params: Mapping[str, Any], data: bytes) -> dict[str, Any]:
    return {"size": len(data), "params": dict(params), "pid": os.getpid()}


def _segfault(params: Mapping[str, Any], data: bytes) -> None:
    os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(5)


def _hang(params: Mapping[str, Any], data: bytes) -> None:
    time.sleep(3600)


def _allocate(params: Mapping[str, Any], data: bytes) -> int:
    # Touch every page so resident memory grows like a real blow-up, not just the mapping.
    blocks = [bytearray(b"x" * (64 << 20)) for _ in range(int(params["blocks"]))]
    return len(blocks)


def _corrupt(params: Mapping[str, Any], data: bytes) -> None:
    raise CorruptDocumentError("PDF: broken on purpose")


def _bug(params: Mapping[str, Any], data: bytes) -> None:
    raise KeyError("not translated")


def _exit(params: Mapping[str, Any], data: bytes) -> None:
    os._exit(7)


def _abort_when_big(params: Mapping[str, Any], data: bytes) -> None:
    # What pdfium does: grow a buffer until an allocation fails, then abort().
    blocks = []
    try:
        while True:
            blocks.append(bytearray(b"x" * (32 << 20)))
    except MemoryError:
        os.abort()


OPERATIONS = {
    **EXTRACT_OPERATIONS,
    "echo": _echo,
    "segfault": _segfault,
    "hang": _hang,
    "allocate": _allocate,
    "corrupt": _corrupt,
    "bug": _bug,
    "exit": _exit,
    "abort_when_big": _abort_when_big,
}

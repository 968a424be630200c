"""Run untrusted-input parsers in a child process under a memory cap and a time limit.

A :class:`Sandbox` keeps one warm child per parent process (a Celery pool process, or the
process of ``docbatch run --inline``) and sends it one call at a time. The child is a fresh
Python interpreter (``python -m docbatch.engine.sandbox``, the equivalent of a ``spawn`` start)
that caps its own address space with ``RLIMIT_AS``, disables core dumps and then serves
calls from a fixed table of operations. Nothing is pickled across the boundary: a request
is one JSON line plus the document's raw bytes on the child's stdin, and a reply is one
JSON line on its stdout. The sandbox itself writes no file (container expansion has its
operation write members into a folder the caller made: :mod:`docbatch.engine.expansion`).

What can go wrong in the child, and what the caller sees:

- the parser raises a docbatch error (corrupt, encrypted, too large, ...): the same error;
- it runs out of its memory cap: :class:`ParserMemoryError` ("parser exceeded 1024 MB");
- it runs past the time limit: the child is killed, :class:`~docbatch.errors.StageTimeoutError`
  ("parser ran over 120 s");
- it dies on a signal (a segfault in pdfium): :class:`ParserCrashedError` ("parser crashed
  with signal 11"), or :class:`ParserMemoryError` when it died at its memory cap (pdfium
  aborts when an allocation fails);
- it raises anything else (a bug in our translation of vendor errors):
  :class:`ParserBugError`, deliberately outside the docbatch tree so it is logged as one.

After any failure other than a docbatch error the child is discarded and the next call
starts a new one, so a poisoned heap never serves another document.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import resource
import selectors
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from docbatch import errors
from docbatch.errors import (
    DocbatchError,
    ErrorCategory,
    InputError,
    PermanentError,
    StageTimeoutError,
)

log = logging.getLogger(__name__)

__all__ = [
    "Operation",
    "ParserBugError",
    "ParserCrashedError",
    "ParserMemoryError",
    "Sandbox",
    "SandboxLimits",
]

#: An operation the child can run: JSON parameters and the document's bytes in, a JSON
#: value out. Operations raise docbatch errors for bad input.
Operation = Callable[[Mapping[str, Any], bytes], Any]

#: A child that died on a signal with a peak resident size at least this share of its
#: cap is taken to have died of the cap (a failed allocation aborts pdfium).
_MEMORY_DEATH_SHARE = 0.75
#: Environment variables never handed to the child: it needs no credentials.
_SECRET_PREFIXES = ("DOCBATCH_",)


class ParserMemoryError(PermanentError):
    """The parser ran out of its memory cap; the same bytes would do so again.

    Category ``data``, not ``resource``: the cap is per document, so retrying cannot
    help (a resource failure would be retried). Raise the cap and recover with
    ``--category data`` to try again.
    """

    category = ErrorCategory.DATA
    code = "memory_limit"


class ParserCrashedError(InputError):
    """The parser process died on a signal (for example a segfault in native code)."""

    code = "parser_crashed"


class ParserBugError(RuntimeError):
    """The parser raised an exception that is not a docbatch error: a bug to fix.

    The message is the exception's type and message; the child's traceback is in
    ``trace`` and in the log, never in the message (it becomes a stored reason).
    """

    def __init__(self, message: str, trace: str = "") -> None:
        super().__init__(message)
        self.trace = trace


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """Caps of one sandbox: address space in MiB and wall-clock seconds per call."""

    memory_mb: int = 1024
    time_limit: float = 120.0
    #: Pillow's process-wide pixel cap, set in the child (0 leaves Pillow's default).
    max_image_pixels: int = 0


class Sandbox:
    """One warm child process that runs operations under :class:`SandboxLimits`.

    ``operations`` names a module attribute (``"package.module:NAME"``) holding a mapping
    of operation name to :data:`Operation`; the child imports it at start. The child is
    started on the first call and after any call that lost it.
    """

    def __init__(self, limits: SandboxLimits, operations: str) -> None:
        self.limits = limits
        self.operations = operations
        #: Largest peak resident size (MiB) any child of this sandbox reported or left.
        self.peak_rss_mb = 0.0
        self._inherited_mb = 0.0
        self._child_reported_mb = 0.0
        #: How many children this sandbox has started.
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The running child's pid, if there is one."""
        process = self._process
        return process.pid if process is not None and self._alive() else None

    def call(self, operation: str, params: Mapping[str, Any], data: bytes) -> Any:
        """Run ``operation`` on ``data`` in the child; return its JSON result.

        Raises the operation's docbatch error, or :class:`ParserMemoryError`,
        :class:`~docbatch.errors.StageTimeoutError`, :class:`ParserCrashedError` or
        :class:`ParserBugError` as the module docstring describes.
        """
        header = json.dumps({"op": operation, "params": params, "size": len(data)})
        with self._lock:
            process = self._ensure_started()
            deadline = time.monotonic() + self.limits.time_limit
            try:
                reply = self._exchange(process, header.encode() + b"\n", data, deadline)
            except BaseException:
                self._discard()  # a soft time limit or Ctrl-C mid-call desynchronises it
                raise
            if reply is None:
                raise self._lost(process)
        return self._result(reply)

    def close(self) -> None:
        """Stop the child (it also exits by itself when this process's end of the pipe closes)."""
        with self._lock:
            self._discard()

    # -- the child's life -----------------------------------------------------------------

    def _alive(self) -> bool:
        return (
            self._process is not None
            and self._owner_pid == os.getpid()
            and self._process.returncode is None
        )

    def _ensure_started(self) -> subprocess.Popen[bytes]:
        if self._owner_pid != os.getpid():
            # Forked: the child belongs to the parent process; start our own.
            self._process, self._owner_pid = None, os.getpid()
        if self._process is None or self._process.returncode is not None:
            self._process = self._spawn()
        return self._process

    def _spawn(self) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(_SECRET_PREFIXES)}
        # Few malloc arenas and one OCR thread: address space is what the cap counts.
        env.update({"MALLOC_ARENA_MAX": "2", "OMP_THREAD_LIMIT": "1"})
        command = [
            sys.executable, "-m", "docbatch.engine.sandbox",
            str(self.limits.memory_mb), str(self.limits.max_image_pixels), self.operations,
        ]  # fmt: skip
        self.starts += 1
        # Linux carries the RSS the child inherited at fork into its ru_maxrss even
        # across exec, so a peak at or below this figure says nothing about the child.
        self._inherited_mb = _proc_status_mb(os.getpid(), "VmHWM")
        self._child_reported_mb = 0.0
        return subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True
        )

    def _discard(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        if self._owner_pid != os.getpid():
            return  # not ours to stop
        process.kill()
        self._reap(process)

    def _reap(self, process: subprocess.Popen[bytes]) -> tuple[int, float]:
        """Wait for ``process``; return its exit status and its peak RSS in MiB."""
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except ChildProcessError:  # already reaped elsewhere
            return process.wait(), 0.0
        process.returncode = os.waitstatus_to_exitcode(status)
        rss_mb = usage.ru_maxrss / 1024
        if rss_mb <= self._inherited_mb * 1.05 + 16:
            # Not above what it inherited: fall back to the child's own last report.
            rss_mb = self._child_reported_mb
        self.peak_rss_mb = max(self.peak_rss_mb, rss_mb)
        return process.returncode, rss_mb

    def _lost(self, process: subprocess.Popen[bytes]) -> DocbatchError:
        """The error for a child that closed its pipe without replying."""
        self._process = None
        code, rss_mb = self._reap(process)
        return _death_error(code, rss_mb, self.limits.memory_mb)

    # -- one exchange ---------------------------------------------------------------------

    def _exchange(
        self, process: subprocess.Popen[bytes], header: bytes, data: bytes, deadline: float
    ) -> bytes | None:
        """Send a request, read the reply line; None when the child died first."""
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(header)
            process.stdin.write(data)
            process.stdin.flush()
        except BrokenPipeError:
            return None
        return _read_line(process.stdout, deadline, self._timed_out)

    def _timed_out(self) -> None:
        self._discard()
        raise StageTimeoutError(f"parser ran over {self.limits.time_limit:g} s")

    def _result(self, reply: bytes) -> Any:
        message = json.loads(reply)
        self._child_reported_mb = float(message.get("rss_mb", 0.0))
        self.peak_rss_mb = max(self.peak_rss_mb, self._child_reported_mb)
        if "ok" in message:
            return message["ok"]
        if message.get("memory"):
            with self._lock:
                self._discard()  # the child exits after a MemoryError anyway
            raise ParserMemoryError(f"parser exceeded {self.limits.memory_mb} MB")
        failure = message["error"]
        if failure.get("bug"):
            log.error("parser bug in the sandbox child:\n%s", failure["trace"])
            raise ParserBugError(f"{failure['type']}: {failure['message']}", failure["trace"])
        raise _rebuild_error(failure)


def _proc_status_mb(pid: int, field: str) -> float:
    """A memory figure (``VmRSS``, ``VmHWM``) of a process in MiB; 0.0 when unknown."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0.0


def _read_line(stream: IO[bytes], deadline: float, on_timeout: Callable[[], None]) -> bytes | None:
    """Read one line from ``stream`` before ``deadline``; None on end of file."""
    chunks: list[bytes] = []
    fd = stream.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                on_timeout()
                return None  # pragma: no cover - on_timeout raises
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)


def _death_error(exit_code: int, peak_rss_mb: float, cap_mb: int) -> DocbatchError:
    if exit_code < 0:
        number = -exit_code
        # pdfium calls abort() when an allocation fails, which under our address-space
        # cap means the cap was hit; the peak is a second witness when it is known (it is
        # not when the parent's own peak, inherited by the child, hides the child's).
        if number == signal.SIGABRT or peak_rss_mb >= _MEMORY_DEATH_SHARE * cap_mb:
            return ParserMemoryError(
                f"parser exceeded {cap_mb} MB (killed by signal {number} at {peak_rss_mb:.0f} MB)"
            )
        return ParserCrashedError(f"parser crashed with signal {number}")
    return ParserCrashedError(f"parser exited with status {exit_code} without answering")


def _rebuild_error(failure: Mapping[str, Any]) -> DocbatchError:
    """The docbatch error the child reported, as the same class where we know it."""
    name = str(failure.get("type"))
    cls = getattr(errors, name, None) or globals().get(name)
    if not (isinstance(cls, type) and issubclass(cls, DocbatchError)):
        cls = InputError
    # Built without the class's own constructor: some take other arguments.
    error: DocbatchError = cls.__new__(cls)
    DocbatchError.__init__(error, str(failure["message"]), code=failure.get("code") or cls.code)
    return error


# -- the child ----------------------------------------------------------------------------


def _limit_child(memory_mb: int, max_image_pixels: int) -> None:
    cap = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if max_image_pixels > 0:
        from docbatch.pipeline.extract_image import configure_pillow

        configure_pillow(max_image_pixels)


def _load_operations(spec: str) -> Mapping[str, Operation]:
    module, _, name = spec.partition(":")
    table: Mapping[str, Operation] = getattr(importlib.import_module(module), name)
    return table


def _serve_one(operations: Mapping[str, Operation], request: Mapping[str, Any], data: bytes) -> Any:
    try:
        return {"ok": operations[request["op"]](request["params"], data)}
    except MemoryError:
        return {"memory": True}
    except DocbatchError as exc:
        return {"error": {"type": type(exc).__name__, "code": exc.code, "message": exc.message}}
    except Exception as exc:
        trace = traceback.format_exc(limit=20)
        bug = {"bug": True, "type": type(exc).__name__, "message": str(exc), "trace": trace}
        return {"error": bug}


def _read_exact(stream: IO[bytes], size: int) -> bytes:
    parts, remaining = [], size
    while remaining:
        part = stream.read(remaining)
        if not part:
            raise EOFError
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def child_main(argv: list[str]) -> int:
    """The child's loop: ``memory_mb max_image_pixels module:OPERATIONS``."""
    memory_mb, max_pixels, spec = int(argv[0]), int(argv[1]), argv[2]
    # Replies go to a private copy of stdout; whatever native code prints goes to stderr.
    reply = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    _limit_child(memory_mb, max_pixels)
    operations = _load_operations(spec)
    requests = sys.stdin.buffer
    while True:
        line = requests.readline()
        if not line:
            return 0
        request = json.loads(line)
        try:
            data = _read_exact(requests, int(request["size"]))
        except EOFError:
            return 0
        answer = _serve_one(operations, request, data)
        del data
        # VmHWM, not ru_maxrss: the latter includes the parent's RSS inherited at fork.
        answer["rss_mb"] = _proc_status_mb(os.getpid(), "VmHWM") or (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        )
        reply.write(json.dumps(answer).encode() + b"\n")
        reply.flush()
        if answer.get("memory"):
            return 3  # a heap that hit the cap is not trusted with another document


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
